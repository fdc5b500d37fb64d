"""The `peertui` command, run as a real subprocess against real database files."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from peertui import __version__
from tests.functional.test_store import (  # noqa: F401 - bad_db is a fixture
    BadDb,
    bad_db,
    build_locked_writer,
    file_state,
    make_peertui_db,
    query,
    siblings,
)

Run = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Run `python -m peertui ARGS` with a private HOME and XDG_DATA_HOME, PEERTUI_DB unset."""

    def run(*args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("PEERTUI_")}
        full_env.update(
            HOME=str(tmp_path / "home"),
            XDG_DATA_HOME=str(tmp_path / "xdg-data"),
            XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
            PEERTUI_BUSY_TIMEOUT_MS="200",
        )
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        result = subprocess.run(
            [sys.executable, "-m", "peertui", *args],
            cwd=tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=30,
            umask=0o022,
        )
        assert "Traceback" not in result.stdout + result.stderr
        return result

    return run


def ok(result: subprocess.CompletedProcess) -> str:
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """Exit 2 and exactly one `peertui: ...` line on stderr; returns that line."""
    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("peertui: ")
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A database with group 1 'Tuesday Circle' and its member Ann (login ann)."""
    path = tmp_path / "seeded.db"
    make_peertui_db(path)
    return path


# ---------------------------------------------------------------- happy paths


def test_groups_in_the_default_database(run: Run, tmp_path: Path) -> None:
    assert ok(run("group", "list")) == "No groups yet. Create one with: peertui group add NAME\n"
    assert ok(run("group", "add", "Tuesday Circle")) == "Created group 'Tuesday Circle' (id 1).\n"
    assert ok(run("group", "add", "Book Club", "--checkin-minutes", "2.5", "--cadence-days", "7"))

    db = tmp_path / "xdg-data" / "peertui" / "peertui.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert not (tmp_path / "home" / ".local").exists()
    assert query(db, "SELECT id, name FROM groups ORDER BY id") == [
        (1, "Tuesday Circle"),
        (2, "Book Club"),
    ]

    rows = [re.split(r"\s{2,}", line) for line in ok(run("group", "list")).splitlines()]
    assert rows == [
        ["ID", "GROUP", "MEMBERS", "LAST MEETING", "NEXT MEETING", "OPEN ISSUES", "OPEN ACTIONS"],
        ["2", "Book Club", "0", "—", "—", "0", "0"],
        ["1", "Tuesday Circle", "0", "—", "—", "0", "0"],
    ]

    groups = json.loads(ok(run("group", "list", "--json")))
    assert [(g["id"], g["name"], g["members"]) for g in groups] == [
        (2, "Book Club", 0),
        (1, "Tuesday Circle", 0),
    ]
    assert (groups[0]["checkin_minutes"], groups[0]["cadence_days"]) == (2.5, 7)
    assert (groups[1]["checkin_minutes"], groups[1]["cadence_days"]) == (5, 28)
    assert groups[1]["last_meeting"] is None and groups[1]["meeting_in_progress"] is False


def test_members_by_group_name_or_id(run: Run, tmp_path: Path) -> None:
    ok(run("group", "add", "Tuesday Circle"))
    assert (
        ok(run("member", "add", "Tuesday Circle", "Ann", "--login", "ann"))
        == "Added 'Ann' to 'Tuesday Circle' (member id 1).\n"
    )
    ok(run("member", "add", "1", "Ben"))
    ok(run("member", "add", "tuesday circle", "Cleo", "--login", "cleo"))

    expected = [
        {"id": 1, "name": "Ann", "login": "ann", "active": True},
        {"id": 2, "name": "Ben", "login": None, "active": True},
        {"id": 3, "name": "Cleo", "login": "cleo", "active": True},
    ]
    assert json.loads(ok(run("member", "list", "Tuesday Circle", "--json"))) == expected
    assert json.loads(ok(run("member", "list", "1", "--json"))) == expected
    assert [line.split() for line in ok(run("member", "list", "1")).splitlines()] == [
        ["ID", "NAME", "LOGIN", "STATUS"],
        ["1", "Ann", "ann", "active"],
        ["2", "Ben", "—", "active"],
        ["3", "Cleo", "cleo", "active"],
    ]


def test_database_choice_db_option_then_env_then_default(run: Run, tmp_path: Path) -> None:
    from_env = tmp_path / "env" / "from-env.db"
    from_option = tmp_path / "from-option.db"
    ok(run("group", "add", "Via env", env={"PEERTUI_DB": str(from_env)}))
    env_db = {"PEERTUI_DB": str(from_env)}
    ok(run("group", "add", "Via option", "--db", str(from_option), env=env_db))
    ok(run("--db", str(from_option), "group", "add", "Option first"))
    # Without XDG_DATA_HOME the default is under HOME.
    ok(run("group", "add", "Via default", env={"XDG_DATA_HOME": None}))

    assert query(from_env, "SELECT name FROM groups") == [("Via env",)]
    assert query(from_option, "SELECT name FROM groups ORDER BY id") == [
        ("Via option",),
        ("Option first",),
    ]
    assert stat.S_IMODE(from_env.stat().st_mode) == 0o600
    assert stat.S_IMODE(from_env.parent.stat().st_mode) == 0o700
    default = tmp_path / "home" / ".local" / "share" / "peertui" / "peertui.db"
    assert query(default, "SELECT name FROM groups") == [("Via default",)]
    assert not (tmp_path / "xdg-data").exists()
    listed = json.loads(ok(run("group", "list", "--json", env={"PEERTUI_DB": str(from_env)})))
    assert [g["name"] for g in listed] == ["Via env"]


def test_version(run: Run) -> None:
    assert ok(run("--version")) == f"peertui {__version__}\n"


@pytest.mark.parametrize("args", [["--help"], ["member", "add", "--help"]])
def test_help(run: Run, args: list[str]) -> None:
    out = ok(run(*args))
    assert out.startswith("usage: peertui")
    assert "--db PATH" in out


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["member", "list", "Nope"], "There is no group named 'Nope'"),
        (["member", "add", "Tuesday Circle", "Ann"], "already has a member named 'Ann'"),
        (["member", "add", "1", "Annie", "--login", "ann"], "already has the login 'ann'"),
        (["member", "add", "1", "Bob", "--login", "bob smith"], "'bob smith' is not a Unix login"),
        (["group", "add", "Tuesday Circle"], "A group named 'Tuesday Circle' already exists"),
        (["group", "add", "X", "--cadence-days", "0"], "Days between meetings must be from 1"),
        (["group", "list", "--bogus"], "unrecognized arguments: --bogus"),
        (["group"], "the following arguments are required: ACTION"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
    ids=[
        "unknown-group",
        "duplicate-member",
        "duplicate-login",
        "bad-login",
        "duplicate-group",
        "bad-number",
        "bad-option",
        "group-without-action",
        "unknown-command",
    ],
)
def test_errors_are_one_line_exit_2_and_write_nothing(
    run: Run, seeded: Path, args: list[str], message: str
) -> None:
    before = file_state(seeded)
    line = one_line_error(run(*args, env={"PEERTUI_DB": str(seeded)}))
    assert message in line
    assert query(seeded, "SELECT count(*) FROM changes") == [(2,)]
    assert file_state(seeded) == before


FRAGMENTS = {
    "text-file": "is not a peertui (SQLite) database",
    "corrupt": "damaged",
    "newer-schema": "newer peertui",
    "foreign": "not a peertui database",
    "foreign-with-user-version": "not a peertui database",
    "read-only": "read-only",
    "locked-exclusive": "locked by another program",
    "locked-writer": "locked by another program",
}


def test_bad_database_is_one_line_exit_2_and_untouched(run: Run, bad_db: BadDb) -> None:
    # A held write lock still lets peertui read (WAL), so that case must try to write.
    args = ["group", "add", "Intruders"] if bad_db.case.opens else ["group", "list"]
    line = one_line_error(run(*args, "--db", str(bad_db.path)))
    assert str(bad_db.path) in line
    assert FRAGMENTS[bad_db.name] in line
    assert file_state(bad_db.path) == bad_db.before
    assert siblings(bad_db.path) == bad_db.around
    if bad_db.case.peertui_db:
        bad_db.release()
        assert query(bad_db.path, "SELECT name FROM groups") == [("Tuesday Circle",)]
        assert file_state(bad_db.path) == bad_db.before


def test_database_with_a_held_write_lock_can_still_be_read(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = build_locked_writer(path)
    try:
        listed = json.loads(ok(run("group", "list", "--json", "--db", str(path))))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [g["name"] for g in listed] == ["Tuesday Circle"]


# ---------------------------------------------------------------- hostile names


def test_markup_and_escapes_in_names_are_kept_exactly_and_shown_inert(run: Run) -> None:
    group = "\x1b[2JWipe [bold]Club[/bold]"
    evil = "\x1b[31mEvil\x07"
    marked = "[link=file:///etc/passwd]Ann[/link]"
    created = ok(run("group", "add", group))
    assert created == "Created group '\u241b[2JWipe [bold]Club[/bold]' (id 1).\n"
    added = ok(run("member", "add", "1", evil))
    assert "\x1b" not in added and "\u241b[31mEvil\u2407" in added
    ok(run("member", "add", "1", marked))

    members = json.loads(ok(run("member", "list", "1", "--json")))
    assert [m["name"] for m in members] == [evil, marked]
    assert json.loads(ok(run("group", "list", "--json")))[0]["name"] == group

    for out in (ok(run("member", "list", "1")), ok(run("group", "list"))):
        assert "\x1b" not in out and "\x07" not in out
    assert "\u241b[31mEvil\u2407" in ok(run("member", "list", group))
    assert "\u241b[2JWipe [bold]Club[/bold]" in ok(run("group", "list"))

    line = one_line_error(run("member", "add", "1", evil))
    assert "\x1b" not in line and "\x07" not in line
