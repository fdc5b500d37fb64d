"""Agendas: phases with planned minutes, presets, and where a meeting stands against its plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct

# What a phase is for; it decides what the meeting screen shows during it.
PHASE_KINDS = ("checkin", "review", "issues", "wrapup")


class Phase(Struct, frozen=True):
    name: str
    minutes: float
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "minutes": self.minutes, "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Phase:
        kind = data.get("kind", "issues")
        return cls(str(data["name"]), float(data["minutes"]), kind if kind in PHASE_KINDS else "issues")


class AgendaTemplate(Struct, frozen=True):
    name: str
    phases: tuple[Phase, ...]
    description: str = ""


PRESETS: tuple[AgendaTemplate, ...] = (
    AgendaTemplate(
        "Check-in, Issues, Wrap-up",
        # Check-in planned at 0 minutes: whatever the round needs (members x minutes each).
        (Phase("Check-in", 0, "checkin"), Phase("Issues", 60, "issues"), Phase("Wrap-up", 15, "wrapup")),
        "The default: a round-robin check-in, the issue queue, then ratings and a closing round.",
    ),
    AgendaTemplate(
        "Peer forum",
        (
            Phase("Updates", 45, "checkin"),
            Phase("Issue processing", 90, "issues"),
            Phase("Wrap-up", 15, "wrapup"),
        ),
        "EO / YPO / Vistage style: member updates, one or two issues processed in depth, wrap-up.",
    ),
    AgendaTemplate(
        "EOS Level 10",
        (
            Phase("Segue", 5, "checkin"),
            Phase("To-do review", 5, "review"),
            Phase("Issues (IDS)", 60, "issues"),
            Phase("Conclude", 5, "wrapup"),
        ),
        "Segue with good news, review last week's to-dos, identify-discuss-solve, conclude.",
    ),
    AgendaTemplate(
        "Lean Coffee",
        (
            Phase("Check-in", 5, "checkin"),
            Phase("Topics and discussion", 45, "issues"),
            Phase("Wrap-up", 5, "wrapup"),
        ),
        "Propose topics, dot-vote, discuss in short timeboxes, close.",
    ),
)


def preset(name: str) -> AgendaTemplate:
    for template in PRESETS:
        if template.name.lower() == name.lower():
            return template
    raise KeyError(name)


class Pace(Struct, frozen=True):
    """Where the meeting stands against its agenda at one moment."""

    elapsed_s: float
    behind_s: float  # negative: ahead of plan
    forecast_end: float  # epoch seconds
    planned_end: float


def pace(
    phases: Sequence[Phase],
    started_at: float,
    phase_index: int,
    phase_started_at: float,
    now: float,
) -> Pace:
    """Schedule variance: how late the current phase started, plus any overrun inside it.

    Finishing a phase early puts the meeting ahead; the forecast assumes the rest of the
    agenda takes its planned time.
    """
    planned_start = started_at + 60 * sum(p.minutes for p in phases[:phase_index])
    planned_end = started_at + 60 * sum(p.minutes for p in phases)
    in_phase = now - phase_started_at
    current_planned = 60 * phases[phase_index].minutes if phases else 0.0
    behind = (phase_started_at - planned_start) + max(0.0, in_phase - current_planned)
    return Pace(
        elapsed_s=max(0.0, now - started_at),
        behind_s=behind,
        forecast_end=planned_end + behind,
        planned_end=planned_end,
    )


def format_duration(seconds: float, *, signed: bool = False) -> str:
    """1:05, 12:40, 1:02:03; with `signed`, a leading + or -."""
    sign = ""
    if signed:
        sign = "-" if seconds < 0 else "+"
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    body = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return sign + body


def describe_pace(behind_s: float) -> str:
    minutes = round(abs(behind_s) / 60)
    if minutes == 0:
        return "on time"
    return f"{minutes} min {'behind' if behind_s > 0 else 'ahead'}"
