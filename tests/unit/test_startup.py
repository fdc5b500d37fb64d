"""How the `peertui` command starts: the collector paused until the first paint, and only
the chosen command's part of the parser built."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from peertui import startup
from peertui.cli import COMMANDS, build_parser
from tests.conftest import make_app

SAMPLES = {
    "demo": ["demo", "--years", "2", "--no-open", "--db", "x.db"],
    "meeting": ["meeting", "Circle", "--as", "Ann", "--observe", "--no-mouse"],
    "group": ["group", "add", "Circle", "--checkin-minutes", "4"],
    "member": ["member", "list", "Circle", "--json"],
    "issue": ["issue", "add", "Circle", "Rota", "--urgency", "a", "--minutes", "5"],
    "share": ["share", "Circle", "--path", "/srv/peer", "--unix-group", "peers"],
    "followup": ["followup", "Circle", "--member", "Ann"],
    "review": ["review", "Circle"],
    "search": ["search", "Circle", "rota budget", "--limit", "3"],
    "export": ["export", "Circle", "--meeting", "latest", "--format", "json", "-o", "-"],
    "import": ["import", "group.json", "--name", "Circle 2"],
}


def test_every_command_has_a_sample() -> None:
    assert set(SAMPLES) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(SAMPLES))
def test_a_command_parses_alone_as_in_the_whole_parser(command: str) -> None:
    argv = SAMPLES[command]
    assert vars(build_parser(only=command).parse_args(argv)) == vars(
        build_parser().parse_args(argv)
    )


def test_the_whole_parser_lists_every_command() -> None:
    usage = build_parser().format_help()
    assert all(name in usage for name in COMMANDS)


def test_pause_then_resume_freezes_what_start_up_made() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    startup.pause_collector()
    try:
        assert not gc.isenabled()
        startup.pause_collector()  # twice: still one pause
        startup.resume_collector()
        assert gc.isenabled() and gc.get_freeze_count() > frozen
        startup.resume_collector()  # nothing paused: nothing happens
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_resume_leaves_a_collector_it_did_not_pause_alone() -> None:
    gc.disable()  # someone else's choice (a test runner, an embedding program)
    try:
        startup.resume_collector()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_the_app_resumes_collection_once_its_first_screen_is_painted(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "group.db")
    startup.pause_collector()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


@pytest.mark.parametrize("args", [["--version"], ["group", "list", "--json"], ["nonsense"]])
def test_the_command_runs_with_the_collector_back_on(tmp_path: Path, args: list[str]) -> None:
    """The entry point itself: whatever the command does, it ends with collection on."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('collector on' if gc.isenabled() else 'collector OFF'))\n"
        f"sys.argv = ['peertui', *{args!r}, *(['--db', {str(tmp_path / 'g.db')!r}]"
        f" if {args!r}[0] == 'group' else [])]\n"
        "from peertui.startup import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.stdout.splitlines()[-1] == "collector on"
    assert "Traceback" not in result.stderr
