"""The SQLite store: the single source of truth. No Textual here."""

from peertui.store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DiskFull,
    NewerSchema,
    NotADatabase,
    NotFound,
    ReadOnlyDatabase,
    StoreError,
)
from peertui.store.store import Store

__all__ = [
    "DatabaseCorrupt",
    "DatabaseLocked",
    "DiskFull",
    "NewerSchema",
    "NotADatabase",
    "NotFound",
    "ReadOnlyDatabase",
    "Store",
    "StoreError",
]
