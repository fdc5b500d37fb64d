"""Shared notes across terminals, private notes that stay private, and the read view."""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

from peertui.core.agenda import preset
from peertui.paths import data_dir
from peertui.store import Store
from peertui.store.notes import NoteDoc
from peertui.ui.components.notes import NotesPane, NotesReadView
from tests.conftest import FakeClock, make_app, screen_text, wait_for


async def seed(db_path: Path, clock: FakeClock) -> int:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group(
            "Circle", members=[("Ann", "ann"), ("Bob", "bob"), ("Chen", "chen")]
        )
        return await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))


async def discussing_chens_issue(db_path: Path, clock: FakeClock) -> tuple[int, int]:
    """The meeting in its issues phase, discussing "Hiring", raised by Chen (its presenter)."""
    meeting_id = await seed(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.find_group("Circle")
        chen = await store.find_member(group.id, "Chen")
        issue = await store.add_issue(group.id, "Hiring", raised_by=chen.id)
        await store.set_phase(meeting_id, 1)
        await store.start_discussion(meeting_id, issue)
    return meeting_id, issue


def terminal(db_path: Path, clock: FakeClock, meeting_id: int, who: str, **kwargs):
    return make_app(
        db_path, clock=clock, meeting_id=meeting_id, identity=who, feed_poll_seconds=0.02, **kwargs
    )


async def open_notes(pilot, app) -> str:
    """ctrl+n once, then wait until what it opens has the focus (or the pane has closed), as
    a person waits to see it; returns the kind of notes shown ("" when closed)."""
    screen = app.screen

    def showing() -> tuple[bool, object]:
        pane = screen.notes_pane
        return screen.notes_open, pane.scope if pane is not None else None

    before = showing()
    await pilot.press("ctrl+n")
    await wait_for(
        pilot,
        lambda: showing() != before
        and (not screen.notes_open or app.focused is screen.notes_pane.text_area),
    )
    return screen.notes_pane.scope.kind if screen.notes_open else ""


async def stored_note(store: Store, meeting_id: int, issue_id: int | None = None) -> str:
    """The note's text as saved: its snapshot, then every update since."""
    snapshot = await store.open_note(meeting_id, issue_id)
    doc = NoteDoc(snapshot.state)
    if snapshot.note_id is not None:
        for _seq, update, _origin in await store.note_updates_since(snapshot.note_id, snapshot.seq):
            doc.apply(update)
    return str(doc)


def notes_text(app) -> str:
    """The notes editor's text ("" while the pane is not built yet: it is, on first open)."""
    panes = app.screen.query(NotesPane)
    return panes.first().text_area.text if panes else ""


def test_concurrent_edits_merge_without_losing_a_character() -> None:
    base = NoteDoc()
    base.edit_to("hello world")
    ann, bob = NoteDoc(base.state()), NoteDoc(base.state())
    from_ann = ann.edit_to("hello brave world")
    from_bob = bob.edit_to("hello world!!")
    ann.apply(from_bob)
    bob.apply(from_ann)
    assert str(ann) == str(bob) == "hello brave world!!"


async def test_two_terminals_type_into_one_pane_at_once(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await open_notes(pa, ann)
        await open_notes(pb, bob)
        for a, b in zip_longest("Ann types this line. ", "Bob adds his part! "):
            if a:
                await pa.press(a if a != " " else "space")
            if b:
                await pb.press(b if b != " " else "space")
        await wait_for(pa, lambda: notes_text(ann) == notes_text(bob) and len(notes_text(ann)) > 30)
        await pa.pause(0.4)  # both terminals' last saves land
        await wait_for(pa, lambda: notes_text(ann) == notes_text(bob))
        merged = notes_text(ann)
        assert sorted(merged) == sorted("Ann types this line. " + "Bob adds his part! ")
    async with await Store.open(db_path, clock=clock) as store:
        snapshot = await store.open_note(meeting_id)
        assert str(NoteDoc(snapshot.state)) == merged


async def test_remote_edits_keep_the_local_cursor(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await open_notes(pa, ann)
        await open_notes(pb, bob)
        await pa.press(*"world")
        await wait_for(pb, lambda: notes_text(bob) == "world")
        area = ann.screen.query_one(NotesPane).text_area
        assert area.cursor_location == (0, 5)
        await pb.press("home", *"hello", "space")
        await wait_for(pa, lambda: notes_text(ann) == "hello world")
        assert area.cursor_location == (0, 11)  # still after "world"
        await pa.press("!")
        await wait_for(pb, lambda: notes_text(bob) == "hello world!")


async def test_private_notes_never_touch_the_group_database(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    secret = "my-private-worry-7f3a"
    ann = terminal(db_path, clock, meeting_id, "Ann")
    async with ann.run_test(size=(80, 24)) as pa:
        await open_notes(pa, ann)  # meeting notes, then private
        await open_notes(pa, ann)
        await wait_for(pa, lambda: "Private: kept on this computer only" in screen_text(ann))
        await pa.press(*secret)
        await pa.press("escape")  # closing the pane saves it
    group_bytes = db_path.read_bytes()
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        group_bytes += wal.read_bytes()
    assert secret.encode() not in group_bytes
    private = data_dir() / "private-notes.db"
    assert private.stat().st_mode & 0o777 == 0o600
    private_bytes = private.read_bytes() + (
        Path(f"{private}-wal").read_bytes() if Path(f"{private}-wal").exists() else b""
    )
    assert secret.encode() in private_bytes
    again = terminal(db_path, clock, meeting_id, "Ann")
    async with again.run_test(size=(80, 24)) as pa:
        await open_notes(pa, again)
        await open_notes(pa, again)
        await wait_for(pa, lambda: notes_text(again) == secret)


async def test_presenter_only_notes_are_hidden_from_other_members(
    db_path: Path, clock: FakeClock
) -> None:
    meeting_id, issue = await discussing_chens_issue(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")  # facilitates
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await open_notes(pa, ann)  # the discussed issue's notes
        await wait_for(pa, lambda: "Notes: Hiring" in screen_text(ann))
        await pa.press(*"scribe notes for Chen")
        await pa.press("ctrl+t")
        await wait_for(pa, lambda: "Presenter only" in screen_text(ann))
        # Ann's typing reaches the file (saved every quarter second), however busy the machine:
        # the pane's edit events may still be queued, so read the file as a terminal would.
        for _ in range(250):
            if await stored_note(ann.store, meeting_id, issue) == "scribe notes for Chen":
                break
            await pa.pause(0.02)
        else:
            raise AssertionError("Ann's notes were not saved")
        await open_notes(pb, bob)
        await wait_for(pb, lambda: "For the presenter only" in screen_text(bob))
        assert "scribe notes" not in screen_text(bob)
    presenter = terminal(db_path, clock, meeting_id, "Chen")
    async with presenter.run_test(size=(80, 24)) as pc:
        await open_notes(pc, presenter)
        await wait_for(pc, lambda: notes_text(presenter) == "scribe notes for Chen")


async def test_opening_notes_hidden_from_this_terminal_leaves_them_as_they_are(
    db_path: Path, clock: FakeClock
) -> None:
    """Bob may not read the presenter's notes: his pane shows nothing, and that empty pane
    must not be saved over them (the editor reports loading text as a change, later)."""
    meeting_id, issue = await discussing_chens_issue(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.find_group("Circle")
        snapshot = await store.open_note(meeting_id, issue)
        assert snapshot.note_id is not None
        update = NoteDoc(snapshot.state).edit_to("scribe notes for Chen")
        assert update is not None
        await store.save_note_update(snapshot.note_id, update)
        await store.set_note_visibility(snapshot.note_id, "presenter")
        ann = await store.find_member(group.id, "Ann")
        assert await store.join_meeting(meeting_id, ann.id)  # Ann facilitates, from elsewhere
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with bob.run_test(size=(80, 24)) as pilot:
        await open_notes(pilot, bob)
        await wait_for(pilot, lambda: "For the presenter only" in screen_text(bob))
        await pilot.pause(0.6)  # more than the pane's save delay
        await bob.screen.notes_pane.flush()  # as leaving the pane or quitting does
    async with await Store.open(db_path, clock=clock) as store:
        assert await stored_note(store, meeting_id, issue) == "scribe notes for Chen"


async def test_read_view_renders_markdown(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    app = terminal(db_path, clock, meeting_id, "Ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notes(pilot, app)
        app.screen.query_one(NotesPane).text_area.load_text("# Decisions\n\n- **trial** the rota\n- [x](file:///etc/passwd)")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesReadView))
        await pilot.pause()
        text = screen_text(app)
        assert "Decisions" in text and "trial the rota" in text and "**" not in text


async def test_a_failed_save_keeps_the_edits_for_the_next_one(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    app = terminal(db_path, clock, meeting_id, "Ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notes(pilot, app)
        pane = app.screen.query_one(NotesPane)
        store = app.store
        real_save = store.save_note_update
        failures = []

        async def failing_save(note_id, update):
            failures.append(update)
            from peertui.store import DiskFull

            raise DiskFull("disk full (simulated)")

        store.save_note_update = failing_save
        await pilot.press(*"lost?")
        await pane.flush()
        assert failures and len(pane.pending) > 0  # kept, not dropped
        store.save_note_update = real_save
        await pilot.press(*" no")
        await pane.flush()
        assert pane.pending == []
    async with await Store.open(db_path, clock=clock) as store:
        assert str(NoteDoc((await store.open_note(meeting_id)).state)) == "lost? no"


async def test_private_notes_are_closed_on_every_exit_path(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    app = terminal(db_path, clock, meeting_id, "Ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notes(pilot, app)
        await open_notes(pilot, app)  # private notes: their own connection
        private = app.screen.query_one(NotesPane)._private
        assert private is not None and not private._closed
        app.exit()  # not ctrl+q, not Esc
        await pilot.pause()
    assert private._closed


async def test_during_a_discussion_ctrl_n_reaches_every_kind_of_notes(
    db_path: Path, clock: FakeClock
) -> None:
    meeting_id = await seed(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        issue = await store.add_issue(1, "Hiring")
        await store.set_phase(meeting_id, 1)
        await store.start_discussion(meeting_id, issue)
    app = terminal(db_path, clock, meeting_id, "Ann")
    async with app.run_test(size=(80, 24)) as pilot:
        seen = []
        for _ in range(3):
            seen.append(await open_notes(pilot, app))
        assert seen == ["issue", "meeting", "private"]
        assert await open_notes(pilot, app) == ""
        assert not app.screen.notes_open
