"""A new user creates a group by keyboard at 80x24 and reads it back from the screen."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e


def test_create_a_group_by_keyboard_at_80x24(tmp_path: Path) -> None:
    db = tmp_path / "group.db"
    terminal = Terminal(peertui_command("--db", str(db)), width=80, height=24)
    try:
        terminal.wait_for("Welcome to peertui")
        terminal.type("Deputy Managers [b]Circle")
        terminal.send("Enter", "C-u")
        terminal.type("4")
        terminal.send("Enter")
        terminal.type("Priya Shah")
        terminal.send("Tab")
        terminal.type("priya")
        terminal.send("Enter")
        terminal.type("Zoë Okafor")
        terminal.send("Enter")
        terminal.wait_for("Members (2)")
        terminal.send("C-s")
        screen = terminal.wait_for("Members of Deputy Managers [b]Circle")
        assert "Priya Shah" in screen and "priya" in screen
        assert "Zoë Okafor" in screen
        assert "Check-in 4 min each" in screen
        terminal.send("C-q")
        terminal.wait_for("PEERTUI-EXIT=0")
    finally:
        terminal.close()
    listed = subprocess.run(
        peertui_command("member", "list", "Deputy Managers [b]Circle", "--json", "--db", str(db)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert [m["name"] for m in json.loads(listed.stdout)] == ["Priya Shah", "Zoë Okafor"]
    assert db.stat().st_mode & 0o777 == 0o600
