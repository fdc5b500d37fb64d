"""Store failures, each with one clear line for the user."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """A failure the user must be told about in one line; never shown as a traceback."""


class NotADatabase(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class NewerSchema(StoreError):
    pass


class ReadOnlyDatabase(StoreError):
    pass


class DatabaseLocked(StoreError):
    pass


class DiskFull(StoreError):
    pass


class NotFound(StoreError):
    pass


def translate(error: sqlite3.Error, path: Path) -> StoreError:
    """Map sqlite3's exceptions to a StoreError whose message says what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLocked(
            f"{path}: the database is locked by another program; try again in a moment."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabase(
            f"{path}: the database is read-only; check the file's and its folder's permissions."
        )
    if "not a database" in text or "file is encrypted" in text:
        return NotADatabase(f"{path}: this file is not a peertui (SQLite) database.")
    if "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(
            f"{path}: the database is damaged; restore it from a backup (it was not modified)."
        )
    if "full" in text or "too big" in text or "disk i/o" in text:
        return DiskFull(
            f"{path}: the disk is full or the file cannot grow; nothing was saved from the last action."
        )
    if "unable to open" in text:
        return ReadOnlyDatabase(f"{path}: the database cannot be opened ({error}).")
    return StoreError(f"{path}: database error: {error}")
