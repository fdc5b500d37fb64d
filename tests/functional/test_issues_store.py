"""Issues and commitments in the store: a real SQLite file, the fake clock, the change feed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from peertui.core.agenda import preset
from peertui.core.discussion import Discussion
from peertui.core.rules import InvalidInput
from peertui.core.timer import TimerError
from peertui.store import NotFound, Store
from tests.conftest import FakeClock

DEFAULT = preset("Check-in, Issues, Wrap-up")
MIN = 60


async def circle(store: Store, members=("Ann", "Bob", "Chen"), **settings):
    """A group with members and a meeting in progress: (group, member ids, meeting id)."""
    group = await store.create_group("Circle", members=[(m, None) for m in members], **settings)
    ids = [m.id for m in await store.list_members(group.id)]
    meeting_id = await store.start_meeting(group.id, DEFAULT)
    return group, ids, meeting_id


async def feed(store: Store, since: int) -> list[tuple[str, int | None, str]]:
    return [(c.entity, c.entity_id, c.kind) for c in await store.changes_since(since)]


async def row(store: Store, sql: str, params=()) -> tuple:
    rows = await store._rows(sql, params)
    return tuple(rows[0]) if rows else ()


async def votes_table(store: Store) -> list[tuple]:
    rows = await store._rows(
        "SELECT issue_id, member_id, meeting_id, count FROM votes ORDER BY issue_id, member_id, meeting_id"
    )
    return [tuple(r) for r in rows]


# ---------------------------------------------------------------------- raising


async def test_raising_an_issue(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, *_), meeting_id = await circle(store)
        before = await store.last_change()
        issue_id = await store.add_issue(group.id, "  Hiring a CTO ", raised_by=ann, details=" who? ")
        issue = await store.get_issue(issue_id)
        assert (issue.title, issue.details, issue.raised_by_name) == ("Hiring a CTO", "who?", "Ann")
        assert (issue.urgency, issue.estimate_minutes, issue.status) == ("B", 10, "open")
        assert (issue.votes, issue.meetings_waited, issue.raised_at) == (0, 0, clock())
        assert await row(store, "SELECT raised_meeting_id FROM issues WHERE id = ?", (issue_id,)) == (meeting_id,)
        assert await feed(store, before) == [("issue", issue_id, "raised")]
        urgent = await store.add_issue(group.id, "Cash", urgency=" a ", minutes=25)
        raised = await store.get_issue(urgent)
        assert (raised.urgency, raised.estimate_minutes, raised.raised_by) == ("A", 25, None)


async def test_raising_refusals_write_nothing(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, _ = await circle(store)
        other = await store.create_group("Other", members=[("Zed", None)])
        (zed,) = [m.id for m in await store.list_members(other.id)]
        assert await store.add_issue(group.id, "x" * 200)  # exactly at the limit
        before = await store.last_change()
        with pytest.raises(InvalidInput, match="too long"):
            await store.add_issue(group.id, "x" * 201)
        with pytest.raises(InvalidInput, match="needs a title"):
            await store.add_issue(group.id, "   ")
        with pytest.raises(InvalidInput, match="Urgency"):
            await store.add_issue(group.id, "Cash", urgency="D")
        for minutes in (0, 241):
            with pytest.raises(InvalidInput, match="estimate"):
                await store.add_issue(group.id, "Cash", minutes=minutes)
        with pytest.raises(NotFound):
            await store.add_issue(group.id, "Cash", raised_by=zed)
        assert await store.last_change() == before
        assert len(await store.list_issues(group.id)) == 1


# ---------------------------------------------------------------------- dot voting


async def test_dot_voting_cap_and_taking_back(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, bob, _), meeting_id = await circle(store)
        x = await store.add_issue(group.id, "X")
        y = await store.add_issue(group.id, "Y")
        before = await store.last_change()
        for issue_id in (x, x, y):  # two dots on one issue is fine
            await store.vote(meeting_id, issue_id, ann, +1)
        assert await store.votes_used(meeting_id, ann) == 3
        mark = await store.last_change()
        with pytest.raises(InvalidInput, match="No votes left"):
            await store.vote(meeting_id, y, ann, +1)
        with pytest.raises(InvalidInput, match="no vote of this member"):
            await store.vote(meeting_id, y, bob, -1)
        assert await store.last_change() == mark  # refusals write nothing
        await store.vote(meeting_id, y, ann, -1)  # a dot taken back can be cast again
        assert await store.votes_used(meeting_id, ann) == 2
        await store.vote(meeting_id, x, ann, +1)
        await store.vote(meeting_id, x, bob, +1)
        assert {i.id: i.votes for i in await store.list_issues(group.id, meeting_id=meeting_id)} == {x: 4, y: 0}
        assert await votes_table(store) == [(x, ann, meeting_id, 3), (x, bob, meeting_id, 1)]  # no zero rows
        assert await feed(store, before) == [
            ("vote", x, "cast"),
            ("vote", x, "cast"),
            ("vote", y, "cast"),
            ("vote", y, "taken"),
            ("vote", x, "cast"),
            ("vote", x, "cast"),
        ]


async def test_votes_per_member_is_the_groups_setting(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, *_), meeting_id = await circle(store, votes_per_member=5)
        x = await store.add_issue(group.id, "X")
        for _ in range(5):
            await store.vote(meeting_id, x, ann, +1)
        with pytest.raises(InvalidInput, match="5 per meeting"):
            await store.vote(meeting_id, x, ann, +1)
        assert (await store.get_issue(x)).votes == 5


async def test_votes_only_in_a_meeting_on_open_issues_by_members(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, *_), meeting_id = await circle(store)
        other = await store.create_group("Other", members=[("Zed", None)])
        (zed,) = [m.id for m in await store.list_members(other.id)]
        x = await store.add_issue(group.id, "X")
        done = await store.add_issue(group.id, "Done")
        await store.close_issue(meeting_id, done, "resolved", "sorted")
        before = await store.last_change()
        with pytest.raises(InvalidInput, match="open issues"):
            await store.vote(meeting_id, done, ann, +1)
        with pytest.raises(NotFound, match="not in this group"):
            await store.vote(meeting_id, x, zed, +1)
        with pytest.raises(InvalidInput, match="meeting in progress"):
            await store.vote(9999, x, ann, +1)
        assert await store.last_change() == before
        await store.end_meeting(meeting_id)
        with pytest.raises(InvalidInput, match="meeting in progress"):
            await store.vote(meeting_id, x, ann, +1)
        assert await votes_table(store) == []


# ---------------------------------------------------------------------- the queue's order


async def test_queue_sorting_and_the_manual_order(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, bob, chen), meeting_id = await circle(store)
        old_c = await store.add_issue(group.id, "Old C", urgency="C")
        clock.advance(60)
        new_a = await store.add_issue(group.id, "New A", urgency="A")
        clock.advance(60)
        newer_a = await store.add_issue(group.id, "Newer A", urgency="A")
        clock.advance(60)
        top = await store.add_issue(group.id, "Top", urgency="C")
        for member in (ann, bob):
            await store.vote(meeting_id, top, member, +1)
        for issue_id in (old_c, new_a, newer_a):
            await store.vote(meeting_id, issue_id, chen, +1)

        def order(issues):
            return [i.id for i in issues]

        assert (await store.get_group(group.id)).queue_sort == "votes"
        assert order(await store.list_issues(group.id)) == [top, new_a, newer_a, old_c]
        assert order(await store.list_issues(group.id, sort="age")) == [old_c, new_a, newer_a, top]
        await store.set_queue_sort(group.id, "urgency")
        assert order(await store.list_issues(group.id)) == [new_a, newer_a, top, old_c]
        with pytest.raises(InvalidInput, match="Sort by"):
            await store.set_queue_sort(group.id, "random")

        shown = order(await store.list_issues(group.id))
        before = await store.last_change()
        await store.move_issue(group.id, shown, old_c, -2)
        assert (await store.get_group(group.id)).queue_sort == "manual"
        assert order(await store.list_issues(group.id)) == [new_a, old_c, newer_a, top]
        await store.move_issue(group.id, order(await store.list_issues(group.id)), top, -99)
        assert order(await store.list_issues(group.id)) == [top, new_a, old_c, newer_a]
        assert await feed(store, before) == [("issue", old_c, "moved"), ("issue", top, "moved")]
        # An issue raised after the manual order was set goes to the end.
        late = await store.add_issue(group.id, "Late", urgency="A")
        assert order(await store.list_issues(group.id))[-1] == late


# ---------------------------------------------------------------------- merging


async def test_merging_combines_votes_and_keeps_both_histories(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, bob, chen), meeting_id = await circle(store)
        target = await store.add_issue(group.id, "Cash flow", urgency="C")
        source = await store.add_issue(group.id, "Late invoices", urgency="A")
        await store._db.execute("UPDATE issues SET meetings_waited = 2 WHERE id = ?", (source,))
        await store.vote(meeting_id, target, ann, +1)
        await store.vote(meeting_id, source, ann, +1)
        await store.vote(meeting_id, source, ann, +1)
        await store.vote(meeting_id, source, bob, +1)
        await store.vote(meeting_id, target, chen, +1)
        before = await store.last_change()
        await store.merge_issues(source, target)
        assert await votes_table(store) == [
            (target, ann, meeting_id, 3),
            (target, bob, meeting_id, 1),
            (target, chen, meeting_id, 1),
        ]
        merged_target = await store.get_issue(target)
        assert (merged_target.votes, merged_target.urgency, merged_target.meetings_waited) == (5, "A", 2)
        assert await store.votes_used(meeting_id, ann) == 3  # the same dots, not new ones
        merged = await store.get_issue(source)
        assert merged.status == "merged" and "Cash flow" in merged.outcome
        assert await row(store, "SELECT merged_into, closed_at FROM issues WHERE id = ?", (source,)) == (
            target,
            clock(),
        )
        assert [i.id for i in await store.list_issues(group.id)] == [target]
        assert [i.id for i in await store.list_issues(group.id, statuses=("merged",))] == [source]
        assert await feed(store, before) == [("issue", source, "merged")]


async def test_merge_refusals(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, meeting_id = await circle(store)
        other = await store.create_group("Other", members=[("Zed", None)])
        a = await store.add_issue(group.id, "A")
        b = await store.add_issue(group.id, "B")
        elsewhere = await store.add_issue(other.id, "Elsewhere")
        parked = await store.add_issue(group.id, "Parked")
        await store.close_issue(meeting_id, parked, "parked", "")
        before = await store.last_change()
        with pytest.raises(InvalidInput, match="into itself"):
            await store.merge_issues(a, a)
        with pytest.raises(NotFound):
            await store.merge_issues(a, elsewhere)
        with pytest.raises(NotFound):
            await store.merge_issues(a, 9999)
        with pytest.raises(InvalidInput, match="open issues"):
            await store.merge_issues(parked, a)
        await store.start_discussion(meeting_id, b)
        mark = await store.last_change()
        with pytest.raises(InvalidInput, match="discuss"):
            await store.merge_issues(b, a)  # the issue on the table cannot vanish into another
        assert await store.last_change() == mark
        assert {i.status for i in await store.list_issues(group.id)} == {"open"}
        assert len(await feed(store, before)) == 1  # only the discussion started


# ---------------------------------------------------------------------- discussing


async def test_discussion_timebox_starts_at_once_and_extensions_are_recorded(
    db_path: Path, clock: FakeClock
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, meeting_id = await circle(store)
        x = await store.add_issue(group.id, "X", minutes=15)
        y = await store.add_issue(group.id, "Y")
        assert await store.current_discussion(meeting_id) is None
        before = await store.last_change()
        await store.start_discussion(meeting_id, x)
        issue, discussion = await store.current_discussion(meeting_id)
        assert issue.id == x
        assert [s.name for s in discussion.steps] == ["Discussion"]
        assert discussion.clock.started_at == clock() and discussion.clock.allotted_s == 15 * MIN
        assert (await store.load_meeting(meeting_id)).discussing_issue_id == x
        with pytest.raises(InvalidInput, match="Another issue is being discussed"):
            await store.start_discussion(meeting_id, y)

        clock.advance(15 * MIN + 30)
        _, discussion = await store.current_discussion(meeting_id)
        assert discussion.timebox_over(clock())
        extended = await store.change_discussion(meeting_id, lambda d, now: d.extend(now), "continue")
        assert extended.clock.remaining(clock()) == 7 * MIN
        clock.advance(7 * MIN + 1)
        await store.change_discussion(meeting_id, lambda d, now: d.extend(now), "continue")
        clock.advance(MIN)
        await store.change_discussion(meeting_id, lambda d, now: d.move_on(now), "move_on")
        _, stored = await store.current_discussion(meeting_id)
        assert [(e.choice, e.minutes) for e in stored.extensions] == [
            ("continue", 7),
            ("continue", 5),
            ("move_on", 0),
        ]
        assert stored.moved_on and stored.clock.is_ended
        mark = await store.last_change()
        with pytest.raises(TimerError):
            await store.change_discussion(meeting_id, lambda d, now: d.next_step(now), "next")
        assert await store.last_change() == mark
        assert await feed(store, before) == [
            ("discussion", x, "started"),
            ("discussion", x, "continue"),
            ("discussion", x, "continue"),
            ("discussion", x, "move_on"),
        ]


async def test_discussion_refusals(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, meeting_id = await circle(store)
        x = await store.add_issue(group.id, "X")
        done = await store.add_issue(group.id, "Done")
        await store.close_issue(meeting_id, done, "resolved", "yes")
        with pytest.raises(InvalidInput, match="No issue is being discussed"):
            await store.change_discussion(meeting_id, lambda d, now: d.extend(now), "continue")
        with pytest.raises(InvalidInput, match="Only open issues"):
            await store.start_discussion(meeting_id, done)
        await store.end_meeting(meeting_id)
        with pytest.raises(InvalidInput, match="meeting in progress"):
            await store.start_discussion(meeting_id, x)


async def test_protocol_and_timebox_settings(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, meeting_id = await circle(store)
        before = await store.last_change()
        await store.update_group_issue_settings(group.id, use_protocol=True, timeboxes=" 4, 2.5 ")
        settings = await store.get_group(group.id)
        assert (settings.use_protocol, settings.timeboxes) == (True, "4,2.5")
        for bad in ("0,5", "abc", ""):
            with pytest.raises(InvalidInput, match="Timeboxes"):
                await store.update_group_issue_settings(group.id, use_protocol=False, timeboxes=bad)
        assert (await store.get_group(group.id)).use_protocol
        assert await feed(store, before) == [("group", group.id, "issue_settings")]

        x = await store.add_issue(group.id, "X", minutes=20)
        await store.start_discussion(meeting_id, x)
        _, discussion = await store.current_discussion(meeting_id)
        assert [s.minutes for s in discussion.steps] == [4, 4, 8, 2.4, 1.6]
        assert discussion.steps[1].rule == "Questions only, no advice."
        assert discussion.timeboxes == (4, 2.5)
        assert discussion.clock.is_running and discussion.step.name == "Present"
        clock.advance(3 * MIN)
        moved = await store.change_discussion(meeting_id, lambda d, now: d.next_step(now), "next")
        assert moved.step.name == "Clarifying questions" and moved.clock.started_at == clock()
        _, stored = await store.current_discussion(meeting_id)
        assert stored == moved


# ---------------------------------------------------------------------- closing


async def test_resolving_with_actions_makes_commitments(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, bob, _), meeting_id = await circle(store)
        x = await store.add_issue(group.id, "Hiring", raised_by=ann)
        y = await store.add_issue(group.id, "Next")
        await store.start_discussion(meeting_id, x)
        clock.advance(4 * MIN)
        before = await store.last_change()
        await store.close_issue(
            meeting_id,
            x,
            "resolved",
            " Hire a recruiter ",
            actions=[("Call two agencies", bob, "2027-02-01"), ("Budget", ann, date(2027, 1, 15))],
        )
        issue = await store.get_issue(x)
        assert (issue.status, issue.outcome) == ("resolved", "Hire a recruiter")
        assert await row(store, "SELECT closed_meeting_id, closed_at FROM issues WHERE id = ?", (x,)) == (
            meeting_id,
            clock(),
        )
        ended = await store._rows("SELECT ended_at, outcome, state FROM discussions WHERE issue_id = ?", (x,))
        assert (ended[0]["ended_at"], ended[0]["outcome"]) == (clock(), "resolved")
        assert Discussion.from_dict(json.loads(ended[0]["state"])).clock.ended_at == clock()
        assert await store.current_discussion(meeting_id) is None
        assert (await store.load_meeting(meeting_id)).discussing_issue_id is None

        commitments = await store.commitments(group.id)
        listed = [(c.owner_name, c.text, c.due_on, c.issue_id, c.issue_title, c.meeting_id) for c in commitments]
        assert listed == [
            ("Ann", "Budget", "2027-01-15", x, "Hiring", meeting_id),
            ("Bob", "Call two agencies", "2027-02-01", x, "Hiring", meeting_id),
        ]
        assert {(c.status, c.last_review) for c in commitments} == {("open", None)}
        assert [c.text for c in await store.commitments(group.id, owner_id=bob)] == ["Call two agencies"]
        ann_c, bob_c = (c.id for c in commitments)
        assert await feed(store, before) == [
            ("commitment", bob_c, "created"),
            ("commitment", ann_c, "created"),
            ("issue", x, "resolved"),
        ]
        await store.start_discussion(meeting_id, y)  # the table is free again
        assert (await store.current_discussion(meeting_id))[0].id == y


async def test_a_bad_owner_leaves_nothing_changed(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, *_), meeting_id = await circle(store)
        other = await store.create_group("Other", members=[("Zed", None)])
        (zed,) = [m.id for m in await store.list_members(other.id)]
        x = await store.add_issue(group.id, "X")
        await store.start_discussion(meeting_id, x)
        before = await store.last_change()
        for owner in (zed, 9999):
            with pytest.raises(NotFound, match="owner"):
                await store.close_issue(
                    meeting_id,
                    x,
                    "resolved",
                    "Decided",
                    actions=[("Fine", ann, "2027-01-01"), ("Bad", owner, "2027-01-01")],
                )
        assert (await store.get_issue(x)).status == "open"
        assert (await store.get_issue(x)).outcome == ""
        assert (await store.current_discussion(meeting_id))[0].id == x
        assert await row(store, "SELECT ended_at, outcome FROM discussions WHERE issue_id = ?", (x,)) == (None, None)
        assert await store._rows("SELECT * FROM commitments") == []
        assert await store.last_change() == before


async def test_closing_refusals(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, *_), meeting_id = await circle(store)
        x = await store.add_issue(group.id, "X")
        await store.start_discussion(meeting_id, x)
        before = await store.last_change()
        with pytest.raises(InvalidInput, match="resolved issue needs its decision"):
            await store.close_issue(meeting_id, x, "resolved", "   ")
        with pytest.raises(InvalidInput, match="resolved, parked or carried"):
            await store.close_issue(meeting_id, x, "done", "ok")
        with pytest.raises(InvalidInput, match="not a date"):
            await store.close_issue(meeting_id, x, "resolved", "ok", actions=[("Do", ann, "next week")])
        with pytest.raises(InvalidInput, match="not a date"):
            await store.close_issue(meeting_id, x, "resolved", "ok", actions=[("Do", ann, "2027-02-30")])
        with pytest.raises(InvalidInput, match="needs its text"):
            await store.close_issue(meeting_id, x, "resolved", "ok", actions=[(" ", ann, "2027-02-01")])
        assert await store.last_change() == before
        assert (await store.current_discussion(meeting_id))[0].id == x

        merged = await store.add_issue(group.id, "Dup")
        await store.merge_issues(merged, x)
        mark = await store.last_change()
        with pytest.raises(InvalidInput, match="open issues"):
            await store.close_issue(meeting_id, merged, "resolved", "ok")  # keeps its merge record
        assert (await store.get_issue(merged)).status == "merged"
        assert await store.last_change() == mark


async def test_parking_reopening_and_carrying(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, meeting_id = await circle(store)
        x = await store.add_issue(group.id, "X")
        y = await store.add_issue(group.id, "Y")
        await store.start_discussion(meeting_id, x)
        await store.close_issue(meeting_id, x, "parked", "")  # parking needs no text
        assert (await store.get_issue(x)).status == "parked"
        assert [i.id for i in await store.list_issues(group.id)] == [y]
        with pytest.raises(InvalidInput, match="Only parked"):
            await store.reopen_issue(y)
        with pytest.raises(NotFound):
            await store.reopen_issue(9999)
        before = await store.last_change()
        await store.reopen_issue(x)
        assert await feed(store, before) == [("issue", x, "reopened")]
        assert (await store.get_issue(x)).status == "open"
        assert await row(store, "SELECT closed_meeting_id, closed_at FROM issues WHERE id = ?", (x,)) == (None, None)

        await store.start_discussion(meeting_id, y)
        await store.close_issue(meeting_id, y, "carried", "Need numbers first")
        carried = await store.get_issue(y)
        assert (carried.status, carried.outcome) == ("open", "Need numbers first")
        assert await row(store, "SELECT outcome FROM discussions WHERE issue_id = ?", (y,)) == ("carried",)
        assert await store.current_discussion(meeting_id) is None


# ---------------------------------------------------------------------- carry-over


async def test_open_issues_carry_over_with_their_votes(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, bob, _), first = await circle(store)
        on_table = await store.add_issue(group.id, "On the table")
        waiting = await store.add_issue(group.id, "Waiting")
        resolved = await store.add_issue(group.id, "Resolved")
        for member in (ann, bob):
            await store.vote(first, on_table, member, +1)
        await store.vote(first, waiting, ann, +1)
        await store.close_issue(first, resolved, "resolved", "done")
        await store.start_discussion(first, on_table)
        clock.advance(5 * MIN)
        await store.end_meeting(first)

        assert await row(store, "SELECT ended_at, outcome FROM discussions WHERE issue_id = ?", (on_table,)) == (
            clock(),
            "carried",
        )
        assert {i.id: i.meetings_waited for i in await store.list_issues(group.id)} == {on_table: 1, waiting: 1}
        assert (await store.get_issue(resolved)).meetings_waited == 0

        clock.advance(28 * 86400)
        second = await store.start_meeting(group.id, DEFAULT)
        assert await store.current_discussion(second) is None
        assert {i.id: i.votes for i in await store.list_issues(group.id, meeting_id=second)} == {
            on_table: 0,
            waiting: 0,
        }
        assert {i.id: i.votes for i in await store.list_issues(group.id)} == {on_table: 2, waiting: 1}
        assert {i.id: i.votes for i in await store.list_issues(group.id, meeting_id=first)} == {
            on_table: 2,
            waiting: 1,
        }
        assert await store.votes_used(second, ann) == 0  # a fresh set of dots
        for _ in range(3):
            await store.vote(second, waiting, ann, +1)
        assert [i.id for i in await store.list_issues(group.id, meeting_id=second)] == [waiting, on_table]
        assert await votes_table(store) == [
            (on_table, ann, first, 1),
            (on_table, bob, first, 1),
            (waiting, ann, first, 1),
            (waiting, ann, second, 3),
        ]
        await store.start_discussion(second, on_table)
        assert (await store.current_discussion(second))[0].id == on_table

        await store.end_meeting(second)
        assert {i.id: i.meetings_waited for i in await store.list_issues(group.id)} == {on_table: 2, waiting: 2}


# ---------------------------------------------------------------------- commitments


async def test_commitment_reviews_and_stuck_ones(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, bob, _), first = await circle(store)
        x = await store.add_issue(group.id, "X")
        await store.close_issue(
            first, x, "resolved", "ok",
            actions=[("Write the plan", ann, "2027-01-01"), ("Ship", bob, "2027-01-01")],
        )
        plan, ship = (c.id for c in await store.commitments(group.id))
        await store.end_meeting(first)

        async def next_meeting() -> int:
            clock.advance(28 * 86400)
            return await store.start_meeting(group.id, DEFAULT)

        second = await next_meeting()
        before = await store.last_change()
        assert await store.review_commitment(second, plan, "not_done") is False
        assert await store.review_commitment(second, ship, "done") is False
        assert await feed(store, before) == [("commitment", plan, "not_done"), ("commitment", ship, "done")]
        (still,) = await store.commitments(group.id)
        assert (still.id, still.status, still.last_review, still.reviewed_in) == (plan, "open", "not_done", second)
        assert [c.id for c in await store.commitments(group.id, statuses=("done",))] == [ship]
        assert await store.commitments(group.id, owner_id=bob) == []
        # Changing one's mind within a meeting is one review, not two.
        assert await store.review_commitment(second, plan, "not_done") is False
        await store.end_meeting(second)

        third = await next_meeting()
        assert await store.review_commitment(third, plan, "not_done") is True
        stuck = await store.raise_stuck_commitment(plan)
        issue = await store.get_issue(stuck)
        assert (issue.title, issue.raised_by, issue.status) == ("Stuck: Write the plan", ann, "open")
        assert "two meetings running" in issue.details
        assert await store.review_commitment(third, plan, "dropped") is False
        assert [c.id for c in await store.commitments(group.id, statuses=("dropped",))] == [plan]
        assert await store.commitments(group.id) == []
        with pytest.raises(InvalidInput):
            await store.review_commitment(third, plan, "maybe")
        with pytest.raises(NotFound):
            await store.review_commitment(third, 9999, "done")
        with pytest.raises(NotFound):
            await store.raise_stuck_commitment(9999)


async def test_not_done_after_done_is_not_stuck(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, (ann, *_), first = await circle(store)
        x = await store.add_issue(group.id, "X")
        await store.close_issue(first, x, "carried", "", actions=[("Call", ann, "2027-01-01")])
        (call,) = await store.commitments(group.id)
        assert (await store.get_issue(x)).status == "open"  # carried: actions, but still open
        meeting_id = first
        for result in ("done", "not_done", "done", "not_done"):
            await store.end_meeting(meeting_id)
            clock.advance(7 * 86400)
            meeting_id = await store.start_meeting(group.id, DEFAULT)
            assert await store.review_commitment(meeting_id, call.id, result) is False
            (latest,) = await store.commitments(group.id, statuses=("open", "done"))
            assert (latest.last_review, latest.reviewed_in) == (result, meeting_id)
            assert latest.status == ("done" if result == "done" else "open")


async def test_default_due_date_is_the_next_meeting(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group, _, meeting_id = await circle(store, cadence_days=14)
        started = (await store.load_meeting(meeting_id)).started_at
        assert await store.default_due_date(meeting_id) == date.fromtimestamp(started) + timedelta(days=14)
