"""The keyboard as peertui's own input thread reads it (peertui.ui.driver): it sleeps until
there is input, yet a lone Escape is still a key and Ctrl+Q still quits at once."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e


def cli(db: Path, *args: str) -> None:
    subprocess.run(peertui_command(*args, "--db", str(db)), check=True, capture_output=True)


def make_group(db: Path) -> None:
    cli(db, "group", "add", "Circle", "--checkin-minutes", "1")
    cli(db, "member", "add", "Circle", "Ann", "--login", "ann")
    cli(db, "member", "add", "Circle", "Bob", "--login", "bob")


def wakeups(pid: int) -> int:
    """Times any of the process's threads went to sleep and was woken (voluntary switches)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        for line in status.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                total += int(line.split()[1])
    return total


def test_escape_alone_is_a_key_and_ctrl_q_quits_at_once(tmp_path: Path) -> None:
    db = tmp_path / "circle.db"
    make_group(db)
    terminal = Terminal(peertui_command("meeting", "Circle", "--db", str(db)))
    try:
        terminal.wait_for("Up next: Ann")
        terminal.send("Escape")  # no more bytes follow: the parser's timeout makes it a key
        terminal.wait_for("Members of Circle", timeout=3)  # home
        terminal.send("Enter")  # back into the meeting in progress
        terminal.wait_for("Up next: Ann")
        terminal.send("Space")
        terminal.wait_for("left of 1:00")
        began = time.monotonic()
        terminal.send("C-q", pause=0)
        terminal.wait_for("PEERTUI-EXIT=0", timeout=5)
        assert time.monotonic() - began < 2.0, "the input thread held up quitting"
    finally:
        terminal.close()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_an_idle_terminal_does_not_wake_to_look_for_input(tmp_path: Path) -> None:
    """Textual's own input thread wakes ten times a second; peertui's sleeps until a key."""
    db = tmp_path / "circle.db"
    make_group(db)
    terminal = Terminal(peertui_command("--db", str(db)))
    try:
        terminal.wait_for("Members of Circle")
        pid = terminal.command_pid()
        time.sleep(1.0)  # past the start-up
        before = wakeups(pid)
        time.sleep(3.0)
        woken = wakeups(pid) - before
        # The home screen has no clock; what remains is the feed's slow safety poll.
        assert woken < 15, f"{woken} wake-ups in 3 s on an idle screen"
        terminal.send("q")  # a key still arrives after the long sleep
        terminal.send("C-q")
        terminal.wait_for("PEERTUI-EXIT=0", timeout=5)
    finally:
        terminal.close()
