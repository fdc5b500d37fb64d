"""Watching the change feed from another connection, cheaply.

`PRAGMA data_version` changes when any *other* connection commits. Checking it on a plain
sqlite3 connection in the caller's thread costs microseconds, far less than a round-trip
through aiosqlite's worker thread.

Better still is not to check until there is something to see. After a commit that added to
the feed, the writer rings: it touches the database file's times (`ring`). On Linux a
terminal's `BellWatch` sleeps in inotify until that happens, so an idle terminal wakes for
nothing (heartbeats do not ring) and a change is read the moment it is visible. Why not watch
the WAL itself: a commit writes the WAL, then syncs it, and only then becomes visible, so a
wake on the write would often look too early. Writers that do not ring (another program)
are still seen by a slow safety poll.
"""

from __future__ import annotations

import os
import select
import sqlite3
import struct
import sys
from pathlib import Path

from peertui.core.models import Change
from peertui.store.errors import StoreError, translate

# From <sys/inotify.h>; the same on every Linux architecture.
IN_ATTRIB = 0x00000004
IN_MOVE_SELF = 0x00000800
IN_DELETE_SELF = 0x00000400
IN_IGNORED = 0x00008000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = 0o2000000
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (a name of `len` bytes follows)
_WATCHED = IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF


class FeedWatcher:
    def __init__(self, path: Path, after_seq: int) -> None:
        self.path = path
        self.last_seq = after_seq
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 1000")
            db.execute("PRAGMA query_only = 1")
        except sqlite3.Error as error:
            if db is not None:
                db.close()
            raise translate(error, path) from None
        self._db = db
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


def ring(db_path: Path) -> None:
    """Tell the terminals watching `db_path` that a commit with changes is visible now.

    Setting a file's times to now needs only write access, which every writer has.
    """
    try:
        os.utime(db_path)
    except OSError:
        pass  # the others still see it at their next safety poll


class BellWatch:
    """Sleeps until someone rings the database (`ring`), or a timeout.

    Linux only (inotify through libc); elsewhere, or when inotify is refused (its limits),
    `available` is False and the caller polls instead. `wait` returns early, with False,
    when `interrupt` is called from another thread.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        self._fd = -1
        self._wd = -1
        self._add_watch = None
        self._wake_r, self._wake_w = os.pipe()
        if not sys.platform.startswith("linux"):
            return
        try:
            import ctypes  # only here: the app's start-up does not pay for it

            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
            self._add_watch = libc.inotify_add_watch
        except (OSError, AttributeError):
            return
        if fd >= 0:
            self._fd = fd
            self._watch()

    @property
    def available(self) -> bool:
        return self._fd >= 0

    @property
    def watching(self) -> bool:
        """Attached to the database file now (not after it was moved or deleted)."""
        return self._wd >= 0

    def _watch(self) -> bool:
        """(Re)attach to the database file, when it is back in its place."""
        if self._add_watch is None:
            return False
        self._wd = self._add_watch(self._fd, os.fsencode(self.path), _WATCHED)
        return self._wd >= 0

    def wait(self, timeout: float) -> bool:
        """True when the database was rung (or came back) since the last call."""
        if self._wd < 0 and self._watch():
            return True  # the file is back: look at it
        poller = select.poll()  # not select(): it fails on descriptors above 1023
        poller.register(self._wake_r, select.POLLIN)
        if self._wd >= 0:
            poller.register(self._fd, select.POLLIN)
        ready = {fd for fd, _event in poller.poll(max(0, int(timeout * 1000)))}
        if self._wake_r in ready:
            os.read(self._wake_r, 64)
            return False
        if self._fd not in ready:
            return False
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return False
        offset = 0
        while offset + _EVENT.size <= len(data):
            _wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            offset += _EVENT.size + length
            if mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF):
                self._wd = -1  # watch again (or poll) from the next call
        return True

    def interrupt(self) -> None:
        try:
            os.write(self._wake_w, b"!")
        except OSError:
            pass

    def close(self) -> None:
        for fd in (self._fd, self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._fd = self._wake_r = self._wake_w = -1


__all__ = ["BellWatch", "FeedWatcher", "StoreError", "ring"]
