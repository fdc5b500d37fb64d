"""Databases peertui must refuse: one clear line, exit code 2, no traceback, the file's
bytes untouched, through the command (in-process and the real entry point) and the app."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from peertui.store import Store
from peertui.store.schema import SCHEMA_VERSION
from peertui.ui.components.modals import FatalErrorScreen
from tests.badinput.conftest import copy_db, no_raw_controls, one_line_error, run_async
from tests.conftest import make_app, screen_text, wait_for

GROUP = "Tuesday Circle"
PAGE = 4096

# The commands that open a database, each with the group it acts on.
COMMANDS = {
    "group-list": ["group", "list"],
    "meeting": ["meeting", GROUP],
    "export": ["export", GROUP],
    "search": ["search", GROUP, "rota"],
    "review": ["review", GROUP],
}


async def _seed(path: Path) -> None:
    """A realistic small file: a group, members, issues and an ended meeting (many pages)."""
    from peertui.core.agenda import preset

    async with await Store.open(path, actor="seed", clock=lambda: 1_700_000_000.0) as store:
        group = await store.create_group(GROUP, members=[("Ann", "ann"), ("Bob", None)])
        for title in ("Rota for the summer", "Parking", "Budget"):
            await store.add_issue(group.id, title, details="details " * 50)
        meeting = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
        await store.end_meeting(meeting)


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bad-databases") / "good.db"
    run_async(_seed(path))
    assert path.stat().st_size > 3 * PAGE and not Path(f"{path}-wal").exists()
    return path


# ---------------------------------------------------------------- the bad files


def _garbage_over_page(good: Path, path: Path, page: int) -> None:
    data = bytearray(good.read_bytes())
    start = (page - 1) * PAGE + (100 if page == 1 else 0)  # page 1 keeps the file header
    data[start : page * PAGE] = random.Random(page).randbytes(page * PAGE - start)
    path.write_bytes(bytes(data))


def _newer_schema(good: Path, path: Path) -> None:
    copy_db(good, path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()


def _foreign(_good: Path, path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, file TEXT)")
    db.execute("INSERT INTO photos (file) VALUES ('holiday.jpg')")
    db.commit()
    db.close()


def _read_only(good: Path, path: Path) -> None:
    copy_db(good, path)
    path.chmod(0o444)


def _rollback_journal(good: Path, path: Path) -> None:
    copy_db(good, path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()


def _lock(statement: str) -> Callable[[Path], sqlite3.Connection]:
    def lock(path: Path) -> sqlite3.Connection:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute(statement)
        return holder

    return lock


@dataclass(frozen=True)
class Kind:
    build: Callable[[Path, Path], None]
    says: str  # a fragment of the one line the user gets
    lock: Callable[[Path], sqlite3.Connection] | None = None
    commands: tuple[str, ...] = tuple(COMMANDS)


KINDS: dict[str, Kind] = {
    "text": Kind(
        lambda _g, p: p.write_text("name,login\nAnn,ann\n" + "a CSV export, not a database\n" * 40),
        "not a peertui (SQLite) database",
    ),
    "random-bytes": Kind(
        lambda _g, p: p.write_bytes(random.Random(7).randbytes(3 * PAGE)),
        "not a peertui (SQLite) database",
    ),
    # SQLite itself takes a one-byte file for an empty one and would write a database over it.
    "one-byte": Kind(lambda _g, p: p.write_bytes(b"\n"), "not a peertui (SQLite) database"),
    "zeros": Kind(lambda _g, p: p.write_bytes(bytes(PAGE)), "not a peertui (SQLite) database"),
    "header-only": Kind(
        lambda _g, p: p.write_bytes(b"SQLite format 3\x00"), "not a peertui (SQLite) database"
    ),
    "directory": Kind(lambda _g, p: p.mkdir(), "is not a file"),
    "garbage-page-1": Kind(lambda g, p: _garbage_over_page(g, p, 1), "damaged"),
    "garbage-page-2": Kind(lambda g, p: _garbage_over_page(g, p, 2), "damaged"),
    "newer-schema": Kind(_newer_schema, "newer peertui"),
    "someone-elses-sqlite": Kind(_foreign, "not a peertui database"),
    "read-only": Kind(_read_only, "read-only"),
    "locked-exclusive": Kind(_rollback_journal, "locked by another program", _lock("BEGIN EXCLUSIVE")),
    # A held write lock still lets peertui read (WAL): only a command that writes must fail.
    "locked-writer": Kind(
        copy_db, "locked by another program", _lock("BEGIN IMMEDIATE"), ("meeting",)
    ),
}


def _state(path: Path) -> tuple:
    if path.is_dir():
        return ("dir", sorted(p.name for p in path.iterdir()), stat.S_IMODE(path.stat().st_mode))
    info = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, info.st_size, info.st_mtime_ns, stat.S_IMODE(info.st_mode)


@dataclass
class BadFile:
    name: str
    kind: Kind
    path: Path
    before: tuple
    around: set[str]
    holder: sqlite3.Connection | None = None

    def release(self) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None

    def assert_untouched(self) -> None:
        # Reading the file drops this process's POSIX locks: only once the lock is let go.
        self.release()
        assert _state(self.path) == self.before, f"{self.name}: the file was modified"
        assert {p.name for p in self.path.parent.iterdir()} == self.around, "files left behind"


@pytest.fixture
def bad_file(tmp_path: Path, good_db: Path) -> Iterator[Callable[[str], BadFile]]:
    """make(name): a fresh bad file of that kind, its state recorded before any lock."""
    made: list[BadFile] = []

    def make(name: str) -> BadFile:
        kind = KINDS[name]
        folder = tmp_path / f"bad-{len(made)}"
        folder.mkdir()
        path = folder / f"{name}.db"
        kind.build(good_db, path)
        if path.is_file() and name != "read-only":
            path.chmod(0o600)  # private, as peertui makes them: no exposure warning line
        bad = BadFile(name, kind, path, _state(path), {p.name for p in folder.iterdir()})
        bad.holder = kind.lock(path) if kind.lock else None
        made.append(bad)
        return bad

    yield make
    for bad in made:
        bad.release()
        if bad.path.is_file():
            bad.path.chmod(0o600)


def _check_line(line: str, bad: BadFile) -> None:
    assert str(bad.path) in line, line
    assert bad.kind.says in line, line


CLI_CASES = [(name, command) for name, kind in KINDS.items() for command in kind.commands]


@pytest.mark.parametrize(("name", "command"), CLI_CASES, ids=[f"{n}-{c}" for n, c in CLI_CASES])
def test_the_command_refuses_a_bad_database_in_one_line(
    cli, bad_file, cases, name: str, command: str
) -> None:
    bad = bad_file(name)
    result = cli(*COMMANDS[command], "--db", str(bad.path))
    cases.tried()
    _check_line(one_line_error(result), bad)
    bad.assert_untouched()


# The real entry point, once per kind (each command in turn): the same line, no traceback
# from the interpreter, the same exit code.
REAL_CASES = [
    (name, kind.commands[index % len(kind.commands)]) for index, (name, kind) in enumerate(KINDS.items())
]


@pytest.mark.parametrize(("name", "command"), REAL_CASES, ids=[f"{n}-{c}" for n, c in REAL_CASES])
def test_the_real_command_refuses_a_bad_database_in_one_line(
    subprocess_cli, bad_file, cases, name: str, command: str
) -> None:
    bad = bad_file(name)
    result = subprocess_cli(*COMMANDS[command], "--db", str(bad.path))
    cases.tried()
    _check_line(one_line_error(result), bad)
    bad.assert_untouched()


# The app: each kind its own run, starting where `peertui`, `peertui meeting` and
# `peertui review` start it (in turn). The write lock alone does not stop the app from
# opening (it reads); it is the command's case above.
APP_ENTRIES = [{}, {"meeting_id": 1}, {"review_group": 1}]
APP_CASES = [
    (name, APP_ENTRIES[index % len(APP_ENTRIES)])
    for index, name in enumerate(n for n in KINDS if n != "locked-writer")
]


@pytest.mark.parametrize(
    ("name", "entry"),
    APP_CASES,
    ids=[f"{n}-{'-'.join(e) or 'home'}" for n, e in APP_CASES],
)
async def test_the_app_shows_one_line_and_quits_with_code_2(
    bad_file, cases, name: str, entry: dict
) -> None:
    bad = bad_file(name)
    app = make_app(bad.path, **entry)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FatalErrorScreen))
        await pilot.pause()  # its first frame
        text = screen_text(app)
        assert "peertui cannot use this database" in text
        assert no_raw_controls(text)
        await pilot.press("enter")
        await pilot.pause()
    cases.tried()
    assert app.return_code == 2
    message = app.fatal_error or ""
    assert "\n" not in message and "\r" not in message and message == message.strip()
    _check_line(message, bad)
    assert "Traceback" not in message
    bad.assert_untouched()
