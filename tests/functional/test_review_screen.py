"""Review between meetings, through the pilot at 80x24: list → meeting → issue, search as
you type, my commitments, health; and every view showing user text literally.

The history is made the way the app makes it: two live meetings run through the store
with the fake clock (check-in rounds, a timed discussion, outcomes, actions, reviews),
plus notes written straight into the table (no screen writes notes yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Sparkline, Static

from peertui.core.agenda import preset
from peertui.store import Store
from peertui.store.store import current_login
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.review import ReviewScreen
from tests.conftest import FakeClock, make_app, screen_text, wait_for

DEFAULT = preset("Check-in, Issues, Wrap-up")
DAY = 86400.0


@dataclass(frozen=True)
class Texts:
    """Everything a user types into the history; the markup test swaps in nasty strings."""

    group: str = "Circle"
    members: tuple[str, str, str, str] = ("Ann", "Bob", "Chen", "Dee")
    rota: str = "Rota for the summer"
    rota_details: str = "Budgeting the night shifts"
    decision: str = "Hire two temps for August"
    call: str = "Call the agency about temps"
    draft: str = "Draft the summer rota"
    parking: str = "Parking at the office"
    permit: str = "Ask the landlord for permits"
    note: str = "Remember the fire drill"
    issue_note: str = "Options: overtime or temps"
    private: str = "Private: Bob is worried"
    word: str = "hopeful"


@dataclass
class Seeded:
    group_id: int
    members: list[int]
    meetings: list[int] = field(default_factory=list)
    rota: int = 0
    parking: int = 0


async def run_checkin(store: Store, clock: FakeClock, meeting_id: int, seconds: list[float]) -> None:
    await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "start")
    for spoken in seconds:
        clock.advance(spoken)
        await store.change_round(meeting_id, "checkin", lambda r, now: r.next(now), "next")


async def add_note(store: Store, group_id: int, meeting_id: int, issue_id: int | None,
                   body: str, visibility: str = "group") -> int:
    async with store.transaction() as tx:
        note_id = await tx.insert(
            "INSERT INTO notes (meeting_id, issue_id, body, visibility, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (meeting_id, issue_id, body, visibility, store.clock()),
        )
        tx.changed(group_id, "note", note_id, "written")
    return note_id


async def seed_history(db_path: Path, clock: FakeClock, texts: Texts = Texts()) -> Seeded:
    """Two meetings a week apart. The first member's login is yours (for "my commitments")."""
    async with await Store.open(db_path, clock=clock) as store:
        first, *others = texts.members
        group = await store.create_group(
            texts.group,
            checkin_minutes=1,
            members=[(first, current_login()), *((name, None) for name in others)],
        )
        ann, bob, chen, dee = [m.id for m in await store.list_members(group.id)]
        seeded = Seeded(group.id, [ann, bob, chen, dee])

        # Meeting 1: Dee away; the rota is discussed for 7 minutes and resolved with two actions.
        m1 = await store.start_meeting(group.id, DEFAULT)
        await store.set_attendance(m1, dee, "absent")
        await run_checkin(store, clock, m1, [90, 30, 45])
        seeded.rota = await store.add_issue(group.id, texts.rota, raised_by=bob, details=texts.rota_details)
        seeded.parking = await store.add_issue(group.id, texts.parking, raised_by=chen)
        await store.start_discussion(m1, seeded.rota)
        clock.advance(420)
        await store.close_issue(
            m1, seeded.rota, "resolved", texts.decision,
            [(texts.call, ann, "2027-01-20"), (texts.draft, bob, "2027-01-20")],
        )
        await add_note(store, group.id, m1, None, texts.note)
        await add_note(store, group.id, m1, seeded.rota, texts.issue_note)
        await add_note(store, group.id, m1, seeded.rota, texts.private, "presenter")
        for member, rating in ((ann, 8), (bob, 6), (chen, 7)):
            await store.set_rating(m1, member, rating)
        await store.set_closing_word(m1, ann, texts.word)
        clock.advance(600)
        await store.end_meeting(m1)

        # Meeting 2, a week later: the actions reviewed; parking carried with an overdue action.
        clock.advance(7 * DAY)
        m2 = await store.start_meeting(group.id, DEFAULT)
        await run_checkin(store, clock, m2, [60, 60, 60, 60])
        commitments = {c.text: c.id for c in await store.commitments(group.id)}
        await store.review_commitment(m2, commitments[texts.call], "done")
        await store.review_commitment(m2, commitments[texts.draft], "not_done")
        await store.start_discussion(m2, seeded.parking)
        clock.advance(300)
        await store.close_issue(m2, seeded.parking, "carried", "", [(texts.permit, ann, "2027-01-01")])
        for member, rating in ((ann, 9), (bob, 7)):
            await store.set_rating(m2, member, rating)
        clock.advance(600)
        await store.end_meeting(m2)
        seeded.meetings = [m1, m2]
    return seeded


def review_app(db_path: Path, clock: FakeClock, group_id: int):
    return make_app(db_path, clock=clock, review_group=group_id)


def static_text(app, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Text) else str(content)


async def open_review(pilot, app) -> ReviewScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.overview)
    await pilot.pause()
    return app.screen


# ---------------------------------------------------------------------- browsing


async def test_meetings_then_a_meeting_then_an_issue_and_back(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    app = review_app(db_path, clock, seeded.group_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        text = screen_text(app)
        assert "Review · Circle · 2 meetings held" in text
        rows = [line for line in text.splitlines() if "/4" in line]
        # Newest first: number, date, here/expected, average rating, issues discussed.
        assert rows[0].strip("│ ").split()[:5] == ["2", "2027-01-22", "4/4", "8.0", "1"]
        assert "Parking at the office" in rows[0]
        assert rows[1].strip("│ ").split()[:5] == ["1", "2027-01-15", "3/4", "7.0", "1"]
        assert screen.query_one("#rv-meetings", DataTable).has_focus

        await pilot.press("down", "enter")  # meeting 1
        text = screen_text(app)
        assert "Meeting 1 · 2027-01-15" in text
        assert "3 of 4 here · average rating 7.0 · 1 issues discussed · 2 actions" in text
        assert "Rota for the summer" in text and "resolved" in text
        assert "7:00" in text  # the timed discussion, from its stored state
        body = static_text(app, "#rv-meeting-body")
        assert "Check-in airtime" in body and "█" in body and "1:30" in body
        assert "Dee" in body and "absent" in body and "“hopeful”" in body
        assert "Hire two temps for August" in body
        assert "Call the agency about temps — Ann, due 2027-01-20 · done" in body
        assert "reviewed: done at 2" in body and "not done at 2" in body
        assert "Remember the fire drill" in body and "Options: overtime or temps" in body
        assert "Private: Bob is worried" not in body  # presenter-only: kept out of review
        assert "presenter-only notes are kept out of review for now: 1 not shown" in body
        assert "█" in text  # the airtime bars are on screen at 80x24
        await pilot.press("tab", "end")  # the details scroll from the keyboard
        assert "Remember the fire drill" in screen_text(app)
        await pilot.press("shift+tab")

        await pilot.press("enter")  # the rota's whole life
        text = screen_text(app)
        assert "Rota for the summer" in text
        assert "Issue " in text and "resolved at meeting 1" in text
        assert "Raised 2027-01-15 by Bob at meeting 1 · waited 0 meetings" in text
        assert "discussed at 1 meeting · 7:00 in timed discussion" in text
        body = static_text(app, "#rv-issue-body")
        assert "Budgeting the night shifts" in body and "Hire two temps for August" in body
        assert "Draft the summer rota — Bob, due 2027-01-20 · overdue" in body
        assert "reviewed: not done at 2" in body and "made at meeting 1" in body
        assert "Private" not in body

        await pilot.press("enter")  # the discussion row opens its meeting again
        assert "Meeting 1 · 2027-01-15" in screen_text(app)
        await pilot.press("escape", "escape", "escape")
        assert screen.view == "meetings"
        assert "Review · Circle" in screen_text(app)
        await pilot.press("escape")  # from the list: home
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_carried_issue_waits_and_shows_each_discussion(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    app = review_app(db_path, clock, seeded.group_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("enter")  # meeting 2
        text = screen_text(app)
        assert "Meeting 2" in text and "Parking at the office" in text and "carried over" in text
        assert "5:00" in text
        body = static_text(app, "#rv-meeting-body")
        assert "Commitments reviewed (2)" in body
        assert "Ask the landlord for permits — Ann, due 2027-01-01 · overdue" in body
        await pilot.press("enter")
        assert screen.view == "issue"
        text = screen_text(app)
        assert "Raised 2027-01-15 by Chen at meeting 1 · waited 2 meetings" in text
        assert "discussed at 1 meeting · 5:00 in timed discussion" in text
        assert "carried over" in text and "Ask the landlord for permits" in static_text(app, "#rv-issue-body")


# ---------------------------------------------------------------------- search


async def test_search_as_you_type_and_open_a_result(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    app = review_app(db_path, clock, seeded.group_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("slash")
        assert screen.query_one("#review-search", Input).has_focus
        await pilot.press(*"tem")  # words match at their start: temps, as you type
        await wait_for(pilot, lambda: screen.view == "results")
        text = screen_text(app)
        assert "match" in text
        kinds = {hit.kind for hit in screen.results.hits}
        assert kinds == {"issue", "commitment", "note"}  # outcome, action text, note body
        assert "Call the agency about temps" in text
        assert screen.query_one("#review-search", Input).has_focus  # typing goes on

        search = screen.query_one("#review-search", Input)
        search.value += "ps agency"
        await pilot.pause()
        assert [h.kind for h in screen.results.hits] == ["commitment"]
        await pilot.press("enter")  # from the field to the results
        assert screen.query_one("#rv-results", DataTable).has_focus
        await pilot.press("enter")  # the action opens its issue's history
        assert screen.view == "issue" and "Rota for the summer" in screen_text(app)
        await pilot.press("escape")
        assert screen.view == "results"
        await pilot.press("escape")  # clears the search, back where it started
        assert screen.view == "meetings"
        assert screen.query_one("#review-search", Input).value == ""


async def test_a_note_opens_its_meeting_and_a_bad_query_says_what_to_change(
    db_path: Path, clock: FakeClock
) -> None:
    seeded = await seed_history(db_path, clock)
    app = review_app(db_path, clock, seeded.group_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("slash", *"drill")
        await wait_for(pilot, lambda: screen.view == "results")
        assert [h.kind for h in screen.results.hits] == ["note"]
        await pilot.press("down", "enter")  # ↓ from the field goes to the results too
        assert screen.view == "meeting" and "Meeting 1" in screen_text(app)
        await pilot.press("escape")
        search = screen.query_one("#review-search", Input)
        search.focus()
        await pilot.press("end", "space", '"', "x")  # an unclosed quote, mid-typing
        text = screen_text(app)
        assert "The quote is not closed" in text
        assert [h.kind for h in screen.results.hits] == ["note"]  # the last results stay
        await pilot.press('"')
        assert not screen.results.hits and "No matches for drill" in screen_text(app)
        search.value = "d"
        await pilot.press("backspace")  # nothing left to search: back to where it started
        assert screen.view == "meetings"


# ---------------------------------------------------------------------- mine and health


async def test_my_commitments(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    app = review_app(db_path, clock, seeded.group_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("c")
        text = screen_text(app)
        assert "Ann · as of 2027-01-22" in text
        assert "1 overdue · 0 open · 1 done · 0 dropped" in text
        lines = [line for line in text.splitlines() if "2027-01-" in line and "│" in line]
        assert "overdue" in lines[0] and "Ask the landlord for permits" in lines[0]
        assert "done" in lines[1] and "Call the agency about temps" in lines[1]
        assert "Draft the summer rota" not in text  # Bob's
        await pilot.press("enter")
        assert screen.view == "issue" and "Parking at the office" in screen_text(app)
        await pilot.press("escape")
        assert screen.view == "mine"
        await pilot.press("escape")
        assert screen.view == "meetings"


async def test_my_commitments_by_login_or_by_as_name(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        mine = await store.my_commitments(seeded.group_id)  # the Unix login: Ann's
        assert mine.member.name == "Ann" and mine.today.isoformat() == "2027-01-22"
        assert [(a.text, a.kept) for a in mine.actions] == [
            ("Ask the landlord for permits", "overdue"), ("Call the agency about temps", "done")]
        assert [r.result for r in mine.actions[1].reviews] == ["done"]
        bob = await store.my_commitments(seeded.group_id, who="bob")  # `--as bob`
        assert bob.member.name == "Bob"
        assert [(a.text, a.kept, a.made_in) for a in bob.actions] == [
            ("Draft the summer rota", "overdue", 1)]
        nobody = await store.my_commitments(seeded.group_id, login="ghost")
        assert (nobody.member, nobody.actions, nobody.login) == (None, [], "ghost")


async def test_my_commitments_when_my_login_is_not_on_the_roster(
    db_path: Path, clock: FakeClock
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group("Circle", members=[("Ann", "not-me")])
    app = make_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")  # from home: the highlighted group's review, on "mine"
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.pause()
        assert app.screen.group_id == group.id and app.screen.view == "mine"
        text = screen_text(app)
        assert f"You ({current_login()!r}) are not on the roster of Circle" in text
        assert "No meetings" not in text


async def test_health_sparklines_and_latest_figures(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    app = review_app(db_path, clock, seeded.group_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("h")
        text = screen_text(app)
        assert "Health over 2 meetings · 2027-01-15 to 2027-01-22 · latest: 2" in text
        assert screen.query_one("#rv-spark-rating", Sparkline).data == [7.0, 8.0]
        assert screen.query_one("#rv-spark-attendance", Sparkline).data == [0.75, 1.0]
        assert screen.query_one("#rv-spark-kept", Sparkline).data == [0.5]  # one done, one not
        assert static_text(app, "#rv-figure-rating").startswith("8.0")
        assert static_text(app, "#rv-figure-attendance").startswith("100%")
        assert static_text(app, "#rv-figure-top_share").startswith("25%")  # four minutes each
        assert static_text(app, "#rv-figure-gini").startswith("0.00")
        assert "▁" in text or "█" in text


async def test_home_r_opens_the_highlighted_groups_review(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        await store.create_group("Another", members=[("Zed", None)])
    app = make_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        groups = app.screen.query_one("#groups", DataTable)
        groups.move_cursor(row=groups.get_row_index(str(seeded.group_id)))
        await pilot.press("r")
        screen = await open_review(pilot, app)
        assert screen.group_id == seeded.group_id and "2 meetings held" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_palette_opens_review_from_home_and_its_views(db_path: Path, clock: FakeClock) -> None:
    await seed_history(db_path, clock)
    app = make_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"Revi")
        await wait_for(pilot, lambda: "Review the group's history" in screen_text(app))
        await pilot.press("enter")
        screen = await open_review(pilot, app)
        await pilot.press("ctrl+p", *"heal")
        await wait_for(pilot, lambda: "Show the group's health over time" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.view == "health")


async def test_another_terminals_change_shows_up(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    app = make_app(db_path, clock=clock, review_group=seeded.group_id, feed_poll_seconds=0.02)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("down")  # meeting 1 highlighted
        async with await Store.open(db_path, clock=clock) as other:
            m3 = await other.start_meeting(seeded.group_id, DEFAULT)
            await other.end_meeting(m3)
            unrelated = await other.create_group("Elsewhere", members=[("Zed", None)])
            await other.add_issue(unrelated.id, "Not ours")
        await wait_for(pilot, lambda: "3 meetings held" in screen_text(app))
        table = screen.query_one("#rv-meetings", DataTable)
        assert screen.view == "meetings" and table.row_count == 3
        # The same meeting stays highlighted, now one row further down.
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == str(seeded.meetings[0])


async def test_a_change_elsewhere_refreshes_without_moving_the_view(
    db_path: Path, clock: FakeClock
) -> None:
    seeded = await seed_history(db_path, clock)
    app = make_app(db_path, clock=clock, review_group=seeded.group_id, feed_poll_seconds=0.02)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, app)
        await pilot.press("slash")
        screen.query_one("#review-search", Input).value = "temps"
        await wait_for(pilot, lambda: screen.view == "results")
        await pilot.press("down")  # into the results
        table = screen.query_one("#rv-results", DataTable)
        table.move_cursor(row=table.get_row_index(f"issue:{seeded.rota}"))
        await pilot.press("enter")
        assert screen.view == "issue"
        async with await Store.open(db_path, clock=clock) as other:
            fresh = await other.add_issue(seeded.group_id, "Temps budget for the winter")
        await wait_for(pilot, lambda: screen.results and len(screen.results.hits) == 4)
        assert screen.view == "issue" and "Rota for the summer" in screen_text(app)
        await pilot.press("escape")
        assert screen.view == "results" and "Temps budget for the winter" in screen_text(app)
        # An issue never discussed: no meetings to list, the keyboard goes to its details.
        table.move_cursor(row=table.get_row_index(f"issue:{fresh}"))
        await pilot.press("enter")
        assert screen.view == "issue" and "discussed at 0 meetings" in screen_text(app)
        assert screen.query_one("#rv-issue-more").has_focus


# ---------------------------------------------------------------------- markup stays text

NASTY = [
    ("[bold]x", "[bold]x"),
    ("[/]", "[/]"),
    ("[link=file:///etc/passwd]x", "[link=file:///etc/passwd]x"),
    ("unclosed [b", "unclosed [b"),
    ("\x1b[31mred", "\u241b[31mred"),
]
NASTY_TEXTS = Texts(
    group="[bold]Circle [/]",
    members=("[bold]x", "[/]", "[link=file:///etc/passwd]x", "unclosed [b"),
    rota="[bold]x rota",
    rota_details="[link=file:///etc/passwd]x details",
    decision="[/] decision \x1b[31mred",
    call="unclosed [b call",
    draft="\x1b[31mred draft",
    parking="[link=file:///etc/passwd]x parking",
    permit="[bold]x permit",
    note="[/] note unclosed [b",
    issue_note="[link=file:///etc/passwd]x note",
    private="[bold]x private",
    word="[b",
)


def shown(text: str) -> str:
    return text.replace("\x1b", "\u241b")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_every_review_view_shows_user_text_literally(
    db_path: Path, clock: FakeClock, size
) -> None:
    seeded = await seed_history(db_path, clock, NASTY_TEXTS)
    t = NASTY_TEXTS
    app = review_app(db_path, clock, seeded.group_id)
    big = size == (160, 50)
    async with app.run_test(size=size) as pilot:
        screen = await open_review(pilot, app)
        seen: list[str] = []

        def look(*expected: str, where: str = "") -> None:
            text = screen_text(app) + (static_text(app, where) if where else "")
            seen.append(text)
            assert "\x1b" not in text
            if big:
                for item in expected:
                    assert shown(item) in text, item

        look(t.group, t.parking)  # the list: group name, issue titles
        await pilot.press("down", "enter")
        look(t.rota, t.decision, *t.members[:3], t.word, t.call, t.draft, t.note, t.issue_note,
             where="#rv-meeting-body")
        assert shown(t.private) not in "".join(seen)
        await pilot.press("enter")
        look(t.rota, t.members[1], t.rota_details, t.decision, t.call, t.draft, t.issue_note,
             where="#rv-issue-body")
        await pilot.press("escape", "escape", "up", "enter")  # meeting 2
        look(t.parking, t.permit, t.call, t.draft, where="#rv-meeting-body")
        await pilot.press("escape", "c")
        look(t.members[0], t.permit, t.call, t.parking, t.rota)
        await pilot.press("h")
        look()
        # Search: the query itself, the hits' titles, owners and snippets.
        await pilot.press("slash")
        search = screen.query_one("#review-search", Input)
        search.value = "[bold]x"  # the words inside: bold, x
        await wait_for(pilot, lambda: screen.view == "results")
        look(t.rota, t.permit)
        search.value = "zz [link=x]"
        await pilot.pause()
        look("No matches for zz [link=x]")
        search.value = '"[b'
        await pilot.pause()
        look("The quote is not closed")
        assert shown(t.private) not in "".join(seen)
    assert not any("\x1b" in text for text in seen)
