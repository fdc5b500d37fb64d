"""Shared notes: one pycrdt (Yjs) document per note, every edit stored as an update.

Two people typing in the same pane at once both keep every character: their edits are
CRDT updates, merged in any order to the same text. Each save also folds the update into
`notes.crdt_state` (the merged document) and `notes.body` (its plain text, for search and
export) in the same transaction, so a terminal opening the note reads one snapshot and then
follows `note_updates` from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct

from peertui.core.rules import InvalidInput
from peertui.store.errors import NotFound

if TYPE_CHECKING:
    from peertui.store.store import Store

VISIBILITIES = ("group", "presenter")
NOTE_MAX_CHARS = 5_000_000
COMPACT_EVERY = 32  # updates folded into the stored text and state this often


def changed_span(old: str, new: str) -> tuple[int, int, int]:
    """Where two texts differ: (start, end in old, end in new), by binary search on slices.

    Slice comparison runs in C, so a 1 MB note costs a few milliseconds, not a Python loop
    over every character on every keystroke.
    """
    low, high = 0, min(len(old), len(new))
    while low < high:  # the longest common prefix
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    start = low
    low, high = 0, min(len(old), len(new)) - start
    while low < high:  # the longest common suffix not overlapping the prefix
        middle = (low + high + 1) // 2
        if old[len(old) - middle : len(old) - low] == new[len(new) - middle : len(new) - low]:
            low = middle
        else:
            high = middle - 1
    return start, len(old) - low, len(new) - low


class NoteDoc:
    """A note's CRDT document: plain text in, updates out, remote updates merged in."""

    def __init__(self, state: bytes | None = None) -> None:
        from pycrdt import Doc, Text  # loaded with the first note, not with every start-up

        self.doc = Doc()
        self.text = self.doc.get("body", type=Text)
        if state:
            self.doc.apply_update(state)

    def __str__(self) -> str:
        return str(self.text)

    def apply(self, update: bytes) -> None:
        self.doc.apply_update(update)

    def state(self) -> bytes:
        return self.doc.get_update()

    def edit_to(self, new_text: str) -> bytes | None:
        """Turn the document into `new_text` with the smallest edit; the update, or None."""
        old = str(self.text)
        if old == new_text:
            return None
        start, old_end, new_end = changed_span(old, new_text)
        before = self.doc.get_state()
        with self.doc.transaction():
            if old_end > start:
                del self.text[start:old_end]
            if new_end > start:
                self.text.insert(start, new_text[start:new_end])
        return self.doc.get_update(before)


class NoteSnapshot(Struct, frozen=True):
    note_id: int | None  # None: no note yet (an observer cannot create one)
    meeting_id: int
    issue_id: int | None
    visibility: str
    state: bytes
    seq: int  # the last update folded into `state`


class NoteQueries:
    """Mixed into Store."""

    async def open_note(self: Store, meeting_id: int, issue_id: int | None = None) -> NoteSnapshot:
        """The note of a meeting (or of one issue in it), created empty if there is none."""
        if self.observer:
            return await self._read_note(meeting_id, issue_id)
        async with self.transaction() as tx:
            meeting = await tx.fetchone("SELECT group_id FROM meetings WHERE id = ?", (meeting_id,))
            if meeting is None:
                raise NotFound(f"There is no meeting with id {meeting_id}.")
            row = await tx.fetchone(
                "SELECT id, body, visibility, crdt_state, crdt_seq FROM notes"
                " WHERE meeting_id = ? AND issue_id IS ? ORDER BY id LIMIT 1",
                (meeting_id, issue_id),
            )
            if row is None:
                note_id = await tx.insert(
                    "INSERT INTO notes (meeting_id, issue_id, body, visibility, updated_at)"
                    " VALUES (?, ?, '', 'group', ?)",
                    (meeting_id, issue_id, self.clock()),
                )
                tx.changed(meeting["group_id"], "note", note_id, "created")
                body, visibility, state, seq = "", "group", None, 0
            else:
                note_id = row["id"]
                body, visibility, state, seq = (
                    row["body"], row["visibility"], row["crdt_state"], row["crdt_seq"],
                )
            if state is None:
                # Text written before notes were documents (or just created) becomes the base.
                doc = NoteDoc()
                doc.edit_to(body)
                state = doc.state()
                await tx.execute("UPDATE notes SET crdt_state = ? WHERE id = ?", (state, note_id))
            if await tx.fetchone(
                "SELECT 1 FROM note_updates WHERE note_id = ? AND id > ?", (note_id, seq)
            ):
                state, seq = await _compact(tx, note_id, self.clock())
        return NoteSnapshot(note_id, meeting_id, issue_id, visibility, bytes(state), seq)

    async def _read_note(self: Store, meeting_id: int, issue_id: int | None) -> NoteSnapshot:
        rows = await self._rows(
            "SELECT id, body, visibility, crdt_state, crdt_seq FROM notes"
            " WHERE meeting_id = ? AND issue_id IS ? ORDER BY id LIMIT 1",
            (meeting_id, issue_id),
        )
        if not rows:
            return NoteSnapshot(None, meeting_id, issue_id, "group", NoteDoc().state(), 0)
        row = rows[0]
        state = row["crdt_state"]
        if state is None:
            doc = NoteDoc()
            doc.edit_to(row["body"])
            state = doc.state()
        return NoteSnapshot(row["id"], meeting_id, issue_id, row["visibility"], bytes(state), row["crdt_seq"])

    async def save_note_update(self: Store, note_id: int, update: bytes) -> int:
        """Store one edit (a CRDT update); its sequence id. Cheap: the note's text and state
        are brought up to date every COMPACT_EVERY updates, on opening and at the meeting's end."""
        async with self.transaction() as tx:
            row = await tx.fetchone(
                "SELECT n.crdt_seq, m.group_id FROM notes n"
                " JOIN meetings m ON m.id = n.meeting_id WHERE n.id = ?",
                (note_id,),
            )
            if row is None:
                raise NotFound(f"There is no note with id {note_id}.")
            seq = await tx.insert(
                "INSERT INTO note_updates (note_id, data, origin, at) VALUES (?, ?, ?, ?)",
                (note_id, update, self.origin, self.clock()),
            )
            if seq - row["crdt_seq"] >= COMPACT_EVERY:
                await _compact(tx, note_id, self.clock())
            tx.changed(row["group_id"], "note", note_id, "edited")
        return seq

    async def compact_notes(self: Store, meeting_id: int) -> None:
        """Fold every pending edit of a meeting's notes into their stored text (for search,
        export and review)."""
        async with self.transaction(presence=True) as tx:
            async with await tx.execute(
                "SELECT DISTINCT n.id FROM notes n JOIN note_updates u ON u.note_id = n.id"
                " WHERE n.meeting_id = ? AND u.id > n.crdt_seq",
                (meeting_id,),
            ) as cursor:
                note_ids = [row[0] for row in await cursor.fetchall()]
            for note_id in note_ids:
                await _compact(tx, note_id, self.clock())

    async def note_updates_since(self: Store, note_id: int, after: int) -> list[tuple[int, bytes, str]]:
        rows = await self._rows(
            "SELECT id, data, origin FROM note_updates WHERE note_id = ? AND id > ? ORDER BY id",
            (note_id, after),
        )
        return [(row["id"], bytes(row["data"]), row["origin"]) for row in rows]

    async def set_note_visibility(self: Store, note_id: int, visibility: str) -> None:
        if visibility not in VISIBILITIES:
            raise InvalidInput("A note is shared with the group, or with the presenter only.")
        async with self.transaction() as tx:
            row = await tx.fetchone(
                "SELECT m.group_id FROM notes n JOIN meetings m ON m.id = n.meeting_id WHERE n.id = ?",
                (note_id,),
            )
            if row is None:
                raise NotFound(f"There is no note with id {note_id}.")
            await tx.execute("UPDATE notes SET visibility = ? WHERE id = ?", (visibility, note_id))
            tx.changed(row["group_id"], "note", note_id, "visibility")


async def _compact(tx, note_id: int, now: float) -> tuple[bytes, int]:
    """Fold the updates after `crdt_seq` into `crdt_state` and `body`; (state, seq)."""
    row = await tx.fetchone(
        "SELECT body, crdt_state, crdt_seq FROM notes WHERE id = ?", (note_id,)
    )
    doc = NoteDoc(row["crdt_state"])
    if row["crdt_state"] is None:
        doc.edit_to(row["body"])
    seq = row["crdt_seq"]
    async with await tx.execute(
        "SELECT id, data FROM note_updates WHERE note_id = ? AND id > ? ORDER BY id", (note_id, seq)
    ) as cursor:
        for update_id, data in await cursor.fetchall():
            doc.apply(bytes(data))
            seq = update_id
    text = str(doc)
    if len(text) > NOTE_MAX_CHARS:
        raise InvalidInput("This note is too long to keep growing; start another one.")
    state = doc.state()
    await tx.execute(
        "UPDATE notes SET body = ?, crdt_state = ?, crdt_seq = ?, updated_at = ? WHERE id = ?",
        (text, state, seq, now, note_id),
    )
    return state, seq
