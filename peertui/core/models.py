"""Domain values shared by the store, the UI and the CLI."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from msgspec import Struct

from peertui.core.agenda import Phase
from peertui.core.timer import Round

DEFAULT_TEMPLATE = "Check-in, Issues, Wrap-up"
CHECKIN_ORDERS = ("roster", "shuffled", "quietest")


class Group(Struct, frozen=True):
    id: int
    name: str
    checkin_minutes: float
    cadence_days: int
    votes_per_member: int
    created_at: float
    warn_seconds: int = 30
    checkin_budget_minutes: float | None = None  # None: checkin_minutes per member
    checkin_order: str = "roster"
    default_template: str = DEFAULT_TEMPLATE
    use_protocol: bool = False
    timeboxes: str = "7,5,3"
    queue_sort: str = "votes"


class Member(Struct, frozen=True):
    id: int
    group_id: int
    name: str
    login: str | None
    active: bool
    position: int


class GroupOverview(Struct, frozen=True):
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


class Attendee(Struct, frozen=True):
    member: Member
    status: str  # present | late | absent
    rating: int | None
    closing_word: str | None

    @property
    def here(self) -> bool:
        return self.status != "absent"


class MeetingState(Struct, frozen=True):
    """Everything the live meeting screen shows, read in one go from the store."""

    id: int
    group: Group
    number: int
    started_at: float
    ended_at: float | None
    template: str
    phases: tuple[Phase, ...]
    phase_index: int
    phase_started_at: float
    attendees: tuple[Attendee, ...]
    checkin: Round
    checkin_prompt: str
    closing: Round | None
    discussing_issue_id: int | None = None

    @property
    def phase(self) -> Phase:
        return self.phases[self.phase_index]

    @property
    def members(self) -> dict[int, Member]:
        return {a.member.id: a.member for a in self.attendees}

    def attendee(self, member_id: int) -> Attendee | None:
        return next((a for a in self.attendees if a.member.id == member_id), None)


class Commitment(Struct, frozen=True):
    id: int
    issue_id: int | None
    issue_title: str
    meeting_id: int
    owner_id: int
    owner_name: str
    text: str
    due_on: str
    status: str  # open | done | dropped
    last_review: str | None  # done | not_done | dropped, at the latest meeting that reviewed it
    reviewed_in: int | None  # the meeting of that review


class Change(Struct, frozen=True):
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
