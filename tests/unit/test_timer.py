from __future__ import annotations

import json
import random

import pytest

from peertui.core.timer import (
    PromptPool,
    Round,
    SpeakerStatus,
    TimerError,
    TurnClock,
    quietest_first,
    roster_order,
    shuffled_order,
    split_budget,
)

WAITING, SPEAKING, DONE, SKIPPED, PASSED = (
    SpeakerStatus.WAITING,
    SpeakerStatus.SPEAKING,
    SpeakerStatus.DONE,
    SpeakerStatus.SKIPPED,
    SpeakerStatus.PASSED,
)


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def started(clock: FakeClock) -> Round:
    """Members 1, 2, 3 with 120 s each; member 1 speaking."""
    return Round.create([1, 2, 3], 120).start_round(clock.now)


# --- TurnClock --------------------------------------------------------------


def test_idle_clock_shows_full_allotment(clock: FakeClock) -> None:
    idle = TurnClock(300)
    clock.advance(50)
    assert (idle.elapsed(clock.now), idle.remaining(clock.now)) == (0, 300)
    assert not idle.is_started and not idle.is_running


def test_countdown(clock: FakeClock) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(30)
    assert running.elapsed(clock.now) == 30
    assert running.remaining(clock.now) == 270
    assert running.fraction_used(clock.now) == pytest.approx(0.1)
    assert running.is_running


def test_pause_freezes_and_resume_continues(clock: FakeClock) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(10)
    paused = running.pause(clock.now)
    clock.advance(100)
    assert paused.is_paused and paused.remaining(clock.now) == 290
    resumed = paused.resume(clock.now)
    clock.advance(5)
    assert resumed.is_running and resumed.remaining(clock.now) == 285
    assert resumed.paused_total_s == 100


def test_pause_and_resume_are_idempotent(clock: FakeClock) -> None:
    paused = TurnClock(60).start(clock.now).pause(clock.now)
    assert paused.pause(clock.now + 9) == paused
    running = paused.resume(clock.now)
    assert running.resume(clock.now + 9) == running


def test_toggle_starts_then_pauses_then_resumes(clock: FakeClock) -> None:
    toggled = TurnClock(60).toggle(clock.now)
    assert toggled.is_running
    toggled = toggled.toggle(clock.now + 10)
    assert toggled.is_paused
    toggled = toggled.toggle(clock.now + 40)
    assert toggled.is_running and toggled.elapsed(clock.now + 45) == 15


@pytest.mark.parametrize(
    ("make", "action"),
    [
        (lambda t: TurnClock(60).start(t), lambda c, t: c.start(t)),
        (lambda t: TurnClock(60), lambda c, t: c.pause(t)),
        (lambda t: TurnClock(60), lambda c, t: c.resume(t)),
        (lambda t: TurnClock(60), lambda c, t: c.stop(t)),
        (lambda t: TurnClock(60).start(t).stop(t), lambda c, t: c.pause(t)),
        (lambda t: TurnClock(60).start(t).stop(t), lambda c, t: c.toggle(t)),
        (lambda t: TurnClock(60).start(t), lambda c, t: c.reopen(t)),
    ],
    ids=["start-twice", "pause-idle", "resume-idle", "stop-idle", "pause-ended", "toggle-ended", "reopen-running"],
)
def test_invalid_clock_transitions_raise(clock: FakeClock, make, action) -> None:
    with pytest.raises(TimerError):
        action(make(clock.now), clock.now)


def test_overtime(clock: FakeClock) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(310)
    assert running.remaining(clock.now) == -10
    assert running.overtime(clock.now) == 10
    assert running.is_overtime(clock.now)
    assert running.fraction_used(clock.now) == 1.0


def test_no_overtime_before_time_is_up(clock: FakeClock) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(300)
    assert running.overtime(clock.now) == 0
    assert not running.is_overtime(clock.now)


@pytest.mark.parametrize(("elapsed", "warning"), [(269, False), (270, True), (299, True), (300, False), (330, False)])
def test_warning_threshold(clock: FakeClock, elapsed: float, warning: bool) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(elapsed)
    assert running.is_warning(clock.now, warn_s=30) is warning


def test_add_and_subtract_a_minute(clock: FakeClock) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(100)
    assert running.add(60).remaining(clock.now) == 260
    assert running.add(-60).remaining(clock.now) == 140


def test_allotment_never_below_zero() -> None:
    assert TurnClock(30).add(-60).allotted_s == 0
    assert TurnClock(0).add(-60).add(60).allotted_s == 60


def test_stop_freezes_elapsed(clock: FakeClock) -> None:
    running = TurnClock(300).start(clock.now)
    clock.advance(40)
    stopped = running.stop(clock.now)
    clock.advance(500)
    assert stopped.is_ended and stopped.elapsed(clock.now) == 40
    assert stopped.stop(clock.now) == stopped


def test_stop_while_paused_ends_at_the_pause(clock: FakeClock) -> None:
    paused = TurnClock(300).start(clock.now).pause(clock.now + 20)
    stopped = paused.stop(clock.now + 90)
    assert stopped.elapsed(clock.now + 1000) == 20
    assert not stopped.is_paused


def test_reopen_continues_from_where_it_stopped(clock: FakeClock) -> None:
    stopped = TurnClock(300).start(clock.now).stop(clock.now + 40)
    reopened = stopped.reopen(clock.now + 100)
    assert reopened.is_running
    assert reopened.elapsed(clock.now + 110) == 50


def test_fraction_used_with_no_allotment_is_full(clock: FakeClock) -> None:
    assert TurnClock(0).start(clock.now).fraction_used(clock.now) == 1.0


# --- Round ------------------------------------------------------------------


def test_start_round_gives_first_member_the_floor(clock: FakeClock) -> None:
    pending = Round.create([1, 2, 3], 120)
    assert not pending.is_started and pending.speaker is None and pending.up_next == 1
    started = pending.start_round(clock.now)
    assert (started.speaker, started.current, started.up_next) == (1, 0, 2)
    assert started.statuses == {1: SPEAKING, 2: WAITING, 3: WAITING}
    assert started.current_clock.started_at == clock.now
    with pytest.raises(TimerError):
        started.start_round(clock.now)


def test_start_empty_round_finishes_it(clock: FakeClock) -> None:
    assert Round.create([], 120).start_round(clock.now).is_finished


def test_next_hands_over_with_fresh_clock(clock: FakeClock, started: Round) -> None:
    clock.advance(70)
    after = started.next(clock.now)
    assert after.speaker == 2 and after.up_next == 3
    assert after.statuses[1] is DONE
    assert after.clocks[1].elapsed(clock.now + 999) == 70
    assert after.current_clock.started_at == clock.now


def test_next_past_last_finishes_round(clock: FakeClock, started: Round) -> None:
    finished = started.next(clock.now).next(clock.now).next(clock.now)
    assert finished.is_finished
    assert finished.speaker is None and finished.current is None and finished.up_next is None
    assert set(finished.statuses.values()) == {DONE}
    with pytest.raises(TimerError):
        finished.next(clock.now)


def test_skip_sends_speaker_to_end_and_keeps_their_clock(clock: FakeClock, started: Round) -> None:
    clock.advance(20)
    skipped = started.skip(clock.now)
    assert skipped.order == (2, 3, 1)
    assert skipped.speaker == 2
    assert skipped.statuses[1] is SKIPPED
    clock.advance(30)
    back = skipped.next(clock.now).next(clock.now)
    assert back.speaker == 1
    clock.advance(5)
    assert back.current_clock.elapsed(clock.now) == 25


def test_skipping_last_person_left_hands_floor_back(clock: FakeClock, started: Round) -> None:
    last = started.next(clock.now).next(clock.now)
    assert last.skip(clock.now).speaker == 3


def test_pass_does_not_come_back(clock: FakeClock, started: Round) -> None:
    passed = started.pass_(clock.now)
    assert passed.statuses[1] is PASSED and passed.speaker == 2
    finished = passed.next(clock.now).next(clock.now)
    assert finished.is_finished
    assert finished.statuses == {1: PASSED, 2: DONE, 3: DONE}


def test_previous_reopens_last_speaker_and_pauses_current(clock: FakeClock, started: Round) -> None:
    clock.advance(40)
    second = started.next(clock.now)
    clock.advance(10)
    back = second.previous(clock.now)
    assert back.speaker == 1 and back.up_next == 2
    assert back.statuses[2] is WAITING
    clock.advance(5)
    assert back.current_clock.elapsed(clock.now) == 45  # the 10 s of member 2 do not count for 1
    assert back.clocks[2].is_paused
    forward = back.next(clock.now)
    clock.advance(3)
    assert forward.speaker == 2 and forward.current_clock.elapsed(clock.now) == 13


def test_previous_with_nobody_before_raises(clock: FakeClock, started: Round) -> None:
    with pytest.raises(TimerError):
        started.previous(clock.now)
    with pytest.raises(TimerError):
        Round.create([1], 60).previous(clock.now)


def test_previous_after_finish_reopens_round(clock: FakeClock, started: Round) -> None:
    finished = started.next(clock.now).next(clock.now).next(clock.now)
    reopened = finished.previous(clock.now)
    assert not reopened.is_finished and reopened.speaker == 3


def test_late_arrival_joins_at_end_without_disturbing_speaker(clock: FakeClock, started: Round) -> None:
    second = started.next(clock.now)
    joined = second.add_member(4)
    assert joined.order == (1, 2, 3, 4)
    assert joined.speaker == 2 and joined.current_clock == second.current_clock
    assert joined.clocks[4] == TurnClock(120)
    assert joined.add_member(4) == joined
    assert joined.next(clock.now).next(clock.now).speaker == 4


def test_late_arrival_after_finish_raises(clock: FakeClock) -> None:
    with pytest.raises(TimerError):
        Round.create([1], 60).start_round(clock.now).end(clock.now).add_member(2)


def test_absent_member_not_yet_spoken_is_removed(clock: FakeClock, started: Round) -> None:
    removed = started.remove_member(2, clock.now)
    assert removed.order == (1, 3) and removed.speaker == 1 and removed.up_next == 3
    assert removed.remove_member(99, clock.now) == removed


def test_absent_speaker_finishes_their_turn(clock: FakeClock, started: Round) -> None:
    clock.advance(15)
    removed = started.remove_member(1, clock.now)
    assert removed.speaker == 2 and removed.statuses[1] is DONE
    assert removed.airtime(clock.now)[1] == 15


def test_absent_member_who_already_spoke_stays_on_record(clock: FakeClock, started: Round) -> None:
    second = started.next(clock.now)
    assert second.remove_member(1, clock.now) == second


def test_absent_member_skipped_after_speaking_keeps_airtime(clock: FakeClock, started: Round) -> None:
    clock.advance(12)
    skipped = started.skip(clock.now)
    removed = skipped.remove_member(1, clock.now + 50)
    assert removed.order == (1, 2, 3)
    assert removed.statuses == {1: DONE, 2: SPEAKING, 3: WAITING}
    assert removed.airtime(clock.now + 100)[1] == 12


def test_reorder_only_moves_those_still_to_speak(clock: FakeClock) -> None:
    second = Round.create([1, 2, 3, 4, 5], 60).start_round(clock.now).next(clock.now)
    reordered = second.reorder([5, 3, 4])
    assert reordered.order == (1, 2, 5, 3, 4)
    assert reordered.speaker == 2 and reordered.up_next == 5


@pytest.mark.parametrize("bad", [[3, 4], [1, 3, 4, 5], [3, 4, 4], [3, 4, 6]])
def test_reorder_rejects_anything_but_those_still_to_speak(clock: FakeClock, bad: list[int]) -> None:
    second = Round.create([1, 2, 3, 4, 5], 60).start_round(clock.now).next(clock.now)
    with pytest.raises(TimerError):
        second.reorder(bad)


def test_add_time_and_toggle_pause_act_on_speaker(clock: FakeClock, started: Round) -> None:
    more = started.add_time(60).add_time(-30)
    assert more.current_clock.allotted_s == 150
    assert more.clocks[2].allotted_s == 120
    paused = more.toggle_pause(clock.now)
    clock.advance(100)
    assert paused.current_clock.remaining(clock.now) == 150


def test_speaker_operations_need_a_speaker(clock: FakeClock) -> None:
    pending = Round.create([1, 2], 60)
    for operation in (
        lambda: pending.add_time(60),
        lambda: pending.toggle_pause(clock.now),
        lambda: pending.next(clock.now),
        lambda: pending.skip(clock.now),
        lambda: pending.pass_(clock.now),
    ):
        with pytest.raises(TimerError):
            operation()


def test_end_stops_every_clock(clock: FakeClock, started: Round) -> None:
    clock.advance(30)
    skipped = started.skip(clock.now)
    clock.advance(20)
    ended = skipped.end(clock.now)
    assert ended.is_finished and ended.speaker is None
    assert ended.statuses == {2: DONE, 3: WAITING, 1: SKIPPED}
    assert all(c.is_ended or not c.is_started for c in ended.clocks.values())
    assert ended.airtime(clock.now + 1000) == {1: 30, 2: 20, 3: 0}
    assert ended.end(clock.now + 5) == ended


def test_airtime_sums_each_speakers_time(clock: FakeClock, started: Round) -> None:
    clock.advance(50)
    state = started.toggle_pause(clock.now)
    clock.advance(200)  # paused time is not airtime
    state = state.toggle_pause(clock.now)
    clock.advance(10)
    state = state.next(clock.now)
    clock.advance(130)
    state = state.pass_(clock.now)
    clock.advance(7)
    assert state.airtime(clock.now) == {1: 60, 2: 130, 3: 7}


def test_invalid_layout_is_rejected() -> None:
    speaking = {"member_id": 1, "status": "speaking", "clock": {"allotted_s": 60, "started_at": 0.0}}
    also_speaking = dict(speaking, member_id=2)
    with pytest.raises(TimerError):
        Round.from_dict({"default_allotted_s": 60, "finished": False, "turns": [speaking, also_speaking]})
    with pytest.raises(TimerError):
        Round.from_dict({"default_allotted_s": 60, "finished": True, "turns": [speaking]})
    waiting = {"member_id": 3, "status": "waiting", "clock": {"allotted_s": 60}}
    with pytest.raises(TimerError):
        Round.from_dict({"default_allotted_s": 60, "finished": False, "turns": [waiting, speaking]})
    with pytest.raises(TimerError):
        Round.create([1, 1], 60)


# --- Budgets and orderings --------------------------------------------------


def test_split_budget_divides_evenly() -> None:
    assert split_budget(1800, 6) == 300
    assert split_budget(100, 3) == pytest.approx(33.333, abs=1e-3)
    with pytest.raises(TimerError):
        split_budget(1800, 0)


def test_roster_order_keeps_given_order() -> None:
    assert roster_order([7, 3, 5]) == (7, 3, 5)


def test_shuffled_order_is_deterministic_per_seed() -> None:
    ids = list(range(1, 11))
    first = shuffled_order(ids, seed=42)
    assert first == shuffled_order(ids, seed=42)
    assert sorted(first) == ids and first != tuple(ids)
    assert len({shuffled_order(ids, seed=s) for s in range(10)}) > 1


def test_quietest_first_orders_by_airtime_with_stable_ties() -> None:
    history = {1: 300.0, 2: 50.0, 3: 300.0, 4: 120.0}
    assert quietest_first([1, 2, 3, 4, 5], history) == (5, 2, 4, 1, 3)


# --- Prompt pool ------------------------------------------------------------


def _draw_many(pool: PromptPool, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    used: list[str] = []
    for _ in range(count):
        used.append(pool.draw(used, rng))
    return used


@pytest.mark.parametrize("seed", range(20))
def test_prompt_pool_no_repeat_until_exhausted(seed: int) -> None:
    pool = PromptPool(("a", "b", "c", "d"))
    drawn = _draw_many(pool, 12, seed)
    for cycle_start in range(0, 12, 4):
        assert sorted(drawn[cycle_start : cycle_start + 4]) == ["a", "b", "c", "d"]
    assert all(x != y for x, y in zip(drawn, drawn[1:]))  # no back-to-back even across cycles


def test_prompt_pool_of_two_alternates() -> None:
    assert _draw_many(PromptPool(("a", "b")), 6, seed=1) in (list("ababab"), list("bababa"))


def test_prompt_pool_of_one_repeats() -> None:
    assert _draw_many(PromptPool(("only",)), 3, seed=0) == ["only"] * 3


def test_prompt_pool_ignores_retired_prompts_and_picks_up_new_ones() -> None:
    assert PromptPool(("a", "b", "c")).draw(["old", "a", "b"], random.Random(0)) == "c"


def test_prompt_pool_is_deterministic_per_seed() -> None:
    pool = PromptPool()
    assert _draw_many(pool, 8, seed=3) == _draw_many(pool, 8, seed=3)


def test_empty_prompt_pool_raises() -> None:
    with pytest.raises(TimerError):
        PromptPool(())


# --- Persistence ------------------------------------------------------------


def _mid_round(clock: FakeClock) -> Round:
    state = Round.create([1, 2, 3, 4], 120).start_round(clock.now)
    clock.advance(30)
    state = state.skip(clock.now).add_member(9).pass_(clock.now).add_time(60)
    clock.advance(45)
    return state


def test_to_dict_round_trips_through_json(clock: FakeClock) -> None:
    state = _mid_round(clock)
    rebuilt = Round.from_dict(json.loads(json.dumps(state.to_dict())))
    assert rebuilt == state
    assert rebuilt.to_dict() == state.to_dict()


def test_restart_after_downtime_gives_same_remaining_time(clock: FakeClock) -> None:
    state = _mid_round(clock)
    assert state.speaker == 3 and state.current_clock.remaining(clock.now) == 135
    saved = json.dumps(state.to_dict())
    clock.advance(95)  # app killed and restarted
    rebuilt = Round.from_dict(json.loads(saved))
    assert rebuilt.speaker == 3
    assert rebuilt.current_clock.remaining(clock.now) == 40
    assert rebuilt.airtime(clock.now) == {2: 0, 3: 140, 4: 0, 1: 30, 9: 0}


def test_paused_clock_does_not_advance_while_down(clock: FakeClock) -> None:
    state = _mid_round(clock).toggle_pause(clock.now)
    saved = json.dumps(state.to_dict())
    clock.advance(3600)
    rebuilt = Round.from_dict(json.loads(saved))
    assert rebuilt.current_clock.remaining(clock.now) == 135
    resumed = rebuilt.toggle_pause(clock.now)
    clock.advance(10)
    assert resumed.current_clock.remaining(clock.now) == 125
