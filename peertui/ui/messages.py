"""Messages the app posts to its screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from peertui.core.models import Change


@dataclass
class StoreChanged(Message):
    """Another terminal (or a script) changed the database; the changes say what."""

    changes: list[Change]

    def touches(self, *entities: str) -> bool:
        return any(change.entity in entities for change in self.changes)
