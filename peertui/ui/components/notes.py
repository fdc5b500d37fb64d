"""The notes pane: shared notes (live, conflict-free across terminals) and private notes.

Shared text is a CRDT document (peertui.store.notes.NoteDoc). Local typing becomes updates
saved every quarter of a second; other terminals' updates are merged in and applied to the
TextArea as the smallest replacement, so the local cursor and selection stay where they were.
"""

from __future__ import annotations

from msgspec import Struct
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Label, Static, TextArea

from peertui.core.text import visible
from peertui.store import StoreError
from peertui.store.notes import NoteDoc, changed_span
from peertui.store.private_notes import PrivateNotes
from peertui.ui.editors import LiteralTextArea
from peertui.ui.text import literal

SAVE_DELAY_S = 0.25  # kill -9 loses at most this much typing (plus one write)
SHARED_HINT = "Shared with everyone in the meeting (^t: presenter only)"
PRESENTER_HINT = "Presenter only: just the presenter and the facilitator see it (^t: share)"
PRIVATE_HINT = "Private: kept on this computer only, never in the group's file or exports"


class NoteScope(Struct, frozen=True):
    kind: str  # meeting | issue | private
    issue_id: int | None = None
    issue_title: str = ""
    presenter_id: int | None = None


class NotesReadView(ModalScreen[None]):
    """The notes rendered as Markdown (links are shown, never opened)."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(id="notes-read"):
                # Control characters visible (never raw to the terminal); CR breaks a line,
                # as in the editor and the exported minutes.
                shown = visible(self.text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
                from textual.widgets import Markdown  # markdown-it loads for the read view only

                yield Markdown(shown or "*(empty)*", open_links=False)

    def action_close(self) -> None:
        self.dismiss(None)


class NotesPane(Vertical):
    """Edits one note at a time: the meeting's, the discussed issue's, or a private one."""

    BINDINGS = [
        Binding("ctrl+home", "to_start", "Start of notes", show=False),
        Binding("ctrl+end", "to_end", "End of notes", show=False),
    ]

    def action_to_start(self) -> None:
        self.text_area.move_cursor((0, 0))

    def action_to_end(self) -> None:
        self.text_area.move_cursor(self.text_area.document.end)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scope: NoteScope | None = None
        self.note_id: int | None = None
        self.visibility = "group"
        self.doc: NoteDoc | None = None  # made on open: pycrdt loads with the first note
        self.seq = 0
        self.pending: list[bytes] = []
        self.hidden_for_me = False
        self._save_timer: Timer | None = None
        self._private: PrivateNotes | None = None
        self._private_key = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="notes-title")
        yield Static("", id="notes-hint")
        yield LiteralTextArea("", id="notes-text", soft_wrap=True, show_line_numbers=False)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#notes-text", TextArea)

    # ------------------------------------------------------------------ opening

    async def open(self, scope: NoteScope, meeting_id: int, *, may_see_presenter: bool) -> None:
        """Show the note of `scope`, saving whatever was pending in the previous one."""
        await self.flush()
        self.scope = scope
        store = self.app.store
        area = self.text_area
        if scope.kind == "private":
            if self._private is None:
                self._private = await PrivateNotes.open()
                self.app.closing.append(self._private)  # closed on every exit path
            self._private_key = f"{store.path}|meeting:{meeting_id}"
            text = await self._private.get(self._private_key)
            self.note_id = None
            self.hidden_for_me = False
            self._set_text(text)
            area.read_only = False
            self._title("Private notes", PRIVATE_HINT)
            return
        snapshot = await store.open_note(meeting_id, scope.issue_id)
        self.note_id = snapshot.note_id
        self.visibility = snapshot.visibility
        self.doc = NoteDoc(snapshot.state)
        self.seq = snapshot.seq
        self.pending = []
        if self.note_id is not None:
            for seq, update, _origin in await store.note_updates_since(self.note_id, self.seq):
                self.doc.apply(update)
                self.seq = seq
        self.hidden_for_me = self.visibility == "presenter" and not may_see_presenter
        self._set_text("" if self.hidden_for_me else str(self.doc))
        area.read_only = self.hidden_for_me or store.observer or self.note_id is None
        self._render_title()

    def _render_title(self) -> None:
        scope = self.scope
        if scope is None:
            return
        if scope.kind == "issue":
            title = f"Notes: {scope.issue_title}"
        else:
            title = "Meeting notes"
        if self.hidden_for_me:
            hint = "For the presenter only: not shown on this terminal"
        elif self.visibility == "presenter":
            hint = PRESENTER_HINT
        else:
            hint = SHARED_HINT
        self._title(title, hint)

    def _title(self, title: str, hint: str) -> None:
        self.query_one("#notes-title", Static).update(literal(title, style="bold"))
        self.query_one("#notes-hint", Static).update(literal(hint, style="dim"))

    def _set_text(self, text: str) -> None:
        # The editor reports loaded text as a change, by a message handled later: prevented,
        # or the empty pane of hidden notes would be saved over them.
        with self.text_area.prevent(TextArea.Changed):
            self.text_area.load_text(text)

    # ------------------------------------------------------------------ local edits

    @on(TextArea.Changed, "#notes-text")
    def _typed(self) -> None:
        if self.scope is None or self.hidden_for_me or self.text_area.read_only:
            return  # (nothing typed here can be saved)
        if self.scope.kind != "private" and self.doc is not None:
            update = self.doc.edit_to(self.text_area.text)
            if update is not None:
                self.pending.append(update)
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY_S, self._save_soon)

    async def _save_soon(self) -> None:
        self._save_timer = None
        await self.flush()

    async def flush(self) -> None:
        """Write what was typed since the last save (called on a timer and on leaving)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        scope = self.scope
        if scope is None:
            return
        try:
            if scope.kind == "private":
                if self._private is not None:
                    await self._private.put(self._private_key, self.text_area.text)
                return
            if not self.pending or self.note_id is None:
                return
            saving = list(self.pending)
            if len(saving) > 1:
                from pycrdt import merge_updates  # loaded with the first note only

                update = merge_updates(*saving)
            else:
                update = saving[0]
            await self.app.store.save_note_update(self.note_id, update)
            # Only now are they safe: on a failure they stay pending and go with the next save
            # (later updates depend on them, so dropping one would strand everything after it).
            del self.pending[: len(saving)]
        except StoreError as error:
            self.app.report(error)
            if self.scope is not None and self.scope.kind != "private" and self._save_timer is None:
                self._save_timer = self.set_timer(1.0, self._save_soon)

    # ------------------------------------------------------------------ remote edits

    async def pull(self) -> None:
        """Merge other terminals' edits, keeping this terminal's cursor and selection."""
        if self.scope is None or self.scope.kind == "private" or self.note_id is None:
            return
        store = self.app.store
        updates = await store.note_updates_since(self.note_id, self.seq)
        if not updates or self.doc is None:
            return
        for seq, update, origin in updates:
            if origin != store.origin:
                self.doc.apply(update)
            self.seq = seq
        if self.hidden_for_me:
            return
        self._apply_text(str(self.doc))

    def _apply_text(self, new: str) -> None:
        area = self.text_area
        old = area.text
        if old == new:
            return
        start, old_end, new_end = changed_span(old, new)
        document = area.document
        with area.prevent(TextArea.Changed):  # not typed here: nothing to save
            area.replace(
                new[start:new_end],
                document.get_location_from_index(start),
                document.get_location_from_index(old_end),
                maintain_selection_offset=True,
            )

    async def set_visibility(self, visibility: str) -> None:
        if self.note_id is None or self.scope is None or self.scope.kind == "private":
            return
        await self.app.store.set_note_visibility(self.note_id, visibility)
        self.visibility = visibility
        self._render_title()

    async def close_private(self) -> None:
        await self.flush()
        if self._private is not None:
            await self._private.close()
            self._private = None
