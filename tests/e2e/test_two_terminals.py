"""Two terminals on one database: the facilitator presses n, the member's screen follows."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e


def test_the_members_screen_follows_the_facilitator(tmp_path: Path) -> None:
    db = tmp_path / "circle.db"
    for args in (
        ("group", "add", "Circle", "--checkin-minutes", "2"),
        ("member", "add", "Circle", "Ann"),
        ("member", "add", "Circle", "Bob"),
        ("member", "add", "Circle", "Chen"),
    ):
        subprocess.run(peertui_command(*args, "--db", str(db)), check=True, capture_output=True)
    facilitator = Terminal(peertui_command("meeting", "Circle", "--as", "Ann", "--db", str(db)))
    member = None
    try:
        facilitator.wait_for("Up next: Ann")
        member = Terminal(peertui_command("meeting", "Circle", "--as", "Bob", "--db", str(db)))
        member.wait_for("Up next: Ann")
        facilitator.wait_for("Here: ★Ann · Bob")
        facilitator.send("Space")
        member.wait_for("Up next: Bob")
        started = time.monotonic()
        facilitator.send("n")
        screen = member.wait_for("Up next: Chen")
        assert time.monotonic() - started < 2  # well within a fraction of a second in practice
        assert "▶  Bob" in screen or "▶ Bob" in screen.replace("  ", " ")
        member.send("n")  # a member cannot drive the timer
        time.sleep(0.5)
        assert "Up next: Chen" in facilitator.screen()
        member.send("h")
        member.wait_for("Raise your hand")
        member.send("q")
        facilitator.wait_for("✋Bob (clarifying question)")
        member.send("C-q")
        member.wait_for("PEERTUI-EXIT=0")
        facilitator.send("C-q")
        facilitator.wait_for("PEERTUI-EXIT=0")
    finally:
        facilitator.close()
        if member is not None:
            member.close()
