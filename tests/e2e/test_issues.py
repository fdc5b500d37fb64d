"""Issues end to end: raised from the shell, voted and discussed in the app, carried over."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.tmux import Terminal, peertui_command

pytestmark = pytest.mark.e2e


def cli(db: Path, *args: str) -> str:
    return subprocess.run(
        peertui_command(*args, "--db", str(db)), check=True, capture_output=True, text=True
    ).stdout


def test_raise_vote_discuss_decide_and_carry_over(tmp_path: Path) -> None:
    db = tmp_path / "circle.db"
    cli(db, "group", "add", "Circle", "--checkin-minutes", "1")
    cli(db, "member", "add", "Circle", "Ann", "--login", "ann")
    cli(db, "member", "add", "Circle", "Bob", "--login", "bob")
    cli(db, "issue", "add", "Circle", "Budget cut", "--by", "ann", "--minutes", "1")
    cli(db, "issue", "add", "Circle", "Rota friction", "--by", "bob", "--minutes", "1")

    terminal = Terminal(peertui_command("meeting", "Circle", "--db", str(db)))
    try:
        terminal.wait_for("Up next: Ann")
        terminal.send("N")  # to the issues
        screen = terminal.wait_for("Top of the queue: Budget cut")
        assert "Rota friction" in screen
        terminal.send("Down", "v", "v")  # two dots on Rota friction
        screen = terminal.wait_for("Top of the queue: Rota friction")
        assert re.search(r"●●\s+Rota friction", screen)
        terminal.send("Enter")  # discuss the highlighted issue: Rota friction
        terminal.wait_for("1:00 left of 1:00")
        terminal.send("-")  # the timebox runs out
        terminal.wait_for("Continue for 7 more minutes")
        terminal.send("m")  # move on: the outcome dialog opens
        terminal.wait_for("Outcome: Rota friction")
        terminal.type("Trial the new rota")
        terminal.send("Enter")
        terminal.type("Draft the rota")
        terminal.send("Tab")
        terminal.type("bob")
        terminal.send("Enter")
        terminal.wait_for("Draft the rota — Bob")
        terminal.send("C-s")
        screen = terminal.wait_for("Top of the queue: Budget cut")
        assert "1 open" in screen and "Rota friction" not in screen
        terminal.send("E")
        terminal.wait_for("End the meeting?")
        terminal.send("y")
        terminal.wait_for("Meeting 1 ended and saved")
        # The next meeting: the commitment is due, the other issue carried over.
        terminal.send("m")
        terminal.wait_for("Start a meeting of Circle")
        terminal.send("Enter")
        terminal.wait_for("Up next: Ann")
        terminal.send("Space", "n")  # Bob speaks: his commitment shows beside him
        screen = terminal.wait_for("Draft the rota (due")
        assert "1 done · 2 not done · 3 dropped" in screen
        terminal.send("1")
        terminal.wait_for("· done")
        terminal.send("N")
        screen = terminal.wait_for("Top of the queue: Budget cut")
        assert re.search(r"Budget cut\s+Ann\s+B\s+1", screen), screen  # waited one meeting
        terminal.send("C-q")
        terminal.wait_for("PEERTUI-EXIT=0")
    finally:
        terminal.close()
    listed = cli(db, "issue", "list", "Circle", "--all", "--json")
    assert '"resolved"' in listed and "Trial the new rota" in listed
    assert "No open commitments." in cli(db, "followup", "Circle")
