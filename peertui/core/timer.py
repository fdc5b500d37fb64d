"""Speaking clocks and the round-robin order of a check-in round.

Pure domain logic, standard library only. Clocks hold timestamps and durations,
never tick counts, so every terminal and every restart (even after ``kill -9``)
computes the same remaining time from the same stored state. Nothing reads the
system clock: each operation takes ``now`` (seconds since the epoch; inject
``time.time`` in the app, a fake clock in tests) and returns a new value.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict, force_setattr, replace

MemberId = int


class TimerError(ValueError):
    """An operation that makes no sense in the current clock, round or pool state."""


class TurnClock(Struct, frozen=True):
    """One speaker's countdown: idle (never started), running, paused or ended.

    Elapsed time is wall time since ``started_at`` minus time spent paused,
    frozen at ``paused_at`` while paused and at ``ended_at`` once ended.
    """

    allotted_s: float
    started_at: float | None = None
    paused_at: float | None = None
    paused_total_s: float = 0.0
    ended_at: float | None = None

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    @property
    def is_running(self) -> bool:
        return self.is_started and not self.is_paused and not self.is_ended

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    def elapsed(self, now: float) -> float:
        if self.started_at is None:
            return 0.0
        if self.ended_at is not None:
            until = self.ended_at
        elif self.paused_at is not None:
            until = self.paused_at
        else:
            until = now
        # Clamped so a terminal whose clock lags the writer's never shows negative time.
        return max(0.0, until - self.started_at - self.paused_total_s)

    def remaining(self, now: float) -> float:
        """Seconds left; negative once the speaker is over time."""
        return self.allotted_s - self.elapsed(now)

    def overtime(self, now: float) -> float:
        return max(0.0, -self.remaining(now))

    def is_overtime(self, now: float) -> bool:
        return self.remaining(now) < 0

    def is_warning(self, now: float, warn_s: float) -> bool:
        return 0 < self.remaining(now) <= warn_s

    def fraction_used(self, now: float) -> float:
        if self.allotted_s <= 0:
            return 1.0
        return min(1.0, max(0.0, self.elapsed(now) / self.allotted_s))

    def start(self, now: float) -> TurnClock:
        if self.is_started:
            raise TimerError("clock has already been started")
        return replace(self, started_at=now)

    def pause(self, now: float) -> TurnClock:
        """Pause a running clock; pausing a paused clock changes nothing."""
        self._require_live("pause")
        return self if self.is_paused else replace(self, paused_at=now)

    def resume(self, now: float) -> TurnClock:
        """Resume a paused clock; resuming a running clock changes nothing."""
        self._require_live("resume")
        if self.paused_at is None:
            return self
        paused_for = max(0.0, now - self.paused_at)
        return replace(self, paused_at=None, paused_total_s=self.paused_total_s + paused_for)

    def toggle(self, now: float) -> TurnClock:
        """Start an idle clock, otherwise flip between running and paused."""
        if not self.is_started:
            return self.start(now)
        return self.resume(now) if self.is_paused else self.pause(now)

    def add(self, seconds: float) -> TurnClock:
        """Change the allotted time (negative to take time away), never below zero."""
        return replace(self, allotted_s=max(0.0, self.allotted_s + seconds))

    def stop(self, now: float) -> TurnClock:
        """End the clock; elapsed time freezes. Stopping an ended clock changes nothing."""
        if not self.is_started:
            raise TimerError("cannot stop a clock that was never started")
        if self.is_ended:
            return self
        ended_at = self.paused_at if self.paused_at is not None else now
        return replace(self, ended_at=ended_at, paused_at=None)

    def reopen(self, now: float) -> TurnClock:
        """Run an ended clock again from where it stopped; the time it was stopped does not count."""
        if self.ended_at is None:
            raise TimerError("only an ended clock can be reopened")
        stopped_for = max(0.0, now - self.ended_at)
        return replace(self, ended_at=None, paused_total_s=self.paused_total_s + stopped_for)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TurnClock:
        return cls(**data)

    def _require_live(self, action: str) -> None:
        if not self.is_started or self.is_ended:
            raise TimerError(f"cannot {action} a clock that is not running or paused")


def _run(clock: TurnClock, now: float) -> TurnClock:
    """Make a clock count from ``now``, whatever state it was left in."""
    if not clock.is_started:
        return clock.start(now)
    if clock.is_ended:
        return clock.reopen(now)
    return clock.resume(now)


class SpeakerStatus(StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    SKIPPED = "skipped"  # still to speak: moved to the end of the order
    PASSED = "passed"  # chose not to speak; not coming back

    @property
    def is_pending(self) -> bool:
        """Still due to speak in this round."""
        return self in (SpeakerStatus.WAITING, SpeakerStatus.SKIPPED)


# Turns are laid out settled first, then the speaker, then everyone still to speak.
_LAYOUT_RANK = {
    SpeakerStatus.DONE: 0,
    SpeakerStatus.PASSED: 0,
    SpeakerStatus.SPEAKING: 1,
    SpeakerStatus.WAITING: 2,
    SpeakerStatus.SKIPPED: 2,
}


class Turn(Struct, frozen=True):
    member_id: MemberId
    status: SpeakerStatus
    clock: TurnClock


class Round(Struct, frozen=True):
    """A check-in round: present members speak in turn, each with a countdown.

    ``turns`` is the speaking order and always reads: finished turns (done or
    passed), then the current speaker if any, then everyone still to speak
    (waiting or skipped). So the next speaker is always the first pending turn,
    and ``current`` is derived rather than stored.
    """

    turns: tuple[Turn, ...]
    default_allotted_s: float
    finished: bool = False

    def __post_init__(self) -> None:
        # Also guards rounds rebuilt from storage.
        ids = self.order
        if len(set(ids)) != len(ids):
            raise TimerError("a member can only have one turn per round")
        ranks = [_LAYOUT_RANK[turn.status] for turn in self.turns]
        if ranks != sorted(ranks) or ranks.count(1) > 1:
            raise TimerError("turns must run finished, speaker, then pending")
        if self.finished and 1 in ranks:
            raise TimerError("a finished round has no speaker")

    @classmethod
    def create(cls, member_ids: Iterable[MemberId], allotted_s: float) -> Round:
        """A round not yet started, everyone waiting with ``allotted_s`` each."""
        turns = tuple(Turn(m, SpeakerStatus.WAITING, TurnClock(allotted_s)) for m in member_ids)
        return cls(turns, allotted_s)

    @property
    def order(self) -> tuple[MemberId, ...]:
        return tuple(turn.member_id for turn in self.turns)

    @property
    def statuses(self) -> dict[MemberId, SpeakerStatus]:
        return {turn.member_id: turn.status for turn in self.turns}

    @property
    def clocks(self) -> dict[MemberId, TurnClock]:
        return {turn.member_id: turn.clock for turn in self.turns}

    @property
    def current(self) -> int | None:
        """Index in ``order`` of the speaker, or None before the start and after the end."""
        for index, turn in enumerate(self.turns):
            if turn.status is SpeakerStatus.SPEAKING:
                return index
        return None

    @property
    def speaker(self) -> MemberId | None:
        index = self.current
        return None if index is None else self.turns[index].member_id

    @property
    def current_clock(self) -> TurnClock | None:
        index = self.current
        return None if index is None else self.turns[index].clock

    @property
    def up_next(self) -> MemberId | None:
        """Who speaks after the current speaker (or first, before the start)."""
        if self.finished:
            return None
        index = _first_pending(self.turns)
        return None if index is None else self.turns[index].member_id

    @property
    def is_started(self) -> bool:
        return self.finished or self.current is not None

    @property
    def is_finished(self) -> bool:
        return self.finished

    def start_round(self, now: float) -> Round:
        if self.is_started:
            raise TimerError("round has already started")
        return self._advance(self.turns, now)

    def next(self, now: float) -> Round:
        """Finish the current turn and hand over; past the last speaker the round finishes."""
        return self._finish_current(SpeakerStatus.DONE, now)

    def pass_(self, now: float) -> Round:
        """The speaker passes: they will not come back this round."""
        return self._finish_current(SpeakerStatus.PASSED, now)

    def skip(self, now: float) -> Round:
        """Send the speaker to the end of the order; their clock pauses and picks up when they return.

        Skipping the only person left to speak hands the floor straight back to them.
        """
        index = self._require_speaker()
        turn = self.turns[index]
        skipped = Turn(turn.member_id, SpeakerStatus.SKIPPED, turn.clock.pause(now))
        return self._advance(self.turns[:index] + self.turns[index + 1 :] + (skipped,), now)

    def previous(self, now: float) -> Round:
        """Give the floor back to the speaker before the current one (e.g. after a mistaken next).

        Their clock continues from where it stopped; the time in between does not
        count. The interrupted speaker's clock pauses and they are up next. Called
        after the round finished, it reopens the round with the last speaker.
        """
        if not self.is_started:
            raise TimerError("round has not started")
        back = _settled_count(self.turns) - 1
        if back < 0:
            raise TimerError("nobody has spoken before the current speaker")
        turns = list(self.turns)
        index = self.current
        if index is not None:
            interrupted = turns[index]
            turns[index] = Turn(interrupted.member_id, SpeakerStatus.WAITING, interrupted.clock.pause(now))
        returning = turns[back]
        turns[back] = Turn(returning.member_id, SpeakerStatus.SPEAKING, _run(returning.clock, now))
        return replace(self, turns=tuple(turns), finished=False)

    def add_time(self, seconds: float) -> Round:
        """Give the speaker more time (negative: less), never below zero."""
        return self._update_speaker_clock(lambda clock: clock.add(seconds))

    def toggle_pause(self, now: float) -> Round:
        return self._update_speaker_clock(lambda clock: clock.toggle(now))

    def end(self, now: float) -> Round:
        """Finish the round now: the speaker is done and every clock stops.

        Members who had not spoken keep their pending status, as a record.
        """
        if self.finished:
            return self
        return replace(self, turns=tuple(_end_turn(turn, now) for turn in self.turns), finished=True)

    def add_member(self, member_id: MemberId) -> Round:
        """A late arrival joins at the end of the order; already being in the round changes nothing."""
        if self.finished:
            raise TimerError("round has finished")
        if member_id in self.order:
            return self
        late = Turn(member_id, SpeakerStatus.WAITING, TurnClock(self.default_allotted_s))
        return replace(self, turns=self.turns + (late,))

    def remove_member(self, member_id: MemberId, now: float) -> Round:
        """Mark a member absent.

        Not yet spoken: they leave the order. Speaking: their turn ends as done
        and the next speaker is up. Skipped after speaking a while: their turn is
        closed as done so the airtime counts. Already finished, or not in the
        round at all: nothing changes.
        """
        index = self.order.index(member_id) if member_id in self.order else None
        if index is None:
            return self
        turn = self.turns[index]
        if turn.status is SpeakerStatus.SPEAKING:
            return self.next(now)
        if not turn.status.is_pending:
            return self
        rest = self.turns[:index] + self.turns[index + 1 :]
        if not turn.clock.is_started:
            return replace(self, turns=rest)
        closed = Turn(member_id, SpeakerStatus.DONE, turn.clock.stop(now))
        at = _settled_count(rest)
        return replace(self, turns=rest[:at] + (closed,) + rest[at:])

    def reorder(self, new_order: Sequence[MemberId]) -> Round:
        """Reorder who is still to speak; ``new_order`` lists exactly those members.

        Finished turns and the current speaker keep their places.
        """
        pending = {turn.member_id: turn for turn in self.turns if turn.status.is_pending}
        if len(new_order) != len(pending) or set(new_order) != set(pending):
            raise TimerError("new order must list each member still to speak exactly once")
        settled = tuple(turn for turn in self.turns if not turn.status.is_pending)
        return replace(self, turns=settled + tuple(pending[m] for m in new_order))

    def airtime(self, now: float) -> dict[MemberId, float]:
        """Seconds each member has spoken this round."""
        return {turn.member_id: turn.clock.elapsed(now) for turn in self.turns}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; rebuild with ``Round.from_dict``."""
        return {
            "default_allotted_s": self.default_allotted_s,
            "finished": self.finished,
            "turns": [
                {"member_id": t.member_id, "status": t.status.value, "clock": t.clock.to_dict()}
                for t in self.turns
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Round:
        turns = tuple(
            Turn(t["member_id"], SpeakerStatus(t["status"]), TurnClock.from_dict(t["clock"]))
            for t in data["turns"]
        )
        return cls(turns, data["default_allotted_s"], data["finished"])

    def _require_speaker(self) -> int:
        index = self.current
        if index is None:
            raise TimerError("nobody is speaking")
        return index

    def _finish_current(self, status: SpeakerStatus, now: float) -> Round:
        index = self._require_speaker()
        turn = self.turns[index]
        turns = _replaced(self.turns, index, Turn(turn.member_id, status, turn.clock.stop(now)))
        return self._advance(turns, now)

    def _advance(self, turns: tuple[Turn, ...], now: float) -> Round:
        """Give the floor to the first member still to speak, or finish the round."""
        index = _first_pending(turns)
        if index is None:
            return replace(self, turns=turns, finished=True)
        turn = turns[index]
        speaking = Turn(turn.member_id, SpeakerStatus.SPEAKING, _run(turn.clock, now))
        return replace(self, turns=_replaced(turns, index, speaking))

    def _update_speaker_clock(self, change: Callable[[TurnClock], TurnClock]) -> Round:
        index = self._require_speaker()
        turn = self.turns[index]
        return replace(self, turns=_replaced(self.turns, index, replace(turn, clock=change(turn.clock))))


def _first_pending(turns: Sequence[Turn]) -> int | None:
    for index, turn in enumerate(turns):
        if turn.status.is_pending:
            return index
    return None


def _settled_count(turns: Sequence[Turn]) -> int:
    """How many turns at the front are done or passed."""
    count = 0
    while count < len(turns) and _LAYOUT_RANK[turns[count].status] == 0:
        count += 1
    return count


def _replaced(turns: tuple[Turn, ...], index: int, turn: Turn) -> tuple[Turn, ...]:
    return turns[:index] + (turn,) + turns[index + 1 :]


def _end_turn(turn: Turn, now: float) -> Turn:
    status = SpeakerStatus.DONE if turn.status is SpeakerStatus.SPEAKING else turn.status
    clock = turn.clock.stop(now) if turn.clock.is_started else turn.clock
    return Turn(turn.member_id, status, clock)


def split_budget(total_s: float, n_present: int) -> float:
    """Each speaker's share of a round budget split evenly."""
    if n_present <= 0:
        raise TimerError("cannot split a budget between nobody")
    return total_s / n_present


def roster_order(ids: Iterable[MemberId]) -> tuple[MemberId, ...]:
    return tuple(ids)


def shuffled_order(ids: Iterable[MemberId], seed: int | str) -> tuple[MemberId, ...]:
    """A random order that every terminal reproduces from the same seed."""
    shuffled = list(ids)
    random.Random(seed).shuffle(shuffled)
    return tuple(shuffled)


def quietest_first(ids: Iterable[MemberId], airtime_history: Mapping[MemberId, float]) -> tuple[MemberId, ...]:
    """Least total speaking time first; ties keep the given order (sorting is stable)."""
    return tuple(sorted(ids, key=lambda m: airtime_history.get(m, 0.0)))


DEFAULT_PROMPTS = (
    "What's on top for you?",
    "What are you bringing to the group today?",
    "One win and one struggle since we last met?",
    "How are you arriving today, in a word or two?",
    "What do you need from this meeting?",
)


class PromptPool(Struct, frozen=True):
    """Round prompts drawn without repeats until every prompt has been used."""

    prompts: tuple[str, ...] = DEFAULT_PROMPTS

    def __post_init__(self) -> None:
        force_setattr(self, "prompts", tuple(dict.fromkeys(self.prompts)))
        if not self.prompts:
            raise TimerError("prompt pool is empty")

    def draw(self, used: Sequence[str], rng: random.Random) -> str:
        """The next prompt given the history ``used`` (oldest first).

        A new cycle avoids opening with the prompt that closed the last one.
        """
        in_cycle = self._current_cycle(used)
        fresh = [p for p in self.prompts if p not in in_cycle]
        if not in_cycle and used and len(self.prompts) > 1:
            fresh = [p for p in fresh if p != used[-1]]
        return rng.choice(fresh)

    def _current_cycle(self, used: Sequence[str]) -> set[str]:
        pool = set(self.prompts)
        cycle: set[str] = set()
        for prompt in used:
            if prompt not in pool:
                continue  # retired prompts no longer count
            if prompt in cycle:
                cycle = set()  # a repeat means a new cycle began (e.g. the pool changed)
            cycle.add(prompt)
            if cycle == pool:
                cycle = set()
        return cycle
