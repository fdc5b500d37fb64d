"""The Store against real SQLite files: migrations, privacy, groups and members, the change
feed, and databases it must refuse without touching them."""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest

from peertui.core.rules import InvalidInput
from peertui.store import (
    DatabaseCorrupt,
    DatabaseLocked,
    NewerSchema,
    NotADatabase,
    NotFound,
    ReadOnlyDatabase,
    Store,
    StoreError,
)
from peertui.store.feed import FeedWatcher
from peertui.store.schema import MIGRATIONS, SCHEMA_VERSION

NOW = 1_700_000_000.0
BUSY_MS = 200
# Tables the first migration creates; later migrations may add more, never drop these.
CORE_TABLES = {
    "groups",
    "members",
    "meetings",
    "attendance",
    "turns",
    "issues",
    "votes",
    "commitments",
    "commitment_reviews",
    "notes",
    "changes",
}


# ---------------------------------------------------------------- helpers


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the file with a plain sqlite3 connection, independent of the Store."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def file_state(path: Path) -> tuple[str, int, int, int]:
    info = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, info.st_size, info.st_mtime_ns, stat.S_IMODE(info.st_mode)


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def feed(changes) -> list[tuple]:
    return [(c.group_id, c.entity, c.entity_id, c.kind) for c in changes]


async def seed(path: Path) -> None:
    """A small, valid peertui database: one group, one member, one change row each."""
    async with await Store.open(path, actor="seed", clock=lambda: NOW) as store:
        group = await store.create_group("Tuesday Circle")
        await store.add_member(group.id, "Ann", "ann")


def make_peertui_db(path: Path) -> None:
    """Synchronous `seed` (for fixtures), run off the test's event-loop thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, seed(path)).result()


# ---------------------------------------------------------------- bad databases


def build_text_file(path: Path) -> None:
    path.write_text("name,login\nAnn,ann\n" + "this is a CSV export, not a database\n" * 40)


def build_corrupt(path: Path) -> None:
    make_peertui_db(path)
    data = bytearray(path.read_bytes())
    assert len(data) > 4096 * 2
    data[100:4000] = random.Random(1234).randbytes(3900)  # page 1 after the file header
    path.write_bytes(bytes(data))


def build_newer_schema(path: Path) -> None:
    make_peertui_db(path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()


def build_foreign(path: Path, user_version: int = 0) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, file TEXT)")
    db.execute("INSERT INTO photos (file) VALUES ('holiday.jpg')")
    db.execute(f"PRAGMA user_version = {user_version}")
    db.commit()
    db.close()


def build_read_only(path: Path) -> None:
    make_peertui_db(path)
    path.chmod(0o444)


def build_rollback_journal(path: Path) -> None:
    make_peertui_db(path)
    db = sqlite3.connect(path, isolation_level=None)
    assert db.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    db.close()


# Locks are POSIX advisory locks, which a process loses on *any* close() of the file, so
# nothing in this process may open the database file while another process must see the
# lock (hence `before` is taken before locking).


def lock_exclusive(path: Path) -> sqlite3.Connection:
    """Another program holds an EXCLUSIVE lock on a rollback-journal database."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    return db


def lock_writer(path: Path) -> sqlite3.Connection:
    """Another connection holds the write lock of a WAL database."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    return db


def build_locked_writer(path: Path) -> sqlite3.Connection:
    make_peertui_db(path)
    return lock_writer(path)


class BadCase(NamedTuple):
    error: type[StoreError]
    build: Callable[[Path], None]
    lock: Callable[[Path], sqlite3.Connection] | None = None
    opens: bool = False  # reading works; the first write fails
    peertui_db: bool = False  # readable afterwards: check nothing was written


BAD_DBS: dict[str, BadCase] = {
    "text-file": BadCase(NotADatabase, build_text_file),
    "corrupt": BadCase(DatabaseCorrupt, build_corrupt),
    "newer-schema": BadCase(NewerSchema, build_newer_schema, peertui_db=True),
    "foreign": BadCase(NotADatabase, build_foreign),
    "foreign-with-user-version": BadCase(NotADatabase, lambda p: build_foreign(p, 7)),
    "read-only": BadCase(ReadOnlyDatabase, build_read_only, peertui_db=True),
    "locked-exclusive": BadCase(
        DatabaseLocked, build_rollback_journal, lock_exclusive, peertui_db=True
    ),
    "locked-writer": BadCase(
        DatabaseLocked, make_peertui_db, lock_writer, opens=True, peertui_db=True
    ),
}


@dataclass
class BadDb:
    name: str
    path: Path
    case: BadCase
    holder: sqlite3.Connection | None
    before: tuple = field(default=())
    around: set[str] = field(default_factory=set)

    @property
    def locked(self) -> bool:
        return self.name.startswith("locked")

    def release(self) -> None:
        """Let go of the other program's lock (idempotent)."""
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None


@pytest.fixture(params=list(BAD_DBS))
def bad_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BadDb]:
    folder = tmp_path / "bad"
    folder.mkdir()
    path = folder / f"{request.param}.db"
    case = BAD_DBS[request.param]
    case.build(path)
    before = file_state(path)
    holder = case.lock(path) if case.lock else None
    bad = BadDb(request.param, path, case, holder, before, siblings(path))
    try:
        yield bad
    finally:
        bad.release()
        path.chmod(0o600)


def assert_one_line_naming(error: BaseException, path: Path) -> None:
    message = str(error)
    assert message.strip() == message and message
    assert "\n" not in message and "\r" not in message
    assert str(path) in message


async def test_bad_database_is_refused_with_one_line_and_left_untouched(bad_db: BadDb) -> None:
    reached: list[str] = []
    started = time.monotonic()
    with pytest.raises(StoreError) as info:
        async with await Store.open(bad_db.path, busy_timeout_ms=BUSY_MS) as store:
            reached.append("opened")
            reached.extend(o.group.name for o in await store.list_groups())
            await store.create_group("Intruders")
            reached.append("wrote")
    elapsed = time.monotonic() - started

    assert type(info.value) is bad_db.case.error
    assert_one_line_naming(info.value, bad_db.path)
    # Only a held write lock lets the file open (reads work in WAL mode).
    assert reached == (["opened", "Tuesday Circle"] if bad_db.case.opens else [])
    if bad_db.locked:
        assert BUSY_MS / 1000 * 0.75 <= elapsed < 3, "waits about the busy timeout, no longer"
    assert file_state(bad_db.path) == bad_db.before
    assert siblings(bad_db.path) == bad_db.around  # no -wal/-shm/-journal left behind

    if bad_db.case.peertui_db:
        # Once the other program lets go, a checkpoint finds nothing of ours to apply.
        bad_db.release()
        assert query(bad_db.path, "SELECT name FROM groups") == [("Tuesday Circle",)]
        assert query(bad_db.path, "SELECT count(*) FROM changes") == [(2,)]
        assert file_state(bad_db.path) == bad_db.before


async def test_an_uncorrupted_copy_of_the_corrupt_case_opens(tmp_path: Path) -> None:
    """Guards the corrupt case: the same database before the damage is fine."""
    path = tmp_path / "fine.db"
    await seed(path)
    async with await Store.open(path) as store:
        assert [o.group.name for o in await store.list_groups()] == ["Tuesday Circle"]


async def test_write_lock_released_in_time_lets_the_write_through(tmp_path: Path) -> None:
    """The busy timeout is a wait, not an instant failure."""
    path = tmp_path / "g.db"
    await seed(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, lambda: (holder.execute("ROLLBACK"), holder.close()))
    async with await Store.open(path, busy_timeout_ms=3000) as store:
        group = await store.create_group("Patient")
    assert query(path, "SELECT id, name FROM groups ORDER BY id") == [
        (1, "Tuesday Circle"),
        (group.id, "Patient"),
    ]


# ---------------------------------------------------------------- migrations and files


async def test_migrates_a_new_file(db_path: Path) -> None:
    assert not db_path.exists()
    async with await Store.open(db_path) as store:
        async with store.transaction() as tx:
            assert (await tx.fetchone("PRAGMA foreign_keys"))[0] == 1
            assert (await tx.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert await store.group_count() == 0
        assert await store.last_change() == 0
    assert query(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]  # persistent in the file
    tables = {row[0] for row in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert CORE_TABLES <= tables
    assert query(db_path, "PRAGMA foreign_key_check") == []


async def test_foreign_keys_are_enforced_and_a_failed_transaction_keeps_nothing(
    db_path: Path,
) -> None:
    async with await Store.open(db_path) as store:
        with pytest.raises(StoreError, match="FOREIGN KEY constraint failed"):
            async with store.transaction() as tx:
                await tx.insert(
                    "INSERT INTO members (group_id, name, position, joined_at)"
                    " VALUES (999, 'Ghost', 1, 0)"
                )
                tx.changed(999, "member", None, "created")
        assert await store.last_change() == 0
    assert query(db_path, "SELECT count(*) FROM members") == [(0,)]


async def test_an_existing_empty_file_is_accepted_and_migrated(db_path: Path) -> None:
    db_path.touch(mode=0o600)
    assert db_path.stat().st_size == 0
    async with await Store.open(db_path) as store:
        group = await store.create_group("First")
    assert query(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert query(db_path, "SELECT id, name FROM groups") == [(group.id, "First")]
    tables = {row[0] for row in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert CORE_TABLES <= tables


async def test_reopening_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    await seed(db_path)
    schema = query(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    async with await Store.open(db_path) as store:
        assert [o.group.name for o in await store.list_groups()] == ["Tuesday Circle"]
        assert await store.last_change() == 2
    assert query(db_path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert query(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


@pytest.mark.parametrize("old_version", range(1, SCHEMA_VERSION))
async def test_an_older_database_is_upgraded_keeping_its_data(
    db_path: Path, old_version: int
) -> None:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.executescript("PRAGMA journal_mode = WAL;" + "".join(MIGRATIONS[:old_version]))
    db.execute("INSERT INTO groups (name, created_at) VALUES ('Old timers', 1.0)")
    db.execute("INSERT INTO members (group_id, name, login, position, joined_at)"
               " VALUES (1, 'Ann', 'ann', 1, 1.0)")
    db.execute("INSERT INTO changes (group_id, entity, entity_id, kind, actor, origin, at)"
               " VALUES (1, 'group', 1, 'created', 'old', 'x', 1.0)")
    db.execute(f"PRAGMA user_version = {old_version}")
    db.close()
    async with await Store.open(db_path) as store:
        [overview] = await store.list_groups()
        assert (overview.group.id, overview.group.name, overview.members_active) == (
            1,
            "Old timers",
            1,
        )
        assert [(m.name, m.login) for m in await store.list_members(1)] == [("Ann", "ann")]
        await store.add_member(1, "Ben")
        assert await store.last_change() == 2
    assert query(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask022", "umask000"])
async def test_new_database_and_folder_are_private(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "made" / "for" / "peertui.db"
    old = os.umask(umask)
    try:
        async with await Store.open(path) as store:
            await store.create_group("Private")
            wal_mode = mode(f"{path}-wal")
            shm_mode = mode(f"{path}-shm")
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert (wal_mode, shm_mode) == (0o600, 0o600)


# ---------------------------------------------------------------- groups


async def test_create_group_with_roster(db_path: Path) -> None:
    async with await Store.open(db_path, clock=lambda: NOW) as store:
        group = await store.create_group(
            "  Tuesday Circle ",
            checkin_minutes="7.5",
            cadence_days="14",
            votes_per_member=4,
            members=[("Ann", "ann"), ("Ben", None), ("  Cleo ", " cleo ")],
        )
        assert (group.name, group.checkin_minutes, group.cadence_days, group.votes_per_member) == (
            "Tuesday Circle",
            7.5,
            14,
            4,
        )
        assert group.created_at == NOW
        assert await store.get_group(group.id) == group
        members = await store.list_members(group.id)
        assert [(m.name, m.login, m.position, m.active) for m in members] == [
            ("Ann", "ann", 1, True),
            ("Ben", None, 2, True),
            ("Cleo", "cleo", 3, True),
        ]
        [overview] = await store.list_groups()
        assert (overview.group, overview.members_active, overview.meetings_held) == (group, 3, 0)
        assert overview.last_meeting_at is None and not overview.meeting_in_progress
        assert await store.group_count() == 1


async def test_duplicate_group_names_are_rejected(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.create_group("Caf\u00e9")
        seq = await store.last_change()
        for same in ["Caf\u00e9", " Caf\u00e9 ", "Cafe\u0301"]:  # same once normalised
            with pytest.raises(InvalidInput, match="already exists"):
                await store.create_group(same)
        assert await store.group_count() == 1
        assert await store.last_change() == seq


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ([("Ann", None), ("Ann", None)], "'Ann' is given twice"),
        ([("Ann", "ann"), ("Ben", "ann")], "login 'ann' is given twice"),
        ([("Ann", "not a login")], "is not a Unix login name"),
        ([("  ", None)], "Member name cannot be empty"),
    ],
)
async def test_bad_roster_creates_nothing(db_path: Path, roster, message: str) -> None:
    async with await Store.open(db_path) as store:
        with pytest.raises(InvalidInput, match=message):
            await store.create_group("G", members=roster)
        assert await store.group_count() == 0
        assert await store.last_change() == 0
    assert query(db_path, "SELECT count(*) FROM members") == [(0,)]


async def test_rename_and_update_group(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        group = await store.create_group("Old name")
        other = await store.create_group("Other")
        renamed = await store.update_group(
            group.id, name="New name", checkin_minutes="3", cadence_days="7", votes_per_member="2"
        )
        assert (renamed.id, renamed.name, renamed.checkin_minutes, renamed.cadence_days) == (
            group.id,
            "New name",
            3.0,
            7,
        )
        assert renamed.votes_per_member == 2
        assert (await store.find_group("New name")).id == group.id
        with pytest.raises(NotFound):
            await store.find_group("Old name")
        # Keeping its own name is fine; taking another group's is not.
        same = await store.update_group(
            group.id, name="New name", checkin_minutes=5, cadence_days=28, votes_per_member=3
        )
        assert same.name == "New name" and same.cadence_days == 28
        seq = await store.last_change()
        with pytest.raises(InvalidInput, match="'Other' already exists"):
            await store.update_group(
                group.id, name="Other", checkin_minutes=5, cadence_days=28, votes_per_member=3
            )
        with pytest.raises(InvalidInput, match="Days between meetings"):
            await store.update_group(
                group.id, name="X", checkin_minutes=5, cadence_days="0", votes_per_member=3
            )
        with pytest.raises(NotFound):
            await store.update_group(
                999, name="Ghost", checkin_minutes=5, cadence_days=28, votes_per_member=3
            )
        assert await store.last_change() == seq
        assert [o.group.name for o in await store.list_groups()] == ["New name", "Other"]
        assert (await store.get_group(other.id)).name == "Other"


async def test_find_group_by_name_id_and_case_insensitively(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        upper = await store.create_group("Alpha")
        lower = await store.create_group("alpha")
        circle = await store.create_group("Tuesday Circle")
        named_one = await store.create_group("1")
        cafe = await store.create_group("Caf\u00e9")

        assert (await store.find_group("Tuesday Circle")).id == circle.id
        assert (await store.find_group("tuesday circle")).id == circle.id
        assert (await store.find_group("  TUESDAY CIRCLE ")).id == circle.id
        assert (await store.find_group(str(circle.id))).id == circle.id
        assert (await store.find_group("Cafe\u0301")).id == cafe.id
        # An exact name beats an id; an exact name beats a case-insensitive match.
        assert upper.id == 1 and (await store.find_group("1")).id == named_one.id
        assert (await store.find_group("Alpha")).id == upper.id
        assert (await store.find_group("alpha")).id == lower.id
        with pytest.raises(NotFound, match="'ALPHA'"):  # ambiguous: two groups match
            await store.find_group("ALPHA")
        with pytest.raises(NotFound, match="There is no group named 'Nope'"):
            await store.find_group("Nope")
        with pytest.raises(NotFound):
            await store.find_group("999")
        with pytest.raises(NotFound, match="no group with id 999"):
            await store.get_group(999)


# ---------------------------------------------------------------- members


async def test_duplicate_member_name_or_login_is_rejected(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        group = await store.create_group("G")
        other = await store.create_group("Other")
        ann = await store.add_member(group.id, "Ann", "ann")
        seq = await store.last_change()
        with pytest.raises(InvalidInput, match="already has a member named 'Ann'"):
            await store.add_member(group.id, "Ann")
        with pytest.raises(InvalidInput, match="already has a member named 'Ann'"):
            await store.add_member(group.id, " Ann ", "someone")
        with pytest.raises(InvalidInput, match="already has the login 'ann'"):
            await store.add_member(group.id, "Annabel", "ann")
        with pytest.raises(InvalidInput, match="not a Unix login"):
            await store.add_member(group.id, "Bob", "bob smith")
        with pytest.raises(NotFound):
            await store.add_member(999, "Nobody")
        assert await store.last_change() == seq
        assert [m.id for m in await store.list_members(group.id)] == [ann.id]

        # Same name and login in another group, and several members without a login: fine.
        twin = await store.add_member(other.id, "Ann", "ann")
        assert (twin.group_id, twin.name, twin.login) == (other.id, "Ann", "ann")
        ben = await store.add_member(group.id, "Ben")
        cleo = await store.add_member(group.id, "Cleo", "")
        assert (ben.login, cleo.login, ben.position, cleo.position) == (None, None, 2, 3)

        # Renaming onto someone else's name or login is refused; keeping one's own is not.
        with pytest.raises(InvalidInput, match="named 'Ann'"):
            await store.update_member(ben.id, name="Ann", login=None)
        with pytest.raises(InvalidInput, match="login 'ann'"):
            await store.update_member(ben.id, name="Ben", login="ann")
        renamed = await store.update_member(ann.id, name="Ann B.", login="ann")
        assert (renamed.name, renamed.login) == ("Ann B.", "ann")


async def test_deactivate_and_reactivate_keep_the_member(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        group = await store.create_group("G", members=[("Ann", "ann"), ("Ben", None)])
        ann, ben = await store.list_members(group.id)

        gone = await store.set_member_active(ann.id, False)
        assert (gone.id, gone.name, gone.login, gone.active) == (ann.id, "Ann", "ann", False)
        assert [(m.name, m.active) for m in await store.list_members(group.id)] == [
            ("Ben", True),
            ("Ann", False),  # who left sinks to the bottom, still listed
        ]
        assert [m.name for m in await store.list_members(group.id, include_inactive=False)] == [
            "Ben"
        ]
        assert (await store.list_groups())[0].members_active == 1
        row = query(db_path, "SELECT name, login, active FROM members WHERE id = ?", (ann.id,))
        assert row == [("Ann", "ann", 0)]
        # Their name and login stay taken while they are away.
        with pytest.raises(InvalidInput):
            await store.add_member(group.id, "Ann")
        assert (await store.find_member(group.id, "ann")).id == ann.id

        back = await store.set_member_active(ann.id, True)
        assert back.active is True
        assert [(m.name, m.active) for m in await store.list_members(group.id)] == [
            ("Ann", True),
            ("Ben", True),
        ]
        assert (await store.list_groups())[0].members_active == 2
        with pytest.raises(NotFound):
            await store.set_member_active(999, False)
    assert query(db_path, "SELECT count(*) FROM members") == [(2,)]


async def test_move_member_reorders_the_roster(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        group = await store.create_group("G", members=[("A", None), ("B", None), ("C", None)])
        a, b, c = await store.list_members(group.id)

        async def order() -> list[tuple[str, int]]:
            return [(m.name, m.position) for m in await store.list_members(group.id)]

        await store.move_member(c.id, -1)
        assert await order() == [("A", 1), ("C", 2), ("B", 3)]
        await store.move_member(a.id, +1)
        assert await order() == [("C", 1), ("A", 2), ("B", 3)]

        seq = await store.last_change()
        await store.move_member(c.id, -1)  # already first
        await store.move_member(b.id, +1)  # already last
        assert await order() == [("C", 1), ("A", 2), ("B", 3)]
        assert await store.last_change() == seq  # a no-op writes nothing

        # Moving happens among active members; who left stays at the bottom.
        await store.set_member_active(c.id, False)
        await store.move_member(b.id, -1)
        assert [m.name for m in await store.list_members(group.id)] == ["B", "A", "C"]
    assert query(db_path, "SELECT name FROM members WHERE active ORDER BY position") == [
        ("B",),
        ("A",),
    ]


async def test_find_member_by_name_or_login(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        group = await store.create_group(
            "G", members=[("Ann", "ann"), ("Ben", "robert"), ("Cleo", None)]
        )
        other = await store.create_group("Other", members=[("Dora", "dora")])
        ann, ben, cleo = await store.list_members(group.id)
        assert (await store.find_member(group.id, "Ann")).id == ann.id
        assert (await store.find_member(group.id, "robert")).id == ben.id
        assert (await store.find_member(group.id, " cleo ")).id == cleo.id
        assert (await store.find_member(group.id, "BEN")).id == ben.id
        with pytest.raises(NotFound, match="no member named 'Dora'"):
            await store.find_member(group.id, "Dora")  # in another group
        assert (await store.find_member(other.id, "dora")).name == "Dora"
        with pytest.raises(NotFound):
            await store.find_member(group.id, "nobody")


# ---------------------------------------------------------------- change feed


async def test_every_write_appends_to_the_change_feed(db_path: Path) -> None:
    async with await Store.open(db_path, actor="alice", clock=lambda: NOW) as store:
        assert await store.last_change() == 0
        group = await store.create_group("G", members=[("Ann", "ann"), ("Ben", None)])
        ann, ben = await store.list_members(group.id)
        after_create = await store.last_change()
        cleo = await store.add_member(group.id, "Cleo")
        await store.update_group(
            group.id, name="G2", checkin_minutes=5, cadence_days=28, votes_per_member=3
        )
        await store.update_member(ben.id, name="Benjamin", login=None)
        await store.set_member_active(ann.id, False)
        await store.move_member(cleo.id, -1)

        changes = await store.changes_since(0)
        assert feed(changes) == [
            (group.id, "group", group.id, "created"),
            (group.id, "member", ann.id, "created"),
            (group.id, "member", ben.id, "created"),
            (group.id, "member", cleo.id, "created"),
            (group.id, "group", group.id, "updated"),
            (group.id, "member", ben.id, "updated"),
            (group.id, "member", ann.id, "updated"),
            (group.id, "member", cleo.id, "moved"),
        ]
        assert {(c.actor, c.origin, c.at) for c in changes} == {("alice", store.origin, NOW)}
        assert [c.seq for c in changes] == list(range(1, 9))
        assert after_create == 3
        assert feed(await store.changes_since(after_create))[0] == (
            group.id,
            "member",
            cleo.id,
            "created",
        )
        assert await store.last_change() == 8
    assert query(db_path, "SELECT count(*) FROM changes") == [(8,)]


async def test_failed_writes_append_nothing(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        group = await store.create_group("G", members=[("Ann", "ann")])
        seq = await store.last_change()
        with pytest.raises(InvalidInput):
            await store.create_group("G")  # refused inside the transaction
        with pytest.raises(InvalidInput):
            await store.add_member(group.id, "Other", "ann")
        with pytest.raises(RuntimeError):
            async with store.transaction() as tx:
                new_id = await tx.insert(
                    "INSERT INTO groups (name, created_at) VALUES ('Half-done', 0)"
                )
                tx.changed(new_id, "group", new_id, "created")
                raise RuntimeError("interrupted")
        assert await store.last_change() == seq
        assert await store.changes_since(seq) == []
        assert [o.group.name for o in await store.list_groups()] == ["G"]
        # The connection is usable afterwards: no transaction was left open.
        await store.add_member(group.id, "Ben")
        assert await store.last_change() == seq + 1


async def test_two_stores_have_different_origins(db_path: Path) -> None:
    async with await Store.open(db_path) as first, await Store.open(db_path) as second:
        assert first.origin != second.origin
        assert len(first.origin) == 32 and int(first.origin, 16) >= 0


async def test_feed_watcher_sees_commits_from_another_store(db_path: Path) -> None:
    async with await Store.open(db_path, actor="alice") as mine:
        await mine.create_group("Before")
        watcher = FeedWatcher(db_path, await mine.last_change())
        try:
            assert watcher.poll() == []
            assert watcher.poll() == []
            async with await Store.open(db_path, actor="bob", clock=lambda: NOW) as theirs:
                group = await theirs.create_group("Theirs", members=[("Ann", None)])
                [ann] = await theirs.list_members(group.id)
                changes = watcher.poll()
                assert feed(changes) == [
                    (group.id, "group", group.id, "created"),
                    (group.id, "member", ann.id, "created"),
                ]
                assert {(c.actor, c.origin, c.at) for c in changes} == {
                    ("bob", theirs.origin, NOW)
                }
                assert watcher.poll() == []

                await theirs.list_groups()  # reads change nothing
                with pytest.raises(InvalidInput):
                    await theirs.create_group("Theirs")  # rolled back: nothing to see
                assert watcher.poll() == []

                ben = await theirs.add_member(group.id, "Ben")
                assert feed(watcher.poll()) == [(group.id, "member", ben.id, "created")]
                await mine.move_member(ben.id, -1)
                [moved] = watcher.poll()
                assert (moved.entity_id, moved.kind, moved.actor, moved.origin) == (
                    ben.id,
                    "moved",
                    "alice",
                    mine.origin,
                )
                assert watcher.last_seq == await mine.last_change()
            assert watcher.poll() == []
        finally:
            watcher.close()


async def test_concurrent_transactions_on_one_store_take_turns(tmp_path) -> None:
    """A key press landing during the heartbeat must not fail ("transaction within a transaction")."""
    import asyncio

    from peertui.store import Store

    async with await Store.open(tmp_path / "turns.db") as store:
        group = await store.create_group("Circle")
        names = [f"Member {i}" for i in range(20)]
        await asyncio.gather(*(store.add_member(group.id, name) for name in names))
        members = await store.list_members(group.id)
        assert sorted(m.name for m in members) == sorted(names)
