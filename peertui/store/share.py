"""Sharing a group's database with other Unix users on the same host.

SQLite needs every terminal on the same machine (no network file systems: their locks are
not reliable), so sharing means a directory that a Unix group can write, setgid so every
file created in it (the database, its -wal and -shm) belongs to that group.
"""

from __future__ import annotations

import grp
import os
import re
import sqlite3
from pathlib import Path

from peertui.core.rules import InvalidInput
from peertui.store.errors import translate
from peertui.store.store import Store

SHARED_DIR_MODE = 0o2770
SHARED_FILE_MODE = 0o660


def slug(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return cleaned or "group"


def unix_group_id(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise InvalidInput(f"There is no Unix group named {name!r} (see 'getent group').") from None


def prepare_directory(directory: Path, gid: int) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        os.chown(directory, -1, gid)
        os.chmod(directory, SHARED_DIR_MODE)
    except OSError as error:
        raise InvalidInput(f"{directory}: cannot prepare the shared folder ({error.strerror}).") from None


async def share_group(db: Path, group_ref: str, directory: Path, unix_group: str) -> Path:
    """Move the group's database into `directory`, shared with `unix_group`; returns its path.

    The whole file moves when it holds this group alone; a database holding other groups
    too is left as it is and this group is copied into the shared file.
    """
    gid = unix_group_id(unix_group)
    async with await Store.open(db) as store:
        group = await store.find_group(group_ref)
        others = await store.group_count() - 1
    directory = directory.expanduser().absolute()
    target = directory / f"{slug(group.name)}.db"
    if target.exists():
        raise InvalidInput(f"{target} already exists: members can join it as it is.")
    prepare_directory(directory, gid)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SHARED_FILE_MODE)
    try:
        os.fchown(fd, -1, gid)
        os.fchmod(fd, SHARED_FILE_MODE)
    finally:
        os.close(fd)
    try:
        if others:
            await _copy_group(db, group.id, target)
        else:
            _copy_file(db, target)
        _mark_shared(target, unix_group)
    except BaseException:
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    if not others:
        for old in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            old.unlink(missing_ok=True)
    return target


def _copy_file(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, even while others have it open."""
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    except sqlite3.Error as error:
        raise translate(error, source) from None


async def _copy_group(source: Path, group_id: int, target: Path) -> None:
    from peertui.store.export import export_group_archive  # the backup/move format

    async with await Store.open(source) as store:
        archive = await export_group_archive(store, group_id)
    async with await Store.open(target) as shared:
        await shared.import_archive(archive)


def _mark_shared(target: Path, unix_group: str) -> None:
    with sqlite3.connect(target) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(
            "INSERT INTO settings (key, value) VALUES ('shared_unix_group', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (unix_group,),
        )
        (result,) = db.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise InvalidInput(f"{target}: the copy failed its check ({result}); nothing was moved.")
