"""The propagation benchmark's pure helpers on small inputs (no app is launched, nothing is timed)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from peertui.core.timer import Round, SpeakerStatus

PROPAGATION_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "propagation.py"


@pytest.fixture(scope="module")
def prop():
    saved_path = list(sys.path)
    had_run = "run" in sys.modules
    spec = importlib.util.spec_from_file_location("peertui_benchmarks_propagation", PROPAGATION_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        if not had_run:
            sys.modules.pop("run", None)  # benchmarks/run.py, imported by propagation.py
        sys.path[:] = saved_path


# ---------------------------------------------------------------------- percentiles


def test_median_and_p99_interpolate_between_ranks(prop) -> None:
    assert prop.percentile([3, 1, 2], 50) == 2
    assert prop.percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    values = list(range(1, 101))  # 1..100
    assert prop.percentile(values, 99) == pytest.approx(99.01)
    assert prop.percentile(values, 0) == 1
    assert prop.percentile(values, 100) == 100
    assert prop.percentile([0.07], 99) == 0.07


def test_lost_updates_make_a_high_percentile_infinite(prop) -> None:
    values = [0.05] * 99 + [math.inf]
    assert prop.percentile(values, 50) == pytest.approx(0.05)
    assert math.isinf(prop.percentile(values, 99.5))
    assert prop.percentile([0.05, math.inf], 0) == 0.05  # no 0 * inf = nan


def test_percentile_refuses_nonsense(prop) -> None:
    with pytest.raises(ValueError):
        prop.percentile([], 50)
    with pytest.raises(ValueError):
        prop.percentile([1.0], 101)


# ---------------------------------------------------------------------- terminal output


def test_escape_sequences_split_across_chunks_leave_no_debris(prop) -> None:
    log = prop.OutputLog()
    for chunk in (b"\x1b[1;3", b"1mUp ne", b"xt: Da", b"na\x1b", b"[0m", b"\x1b]0;tit", b"le\x07!"):
        log.feed(chunk)
    assert log.text == "Up next: Dana!"


def test_a_character_split_across_chunks_is_decoded_whole(prop) -> None:
    log = prop.OutputLog()
    data = "Paused · 0:58 left of 1:00".encode()
    cut = data.index("·".encode()) + 1  # inside the two bytes of '·'
    log.feed(data[:cut])
    log.feed(data[cut:])
    assert log.text == "Paused · 0:58 left of 1:00"


def test_incomplete_escape_is_held_back_complete_one_is_not(prop) -> None:
    assert prop.split_incomplete_escape("ab\x1b[38;5") == ("ab", "\x1b[38;5")
    assert prop.split_incomplete_escape("ab\x1b]0;title") == ("ab", "\x1b]0;title")
    assert prop.split_incomplete_escape("ab\x1b") == ("ab", "\x1b")
    assert prop.split_incomplete_escape("ab\x1b[0mcd") == ("ab\x1b[0mcd", "")
    assert prop.split_incomplete_escape("ab\x1b(B") == ("ab\x1b(B", "")  # charset: complete
    assert prop.split_incomplete_escape("plain") == ("plain", "")


def test_marker_counts_only_after_the_mark(prop) -> None:
    """A repaint of the old screen after the mark must not match; the new text must, even when
    only the changed line is repainted (cursor moves and colours around it)."""
    log = prop.OutputLog()
    log.feed(b"\x1b[H Up next: Bruno \x1b[5;3H\xe2\x94\x81")
    mark = log.end
    assert log.find("Up next: Bruno", mark) == -1  # seen only before the mark
    log.feed(b"\x1b[12;40H\x1b[38;2;200;200;200mUp next: Bruno")  # a stale repaint: still old
    assert log.find("Up next: Chidi", mark) == -1
    at = log.feed(b"\x1b[12;40H\x1b[1mUp next: \x1b[0mChi")
    assert log.find("Up next: Chidi", mark) == -1  # half-way through the line
    log.feed(b"di   ")
    found = log.find("Up next: Chidi", mark)
    assert found >= at and log.text[found - log.base:].startswith("Up next: Chidi")


def test_rolling_buffer_keeps_absolute_positions_and_counts_everything(prop) -> None:
    log = prop.OutputLog(keep=40, words=["locked"])
    log.feed(b"database is lo")
    log.feed(b"cked\x1b[0m")  # "locked" across two chunks
    for index in range(20):
        log.feed(f"tick {index:02d} ".encode())
    assert len(log.text) <= 40 and log.base > 0
    assert log.end == len("database is locked") + 20 * len("tick 00 ")
    assert log.find("tick 19", 0) == log.end - len("tick 19 ")  # positions stay absolute
    assert log.find("database", 0) == -1  # dropped from the rolling buffer...
    log.feed(b"Database is LOCKED")
    assert log.counts["locked"] == 2  # ...but counted when it went through, case-insensitively


def test_last_match_and_countdown(prop) -> None:
    log = prop.OutputLog()
    log.feed("━━━0:52 left of 1:00 ··· Up next: Dana ━━0:51 left of 1:00".encode())
    assert log.last(prop.COUNTDOWN_MARKER)[0] == "0:51 left of 1:00"
    assert log.last(prop.UP_NEXT)[0] == "Up next: Dana"
    assert prop.countdown_seconds("Paused · 1:05 left of 2:00 · space resumes") == 65
    assert prop.countdown_seconds("OVERTIME +0:03 (had 1:00)") is None


# ---------------------------------------------------------------------- the changes


def _kinds_and_markers(prop, rounds: int, members: int = 16):
    """Apply the planned changes to a round (as the store would) and return what they were."""
    the_round = Round.create(range(1, members + 1), 60)
    forward, now, seen = True, 1000.0, []
    for index in range(rounds):
        change = prop.plan_change(the_round, index, forward, now)
        before = the_round.up_next
        forward = change.forward
        if change.kind == "start":
            the_round = the_round.start_round(now)
        elif change.kind == "next":
            the_round = the_round.next(now)
        elif change.kind == "previous":
            the_round = the_round.previous(now)
        elif change.kind == "pause":
            the_round = the_round.toggle_pause(now)
        elif change.kind == "move":
            pending = [t.member_id for t in the_round.turns if t.status.is_pending]
            the_round = the_round.reorder([pending[1], pending[0], *pending[2:]])
        elif change.kind == "absent":
            the_round = the_round.remove_member(change.member_id, now)
            the_round = the_round.add_member(change.member_id)  # marked present again
        seen.append((change, before, the_round))
        now += 1
    return seen


def test_every_planned_change_alters_what_the_terminals_show(prop) -> None:
    for change, before, after in _kinds_and_markers(prop, 200):
        if change.kind == "pause":
            assert after.current_clock is not None and after.current_clock.is_paused
        else:
            assert change.expect_id is not None and change.expect_id != before
            assert after.up_next == change.expect_id
        assert not after.is_finished  # the round goes back and forth, it never runs out


def test_the_plan_covers_every_kind_and_goes_both_ways(prop) -> None:
    kinds = [change.kind for change, _, _ in _kinds_and_markers(prop, 60)]
    assert kinds[0] == "start"
    assert set(kinds) == {"start", "next", "previous", "pause", "move", "absent"}
    # a pause is always followed by a change that lets the clock run again
    for index, kind in enumerate(kinds[:-1]):
        if kind == "pause":
            assert kinds[index + 1] in ("next", "previous")


def test_nobody_is_speaking_twice(prop) -> None:
    for _, _, after in _kinds_and_markers(prop, 120):
        speaking = [t for t in after.turns if t.status is SpeakerStatus.SPEAKING]
        assert len(speaking) == 1


def test_terminal_counts_are_checked(prop) -> None:
    assert prop.parse_terminals("2,15") == [2, 15]
    for bad in ("0", "16", "two", ""):
        with pytest.raises(Exception):
            prop.parse_terminals(bad)


def test_table_says_which_terminal_count_missed(prop) -> None:
    def run(n: int, delay: float) -> object:
        return prop.LoadRun(
            terminals=n, changes=2, first_paint_s=1.0, delays_s=[delay] * (2 * n),
            change_window_s=2.0, change_cpu_s=[0.02] * n, minimal_change_cpu_s=0.005,
            idle_window_s=4.0, idle_cpu_s=[0.012] * n, minimal_idle_cpu_s=0.01,
            problems={"locked": 0}, same_up_next=n, countdown_expected=50, countdowns=[50] * n,
        )

    headers, rows, missed = prop.table_rows([run(2, 0.07), run(15, 0.2)])
    assert headers == ["metric", "N=2", "N=15", "target", "result"]
    by_metric = {row[0]: row for row in rows}
    assert by_metric["propagation median"][1:] == ["70 ms", "200 ms", "<= 150 ms", "MISS (N=15)"]
    assert by_metric["propagation p99"][-1] == "pass"
    assert by_metric["CPU/terminal, meeting running"][1] == "3.0 ms/s = 1.20x"
    assert missed
