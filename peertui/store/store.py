"""The Store: one long-lived aiosqlite connection per process; every write one short transaction."""

from __future__ import annotations

import asyncio
import getpass
import os
import sqlite3
import stat
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from peertui.core import rules
from peertui.core.models import Change, Group, GroupOverview, Member
from peertui.core.rules import InvalidInput
from peertui.store.errors import (
    NewerSchema,
    NotADatabase,
    NotFound,
    ReadOnlyDatabase,
    StoreError,
    translate,
)
from peertui.store.deferred import DeferredQueries
from peertui.store.feed import ring
from peertui.store.issues import IssueQueries
from peertui.store.meetings import MeetingQueries
from peertui.store.notes import NoteQueries
from peertui.store.presence import PresenceQueries
from peertui.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from peertui.core.archive import GroupArchive

DEFAULT_BUSY_TIMEOUT_MS = 5000
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

Clock = Callable[[], float]


def busy_timeout_from_env() -> int:
    raw = os.environ.get("PEERTUI_BUSY_TIMEOUT_MS", "")
    return int(raw) if raw.isdecimal() else DEFAULT_BUSY_TIMEOUT_MS


def current_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def check_file(path: Path) -> bool:
    """Refuse files we must not touch, before SQLite sees them. Returns True if the file exists."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise ReadOnlyDatabase(f"{path}: cannot be read ({error.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotADatabase(f"{path}: is not a file.")
    # A SQLite file is empty or at least one 512-byte page. SQLite takes a 1-byte file for an
    # empty one (an old OS X workaround) and would write a database over it.
    if 0 < info.st_size < 512:
        raise NotADatabase(f"{path}: this file is not a peertui (SQLite) database.")
    # The header is left to SQLite ("not a database" on first read): opening and closing
    # the file here would drop this process's POSIX locks on it, if it had any.
    # A file with no write bits is read-only by intent, even for root.
    if not os.access(path, os.W_OK) or not info.st_mode & 0o222:
        raise ReadOnlyDatabase(
            f"{path}: the database is read-only; peertui needs to write to it "
            "(check the file's permissions)."
        )
    if not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabase(
            f"{path}: its folder is read-only; SQLite needs to create its journal there."
        )
    return True


def create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (and its folder, 0700)."""
    parent = path.parent
    if not parent.exists():
        try:
            parent.mkdir(mode=PRIVATE_DIR, parents=True)
            os.chmod(parent, PRIVATE_DIR)
        except OSError as error:
            raise ReadOnlyDatabase(f"{parent}: cannot create the folder ({error.strerror}).") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    except OSError as error:
        raise ReadOnlyDatabase(f"{path}: cannot create the database ({error.strerror}).") from None
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)


class Transaction:
    """One open write transaction; collects change-feed rows to append on commit."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self.changes: list[tuple[int | None, str, int | None, str]] = []

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Cursor:
        return await self._db.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._db.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self._db.execute(sql, params)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def changed(self, group_id: int | None, entity: str, entity_id: int | None, kind: str) -> None:
        self.changes.append((group_id, entity, entity_id, kind))


class Store(MeetingQueries, IssueQueries, PresenceQueries, NoteQueries, DeferredQueries):
    """All reads and writes of one database file. Open with `await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path, actor: str, clock: Clock) -> None:
        self._db = db
        self.path = path
        self.actor = actor
        self.origin = uuid.uuid4().hex
        self.clock = clock
        self.observer = False  # an observing terminal writes nothing but its presence
        self._write_lock = asyncio.Lock()
        self._closed = False

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        actor: str | None = None,
        clock: Clock = time.time,
        busy_timeout_ms: int | None = None,
    ) -> Store:
        path = Path(path).expanduser().absolute()
        if not check_file(path):
            create_private_file(path)
        timeout_ms = busy_timeout_from_env() if busy_timeout_ms is None else busy_timeout_ms
        try:
            db = await aiosqlite.connect(str(path), isolation_level=None, timeout=timeout_ms / 1000)
        except sqlite3.Error as error:
            raise translate(error, path) from None
        db.row_factory = sqlite3.Row
        store = cls(db, path, actor or current_login(), clock)
        try:
            await store._prepare(timeout_ms)
        except BaseException:
            await db.close()
            raise
        return store

    async def _prepare(self, timeout_ms: int) -> None:
        try:
            # The connection's settings (none of them reads the file), then one read for every
            # check: each round trip to the connection's thread delays the first screen.
            await self._db.executescript(
                f"PRAGMA busy_timeout = {int(timeout_ms)}; PRAGMA foreign_keys = ON;"
                " PRAGMA synchronous = FULL;"
            )
            rows = await self._db.execute_fetchall(
                "SELECT v.user_version, j.journal_mode, t.name"
                " FROM pragma_user_version AS v, pragma_journal_mode AS j"
                " LEFT JOIN sqlite_master AS t ON t.type = 'table'"
            )
            version, mode = rows[0][0], rows[0][1]
            tables = {row[2] for row in rows if row[2] is not None}
            if version == 0 and tables - {"sqlite_sequence"}:
                raise NotADatabase(f"{self.path}: this SQLite file is not a peertui database.")
            # Before the version check: other programs set user_version too.
            if version > 0 and "changes" not in tables:
                raise NotADatabase(f"{self.path}: this SQLite file is not a peertui database.")
            if version > SCHEMA_VERSION:
                raise NewerSchema(
                    f"{self.path}: this database was written by a newer peertui (schema "
                    f"{version}, this version knows {SCHEMA_VERSION}); please upgrade peertui."
                )
            if str(mode).lower() != "wal":
                # Its answer read to the end: a pragma left mid-answer holds a statement open,
                # and the next COMMIT fails ("SQL statements in progress").
                await self._db.execute_fetchall("PRAGMA journal_mode = WAL")
            if version < SCHEMA_VERSION:
                await self._migrate(version)
        except sqlite3.Error as error:
            raise translate(error, self.path) from None

    async def _migrate(self, version: int) -> None:
        script = ["BEGIN IMMEDIATE;"]
        script += MIGRATIONS[version:]
        script.append(f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        try:
            await self._db.executescript("\n".join(script))
        except BaseException:
            if self._db.in_transaction:
                await self._db.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ----------------------------------------------------------------- plumbing

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return list(await self._db.execute_fetchall(sql, params))
        except sqlite3.Error as error:
            raise translate(error, self.path) from None

    @asynccontextmanager
    async def transaction(self, *, presence: bool = False) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT, appending the transaction's changes to the feed."""
        if self.observer and not presence:
            raise InvalidInput("You are observing this meeting: nothing can be changed from here.")
        tx = Transaction(self._db)
        # One connection, many coroutines (a key press, the heartbeat, a notes save): their
        # transactions must take turns, or the second BEGIN fails inside the first.
        async with self._write_lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield tx
                    if tx.changes:  # (a heartbeat has none: one round-trip less)
                        now = self.clock()
                        await self._db.executemany(
                            "INSERT INTO changes (group_id, entity, entity_id, kind, actor, origin, at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(*change, self.actor, self.origin, now) for change in tx.changes],
                        )
                    await self._db.execute("COMMIT")
                    if tx.changes:
                        ring(self.path)  # wake the other terminals: there is news
                except BaseException:
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise translate(error, self.path) from None

    # ----------------------------------------------------------------- groups

    async def list_groups(self) -> list[GroupOverview]:
        rows = await self._rows(
            """
            SELECT g.*,
              (SELECT count(*) FROM members m WHERE m.group_id = g.id AND m.active) AS members_active,
              (SELECT count(*) FROM meetings t WHERE t.group_id = g.id AND t.ended_at IS NOT NULL)
                AS meetings_held,
              (SELECT max(started_at) FROM meetings t WHERE t.group_id = g.id) AS last_meeting_at,
              EXISTS (SELECT 1 FROM meetings t WHERE t.group_id = g.id AND t.ended_at IS NULL)
                AS in_progress,
              (SELECT count(*) FROM issues i WHERE i.group_id = g.id AND i.status = 'open')
                AS open_issues,
              (SELECT count(*) FROM commitments c WHERE c.group_id = g.id AND c.status = 'open')
                AS open_commitments
            FROM groups g ORDER BY g.name COLLATE NOCASE, g.id
            """
        )
        return [
            GroupOverview(
                group=_group(row),
                members_active=row["members_active"],
                meetings_held=row["meetings_held"],
                last_meeting_at=row["last_meeting_at"],
                meeting_in_progress=bool(row["in_progress"]),
                open_issues=row["open_issues"],
                open_commitments=row["open_commitments"],
            )
            for row in rows
        ]

    async def group_count(self) -> int:
        return (await self._rows("SELECT count(*) FROM groups"))[0][0]

    async def get_group(self, group_id: int) -> Group:
        rows = await self._rows("SELECT * FROM groups WHERE id = ?", (group_id,))
        if not rows:
            raise NotFound(f"There is no group with id {group_id}.")
        return _group(rows[0])

    async def find_group(self, ref: str) -> Group:
        """A group by exact name, else by id, else by a unique case-insensitive name."""
        ref = rules.normalise_name(ref)
        rows = await self._rows("SELECT * FROM groups WHERE name = ?", (ref,))
        if not rows and ref.isdecimal():  # isdigit() takes '²', which int() refuses
            rows = await self._rows("SELECT * FROM groups WHERE id = ?", (int(ref),))
        if not rows:
            rows = await self._rows("SELECT * FROM groups WHERE lower(name) = lower(?)", (ref,))
        if len(rows) != 1:
            raise NotFound(f"There is no group named {ref!r} (see 'peertui group list').")
        return _group(rows[0])

    async def create_group(
        self,
        name: str,
        *,
        checkin_minutes: float = 5,
        cadence_days: int = 28,
        votes_per_member: int = 3,
        members: Iterable[tuple[str, str | None]] = (),
    ) -> Group:
        name = rules.group_name(name)
        checkin_minutes = rules.checkin_minutes(checkin_minutes)
        cadence_days = rules.cadence_days(cadence_days)
        votes_per_member = rules.votes_per_member(votes_per_member)
        roster = [(rules.member_name(m), rules.login(login)) for m, login in members]
        _check_unique_roster(roster)
        now = self.clock()
        async with self.transaction() as tx:
            await self._check_group_name_free(tx, name)
            group_id = await tx.insert(
                "INSERT INTO groups (name, checkin_minutes, cadence_days, votes_per_member,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                (name, checkin_minutes, cadence_days, votes_per_member, now),
            )
            tx.changed(group_id, "group", group_id, "created")
            for position, (member, login) in enumerate(roster, start=1):
                member_id = await tx.insert(
                    "INSERT INTO members (group_id, name, login, position, joined_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (group_id, member, login, position, now),
                )
                tx.changed(group_id, "member", member_id, "created")
        return await self.get_group(group_id)

    async def update_group(
        self,
        group_id: int,
        *,
        name: str,
        checkin_minutes: float | str,
        cadence_days: int | str,
        votes_per_member: int | str,
        checkin_budget_minutes: float | str | None = None,
        checkin_order: str = "roster",
        warn_seconds: int | str = 30,
    ) -> Group:
        name = rules.group_name(name)
        minutes = rules.checkin_minutes(checkin_minutes)
        cadence = rules.cadence_days(cadence_days)
        votes = rules.votes_per_member(votes_per_member)
        budget = rules.round_budget_minutes(checkin_budget_minutes)
        order = rules.checkin_order(checkin_order)
        warn = rules.warn_seconds(warn_seconds)
        async with self.transaction() as tx:
            await self._check_group_name_free(tx, name, except_id=group_id)
            cursor = await tx.execute(
                "UPDATE groups SET name = ?, checkin_minutes = ?, cadence_days = ?,"
                " votes_per_member = ?, checkin_budget_minutes = ?, checkin_order = ?,"
                " warn_seconds = ? WHERE id = ?",
                (name, minutes, cadence, votes, budget, order, warn, group_id),
            )
            if cursor.rowcount != 1:
                raise NotFound(f"There is no group with id {group_id}.")
            tx.changed(group_id, "group", group_id, "updated")
        return await self.get_group(group_id)

    @staticmethod
    async def _check_group_name_free(tx: Transaction, name: str, except_id: int = 0) -> None:
        if await tx.fetchone("SELECT 1 FROM groups WHERE name = ? AND id != ?", (name, except_id)):
            raise InvalidInput(f"A group named {name!r} already exists.")

    # ----------------------------------------------------------------- members

    async def list_members(self, group_id: int, *, include_inactive: bool = True) -> list[Member]:
        sql = "SELECT * FROM members WHERE group_id = ?"
        if not include_inactive:
            sql += " AND active"
        rows = await self._rows(sql + " ORDER BY active DESC, position, id", (group_id,))
        return [_member(row) for row in rows]

    async def get_member(self, member_id: int) -> Member:
        rows = await self._rows("SELECT * FROM members WHERE id = ?", (member_id,))
        if not rows:
            raise NotFound(f"There is no member with id {member_id}.")
        return _member(rows[0])

    async def add_member(self, group_id: int, name: str, login: str | None = None) -> Member:
        name = rules.member_name(name)
        login = rules.login(login)
        async with self.transaction() as tx:
            if not await tx.fetchone("SELECT 1 FROM groups WHERE id = ?", (group_id,)):
                raise NotFound(f"There is no group with id {group_id}.")
            await self._check_member_free(tx, group_id, name, login)
            row = await tx.fetchone(
                "SELECT coalesce(max(position), 0) + 1 FROM members WHERE group_id = ?", (group_id,)
            )
            member_id = await tx.insert(
                "INSERT INTO members (group_id, name, login, position, joined_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (group_id, name, login, row[0], self.clock()),
            )
            tx.changed(group_id, "member", member_id, "created")
        return await self.get_member(member_id)

    async def update_member(self, member_id: int, *, name: str, login: str | None) -> Member:
        member = await self.get_member(member_id)
        name = rules.member_name(name)
        login = rules.login(login)
        async with self.transaction() as tx:
            await self._check_member_free(tx, member.group_id, name, login, except_id=member_id)
            await tx.execute(
                "UPDATE members SET name = ?, login = ? WHERE id = ?", (name, login, member_id)
            )
            tx.changed(member.group_id, "member", member_id, "updated")
        return await self.get_member(member_id)

    async def set_member_active(self, member_id: int, active: bool) -> Member:
        """Deactivate (or bring back) a member; their history always stays."""
        member = await self.get_member(member_id)
        async with self.transaction() as tx:
            await tx.execute("UPDATE members SET active = ? WHERE id = ?", (int(active), member_id))
            tx.changed(member.group_id, "member", member_id, "updated")
        return await self.get_member(member_id)

    async def move_member(self, member_id: int, offset: int) -> None:
        """Move a member up (offset -1) or down (+1) in the roster order among active members."""
        member = await self.get_member(member_id)
        roster = [m for m in await self.list_members(member.group_id) if m.active == member.active]
        index = next(i for i, m in enumerate(roster) if m.id == member_id)
        target = index + offset
        if not 0 <= target < len(roster):
            return
        roster.insert(target, roster.pop(index))
        async with self.transaction() as tx:
            await tx.executemany(
                "UPDATE members SET position = ? WHERE id = ?",
                [(position, m.id) for position, m in enumerate(roster, start=1)],
            )
            tx.changed(member.group_id, "member", member_id, "moved")

    async def find_member(self, group_id: int, ref: str) -> Member:
        ref = rules.normalise_name(ref)
        rows = await self._rows(
            "SELECT * FROM members WHERE group_id = ? AND (name = ? OR login = ?)",
            (group_id, ref, ref),
        )
        if not rows:
            rows = await self._rows(
                "SELECT * FROM members WHERE group_id = ? AND lower(name) = lower(?)",
                (group_id, ref),
            )
        if len(rows) != 1:
            raise NotFound(f"There is no member named {ref!r} in this group.")
        return _member(rows[0])

    @staticmethod
    async def _check_member_free(
        tx: Transaction, group_id: int, name: str, login: str | None, except_id: int = 0
    ) -> None:
        if await tx.fetchone(
            "SELECT 1 FROM members WHERE group_id = ? AND name = ? AND id != ?",
            (group_id, name, except_id),
        ):
            raise InvalidInput(f"This group already has a member named {name!r}.")
        if login and await tx.fetchone(
            "SELECT 1 FROM members WHERE group_id = ? AND login = ? AND id != ?",
            (group_id, login, except_id),
        ):
            raise InvalidInput(f"Another member of this group already has the login {login!r}.")

    # ----------------------------------------------------------------- change feed

    async def last_change(self) -> int:
        return (await self._rows("SELECT coalesce(max(seq), 0) FROM changes"))[0][0]

    async def changes_since(self, seq: int) -> list[Change]:
        rows = await self._rows("SELECT * FROM changes WHERE seq > ? ORDER BY seq", (seq,))
        return [_change(row) for row in rows]

    # ----------------------------------------------------------------- bulk import

    async def import_archive(self, archive: GroupArchive) -> Group:
        """Write a whole group's history in one transaction (demo data, backups)."""
        from peertui.store.archive_io import write_archive

        async with self.transaction() as tx:
            await self._check_group_name_free(tx, archive.name)
            group_id = await write_archive(tx, archive)
            tx.changed(group_id, "group", group_id, "imported")
        return await self.get_group(group_id)


def _check_unique_roster(roster: list[tuple[str, str | None]]) -> None:
    names = [name for name, _ in roster]
    logins = [login for _, login in roster if login]
    for name in names:
        if names.count(name) > 1:
            raise InvalidInput(f"The member name {name!r} is given twice.")
    for login in logins:
        if logins.count(login) > 1:
            raise InvalidInput(f"The login {login!r} is given twice.")


def _group(row: sqlite3.Row) -> Group:
    return Group(
        id=row["id"],
        name=row["name"],
        checkin_minutes=row["checkin_minutes"],
        cadence_days=row["cadence_days"],
        votes_per_member=row["votes_per_member"],
        created_at=row["created_at"],
        warn_seconds=row["warn_seconds"],
        checkin_budget_minutes=row["checkin_budget_minutes"],
        checkin_order=row["checkin_order"],
        default_template=row["default_template"],
        use_protocol=bool(row["use_protocol"]),
        timeboxes=row["timeboxes"],
        queue_sort=row["queue_sort"],
    )


def _member(row: sqlite3.Row) -> Member:
    return Member(
        id=row["id"],
        group_id=row["group_id"],
        name=row["name"],
        login=row["login"],
        active=bool(row["active"]),
        position=row["position"],
    )


def _change(row: sqlite3.Row) -> Change:
    return Change(**{key: row[key] for key in row.keys()})


__all__ = ["Store", "StoreError", "Transaction"]
