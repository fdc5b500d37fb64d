"""Discussing one issue in a timebox: optional protocol steps, escalating extensions.

Like the turn timer, a Discussion is a frozen value of timestamps and durations; every
operation takes `now` and returns a new Discussion.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from peertui.core.timer import TimerError, TurnClock

DEFAULT_TIMEBOXES = (7, 5, 3)  # Lean Coffee's escalating "continue?" minutes


class Step(Struct, frozen=True):
    name: str
    minutes: float
    rule: str = ""


# Peer-forum issue processing (EO / YPO / Vistage style); minutes are scaled to the estimate.
PROTOCOL = (
    Step("Present", 5, "The presenter sets out the issue; no interruptions."),
    Step("Clarifying questions", 5, "Questions only, no advice."),
    Step("Experience sharing", 10, "Share your own experience, not advice."),
    Step("Presenter's reflection", 3, "The presenter says what they take away."),
    Step("Commitment", 2, "The presenter commits to a next step."),
)


class Extension(Struct, frozen=True):
    """A decision at the end of a timebox, kept as the record of how the time was used."""

    at: float
    choice: str  # "continue" | "move_on"
    minutes: float


class Discussion(Struct, frozen=True):
    steps: tuple[Step, ...]
    clocks: tuple[TurnClock, ...]
    step_index: int = 0
    timeboxes: tuple[float, ...] = DEFAULT_TIMEBOXES
    extensions: tuple[Extension, ...] = ()

    @classmethod
    def create(
        cls, estimate_minutes: float, *, protocol: bool, timeboxes: tuple[float, ...] = DEFAULT_TIMEBOXES
    ) -> Discussion:
        if protocol:
            total = sum(step.minutes for step in PROTOCOL)
            steps = tuple(
                Step(s.name, round(estimate_minutes * s.minutes / total, 2), s.rule) for s in PROTOCOL
            )
        else:
            steps = (Step("Discussion", estimate_minutes),)
        return cls(steps, tuple(TurnClock(s.minutes * 60) for s in steps), 0, tuple(timeboxes) or DEFAULT_TIMEBOXES)

    @property
    def step(self) -> Step:
        return self.steps[self.step_index]

    @property
    def clock(self) -> TurnClock:
        return self.clocks[self.step_index]

    @property
    def is_last_step(self) -> bool:
        return self.step_index == len(self.steps) - 1

    @property
    def moved_on(self) -> bool:
        return any(e.choice == "move_on" for e in self.extensions)

    def next_extension_minutes(self) -> float:
        """The next "continue for N more minutes": each extension shorter, then the last again."""
        used = sum(1 for e in self.extensions if e.choice == "continue")
        return self.timeboxes[min(used, len(self.timeboxes) - 1)]

    def timebox_over(self, now: float) -> bool:
        """The whole timebox has run out: the last step is over time and nobody chose yet."""
        return self.is_last_step and self.clock.is_overtime(now) and not self._chosen_since_over()

    def _chosen_since_over(self) -> bool:
        return bool(self.extensions) and self.extensions[-1].choice == "move_on"

    def total_elapsed(self, now: float) -> float:
        return sum(clock.elapsed(now) for clock in self.clocks)

    def start(self, now: float) -> Discussion:
        return self._with_clock(self.clock.start(now))

    def toggle(self, now: float) -> Discussion:
        return self._with_clock(self.clock.toggle(now))

    def add_time(self, seconds: float) -> Discussion:
        return self._with_clock(self.clock.add(seconds))

    def next_step(self, now: float) -> Discussion:
        if self.is_last_step:
            raise TimerError("this is the last step of the discussion")
        clocks = list(self.clocks)
        clocks[self.step_index] = self.clock.stop(now) if self.clock.is_started else self.clock
        following = clocks[self.step_index + 1]
        # Back to a step left by previous_step: its paused clock runs on, like a returning speaker's.
        if not following.is_started:
            following = following.start(now)
        elif following.is_ended:
            following = following.reopen(now)
        else:
            following = following.resume(now)
        clocks[self.step_index + 1] = following
        return replace(self, clocks=tuple(clocks), step_index=self.step_index + 1)

    def previous_step(self, now: float) -> Discussion:
        if self.step_index == 0:
            raise TimerError("this is the first step of the discussion")
        clocks = list(self.clocks)
        clocks[self.step_index] = self.clock.pause(now) if self.clock.is_started and not self.clock.is_ended else self.clock
        back = clocks[self.step_index - 1]
        clocks[self.step_index - 1] = back.reopen(now) if back.is_ended else back
        return replace(self, clocks=tuple(clocks), step_index=self.step_index - 1)

    def extend(self, now: float) -> Discussion:
        """Continue: the current step gets the next escalating timebox."""
        minutes = self.next_extension_minutes()
        # N more minutes from the decision: time already run over the timebox is absorbed.
        extended = self._with_clock(self.clock.add(self.clock.overtime(now) + minutes * 60))
        return replace(extended, extensions=self.extensions + (Extension(now, "continue", minutes),))

    def move_on(self, now: float) -> Discussion:
        clock = self.clock.stop(now) if self.clock.is_started else self.clock
        stopped = self._with_clock(clock)
        return replace(stopped, extensions=self.extensions + (Extension(now, "move_on", 0),))

    def stop(self, now: float) -> Discussion:
        return self._with_clock(self.clock.stop(now) if self.clock.is_started else self.clock)

    def _with_clock(self, clock: TurnClock) -> Discussion:
        clocks = list(self.clocks)
        clocks[self.step_index] = clock
        return replace(self, clocks=tuple(clocks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": [[s.name, s.minutes, s.rule] for s in self.steps],
            "clocks": [c.to_dict() for c in self.clocks],
            "step_index": self.step_index,
            "timeboxes": list(self.timeboxes),
            "extensions": [[e.at, e.choice, e.minutes] for e in self.extensions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Discussion:
        return cls(
            steps=tuple(Step(*s) for s in data["steps"]),
            clocks=tuple(TurnClock.from_dict(c) for c in data["clocks"]),
            step_index=data["step_index"],
            timeboxes=tuple(data["timeboxes"]),
            extensions=tuple(Extension(*e) for e in data["extensions"]),
        )


def parse_timeboxes(raw: str) -> tuple[float, ...]:
    """"7,5,3" -> (7, 5, 3); every value a positive number of minutes."""
    values = []
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"{part!r} is not a number of minutes") from None
        if not 0 < value <= 120:
            raise ValueError("each timebox is more than 0 and at most 120 minutes")
        values.append(value)
    if not values:
        raise ValueError("give at least one timebox, e.g. 7,5,3")
    return tuple(values)
