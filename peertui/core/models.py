"""Domain values shared by the store, the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    name: str
    checkin_minutes: float
    cadence_days: int
    votes_per_member: int
    created_at: float


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    group_id: int
    name: str
    login: str | None
    active: bool
    position: int


@dataclass(frozen=True, slots=True)
class GroupOverview:
    """What the home screen shows for one group."""

    group: Group
    members_active: int
    meetings_held: int
    last_meeting_at: float | None
    meeting_in_progress: bool
    open_issues: int
    open_commitments: int

    @property
    def next_meeting_on(self) -> date | None:
        return next_meeting_on(self.last_meeting_at, self.group.cadence_days)


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the change feed: what changed, so other terminals can refresh just that."""

    seq: int
    group_id: int | None
    entity: str
    entity_id: int | None
    kind: str
    actor: str
    origin: str
    at: float


def next_meeting_on(last_meeting_at: float | None, cadence_days: int) -> date | None:
    """The group's next meeting date: one cadence after the last, or None before any meeting."""
    if last_meeting_at is None:
        return None
    last = datetime.fromtimestamp(last_meeting_at, tz=timezone.utc).astimezone().date()
    return last + timedelta(days=cadence_days)


def format_day(value: float | date | None, empty: str = "—") -> str:
    if value is None:
        return empty
    if isinstance(value, date):
        return value.isoformat()
    return datetime.fromtimestamp(value, tz=timezone.utc).astimezone().date().isoformat()
