"""Live meetings in the store: rounds persist as timestamps, so any reopen computes the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from peertui.core.agenda import preset
from peertui.core.rules import InvalidInput
from peertui.core.timer import SpeakerStatus, TimerError
from peertui.store import Store
from tests.conftest import FakeClock

DEFAULT = preset("Check-in, Issues, Wrap-up")


async def new_group(store: Store, members=("Ann", "Bob", "Chen"), **settings):
    group = await store.create_group("Circle", members=[(m, None) for m in members])
    return group


async def start(store: Store, group_id: int, template=DEFAULT) -> int:
    return await store.start_meeting(group_id, template)


async def test_starting_a_meeting_sets_up_attendance_round_prompt_and_agenda(
    db_path: Path, clock: FakeClock
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        meeting_id = await start(store, group.id)
        state = await store.load_meeting(meeting_id)
        assert [a.member.name for a in state.attendees] == ["Ann", "Bob", "Chen"]
        assert {a.status for a in state.attendees} == {"present"}
        assert [state.members[m].name for m in state.checkin.order] == ["Ann", "Bob", "Chen"]
        assert state.checkin.default_allotted_s == 300
        assert state.checkin_prompt
        # The default agenda's check-in takes what the round needs: 3 members x 5 minutes.
        assert [(p.name, p.minutes) for p in state.phases] == [
            ("Check-in", 15),
            ("Issues", 60),
            ("Wrap-up", 15),
        ]
        assert await store.meeting_in_progress(group.id) == meeting_id
        with pytest.raises(InvalidInput, match="already in progress"):
            await start(store, group.id)


async def test_a_round_survives_a_restart_to_the_second(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        meeting_id = await start(store, group.id)
        await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "start")
        clock.advance(100)
    clock.advance(20)  # the app is down; the clock runs on
    async with await Store.open(db_path, clock=clock) as store:
        state = await store.load_meeting(meeting_id)
        assert state.members[state.checkin.speaker].name == "Ann"
        assert state.checkin.current_clock.remaining(clock()) == 300 - 120
        await store.change_round(meeting_id, "checkin", lambda r, now: r.toggle_pause(now), "pause")
    clock.advance(500)  # paused while down: no time passes for the speaker
    async with await Store.open(db_path, clock=clock) as store:
        state = await store.load_meeting(meeting_id)
        assert state.checkin.current_clock.remaining(clock()) == 180
        assert state.checkin.current_clock.is_paused


async def test_next_skip_pass_and_history_rows(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        meeting_id = await start(store, group.id)
        ann, bob, chen = [m.id for m in await store.list_members(group.id)]

        async def op(what, fn):
            return await store.change_round(meeting_id, "checkin", fn, what)

        await op("start", lambda r, now: r.start_round(now))
        clock.advance(310)  # Ann runs 10 s over
        await op("next", lambda r, now: r.next(now))
        clock.advance(30)
        current = await op("skip", lambda r, now: r.skip(now))  # Bob comes back at the end
        assert current.speaker == chen and current.order == (ann, chen, bob)
        clock.advance(60)
        current = await op("pass", lambda r, now: r.pass_(now))
        assert current.speaker == bob
        clock.advance(45)
        current = await op("next", lambda r, now: r.next(now))
        assert current.is_finished
        with pytest.raises(TimerError):
            await op("next", lambda r, now: r.next(now))
        async with store._db.execute(
            "SELECT member_id, status, spoken_s FROM turns WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        ) as cursor:
            rows = [tuple(row) for row in await cursor.fetchall()]
        assert rows == [(ann, "done", 310), (chen, "passed", 60), (bob, "done", 75)]


async def test_absent_members_leave_the_round_and_late_ones_join_the_end(
    db_path: Path, clock: FakeClock
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store, members=("Ann", "Bob", "Chen", "Dana"))
        meeting_id = await start(store, group.id)
        ann, bob, chen, dana = [m.id for m in await store.list_members(group.id)]
        await store.set_attendance(meeting_id, bob, "absent")
        await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "start")
        await store.set_attendance(meeting_id, chen, "absent")
        await store.set_attendance(meeting_id, bob, "late")
        state = await store.load_meeting(meeting_id)
        assert state.checkin.order == (ann, dana, bob)
        assert state.checkin.speaker == ann  # undisturbed
        assert state.attendee(bob).status == "late"
        assert state.attendee(chen).status == "absent"


async def test_round_budget_is_split_among_those_present(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store, members=("Ann", "Bob", "Chen", "Dana"))
        await store._db.execute("UPDATE groups SET checkin_budget_minutes = 12 WHERE id = ?", (group.id,))
        meeting_id = await start(store, group.id)
        state = await store.load_meeting(meeting_id)
        assert state.checkin.default_allotted_s == 180


async def test_quietest_first_orders_by_recent_airtime(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        ann, bob, chen = [m.id for m in await store.list_members(group.id)]
        meeting_id = await start(store, group.id)
        await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "s")
        for seconds in (400, 100, 250):  # Ann, Bob, Chen
            clock.advance(seconds)
            await store.change_round(meeting_id, "checkin", lambda r, now: r.next(now), "n")
        await store.end_meeting(meeting_id)
        await store._db.execute("UPDATE groups SET checkin_order = 'quietest' WHERE id = ?", (group.id,))
        second = await start(store, group.id)
        state = await store.load_meeting(second)
        assert state.checkin.order == (bob, chen, ann)
        assert state.number == 2


async def test_prompts_do_not_repeat_until_the_pool_is_used_up(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        pool = await store.prompts(group.id)
        seen = []
        for _ in range(len(pool)):
            meeting_id = await start(store, group.id)
            seen.append((await store.load_meeting(meeting_id)).checkin_prompt)
            await store.end_meeting(meeting_id)
            clock.advance(7 * 86400)
        assert sorted(seen) == sorted(pool)


async def test_wrap_up_stops_the_check_in_and_opens_the_closing_round(
    db_path: Path, clock: FakeClock
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        ann, bob, chen = [m.id for m in await store.list_members(group.id)]
        meeting_id = await start(store, group.id)
        await store.set_attendance(meeting_id, chen, "absent")
        await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "s")
        clock.advance(42)
        await store.set_phase(meeting_id, 2)
        state = await store.load_meeting(meeting_id)
        assert state.phase.kind == "wrapup"
        assert state.checkin.is_finished
        assert state.checkin.airtime(clock())[ann] == 42
        assert state.closing is not None and state.closing.order == (ann, bob)
        await store.set_rating(meeting_id, ann, 9)
        await store.set_closing_word(meeting_id, bob, "  lighter ")
        with pytest.raises(InvalidInput):
            await store.set_rating(meeting_id, bob, 11)
        await store.end_meeting(meeting_id)
        state = await store.load_meeting(meeting_id)
        assert state.ended_at == clock()
        assert state.attendee(ann).rating == 9
        assert state.attendee(bob).closing_word == "lighter"
        with pytest.raises(InvalidInput, match="ended"):
            await store.change_round(meeting_id, "closing", lambda r, now: r.start_round(now), "s")


async def test_pace_and_saved_templates(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        meeting_id = await start(store, group.id, preset("EOS Level 10"))
        state = await store.load_meeting(meeting_id)
        phases = [type(p)(p.name, p.minutes * 2, p.kind) for p in state.phases]
        await store.set_agenda(meeting_id, phases)
        await store.save_template(group.id, "Long L10", phases)
        templates = await store.templates(group.id)
        assert templates[-1].name == "Long L10"
        assert [p.minutes for p in templates[-1].phases] == [10, 10, 120, 10]
        assert (await store.get_group(group.id)).default_template == "Long L10"
        with pytest.raises(InvalidInput, match="built-in"):
            await store.save_template(group.id, "lean coffee", phases)


async def test_round_changes_reach_the_change_feed(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await new_group(store)
        meeting_id = await start(store, group.id)
        before = await store.last_change()
        await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "start")
        (change,) = await store.changes_since(before)
        assert (change.entity, change.entity_id, change.kind) == ("round", meeting_id, "checkin:start")
        with pytest.raises(TimerError):
            await store.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "x")
        assert await store.last_change() == change.seq  # a refused action writes nothing
