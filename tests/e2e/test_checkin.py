"""A check-in round run from the keyboard in tmux, read back from the screen."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e


def make_group(db: Path, members: list[str]) -> None:
    def run(*args: str) -> None:
        subprocess.run(peertui_command(*args, "--db", str(db)), check=True, capture_output=True)

    run("group", "add", "Circle", "--checkin-minutes", "1")
    for name in members:
        run("member", "add", "Circle", name)


def test_three_member_check_in_in_order_with_overtime(tmp_path: Path) -> None:
    db = tmp_path / "circle.db"
    make_group(db, ["Ann", "Bob", "Chen"])
    terminal = Terminal(peertui_command("meeting", "Circle", "--db", str(db)))
    try:
        terminal.wait_for("Up next: Ann")
        terminal.send("Space")
        screen = terminal.wait_for("Up next: Bob")
        assert re.search(r"▶\s+Ann", screen)
        terminal.send("-")  # no time left: Ann is over time at once
        terminal.wait_for("OVERTIME")
        terminal.send("n")
        screen = terminal.wait_for("Up next: Chen")
        assert re.search(r"▶\s+Bob", screen) and re.search(r"✓\s+Ann", screen)
        terminal.send("n")
        screen = terminal.wait_for("Up next: nobody")
        assert re.search(r"▶\s+Chen", screen)
        terminal.send("n")
        screen = terminal.wait_for("Round complete")
        assert "█" in screen  # airtime shown at the end of the round
        terminal.send("C-q")
        terminal.wait_for("PEERTUI-EXIT=0")
    finally:
        terminal.close()


def test_kill_9_reopens_on_the_same_speaker_with_the_clock_run_on(tmp_path: Path) -> None:
    db = tmp_path / "circle.db"
    make_group(db, ["Ann", "Bob", "Chen"])
    command = peertui_command("meeting", "Circle", "--db", str(db))
    terminal = Terminal(command)
    try:
        terminal.wait_for("Up next: Ann")
        terminal.send("Space", "n")
        terminal.wait_for("Up next: Chen")
        killed_at = time.monotonic()
        os.kill(terminal.command_pid(), signal.SIGKILL)
        terminal.wait_for("PEERTUI-EXIT=137")
    finally:
        terminal.close()
    time.sleep(3)
    again = Terminal(command)
    try:
        screen = again.wait_for("Up next: Chen")
        down_for = time.monotonic() - killed_at
        assert re.search(r"▶\s+Bob", screen), screen
        left = re.search(r"(\d+):(\d\d) left of 1:00", screen)
        assert left, screen
        spoken = 60 - (int(left.group(1)) * 60 + int(left.group(2)))
        # Bob's clock ran on while the app was down.
        assert spoken >= int(down_for) - 1
        assert spoken <= down_for + 5
        again.send("C-q")
        again.wait_for("PEERTUI-EXIT=0")
    finally:
        again.close()
