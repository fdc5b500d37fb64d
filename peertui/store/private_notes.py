"""Private notes: each member's own, in their own database in their user data directory.

They never enter the group database, its exports or another terminal: this file is created
0600 in a 0700 folder, and nothing else in peertui reads it.
"""

from __future__ import annotations

import time
from pathlib import Path

import aiosqlite

from peertui.paths import data_dir
from peertui.store.errors import translate
from peertui.store.store import check_file, create_private_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS private_notes (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""


def private_notes_path() -> Path:
    return data_dir() / "private-notes.db"


class PrivateNotes:
    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._closed = False

    @classmethod
    async def open(cls, path: Path | None = None) -> PrivateNotes:
        path = (path or private_notes_path()).expanduser().absolute()
        if not check_file(path):
            create_private_file(path)
        try:
            db = await aiosqlite.connect(str(path), isolation_level=None)
            await db.execute("PRAGMA journal_mode = WAL")
            await db.executescript(SCHEMA)
        except Exception as error:
            if "db" in locals():
                await db.close()
            if isinstance(error, aiosqlite.Error):
                raise translate(error, path) from None
            raise
        return cls(db, path)

    async def get(self, key: str) -> str:
        async with self._db.execute("SELECT text FROM private_notes WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else ""

    async def put(self, key: str, text: str) -> None:
        try:
            await self._db.execute(
                "INSERT INTO private_notes (key, text, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                (key, text, time.time()),
            )
        except aiosqlite.Error as error:
            raise translate(error, self.path) from None

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._db.close()
