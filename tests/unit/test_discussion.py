"""Discussing an issue in a timebox: protocol steps, escalating extensions, step clocks."""

from __future__ import annotations

import json

import pytest

from peertui.core.discussion import (
    DEFAULT_TIMEBOXES,
    PROTOCOL,
    Discussion,
    Extension,
    Step,
    parse_timeboxes,
)
from peertui.core.timer import TimerError

T0 = 1_700_000_000.0
MIN = 60.0


def test_plain_discussion_is_one_step_of_the_estimate_not_yet_running() -> None:
    d = Discussion.create(12, protocol=False)
    assert [s.name for s in d.steps] == ["Discussion"]
    assert d.step.minutes == 12 and d.clock.allotted_s == 12 * MIN
    assert not d.clock.is_started and d.is_last_step
    assert d.timeboxes == DEFAULT_TIMEBOXES == (7, 5, 3)
    assert d.extensions == () and not d.moved_on
    assert Discussion.create(10, protocol=False, timeboxes=()).timeboxes == (7, 5, 3)


def test_protocol_steps_in_order_with_their_rules() -> None:
    d = Discussion.create(25, protocol=True)
    assert [s.name for s in d.steps] == [
        "Present",
        "Clarifying questions",
        "Experience sharing",
        "Presenter's reflection",
        "Commitment",
    ]
    assert d.steps[1].rule == "Questions only, no advice."
    assert all(s.rule for s in d.steps)
    # 25 minutes is the protocol's own length: nothing scales.
    assert [s.minutes for s in d.steps] == [5, 5, 10, 3, 2]
    assert not d.is_last_step


@pytest.mark.parametrize("estimate", [10, 7, 30, 45.5])
def test_protocol_minutes_scale_to_the_estimate(estimate: float) -> None:
    d = Discussion.create(estimate, protocol=True)
    total = sum(s.minutes for s in PROTOCOL)
    for step, base in zip(d.steps, PROTOCOL, strict=True):
        assert step.minutes == pytest.approx(estimate * base.minutes / total, abs=0.005)
    assert sum(s.minutes for s in d.steps) == pytest.approx(estimate, abs=0.03)
    assert [c.allotted_s for c in d.clocks] == [s.minutes * MIN for s in d.steps]
    assert Discussion.create(10, protocol=True).steps[2].minutes == 4  # experience sharing: 2/5


def test_start_runs_the_first_step_at_once() -> None:
    d = Discussion.create(10, protocol=False).start(T0)
    assert d.clock.is_running and d.clock.started_at == T0
    assert d.clock.remaining(T0 + 4 * MIN) == 6 * MIN
    with pytest.raises(TimerError):
        d.start(T0 + 1)


def test_toggle_pauses_and_resumes_and_add_time_changes_the_allotment() -> None:
    d = Discussion.create(10, protocol=False).toggle(T0)  # an idle clock starts
    d = d.toggle(T0 + 60)  # pause
    assert d.clock.is_paused
    d = d.toggle(T0 + 600)  # resume: the pause does not count
    assert d.clock.elapsed(T0 + 660) == 120
    d = d.add_time(5 * MIN)
    assert d.clock.allotted_s == 15 * MIN
    assert d.add_time(-60 * MIN).clock.allotted_s == 0


def test_extensions_escalate_then_repeat_the_last() -> None:
    d = Discussion.create(10, protocol=False).start(T0)
    offered = []
    now = T0
    for _ in range(5):
        offered.append(d.next_extension_minutes())
        now += 60 * MIN
        d = d.extend(now)
    assert offered == [7, 5, 3, 3, 3]
    assert [e.minutes for e in d.extensions] == [7, 5, 3, 3, 3]
    assert {e.choice for e in d.extensions} == {"continue"}

    custom = Discussion.create(10, protocol=False, timeboxes=(10,)).start(T0)
    assert custom.next_extension_minutes() == 10
    assert custom.extend(T0).next_extension_minutes() == 10


def test_timebox_over_then_continue_then_over_again_then_move_on() -> None:
    d = Discussion.create(10, protocol=False).start(T0)
    assert not d.timebox_over(T0 + 10 * MIN)  # exactly at the end is not over
    over = T0 + 10 * MIN + 1
    assert d.timebox_over(over)

    d = d.extend(over)
    assert d.extensions == (Extension(over, "continue", 7),)
    assert not d.timebox_over(over + 7 * MIN - 1)
    assert d.timebox_over(over + 7 * MIN + 1)
    assert d.next_extension_minutes() == 5

    later = over + 8 * MIN
    d = d.move_on(later)
    assert d.moved_on
    assert d.extensions[-1] == Extension(later, "move_on", 0)
    assert d.clock.is_ended and d.clock.ended_at == later
    assert not d.timebox_over(later + 60 * MIN)
    assert d.next_extension_minutes() == 5  # moving on does not use up a timebox


def test_continue_gives_the_full_minutes_from_the_decision_even_when_late() -> None:
    d = Discussion.create(10, protocol=False).start(T0)
    decided = T0 + 10 * MIN + 9 * MIN  # the group decided 9 minutes after the end
    d = d.extend(decided)
    assert d.clock.remaining(decided) == 7 * MIN
    assert not d.timebox_over(decided + 1)


def test_timebox_is_over_only_when_the_last_protocol_step_runs_out() -> None:
    d = Discussion.create(25, protocol=True).start(T0)
    assert not d.timebox_over(T0 + 20 * MIN)  # step one far over, but not the last step
    now = T0
    for step in d.steps[:-1]:
        now += step.minutes * MIN
        d = d.next_step(now)
    assert d.is_last_step and d.step.name == "Commitment"
    assert not d.timebox_over(now + 2 * MIN)
    assert d.timebox_over(now + 2 * MIN + 1)


def test_next_step_stops_this_clock_and_starts_the_next() -> None:
    d = Discussion.create(25, protocol=True).start(T0)
    d = d.next_step(T0 + 4 * MIN)
    assert d.step_index == 1 and d.step.name == "Clarifying questions"
    assert d.clocks[0].is_ended and d.clocks[0].elapsed(T0 + 99 * MIN) == 4 * MIN
    assert d.clock.is_running and d.clock.started_at == T0 + 4 * MIN
    assert d.total_elapsed(T0 + 6 * MIN) == 6 * MIN


def test_previous_step_reopens_the_earlier_clock_and_pauses_this_one() -> None:
    d = Discussion.create(25, protocol=True).start(T0)
    d = d.next_step(T0 + 4 * MIN)
    d = d.previous_step(T0 + 5 * MIN)  # a mistaken "next" after one minute
    assert d.step_index == 0
    assert d.clocks[1].is_paused and d.clocks[1].elapsed(T0 + 50 * MIN) == 1 * MIN
    assert d.clock.is_running
    # The earlier step continues from 4 minutes; the minute spent in step 2 does not count.
    assert d.clock.elapsed(T0 + 7 * MIN) == 6 * MIN

    d = d.next_step(T0 + 7 * MIN)
    assert d.clocks[0].is_ended and d.clocks[0].elapsed(T0 + 99 * MIN) == 6 * MIN
    # Back in step 2: its clock runs again from its minute, the time away not counted.
    assert d.clock.is_running
    assert d.clock.elapsed(T0 + 9 * MIN) == 3 * MIN
    assert d.total_elapsed(T0 + 9 * MIN) == 9 * MIN


def test_no_step_before_the_first_or_after_the_last() -> None:
    plain = Discussion.create(10, protocol=False).start(T0)
    with pytest.raises(TimerError, match="last step"):
        plain.next_step(T0 + 1)
    with pytest.raises(TimerError, match="first step"):
        plain.previous_step(T0 + 1)


def test_stop_ends_the_clock_and_leaves_an_idle_one_alone() -> None:
    idle = Discussion.create(10, protocol=False)
    assert idle.stop(T0) == idle
    d = idle.start(T0).stop(T0 + 3 * MIN)
    assert d.clock.is_ended and d.total_elapsed(T0 + 60 * MIN) == 3 * MIN
    assert d.stop(T0 + 9 * MIN) == d


def test_to_dict_from_dict_round_trips_through_json() -> None:
    d = Discussion.create(20, protocol=True, timeboxes=(4, 2)).start(T0)
    d = d.next_step(T0 + 3 * MIN).toggle(T0 + 4 * MIN).add_time(30)
    d = d.extend(T0 + 5 * MIN).move_on(T0 + 6 * MIN)
    data = json.loads(json.dumps(d.to_dict()))
    back = Discussion.from_dict(data)
    assert back == d
    assert back.steps[1] == Step("Clarifying questions", 4.0, "Questions only, no advice.")
    assert back.extensions == (Extension(T0 + 5 * MIN, "continue", 4), Extension(T0 + 6 * MIN, "move_on", 0))
    assert back.step_index == 1 and back.timeboxes == (4, 2)
    fresh = Discussion.create(10, protocol=False)
    assert Discussion.from_dict(json.loads(json.dumps(fresh.to_dict()))) == fresh


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7,5,3", (7, 5, 3)), (" 10 , 4 ", (10, 4)), ("7,,3,", (7, 3)), ("2.5", (2.5,)), ("120", (120,))],
)
def test_parse_timeboxes(raw: str, expected: tuple[float, ...]) -> None:
    assert parse_timeboxes(raw) == expected


@pytest.mark.parametrize("raw", ["", ",", "0", "5,0", "121", "-3", "abc", "nan", "inf"])
def test_parse_timeboxes_refuses(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_timeboxes(raw)
