"""kill -9 while typing notes loses at most the last second of typing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from peertui.store import Store
from peertui.store.notes import NoteDoc
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
        saved = conn.execute("SELECT count(*) FROM note_updates").fetchone()[0]
    assert saved > 0  # every edit saved so far is in the database, as CRDT updates

    async def read_back() -> str:
        async with await Store.open(db) as store:
            meeting_id = await store.meeting_in_progress((await store.find_group("Circle")).id)
            return str(NoteDoc((await store.open_note(meeting_id)).state))

    assert asyncio.run(read_back()).startswith("Decided: trial the new rota for four weeks.")
    again = Terminal(peertui_command("meeting", "Circle", "--db", str(db)))
    try:
        again.wait_for("Up next: Ann")
        again.send("C-n")
        again.wait_for("trial the new rota")
    finally:
        again.close()
