"""A group whose every text field holds the text under test, made the way the app makes it.

Meeting 1 (ended): a check-in round, an issue discussed and resolved with a decision and an
action, the meeting's and the issue's shared notes, a closing word and ratings, on the
group's own agenda template with its own check-in prompt. Meeting 2 (in progress, at its
check-in): the same template and prompt, a live meeting note, and a second issue waiting in
the queue. The first member's login is the Unix login running the tests ("my commitments").
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from msgspec import structs

from peertui.core.agenda import preset
from peertui.store import Store
from peertui.store.notes import NoteDoc
from peertui.store.store import current_login

DAY = 86400.0
START = 1_800_000_000.0
DEFAULT = preset("Check-in, Issues, Wrap-up")
# The default agenda with minutes for every phase (a saved template needs them).
PHASES = tuple(structs.replace(phase, minutes=phase.minutes or 5) for phase in DEFAULT.phases)


@dataclass(frozen=True)
class Texts:
    """Everything a user types, field by field."""

    group: str = "Circle"
    ann: str = "Ann"
    bob: str = "Bob"
    title: str = "Rota for the summer"
    details: str = "Budgeting the night shifts"
    outcome: str = "Hire two temps"
    action: str = "Call the agency"
    word: str = "hopeful"
    note: str = "Remember the fire drill"
    issue_note: str = "Options: overtime or temps"
    live_note: str = "Today: the new rota"
    queued: str = "Parking at the office"
    template: str = "Our agenda"
    prompt: str = "What is on top for you?"

    @classmethod
    def around(cls, value: str) -> Texts:
        """Every field: a word that names it, then `value` (searchable, and never trimmed away)."""
        words = {
            "group": "Group", "ann": "Ann", "bob": "Bob", "title": "Title", "details": "Details",
            "outcome": "Decision", "action": "Action", "word": "Word", "note": "Note",
            "issue_note": "Issuenote", "live_note": "Livenote", "queued": "Queued",
            "template": "Agenda", "prompt": "Prompt",
        }
        return cls(**{name: f"{word} {value}" for name, word in words.items()})

    def with_(self, **changes: str) -> Texts:
        return replace(self, **changes)

    def items(self) -> list[tuple[str, str]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass
class World:
    texts: Texts
    group_id: int = 0
    ann: int = 0
    bob: int = 0
    chen: int = 0
    ended: int = 0  # meeting 1
    live: int = 0  # meeting 2, in progress
    issue: int = 0  # resolved at meeting 1
    queued: int = 0  # waiting in the queue
    now: float = START  # the clock when the world was made (the live meeting just started)


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def write_note(store: Store, meeting_id: int, issue_id: int | None, text: str) -> None:
    """Type `text` into a shared note the way the notes pane does: one CRDT edit."""
    snapshot = await store.open_note(meeting_id, issue_id)
    update = NoteDoc(snapshot.state).edit_to(text)
    assert snapshot.note_id is not None and update is not None
    await store.save_note_update(snapshot.note_id, update)


async def build_world(store: Store, texts: Texts, clock: Clock) -> World:
    world = World(texts)
    group = await store.create_group(
        texts.group,
        checkin_minutes=1,
        members=[(texts.ann, current_login()), (texts.bob, None), ("Chen", None)],
    )
    world.group_id = group.id
    world.ann, world.bob, world.chen = [m.id for m in await store.list_members(group.id)]
    await store.save_template(group.id, texts.template, PHASES)
    async with store.transaction() as tx:  # the group's prompt pool (as an import writes it)
        await tx.execute(
            "INSERT INTO group_prompts (group_id, text) VALUES (?, ?)", (group.id, texts.prompt)
        )
        tx.changed(group.id, "group", group.id, "prompts")
    template = next(t for t in await store.templates(group.id) if t.name == texts.template)

    # Meeting 1, ended.
    m1 = await store.start_meeting(group.id, template)
    await store.change_round(m1, "checkin", lambda r, now: r.start_round(now), "start")
    for spoken in (70, 40, 50):
        clock.advance(spoken)
        await store.change_round(m1, "checkin", lambda r, now: r.next(now), "next")
    world.issue = await store.add_issue(
        group.id, texts.title, raised_by=world.bob, details=texts.details
    )
    await store.set_phase(m1, 1)
    await store.start_discussion(m1, world.issue)
    clock.advance(300)
    await store.close_issue(
        m1, world.issue, "resolved", texts.outcome, [(texts.action, world.ann, "2030-01-31")]
    )
    await write_note(store, m1, None, texts.note)
    await write_note(store, m1, world.issue, texts.issue_note)
    await store.set_phase(m1, 2)
    await store.set_closing_word(m1, world.ann, texts.word)
    for member, rating in ((world.ann, 8), (world.bob, 7)):
        await store.set_rating(m1, member, rating)
    clock.advance(600)
    await store.end_meeting(m1)
    world.ended = m1

    # Meeting 2, a week later, in progress at its check-in.
    clock.advance(7 * DAY)
    world.queued = await store.add_issue(
        group.id, texts.queued, raised_by=world.ann, details=texts.details
    )
    world.live = await store.start_meeting(group.id, template)
    await write_note(store, world.live, None, texts.live_note)
    world.now = clock.now
    return world


async def make_worlds(path: Path, all_texts: dict[str, Texts]) -> dict[str, World]:
    """One database holding a group per entry of `all_texts`."""
    clock = Clock()
    worlds: dict[str, World] = {}
    async with await Store.open(path, actor="seed", clock=clock) as store:
        for key, texts in all_texts.items():
            worlds[key] = await build_world(store, texts, clock)
    return worlds
