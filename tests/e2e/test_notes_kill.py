"""kill -9 while typing notes loses at most the last second of typing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e


def test_kill_9_while_typing_keeps_all_but_the_last_second(tmp_path: Path) -> None:
    db = tmp_path / "circle.db"
    for args in (("group", "add", "Circle"), ("member", "add", "Circle", "Ann")):
        subprocess.run(peertui_command(*args, "--db", str(db)), check=True, capture_output=True)
    terminal = Terminal(peertui_command("meeting", "Circle", "--db", str(db)))
    try:
        terminal.wait_for("Up next: Ann")
        terminal.send("C-n")
        terminal.wait_for("Meeting notes")
        terminal.type("Decided: trial the new rota for four weeks.")
        terminal.wait_for("weeks.")
        time.sleep(1.0)  # more than the last second before the kill
        terminal.type(" And then")
        os.kill(terminal.command_pid(), signal.SIGKILL)
        terminal.wait_for("PEERTUI-EXIT=137")
    finally:
        terminal.close()
    with sqlite3.connect(db) as conn:
        (body,) = conn.execute("SELECT body FROM notes").fetchone()
    assert body.startswith("Decided: trial the new rota for four weeks.")
    again = Terminal(peertui_command("meeting", "Circle", "--db", str(db)))
    try:
        again.wait_for("Up next: Ann")
        again.send("C-n")
        again.wait_for("trial the new rota")
    finally:
        again.close()
