"""A whole group's history as plain values: what the demo generator builds and the store imports.

Entities refer to each other by `key`, local to the archive; the store maps keys to row ids.
Presence (the `sessions` table and `meetings.facilitator_session`) is not part of an archive:
it names running terminals and expires within seconds, so it means nothing in another file.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

ATTENDANCE = ("present", "late", "absent")
TURN_ROUNDS = ("checkin", "closing")
TURN_STATUSES = ("done", "passed", "skipped")
URGENCIES = ("A", "B", "C")
ISSUE_STATUSES = ("open", "resolved", "parked", "merged")
COMMITMENT_STATUSES = ("open", "done", "dropped")
REVIEW_RESULTS = ("done", "not_done", "dropped")
NOTE_VISIBILITIES = ("group", "presenter")
ROUND_KINDS = ("checkin", "closing")
DISCUSSION_OUTCOMES = ("resolved", "parked", "carried")
CHECKIN_ORDERS = ("roster", "shuffled", "quietest")
QUEUE_SORTS = ("votes", "urgency", "age", "manual")
HAND_KINDS = ("question", "reply", "point")


class ArchiveMember(Struct):
    key: int
    name: str
    login: str | None
    active: bool
    position: int
    joined_at: float


class ArchiveMeeting(Struct):
    key: int
    number: int
    started_at: float
    ended_at: float | None
    template: str = ""
    agenda: list[dict[str, Any]] = field(default_factory=list)  # core.agenda.Phase.to_dict()s
    phase_index: int = 0
    phase_started_at: float | None = None
    discussing_issue: int | None = None  # an issue key


class ArchiveAttendance(Struct):
    meeting: int
    member: int
    status: str
    rating: int | None = None
    closing_word: str | None = None
    arrived_at: float | None = None


class ArchiveTurn(Struct):
    meeting: int
    member: int
    round: str
    position: int
    allotted_s: float
    spoken_s: float
    status: str
    started_at: float | None
    ended_at: float | None
    summary: str = ""


class ArchiveIssue(Struct):
    key: int
    title: str
    details: str
    raised_by: int | None
    raised_at: float
    raised_meeting: int | None
    urgency: str
    estimate_minutes: float
    status: str
    outcome: str
    closed_meeting: int | None
    closed_at: float | None
    meetings_waited: int
    merged_into: int | None = None  # an issue key
    queue_rank: float | None = None


class ArchiveVote(Struct):
    issue: int
    member: int
    meeting: int
    count: int


class ArchiveCommitment(Struct):
    key: int
    issue: int | None
    meeting: int
    owner: int
    text: str
    due_on: str  # ISO date
    status: str
    created_at: float
    closed_at: float | None


class ArchiveReview(Struct):
    commitment: int
    meeting: int
    result: str


class ArchiveNote(Struct):
    meeting: int
    issue: int | None
    body: str
    visibility: str
    updated_at: float


class ArchiveRound(Struct):
    meeting: int
    kind: str
    prompt: str
    state: dict[str, Any]  # core.timer.Round.to_dict(), its member_id values being member keys


class ArchiveDiscussion(Struct):
    issue: int
    meeting: int
    state: dict[str, Any]  # core.discussion.Discussion.to_dict()
    started_at: float
    ended_at: float | None
    outcome: str | None


class ArchiveTemplate(Struct):
    name: str
    phases: list[dict[str, Any]]  # core.agenda.Phase.to_dict()s


class ArchiveHand(Struct):
    meeting: int
    member: int
    kind: str
    raised_at: float
    lowered_at: float | None
    called: bool


class GroupArchive(Struct):
    name: str
    checkin_minutes: float
    cadence_days: int
    votes_per_member: int
    created_at: float
    members: list[ArchiveMember] = field(default_factory=list)
    meetings: list[ArchiveMeeting] = field(default_factory=list)
    attendance: list[ArchiveAttendance] = field(default_factory=list)
    turns: list[ArchiveTurn] = field(default_factory=list)
    issues: list[ArchiveIssue] = field(default_factory=list)
    votes: list[ArchiveVote] = field(default_factory=list)
    commitments: list[ArchiveCommitment] = field(default_factory=list)
    reviews: list[ArchiveReview] = field(default_factory=list)
    notes: list[ArchiveNote] = field(default_factory=list)
    # Added with backup and move; the defaults are the schema's, so older callers keep working.
    warn_seconds: int = 30
    checkin_budget_minutes: float | None = None
    checkin_order: str = "roster"
    default_template: str = "Check-in, Issues, Wrap-up"
    use_protocol: bool = False
    timeboxes: str = "7,5,3"
    queue_sort: str = "votes"
    rounds: list[ArchiveRound] = field(default_factory=list)
    discussions: list[ArchiveDiscussion] = field(default_factory=list)
    templates: list[ArchiveTemplate] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    hands: list[ArchiveHand] = field(default_factory=list)
