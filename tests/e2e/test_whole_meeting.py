"""A whole meeting, run from the keyboard in tmux as a facilitator would, then its minutes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e

MEMBERS = ["Priya", "Tom", "Zoë", "Łukasz"]


def cli(db: Path, *args: str) -> str:
    return subprocess.run(
        peertui_command(*args, "--db", str(db)), check=True, capture_output=True, text=True
    ).stdout


def test_a_whole_meeting_from_check_in_to_minutes(tmp_path: Path) -> None:
    db = tmp_path / "forum.db"
    cli(db, "group", "add", "Forum", "--checkin-minutes", "1")
    for name in MEMBERS:
        cli(db, "member", "add", "Forum", name)
    terminal = Terminal(peertui_command("meeting", "Forum", "--as", "Priya", "--db", str(db)))
    try:
        # Check-in: four members in turn.
        terminal.wait_for("Up next: Priya")
        terminal.send("Space")
        terminal.wait_for("Up next: Tom")
        for following in ("Zoë", "Łukasz", "nobody"):
            terminal.send("n")
            terminal.wait_for(f"Up next: {following}")
        terminal.send("n")
        terminal.wait_for("Round complete")
        # Two issues raised in the meeting.
        for title in ("New pricing", "Succession"):
            terminal.send("a")
            terminal.wait_for("Raise an issue")
            terminal.type(title)
            terminal.send("Enter")
            terminal.wait_for("Issue raised")
        terminal.send("N")
        terminal.wait_for("Top of the queue: New pricing")
        # Discuss the first: resolved with an action for Tom.
        terminal.send("Enter")
        terminal.wait_for("Discussion")
        terminal.send("o")
        terminal.wait_for("Outcome: New pricing")
        terminal.type("Raise prices 4% in March")
        terminal.send("Enter")
        terminal.type("Model the margin impact")
        terminal.send("Tab")
        terminal.type("Tom")
        terminal.send("Enter")
        terminal.wait_for("Model the margin impact — Tom")
        terminal.send("C-s")
        terminal.wait_for("Top of the queue: Succession")
        # The second: carried over.
        terminal.send("Enter")
        terminal.wait_for("Discussion")
        terminal.send("o")
        terminal.wait_for("Outcome: Succession")
        terminal.send("BTab", "Down", "Down", "Enter")  # the outcome: carried over
        terminal.send("Tab")
        terminal.type("Needs the board's view first")
        terminal.send("C-s")
        terminal.wait_for("Issue closed")  # carried over: it stays in the queue for next time
        assert "Top of the queue: Succession" in terminal.screen()
        # Wrap-up: ratings, then end the meeting.
        terminal.send("N")
        terminal.wait_for("Wrap-up (3/3)")
        terminal.send("r")
        terminal.wait_for("Rate this meeting")
        for rating in ("9", "8", "7", "9"):
            terminal.type(rating)
            terminal.send("Tab")
        terminal.send("C-s")
        terminal.wait_for("9 ")
        terminal.send("E")
        terminal.wait_for("End the meeting?")
        terminal.send("y")
        terminal.wait_for("Meeting 1 ended and saved")
        terminal.send("C-q")
        terminal.wait_for("PEERTUI-EXIT=0")
    finally:
        terminal.close()
    minutes_file = tmp_path / "minutes.md"
    cli(db, "export", "Forum", "-o", str(minutes_file))
    minutes = minutes_file.read_text()
    assert minutes.startswith("# Forum — meeting 1")
    assert "**New pricing** (raised by Priya)" in minutes and "Raise prices 4% in March" in minutes
    assert re.search(r"\*\*Tom\*\*\n\s+- Model the margin impact — due \d{4}-\d\d-\d\d", minutes)
    assert "Succession" in minutes.split("Carried to the next meeting")[1]
    assert "8.2 average from 4 ratings" in minutes
    assert minutes_file.stat().st_mode & 0o777 == 0o600
