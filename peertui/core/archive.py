"""A whole group's history as plain values: what the demo generator builds and the store imports.

Entities refer to each other by `key`, local to the archive; the store maps keys to row ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ATTENDANCE = ("present", "late", "absent")
TURN_ROUNDS = ("checkin", "closing")
TURN_STATUSES = ("done", "passed", "skipped")
URGENCIES = ("A", "B", "C")
ISSUE_STATUSES = ("open", "resolved", "parked", "merged")
COMMITMENT_STATUSES = ("open", "done", "dropped")
REVIEW_RESULTS = ("done", "not_done", "dropped")
NOTE_VISIBILITIES = ("group", "presenter")


@dataclass(slots=True)
class ArchiveMember:
    key: int
    name: str
    login: str | None
    active: bool
    position: int
    joined_at: float


@dataclass(slots=True)
class ArchiveMeeting:
    key: int
    number: int
    started_at: float
    ended_at: float | None


@dataclass(slots=True)
class ArchiveAttendance:
    meeting: int
    member: int
    status: str
    rating: int | None = None
    closing_word: str | None = None


@dataclass(slots=True)
class ArchiveTurn:
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


@dataclass(slots=True)
class ArchiveIssue:
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


@dataclass(slots=True)
class ArchiveVote:
    issue: int
    member: int
    meeting: int
    count: int


@dataclass(slots=True)
class ArchiveCommitment:
    key: int
    issue: int | None
    meeting: int
    owner: int
    text: str
    due_on: str  # ISO date
    status: str
    created_at: float
    closed_at: float | None


@dataclass(slots=True)
class ArchiveReview:
    commitment: int
    meeting: int
    result: str


@dataclass(slots=True)
class ArchiveNote:
    meeting: int
    issue: int | None
    body: str
    visibility: str
    updated_at: float


@dataclass(slots=True)
class GroupArchive:
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
