"""The issue queue and discussion on the meeting screen, through the pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from peertui.core.agenda import preset
from peertui.store import Store
from peertui.ui.components.issue_dialogs import ContinueModal, OutcomeModal
from peertui.ui.components.line_table import LineTable
from peertui.ui.components.meeting import MeetingScreen
from tests.conftest import FakeClock, make_app, screen_text, wait_for


async def seed(db_path: Path, clock: FakeClock, *, protocol: bool = False) -> tuple[int, int]:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group(
            "Circle", members=[("Ann", "ann"), ("Bob", "bob"), ("Chen", None)]
        )
        if protocol:
            await store.update_group_issue_settings(group.id, use_protocol=True, timeboxes="4,2")
        ann = (await store.find_member(group.id, "Ann")).id
        await store.add_issue(group.id, "Budget cut", raised_by=ann, minutes=10)
        await store.add_issue(group.id, "Rota friction", raised_by=ann, urgency="A", minutes=5)
        meeting_id = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
        await store.set_phase(meeting_id, 1)
        return group.id, meeting_id


def queue_titles(app) -> list[str]:
    """The queue as listed in the table, row by row (cells may be cut with an ellipsis)."""
    table = app.screen.query_one("#queue", LineTable)
    by_id = {str(issue.id): issue.title for issue in app.screen.queue}
    return [by_id[key] for key in table.keys]


async def test_votes_reorder_the_queue_and_are_capped(db_path: Path, clock: FakeClock) -> None:
    _, meeting_id = await seed(db_path, clock)
    app = make_app(db_path, clock=clock, meeting_id=meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.mode == "queue"
        # No votes yet: urgency breaks the tie.
        assert queue_titles(app) == ["Rota friction", "Budget cut"]
        assert "voting as Ann (3 left)" in screen_text(app)
        screen.query_one("#queue", LineTable).move_cursor(row=1)
        await pilot.press("v", "v")
        assert queue_titles(app) == ["Budget cut", "Rota friction"]
        assert "(1 left)" in screen_text(app)
        await pilot.press("V")  # Bob votes next
        assert "voting as Bob (3 left)" in screen_text(app)
        await pilot.press("v", "v", "v", "v")
        assert "No votes left" in " ".join(str(n.message) for n in app._notifications)
        await pilot.press("u")
        assert "voting as Bob (1 left)" in screen_text(app)


async def test_discuss_with_a_timebox_then_close_with_an_action(db_path: Path, clock: FakeClock) -> None:
    group_id, meeting_id = await seed(db_path, clock)
    app = make_app(db_path, clock=clock, meeting_id=meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("enter")  # discuss the top issue: Rota friction, 5 minutes
        assert screen.mode == "discussion"
        text = screen_text(app)
        assert "Discussion" in text and "Rota friction" in text and "5:00 left of 5:00" in text
        clock.advance(301)
        screen.render_clock()
        await wait_for(pilot, lambda: "Continue for 7 more minutes" in screen_text(app))
        assert isinstance(app.screen, ContinueModal)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        await pilot.pause()
        screen.render_clock()
        assert "7:00 left of 12:01" in screen_text(app)  # seven minutes from the decision
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OutcomeModal))
        modal = app.screen
        modal.query_one("#decision", Input).value = "Trial a new rota"
        modal.query_one("#action-text", Input).value = "Draft the rota"
        modal.query_one("#action-owner", Input).value = "bob"
        modal.query_one("#action-text", Input).focus()
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        await pilot.pause()
        assert screen.mode == "queue"
        assert queue_titles(app) == ["Budget cut"]
    async with await Store.open(db_path, clock=clock) as store:
        (resolved,) = await store.list_issues(group_id, statuses=("resolved",))
        assert (resolved.title, resolved.outcome) == ("Rota friction", "Trial a new rota")
        (commitment,) = await store.commitments(group_id)
        assert (commitment.text, commitment.owner_name) == ("Draft the rota", "Bob")
        assert commitment.due_on == (await store.default_due_date(meeting_id)).isoformat()


async def test_protocol_steps_show_their_rules(db_path: Path, clock: FakeClock) -> None:
    _, meeting_id = await seed(db_path, clock, protocol=True)
    app = make_app(db_path, clock=clock, meeting_id=meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert "Present (1/5)" in screen_text(app)
        await pilot.press("n")
        text = screen_text(app)
        assert "Clarifying questions (2/5)" in text
        assert "Questions only, no advice." in text
        await pilot.press("p")
        assert "Present (1/5)" in screen_text(app)


async def test_raise_an_issue_during_the_check_in(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group("Circle", members=[("Ann", None)])
        meeting_id = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
    app = make_app(db_path, clock=clock, meeting_id=meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "a")
        await pilot.press(*"Hiring freeze [b]now")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.mode == "round"
        await pilot.press("N")
        assert queue_titles(app) == ["Hiring freeze [b]now"]


async def test_parking_lot_and_back(db_path: Path, clock: FakeClock) -> None:
    group_id, meeting_id = await seed(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        (first, _) = await store.list_issues(group_id, meeting_id=meeting_id)
        await store.start_discussion(meeting_id, first.id)
        await store.close_issue(meeting_id, first.id, "parked", "later")
    app = make_app(db_path, clock=clock, meeting_id=meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        assert queue_titles(app) == ["Budget cut"]
        await pilot.press("l")
        assert "Parking lot" in screen_text(app)
        assert queue_titles(app) == ["Rota friction"]
        await pilot.press("enter")
        await pilot.press("l")
        assert sorted(queue_titles(app)) == ["Budget cut", "Rota friction"]


async def test_commitments_show_beside_the_speaker_and_are_marked_in_a_keystroke(
    db_path: Path, clock: FakeClock
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group("Circle", members=[("Ann", None), ("Bob", None)])
        ann = (await store.find_member(group.id, "Ann")).id
        issue = await store.add_issue(group.id, "Rota")
        first = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
        await store.start_discussion(first, issue)
        await store.close_issue(first, issue, "resolved", "Trial", [("Draft the rota", ann, "2030-01-01")])
        await store.end_meeting(first)
        clock.advance(86400 * 28)
        second = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
        (commitment,) = await store.commitments(group.id)
        await store.review_commitment(second, commitment.id, "not_done")  # as if at a meeting between
        await store.end_meeting(second)
        clock.advance(86400 * 28)
        third = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
    app = make_app(db_path, clock=clock, meeting_id=third)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")  # Ann speaks
        text = screen_text(app)
        assert "1 done · 2 not done · 3 dropped" in text and "▸ Draft the rota" in text
        await pilot.press("2")  # not done, again: offered as a new issue
        await wait_for(pilot, lambda: "two meetings running" in screen_text(app))
        await pilot.press("y")
        await pilot.pause()
        assert "not done" in screen_text(app)
    async with await Store.open(db_path, clock=clock) as store:
        titles = [i.title for i in await store.list_issues(group.id)]
        assert "Stuck: Draft the rota" in titles
