"""Between meetings: a group's history read back, aggregated in SQL.

- `review_overview`: every meeting (newest first) with attendance, average rating and the
  issues it discussed; `group_health`: the raw figures for group health per meeting. Each is
  one query over all the group's meetings.
- `review_meeting`: one meeting in detail: attendance, check-in airtime, the issues it
  discussed with their outcomes and actions, the commitments it reviewed, its shared notes.
- `issue_history`: one issue's whole life: raised when and by whom, every meeting that
  discussed it (with the time spent when the discussion was timed), its actions and reviews.
- `my_commitments`: the commitments of the member whose login is the store's actor.

Shared notes only: presenter-only notes are kept out of review for now (they are counted,
so the screen can say some exist, but their text is never read here).

Which meetings "discussed" an issue: a timed discussion (the discussions table) where there
is one; for history imported without timings, a meeting where the issue got a note, an action
or its resolution counts too (its time is then unknown). Empty notes (a notes pane opened
and left blank) count for nothing. Notes show their stored text, which the notes editor
brings up to date every few edits and at the meeting's end.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from peertui.core.discussion import Discussion
from peertui.core.health import MeetingFigures
from peertui.core.models import Member
from peertui.store.errors import NotFound

if TYPE_CHECKING:
    from peertui.store.store import Store


class MeetingSummary(Struct, frozen=True):
    id: int
    number: int
    started_at: float
    ended_at: float | None
    present: int  # present or late
    expected: int  # on the attendance list
    average_rating: float | None
    issues: int  # issues discussed
    titles: tuple[str, ...] = ()  # their titles


class ReviewOverview(Struct, frozen=True):
    group_id: int
    meetings: list[MeetingSummary]  # newest first


class AttendanceLine(Struct, frozen=True):
    member_id: int
    name: str
    status: str  # present | late | absent
    rating: int | None
    closing_word: str | None


class Airtime(Struct, frozen=True):
    member_id: int
    name: str
    spoken_s: float
    allotted_s: float
    status: str  # done | passed | skipped


class ReviewMark(Struct, frozen=True):
    meeting_id: int
    meeting_number: int
    result: str  # done | not_done | dropped


class ActionLine(Struct, frozen=True):
    """A commitment with what became of it: its status and every review."""

    id: int
    text: str
    owner_id: int
    owner_name: str
    due_on: str
    status: str  # open | done | dropped
    issue_id: int | None
    issue_title: str
    meeting_id: int
    made_in: int  # the number of the meeting that made it
    created_at: float
    closed_at: float | None
    reviews: tuple[ReviewMark, ...]
    overdue: bool  # open and due before today

    @property
    def kept(self) -> str:
        """done · dropped · overdue · open, as one word for a table."""
        if self.status == "open":
            return "overdue" if self.overdue else "open"
        return self.status


class IssueAtMeeting(Struct, frozen=True):
    issue_id: int
    title: str
    status: str  # the issue's status now
    outcome: str  # the issue's outcome text now
    result: str  # at this meeting: resolved | parked | carried | discussing
    seconds: float | None  # time spent on it at this meeting; None when not timed
    raised_by: str


class NoteLine(Struct, frozen=True):
    id: int
    meeting_id: int
    meeting_number: int
    issue_id: int | None
    issue_title: str
    body: str
    updated_at: float


class MeetingDetail(Struct, frozen=True):
    id: int
    group_id: int
    number: int
    started_at: float
    ended_at: float | None
    template: str
    attendance: list[AttendanceLine]
    airtime: list[Airtime]  # the check-in round, in speaking order
    issues: list[IssueAtMeeting]
    actions: list[ActionLine]  # made at this meeting
    reviewed: list[tuple[ActionLine, str]]  # reviewed at this meeting, with that review's result
    raised: list[tuple[int, str]]  # issues raised during it: (id, title)
    notes: list[NoteLine]  # shared with the group
    private_notes: int  # presenter-only notes, not shown

    @property
    def present(self) -> int:
        return sum(1 for a in self.attendance if a.status != "absent")

    @property
    def average_rating(self) -> float | None:
        ratings = [a.rating for a in self.attendance if a.rating is not None]
        return sum(ratings) / len(ratings) if ratings else None


class DiscussionLine(Struct, frozen=True):
    meeting_id: int
    meeting_number: int
    started_at: float  # the meeting's start
    seconds: float | None  # None: not timed (imported history)
    result: str  # resolved | parked | carried | discussing
    extensions: int  # "continue for N more minutes" chosen


class IssueHistory(Struct, frozen=True):
    id: int
    group_id: int
    title: str
    details: str
    status: str
    outcome: str
    urgency: str
    raised_at: float
    raised_by: str
    raised_in: int | None  # meeting number
    closed_in: int | None
    closed_at: float | None
    meetings_waited: int
    votes: int
    merged_into: tuple[int, str] | None
    merged_here: list[tuple[int, str]]
    discussions: list[DiscussionLine]
    actions: list[ActionLine]
    notes: list[NoteLine]
    private_notes: int

    @property
    def total_seconds(self) -> float | None:
        timed = [d.seconds for d in self.discussions if d.seconds is not None]
        return sum(timed) if timed else None


class MyCommitments(Struct, frozen=True):
    login: str
    member: Member | None  # None: the login is not on this group's roster
    today: date
    actions: list[ActionLine]  # open (overdue first, by due date), then done and dropped, newest first

    def count(self, kept: str) -> int:
        return sum(1 for a in self.actions if a.kept == kept)


# The (issue, meeting) pairs of a group where an issue was discussed; see the module docstring.
_DISCUSSED = """
  SELECT d.issue_id, d.meeting_id FROM discussions d JOIN issues i ON i.id = d.issue_id
  WHERE i.group_id = :group
  UNION SELECT n.issue_id, n.meeting_id FROM notes n JOIN issues i ON i.id = n.issue_id
  WHERE i.group_id = :group AND n.body != ''
  UNION SELECT c.issue_id, c.meeting_id FROM commitments c
  WHERE c.group_id = :group AND c.issue_id IS NOT NULL
  UNION SELECT i.id, i.closed_meeting_id FROM issues i
  WHERE i.group_id = :group AND i.status = 'resolved' AND i.closed_meeting_id IS NOT NULL
"""

# Each meeting with its attendance aggregated in the same pass (the attendance primary key
# starts with meeting_id), then the other per-meeting aggregates joined on.
_MEETINGS_CTE = """
ms AS (
  SELECT m.id, m.number, m.started_at, m.ended_at, count(a.member_id) AS expected,
    coalesce(sum(a.status != 'absent'), 0) AS present, avg(a.rating) AS rating
  FROM meetings m LEFT JOIN attendance a ON a.meeting_id = m.id
  WHERE m.group_id = :group {ended}
  GROUP BY m.id)
"""

_MEETINGS_SQL = f"""
WITH {_MEETINGS_CTE.format(ended="")},
pairs AS (SELECT DISTINCT issue_id, meeting_id FROM ({_DISCUSSED})),
disc AS (
  SELECT p.meeting_id, count(*) AS issues, json_group_array(i.title) AS titles
  FROM pairs p JOIN issues i ON i.id = p.issue_id GROUP BY p.meeting_id)
SELECT ms.*, coalesce(disc.issues, 0) AS issues, coalesce(disc.titles, '[]') AS titles
FROM ms LEFT JOIN disc ON disc.meeting_id = ms.id
ORDER BY ms.started_at DESC, ms.number DESC
"""  # noqa: S608 - constants

# CROSS JOIN: walk the group's meetings and their rows by index, never other groups' rows.
_HEALTH_SQL = f"""
WITH {_MEETINGS_CTE.format(ended="AND m.ended_at IS NOT NULL")},
spoken AS (
  SELECT t.meeting_id, t.member_id, sum(t.spoken_s) AS seconds
  FROM ms CROSS JOIN turns t ON t.meeting_id = ms.id AND t.round = 'checkin'
  GROUP BY t.meeting_id, t.member_id),
air AS (SELECT meeting_id, group_concat(seconds, ',') AS airtime FROM spoken GROUP BY meeting_id),
rev AS (
  SELECT r.meeting_id, sum(r.result = 'done') AS kept, sum(r.result != 'done') AS not_kept
  FROM ms CROSS JOIN commitment_reviews r ON r.meeting_id = ms.id GROUP BY r.meeting_id)
SELECT ms.*, coalesce(air.airtime, '') AS airtime, coalesce(rev.kept, 0) AS kept,
  coalesce(rev.not_kept, 0) AS not_kept
FROM ms
LEFT JOIN air ON air.meeting_id = ms.id
LEFT JOIN rev ON rev.meeting_id = ms.id
ORDER BY ms.started_at, ms.number
"""  # noqa: S608 - constants


def _airtime(raw: str) -> tuple[float, ...]:
    return tuple(float(value) for value in raw.split(",") if value)


class ReviewQueries:
    """Reading a group's history back between meetings (for Store, through DeferredQueries)."""

    def _today(self: Store) -> date:
        return datetime.fromtimestamp(self.clock()).date()

    async def review_overview(self: Store, group_id: int) -> ReviewOverview:
        """Every meeting of the group, newest first, with its aggregates: one query."""
        await self.get_group(group_id)  # NotFound for a group that is not there
        rows = await self._rows(_MEETINGS_SQL, {"group": group_id})
        meetings = [
            MeetingSummary(
                id=row["id"],
                number=row["number"],
                started_at=row["started_at"],
                ended_at=row["ended_at"],
                present=row["present"],
                expected=row["expected"],
                average_rating=row["rating"],
                issues=row["issues"],
                titles=tuple(json.loads(row["titles"])),
            )
            for row in rows
        ]
        return ReviewOverview(group_id, meetings)

    async def group_health(self: Store, group_id: int) -> list[MeetingFigures]:
        """The raw health figures of every ended meeting, oldest first: one query."""
        rows = await self._rows(_HEALTH_SQL, {"group": group_id})
        return [
            MeetingFigures(
                meeting_id=row["id"],
                number=row["number"],
                started_at=row["started_at"],
                present=row["present"],
                expected=row["expected"],
                average_rating=row["rating"],
                airtime=_airtime(row["airtime"]),
                kept=row["kept"],
                not_kept=row["not_kept"],
            )
            for row in rows
        ]

    # ------------------------------------------------------------------ actions

    async def _actions(self: Store, where: str, params: dict[str, object]) -> list[ActionLine]:
        """Commitments matching `where` (on alias c), each with its reviews; two queries."""
        rows = await self._rows(
            f"""
            SELECT c.*, m.name AS owner_name, coalesce(i.title, '') AS issue_title,
              mt.number AS made_in
            FROM commitments c JOIN members m ON m.id = c.owner_id
            JOIN meetings mt ON mt.id = c.meeting_id
            LEFT JOIN issues i ON i.id = c.issue_id
            WHERE {where}
            ORDER BY mt.started_at, c.id
            """,  # noqa: S608 - `where` is a constant of this module
            params,
        )
        reviews = await self._rows(
            f"""
            SELECT r.commitment_id, r.result, t.id AS meeting_id, t.number
            FROM commitments c JOIN commitment_reviews r ON r.commitment_id = c.id
            JOIN meetings t ON t.id = r.meeting_id
            WHERE {where}
            ORDER BY t.started_at
            """,  # noqa: S608
            params,
        )
        marks: dict[int, list[ReviewMark]] = {}
        for row in reviews:
            marks.setdefault(row["commitment_id"], []).append(
                ReviewMark(row["meeting_id"], row["number"], row["result"])
            )
        today = ReviewQueries._today(self).isoformat()
        return [
            ActionLine(
                id=row["id"],
                text=row["text"],
                owner_id=row["owner_id"],
                owner_name=row["owner_name"],
                due_on=row["due_on"],
                status=row["status"],
                issue_id=row["issue_id"],
                issue_title=row["issue_title"],
                meeting_id=row["meeting_id"],
                made_in=row["made_in"],
                created_at=row["created_at"],
                closed_at=row["closed_at"],
                reviews=tuple(marks.get(row["id"], ())),
                overdue=row["status"] == "open" and row["due_on"] < today,
            )
            for row in rows
        ]

    async def _notes(self: Store, where: str, params: dict[str, object]) -> tuple[list[NoteLine], int]:
        rows = await self._rows(
            f"""
            SELECT n.*, t.number AS meeting_number, coalesce(i.title, '') AS issue_title
            FROM notes n JOIN meetings t ON t.id = n.meeting_id
            LEFT JOIN issues i ON i.id = n.issue_id
            WHERE {where} AND trim(n.body) != ''
            ORDER BY t.started_at, n.issue_id IS NOT NULL, n.id
            """,  # noqa: S608 - `where` is a constant of this module
            params,
        )
        shared = [
            NoteLine(
                id=row["id"],
                meeting_id=row["meeting_id"],
                meeting_number=row["meeting_number"],
                issue_id=row["issue_id"],
                issue_title=row["issue_title"],
                body=row["body"],
                updated_at=row["updated_at"],
            )
            for row in rows
            if row["visibility"] == "group"
        ]
        return shared, len(rows) - len(shared)

    # ------------------------------------------------------------------ one meeting

    async def review_meeting(self: Store, meeting_id: int) -> MeetingDetail:
        rows = await self._rows("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        if not rows:
            raise NotFound(f"There is no meeting with id {meeting_id}.")
        meeting = rows[0]
        params = {"meeting": meeting_id, "group": meeting["group_id"]}
        attendance = await self._rows(
            "SELECT a.member_id, a.status, a.rating, a.closing_word, m.name FROM attendance a"
            " JOIN members m ON m.id = a.member_id WHERE a.meeting_id = :meeting"
            " ORDER BY m.active DESC, m.position, m.id",
            params,
        )
        airtime = await self._rows(
            "SELECT t.member_id, m.name, sum(t.spoken_s) AS spoken, max(t.allotted_s) AS allotted,"
            " min(t.position) AS position, max(t.status) AS status FROM turns t"
            " JOIN members m ON m.id = t.member_id"
            " WHERE t.meeting_id = :meeting AND t.round = 'checkin'"
            " GROUP BY t.member_id ORDER BY position",
            params,
        )
        issues = await self._rows(
            f"""
            WITH here AS (SELECT DISTINCT issue_id FROM ({_DISCUSSED}) WHERE meeting_id = :meeting)
            SELECT i.id, i.title, i.status, i.outcome, i.closed_meeting_id,
              coalesce(m.name, '') AS raised_by,
              (SELECT json_group_array(json_array(d.state, d.ended_at, d.outcome))
               FROM discussions d WHERE d.issue_id = i.id AND d.meeting_id = :meeting) AS timed,
              (SELECT min(d.started_at) FROM discussions d
               WHERE d.issue_id = i.id AND d.meeting_id = :meeting) AS first_at
            FROM here JOIN issues i ON i.id = here.issue_id
            LEFT JOIN members m ON m.id = i.raised_by
            ORDER BY first_at IS NULL, first_at, i.closed_at IS NULL, i.closed_at, i.id
            """,  # noqa: S608 - a constant
            params,
        )
        raised = await self._rows(
            "SELECT id, title FROM issues WHERE raised_meeting_id = :meeting ORDER BY raised_at, id",
            params,
        )
        now = self.clock()
        actions = await ReviewQueries._actions(self, "c.meeting_id = :meeting", params)
        reviewed_rows = await self._rows(
            "SELECT commitment_id, result FROM commitment_reviews WHERE meeting_id = :meeting",
            params,
        )
        reviewed_ids = {row["commitment_id"]: row["result"] for row in reviewed_rows}
        reviewed: list[tuple[ActionLine, str]] = []
        if reviewed_ids:
            reviewed = [
                (action, reviewed_ids[action.id])
                for action in await ReviewQueries._actions(
                    self,
                    "c.id IN (SELECT commitment_id FROM commitment_reviews"
                    " WHERE meeting_id = :meeting)",
                    params,
                )
            ]
        notes, private = await ReviewQueries._notes(self, "n.meeting_id = :meeting", params)
        return MeetingDetail(
            id=meeting["id"],
            group_id=meeting["group_id"],
            number=meeting["number"],
            started_at=meeting["started_at"],
            ended_at=meeting["ended_at"],
            template=meeting["template"],
            attendance=[
                AttendanceLine(
                    row["member_id"], row["name"], row["status"], row["rating"], row["closing_word"]
                )
                for row in attendance
            ],
            airtime=[
                Airtime(row["member_id"], row["name"], row["spoken"], row["allotted"], row["status"])
                for row in airtime
            ],
            issues=[_issue_at(row, meeting_id, now) for row in issues],
            actions=actions,
            reviewed=reviewed,
            raised=[(row["id"], row["title"]) for row in raised],
            notes=notes,
            private_notes=private,
        )

    # ------------------------------------------------------------------ one issue

    async def issue_history(self: Store, issue_id: int) -> IssueHistory:
        rows = await self._rows(
            """
            SELECT i.*, coalesce(m.name, '') AS raised_by_name, rm.number AS raised_in,
              cm.number AS closed_in, mi.title AS merged_title,
              (SELECT coalesce(sum(count), 0) FROM votes v WHERE v.issue_id = i.id) AS votes
            FROM issues i LEFT JOIN members m ON m.id = i.raised_by
            LEFT JOIN meetings rm ON rm.id = i.raised_meeting_id
            LEFT JOIN meetings cm ON cm.id = i.closed_meeting_id
            LEFT JOIN issues mi ON mi.id = i.merged_into
            WHERE i.id = :issue
            """,
            {"issue": issue_id},
        )
        if not rows:
            raise NotFound(f"There is no issue with id {issue_id}.")
        issue = rows[0]
        params = {"issue": issue_id, "group": issue["group_id"]}
        meetings = await self._rows(
            """
            WITH here AS (
              SELECT meeting_id FROM discussions WHERE issue_id = :issue
              UNION SELECT meeting_id FROM notes WHERE issue_id = :issue AND body != ''
              UNION SELECT meeting_id FROM commitments WHERE issue_id = :issue
              UNION SELECT closed_meeting_id FROM issues
              WHERE id = :issue AND status = 'resolved' AND closed_meeting_id IS NOT NULL)
            SELECT t.id, t.number, t.started_at,
              (SELECT json_group_array(json_array(d.state, d.ended_at, d.outcome))
               FROM discussions d WHERE d.issue_id = :issue AND d.meeting_id = t.id) AS timed
            FROM here JOIN meetings t ON t.id = here.meeting_id
            ORDER BY t.started_at
            """,
            params,
        )
        merged_here = await self._rows(
            "SELECT id, title FROM issues WHERE merged_into = :issue ORDER BY raised_at, id", params
        )
        now = self.clock()
        discussions = []
        for row in meetings:
            seconds, result, extensions = _timed(row["timed"], now)
            if result is None:
                result = _untimed_result(issue["closed_meeting_id"], issue["status"], row["id"])
            discussions.append(
                DiscussionLine(row["id"], row["number"], row["started_at"], seconds, result, extensions)
            )
        actions = await ReviewQueries._actions(self, "c.issue_id = :issue", params)
        notes, private = await ReviewQueries._notes(self, "n.issue_id = :issue", params)
        merged_into = (
            (issue["merged_into"], issue["merged_title"]) if issue["merged_into"] is not None else None
        )
        return IssueHistory(
            id=issue["id"],
            group_id=issue["group_id"],
            title=issue["title"],
            details=issue["details"],
            status=issue["status"],
            outcome=issue["outcome"],
            urgency=issue["urgency"],
            raised_at=issue["raised_at"],
            raised_by=issue["raised_by_name"],
            raised_in=issue["raised_in"],
            closed_in=issue["closed_in"],
            closed_at=issue["closed_at"],
            meetings_waited=issue["meetings_waited"],
            votes=issue["votes"],
            merged_into=merged_into,
            merged_here=[(row["id"], row["title"]) for row in merged_here],
            discussions=discussions,
            actions=actions,
            notes=notes,
            private_notes=private,
        )

    # ------------------------------------------------------------------ my commitments

    async def my_commitments(
        self: Store, group_id: int, login: str | None = None, *, who: str | None = None
    ) -> MyCommitments:
        """The commitments of the member of `group_id` whose login is `login` (default: the
        store's actor), or, given `who` (a terminal's `--as`), whose name or login that is."""
        login = who if who is not None else (self.actor if login is None else login)
        today = ReviewQueries._today(self)
        if who is not None:
            rows = await self._rows(
                "SELECT * FROM members WHERE group_id = ? AND (lower(name) = lower(?) OR login = ?)"
                " ORDER BY login = ? DESC, id LIMIT 1",
                (group_id, who, who, who),
            )
        else:
            rows = await self._rows(
                "SELECT * FROM members WHERE group_id = ? AND login = ?", (group_id, login)
            )
        if not rows:
            await self.get_group(group_id)  # NotFound for a group that is not there
            return MyCommitments(login, None, today, [])
        from peertui.store.store import _member

        member = _member(rows[0])
        actions = await ReviewQueries._actions(self, "c.owner_id = :owner", {"owner": member.id})
        open_ = sorted((a for a in actions if a.status == "open"), key=lambda a: (a.due_on, a.id))
        closed = sorted(
            (a for a in actions if a.status != "open"),
            key=lambda a: (a.closed_at or a.created_at, a.id),
            reverse=True,
        )
        overdue = [a for a in open_ if a.overdue]
        pending = [a for a in open_ if not a.overdue]
        return MyCommitments(login, member, today, overdue + pending + closed)


def _timed(raw: str | None, now: float) -> tuple[float | None, str | None, int]:
    """(seconds, result, extensions) of an issue's timed discussions at one meeting."""
    entries = json.loads(raw) if raw else []
    if not entries:
        return None, None, 0
    seconds, result, extensions = 0.0, "discussing", 0
    for state, ended_at, outcome in entries:
        try:
            discussion = Discussion.from_dict(json.loads(state))
        except (ValueError, KeyError, TypeError):
            continue
        seconds += discussion.total_elapsed(ended_at if ended_at is not None else now)
        extensions += sum(1 for e in discussion.extensions if e.choice == "continue")
        result = outcome or ("discussing" if ended_at is None else "carried")
    return seconds, result, extensions


def _untimed_result(closed_meeting_id: int | None, status: str, meeting_id: int) -> str:
    if closed_meeting_id == meeting_id and status in ("resolved", "parked"):
        return status
    return "carried"


def _issue_at(row: sqlite3.Row, meeting_id: int, now: float) -> IssueAtMeeting:
    seconds, result, _ = _timed(row["timed"], now)
    if result is None:
        result = _untimed_result(row["closed_meeting_id"], row["status"], meeting_id)
    return IssueAtMeeting(
        issue_id=row["id"],
        title=row["title"],
        status=row["status"],
        outcome=row["outcome"],
        result=result,
        seconds=seconds,
        raised_by=row["raised_by"],
    )


__all__ = [
    "ActionLine",
    "Airtime",
    "AttendanceLine",
    "DiscussionLine",
    "IssueAtMeeting",
    "IssueHistory",
    "MeetingDetail",
    "MeetingSummary",
    "MyCommitments",
    "NoteLine",
    "ReviewMark",
    "ReviewOverview",
    "ReviewQueries",
]
