"""Watching the change feed from another connection, cheaply.

`PRAGMA data_version` changes when any *other* connection commits. Checking it on a plain
sqlite3 connection in the caller's thread costs microseconds, far less than a round-trip
through aiosqlite's worker thread, so terminals can poll it several times a second.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peertui.core.models import Change
from peertui.store.errors import StoreError, translate


class FeedWatcher:
    def __init__(self, path: Path, after_seq: int) -> None:
        self.path = path
        self.last_seq = after_seq
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 1000")
        self._db.execute("PRAGMA query_only = 1")
        self._db.row_factory = sqlite3.Row
        # None: the first poll reads the feed whatever the version, so a change committed
        # between reading `after_seq` and opening this connection is not missed.
        self._data_version: int | None = None

    def _read_data_version(self) -> int:
        return self._db.execute("PRAGMA data_version").fetchone()[0]

    def poll(self) -> list[Change]:
        """Changes committed since the last poll, by any connection; [] when nothing changed."""
        try:
            version = self._read_data_version()
            if version == self._data_version:
                return []
            self._data_version = version
            rows = self._db.execute(
                "SELECT * FROM changes WHERE seq > ? ORDER BY seq", (self.last_seq,)
            ).fetchall()
        except sqlite3.Error as error:
            raise translate(error, self.path) from None
        if rows:
            self.last_seq = rows[-1]["seq"]
        return [Change(**{key: row[key] for key in row.keys()}) for row in rows]

    def close(self) -> None:
        self._db.close()


__all__ = ["FeedWatcher", "StoreError"]
