"""Between meetings: a meeting's minutes, and a whole group as a file (backup and move).

The group file is a GroupArchive as JSON with a `"format": "peertui-group", "version": 1`
header. Row ids never appear in it: members, meetings, issues and commitments get keys
1..n in row-id order and every reference uses them; other rows are listed in a fixed order.
Importing writes rows in key order, so row ids keep that order and exporting again gives
the same file byte for byte. Presence (sessions, the facilitator's terminal) is left out:
it names running terminals and means nothing in another file.

Imports go through `Store.import_archive`, the path the demo generator uses too.
"""

from __future__ import annotations

import json
import math
import sqlite3
import types
import typing
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from msgspec.structs import fields

from peertui.core import archive as A
from peertui.core.agenda import Phase
from peertui.core.discussion import Discussion
from peertui.core.minutes import (
    Action,
    Attendee,
    CarriedIssue,
    CheckIn,
    IssueOutcome,
    Minutes,
    Note,
)
from peertui.core.rules import InvalidInput
from peertui.core.timer import Round
from peertui.store.archive_io import map_round_members
from peertui.store.errors import NotFound, StoreError, translate

if TYPE_CHECKING:
    from peertui.store.store import Store

GROUP_FORMAT = "peertui-group"
GROUP_VERSION = 1
KEY_MAX = 2**31 - 1
INT_RANGE = (-(2**63), 2**63 - 1)

# JSON name -> (GroupArchive field, element type); the file lists them in this order.
LISTS: dict[str, tuple[str, type]] = {
    "members": ("members", A.ArchiveMember),
    "meetings": ("meetings", A.ArchiveMeeting),
    "attendance": ("attendance", A.ArchiveAttendance),
    "turns": ("turns", A.ArchiveTurn),
    "rounds": ("rounds", A.ArchiveRound),
    "issues": ("issues", A.ArchiveIssue),
    "votes": ("votes", A.ArchiveVote),
    "discussions": ("discussions", A.ArchiveDiscussion),
    "commitments": ("commitments", A.ArchiveCommitment),
    "commitment_reviews": ("reviews", A.ArchiveReview),
    "notes": ("notes", A.ArchiveNote),
    "agenda_templates": ("templates", A.ArchiveTemplate),
    "group_prompts": ("prompts", str),
    "hands": ("hands", A.ArchiveHand),
}
GROUP_FIELDS = tuple(
    f.name for f in fields(A.GroupArchive) if f.name not in {field for field, _ in LISTS.values()}
)
KEYED = ("members", "meetings", "issues", "commitments")
# (list, field) -> the keyed list it refers to.
REFERENCES: dict[tuple[str, str], str] = {
    ("meetings", "discussing_issue"): "issues",
    ("attendance", "meeting"): "meetings",
    ("attendance", "member"): "members",
    ("turns", "meeting"): "meetings",
    ("turns", "member"): "members",
    ("rounds", "meeting"): "meetings",
    ("issues", "raised_by"): "members",
    ("issues", "raised_meeting"): "meetings",
    ("issues", "closed_meeting"): "meetings",
    ("issues", "merged_into"): "issues",
    ("votes", "issue"): "issues",
    ("votes", "member"): "members",
    ("votes", "meeting"): "meetings",
    ("discussions", "issue"): "issues",
    ("discussions", "meeting"): "meetings",
    ("commitments", "issue"): "issues",
    ("commitments", "meeting"): "meetings",
    ("commitments", "owner"): "members",
    ("commitment_reviews", "commitment"): "commitments",
    ("commitment_reviews", "meeting"): "meetings",
    ("notes", "meeting"): "meetings",
    ("notes", "issue"): "issues",
    ("hands", "meeting"): "meetings",
    ("hands", "member"): "members",
}
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("group", "checkin_order"): A.CHECKIN_ORDERS,
    ("group", "queue_sort"): A.QUEUE_SORTS,
    ("attendance", "status"): A.ATTENDANCE,
    ("turns", "round"): A.TURN_ROUNDS,
    ("turns", "status"): A.TURN_STATUSES,
    ("rounds", "kind"): A.ROUND_KINDS,
    ("issues", "urgency"): A.URGENCIES,
    ("issues", "status"): A.ISSUE_STATUSES,
    ("discussions", "outcome"): A.DISCUSSION_OUTCOMES,
    ("commitments", "status"): A.COMMITMENT_STATUSES,
    ("commitment_reviews", "result"): A.REVIEW_RESULTS,
    ("notes", "visibility"): A.NOTE_VISIBILITIES,
    ("hands", "kind"): A.HAND_KINDS,
}
# What the schema keeps unique (nulls apart), checked here to say which entry is wrong.
UNIQUE: dict[str, tuple[tuple[str, ...], ...]] = {
    "members": (("name",), ("login",)),
    "meetings": (("number",),),
    "attendance": (("meeting", "member"),),
    "rounds": (("meeting", "kind"),),
    "votes": (("issue", "member", "meeting"),),
    "commitment_reviews": (("commitment", "meeting"),),
    "agenda_templates": (("name",),),
}


class GroupFileError(InvalidInput):
    """A group file that cannot be imported; the message says why, in one line."""


# ---------------------------------------------------------------- reading the database


class ExportQueries:
    """Reading a group whole, and a meeting's minutes (for Store, through DeferredQueries)."""

    async def group_archive(self: Store, group_id: int) -> A.GroupArchive:
        """The whole group, every row of it, read in one snapshot."""
        async with _snapshot(self):
            return await _read_archive(self, group_id)

    async def meeting_minutes(
        self: Store, group_id: int, number: int | None = None, *, include_confidential: bool = False
    ) -> Minutes:
        """Minutes of meeting `number` (None: the latest ended, else the one in progress).

        Check-in contents and presenter-only notes are not even read unless asked for.
        """
        async with _snapshot(self):
            return await _read_minutes(self, group_id, number, include_confidential)


@asynccontextmanager
async def _snapshot(store: Store) -> AsyncIterator[None]:
    """One read transaction: every query sees the same state, whatever other terminals write."""
    try:
        await store._db.execute("BEGIN")
        try:
            yield
        finally:
            if store._db.in_transaction:
                await store._db.execute("ROLLBACK")
    except sqlite3.Error as error:
        raise translate(error, store.path) from None


class _Keys:
    """Row id -> archive key, per entity, in row-id order."""

    def __init__(self, store: Store, what: str, ids: list[int]) -> None:
        self.store, self.what = store, what
        self.keys = {row_id: key for key, row_id in enumerate(ids, start=1)}

    def __call__(self, row_id: int | None) -> int | None:
        if row_id is None:
            return None
        try:
            return self.keys[row_id]
        except KeyError:
            raise StoreError(
                f"{self.store.path}: the group's data refers to {self.what} {row_id} of another "
                "group; it cannot be exported as it is."
            ) from None

    def of(self, row_id: int) -> int:
        key = self(row_id)
        assert key is not None
        return key


async def _read_archive(store: Store, group_id: int) -> A.GroupArchive:
    rows = store._rows
    group_rows = await rows("SELECT * FROM groups WHERE id = ?", (group_id,))
    if not group_rows:
        raise NotFound(f"There is no group with id {group_id}.")
    g = group_rows[0]
    by_group = (group_id,)
    members = await rows("SELECT * FROM members WHERE group_id = ? ORDER BY id", by_group)
    meetings = await rows("SELECT * FROM meetings WHERE group_id = ? ORDER BY id", by_group)
    issues = await rows("SELECT * FROM issues WHERE group_id = ? ORDER BY id", by_group)
    commitments = await rows("SELECT * FROM commitments WHERE group_id = ? ORDER BY id", by_group)
    member = _Keys(store, "member", [r["id"] for r in members])
    meeting = _Keys(store, "meeting", [r["id"] for r in meetings])
    issue = _Keys(store, "issue", [r["id"] for r in issues])
    commitment = _Keys(store, "commitment", [r["id"] for r in commitments])

    def of_meetings(table: str, order: str) -> str:
        return (
            f"SELECT x.* FROM {table} x JOIN meetings t ON t.id = x.meeting_id"  # noqa: S608
            f" WHERE t.group_id = ? ORDER BY {order}"
        )

    archive = A.GroupArchive(
        name=g["name"],
        checkin_minutes=g["checkin_minutes"],
        cadence_days=g["cadence_days"],
        votes_per_member=g["votes_per_member"],
        created_at=g["created_at"],
        warn_seconds=g["warn_seconds"],
        checkin_budget_minutes=g["checkin_budget_minutes"],
        checkin_order=g["checkin_order"],
        default_template=g["default_template"],
        use_protocol=bool(g["use_protocol"]),
        timeboxes=g["timeboxes"],
        queue_sort=g["queue_sort"],
    )
    archive.members = [
        A.ArchiveMember(
            member.of(r["id"]), r["name"], r["login"], bool(r["active"]), r["position"], r["joined_at"]
        )
        for r in members
    ]
    archive.meetings = [
        A.ArchiveMeeting(
            key=meeting.of(r["id"]),
            number=r["number"],
            started_at=r["started_at"],
            ended_at=r["ended_at"],
            template=r["template"],
            agenda=_loads(store, r["agenda"], "a meeting's agenda"),
            phase_index=r["phase_index"],
            phase_started_at=r["phase_started_at"],
            discussing_issue=issue(r["discussing_issue_id"]),
        )
        for r in meetings
    ]
    archive.attendance = [
        A.ArchiveAttendance(
            meeting.of(r["meeting_id"]),
            member.of(r["member_id"]),
            r["status"],
            r["rating"],
            r["closing_word"],
            r["arrived_at"],
        )
        for r in await rows(of_meetings("attendance", "x.meeting_id, x.member_id"), by_group)
    ]
    archive.turns = [
        A.ArchiveTurn(
            meeting.of(r["meeting_id"]),
            member.of(r["member_id"]),
            r["round"],
            r["position"],
            r["allotted_s"],
            r["spoken_s"],
            r["status"],
            r["started_at"],
            r["ended_at"],
            r["summary"],
        )
        for r in await rows(of_meetings("turns", "x.id"), by_group)
    ]
    archive.rounds = [
        A.ArchiveRound(
            meeting.of(r["meeting_id"]),
            r["kind"],
            r["prompt"],
            map_round_members(_loads(store, r["state"], "a round's state"), member.of),
        )
        for r in await rows(of_meetings("rounds", "x.meeting_id, x.kind"), by_group)
    ]
    archive.issues = [
        A.ArchiveIssue(
            key=issue.of(r["id"]),
            title=r["title"],
            details=r["details"],
            raised_by=member(r["raised_by"]),
            raised_at=r["raised_at"],
            raised_meeting=meeting(r["raised_meeting_id"]),
            urgency=r["urgency"],
            estimate_minutes=r["estimate_minutes"],
            status=r["status"],
            outcome=r["outcome"],
            closed_meeting=meeting(r["closed_meeting_id"]),
            closed_at=r["closed_at"],
            meetings_waited=r["meetings_waited"],
            merged_into=issue(r["merged_into"]),
            queue_rank=r["queue_rank"],
        )
        for r in issues
    ]
    archive.votes = [
        A.ArchiveVote(
            issue.of(r["issue_id"]), member.of(r["member_id"]), meeting.of(r["meeting_id"]), r["count"]
        )
        for r in await rows(
            "SELECT v.* FROM votes v JOIN issues i ON i.id = v.issue_id WHERE i.group_id = ?"
            " ORDER BY v.issue_id, v.member_id, v.meeting_id",
            by_group,
        )
    ]
    archive.discussions = [
        A.ArchiveDiscussion(
            issue.of(r["issue_id"]),
            meeting.of(r["meeting_id"]),
            _loads(store, r["state"], "a discussion's state"),
            r["started_at"],
            r["ended_at"],
            r["outcome"],
        )
        for r in await rows(
            "SELECT d.* FROM discussions d JOIN issues i ON i.id = d.issue_id WHERE i.group_id = ?"
            " ORDER BY d.id",
            by_group,
        )
    ]
    archive.commitments = [
        A.ArchiveCommitment(
            commitment.of(r["id"]),
            issue(r["issue_id"]),
            meeting.of(r["meeting_id"]),
            member.of(r["owner_id"]),
            r["text"],
            r["due_on"],
            r["status"],
            r["created_at"],
            r["closed_at"],
        )
        for r in commitments
    ]
    archive.reviews = [
        A.ArchiveReview(commitment.of(r["commitment_id"]), meeting.of(r["meeting_id"]), r["result"])
        for r in await rows(
            "SELECT r.* FROM commitment_reviews r JOIN commitments c ON c.id = r.commitment_id"
            " WHERE c.group_id = ? ORDER BY r.commitment_id, r.meeting_id",
            by_group,
        )
    ]
    archive.notes = [
        A.ArchiveNote(
            meeting.of(r["meeting_id"]), issue(r["issue_id"]), r["body"], r["visibility"], r["updated_at"]
        )
        for r in await rows(of_meetings("notes", "x.id"), by_group)
    ]
    archive.templates = [
        A.ArchiveTemplate(r["name"], _loads(store, r["phases"], "an agenda template"))
        for r in await rows("SELECT * FROM agenda_templates WHERE group_id = ? ORDER BY id", by_group)
    ]
    archive.prompts = [
        r["text"]
        for r in await rows("SELECT text FROM group_prompts WHERE group_id = ? ORDER BY id", by_group)
    ]
    archive.hands = [
        A.ArchiveHand(
            meeting.of(r["meeting_id"]),
            member.of(r["member_id"]),
            r["kind"],
            r["raised_at"],
            r["lowered_at"],
            bool(r["called"]),
        )
        for r in await rows(of_meetings("hands", "x.id"), by_group)
    ]
    return archive


def _loads(store: Store, text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise StoreError(f"{store.path}: {what} is damaged (not JSON); it cannot be exported.") from None


# ---------------------------------------------------------------- minutes


async def _read_minutes(
    store: Store, group_id: int, number: int | None, confidential: bool
) -> Minutes:
    rows = store._rows
    group = await store.get_group(group_id)
    if number is None:
        found = await rows(
            "SELECT * FROM meetings WHERE group_id = ?"
            " ORDER BY ended_at IS NULL, started_at DESC, number DESC LIMIT 1",
            (group_id,),
        )
        if not found:
            raise NotFound(f"{group.name!r} has not met yet: there are no minutes to export.")
    else:
        found = await rows(
            "SELECT * FROM meetings WHERE group_id = ? AND number = ?", (group_id, number)
        )
        if not found:
            held = (await rows("SELECT max(number) FROM meetings WHERE group_id = ?", (group_id,)))[0][0]
            which = f"its meetings are numbered 1 to {held}" if held else "it has not met yet"
            raise NotFound(f"{group.name!r} has no meeting {number} ({which}).")
    meeting = found[0]
    meeting_id, ended_at = meeting["id"], meeting["ended_at"]

    attendance = await rows(
        "SELECT a.*, m.name FROM attendance a JOIN members m ON m.id = a.member_id"
        " WHERE a.meeting_id = ? ORDER BY m.active DESC, m.position, m.id",
        (meeting_id,),
    )
    checkins: list[CheckIn] = []
    if confidential:
        checkins = [
            CheckIn(r["name"], r["summary"])
            for r in await rows(
                "SELECT t.summary, m.name FROM turns t JOIN members m ON m.id = t.member_id"
                " WHERE t.meeting_id = ? AND t.round = 'checkin' AND t.summary != ''"
                " ORDER BY t.position, t.id",
                (meeting_id,),
            )
        ]

    # Issues taken up: each discussion's outcome (the last one if discussed twice), then any
    # issue closed at this meeting without a discussion (merged, swept out of the queue).
    discussed: dict[int, dict[str, Any]] = {}
    for r in await rows(
        "SELECT d.issue_id, d.outcome AS result, d.started_at AS discussed_at, i.*,"
        " m.name AS raised_by_name,"
        " EXISTS (SELECT 1 FROM discussions later WHERE later.issue_id = d.issue_id"
        "   AND later.meeting_id != d.meeting_id AND later.started_at > d.started_at) AS later"
        " FROM discussions d JOIN issues i ON i.id = d.issue_id"
        " LEFT JOIN members m ON m.id = i.raised_by"
        " WHERE d.meeting_id = ? ORDER BY d.started_at, d.id",
        (meeting_id,),
    ):
        first = discussed.get(r["issue_id"])
        discussed[r["issue_id"]] = {**dict(r), "order": first["order"] if first else len(discussed)}
    outcomes = []
    for r in sorted(discussed.values(), key=lambda r: r["order"]):
        result = r["result"] or "discussing"
        # issues.outcome holds the latest text only: show it where it belongs to this meeting.
        closed_here = r["closed_meeting_id"] == meeting_id and r["status"] == result
        carried_last = result == "carried" and r["status"] == "open" and not r["later"]
        text = r["outcome"] if closed_here or carried_last else ""
        outcomes.append(IssueOutcome(r["title"], r["raised_by_name"], result, text))
    for r in await rows(
        "SELECT i.*, m.name AS raised_by_name FROM issues i LEFT JOIN members m"
        " ON m.id = i.raised_by WHERE i.closed_meeting_id = ? ORDER BY i.closed_at, i.id",
        (meeting_id,),
    ):
        if r["id"] not in discussed:
            outcomes.append(IssueOutcome(r["title"], r["raised_by_name"], r["status"], r["outcome"]))

    actions = [
        Action(r["owner_name"], r["text"], r["due_on"], r["issue_title"], r["status"])
        for r in await rows(
            "SELECT c.*, m.name AS owner_name, i.title AS issue_title FROM commitments c"
            " JOIN members m ON m.id = c.owner_id LEFT JOIN issues i ON i.id = c.issue_id"
            " WHERE c.meeting_id = ? ORDER BY m.active DESC, m.position, m.id, c.due_on, c.id",
            (meeting_id,),
        )
    ]

    # Still open when the meeting ended (closed later, if at all); for a meeting in
    # progress, whatever is open now.
    if ended_at is None:
        still_open = "i.status = 'open'"
        params: tuple[Any, ...] = (group_id,)
    else:
        still_open = "i.raised_at <= ? AND (i.closed_at IS NULL OR i.closed_at > ?)"
        params = (group_id, ended_at, ended_at)
    carried = [
        CarriedIssue(r["title"], r["raised_by_name"], r["urgency"])
        for r in await rows(
            "SELECT i.*, m.name AS raised_by_name FROM issues i LEFT JOIN members m"
            f" ON m.id = i.raised_by WHERE i.group_id = ? AND {still_open}"  # noqa: S608
            " ORDER BY i.urgency, i.raised_at, i.id",
            params,
        )
    ]

    visibilities = ("group", "presenter") if confidential else ("group",)
    notes = [
        Note(r["body"], r["issue_title"], r["visibility"])
        for r in await rows(
            "SELECT n.*, i.title AS issue_title FROM notes n LEFT JOIN issues i ON i.id = n.issue_id"
            f" WHERE n.meeting_id = ? AND n.visibility IN ({','.join('?' * len(visibilities))})"  # noqa: S608
            " AND trim(n.body) != '' ORDER BY n.issue_id IS NOT NULL, n.id",
            (meeting_id, *visibilities),
        )
    ]
    return Minutes(
        group=group.name,
        number=meeting["number"],
        started_at=meeting["started_at"],
        ended_at=ended_at,
        attendees=tuple(
            Attendee(r["name"], r["status"], r["rating"], r["closing_word"]) for r in attendance
        ),
        discussed=tuple(outcomes),
        actions=tuple(actions),
        carried=tuple(carried),
        notes=tuple(notes),
        checkins=tuple(checkins),
        confidential=confidential,
        template=meeting["template"],
    )


# ---------------------------------------------------------------- the group file


def group_file_text(archive: A.GroupArchive) -> str:
    """The archive as the group file's JSON: ASCII, fixed key order, one entry per line."""
    hints = _hints(A.GroupArchive)
    group = {name: _plain(getattr(archive, name), hints[name]) for name in GROUP_FIELDS}
    sections = [
        f' "format": {_dumps(GROUP_FORMAT)}',
        f' "version": {GROUP_VERSION}',
        f' "group": {_dumps(group)}',
    ]
    for name, (field, kind) in LISTS.items():
        items: list[Any] = list(getattr(archive, field))
        if kind is not str:
            item_hints = _hints(kind)
            items = [
                {f.name: _plain(getattr(item, f.name), item_hints[f.name]) for f in fields(kind)}
                for item in items
            ]
        lines = ",\n".join(f"  {_dumps(item)}" for item in items)
        sections.append(f' "{name}": [\n{lines}\n ]' if items else f' "{name}": []')
    return "{\n" + ",\n".join(sections) + "\n}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=False)


def parse_group_file(raw: bytes | str) -> A.GroupArchive:
    """A group file's archive, checked whole; GroupFileError says what is wrong in one line."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise GroupFileError("not a peertui group file (not UTF-8 text).") from None
    except ValueError as error:
        raise GroupFileError(f"not a peertui group file (not valid JSON: {error}).") from None
    except RecursionError:
        raise GroupFileError("not a peertui group file (nested too deeply).") from None
    if not isinstance(data, dict) or data.get("format") != GROUP_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        what = f"its format is {found!r}" if isinstance(found, str) else "no \"format\" header"
        raise GroupFileError(
            f"not a peertui group file ({what}; expected \"format\": \"{GROUP_FORMAT}\")."
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise GroupFileError(f"unknown group file version {version!r} (this peertui reads 1).")
    if version > GROUP_VERSION:
        raise GroupFileError(
            f"written by a newer peertui (group file version {version}; this peertui reads "
            f"version {GROUP_VERSION}); please upgrade peertui."
        )
    return archive_from_dict(data)


def archive_from_dict(data: Mapping[str, Any]) -> A.GroupArchive:
    unknown = set(data) - {"format", "version", "group", *LISTS}
    if unknown:
        raise GroupFileError(f"unknown section {sorted(unknown)[0]!r}.")
    group = data.get("group")
    if not isinstance(group, dict):
        raise GroupFileError("the \"group\" section is missing or not an object.")
    values = _record(group, A.GroupArchive, "group", only=GROUP_FIELDS)
    archive = A.GroupArchive(**values)
    for name, (field, kind) in LISTS.items():
        items = data.get(name, [])
        if not isinstance(items, list):
            raise GroupFileError(f"{name}: expected a list.")
        if kind is str:
            converted = [_value(v, str, f"{name}[{i}]") for i, v in enumerate(items)]
        else:
            converted = []
            for i, item in enumerate(items):
                where = f"{name}[{i}]"
                if not isinstance(item, dict):
                    raise GroupFileError(f"{where}: expected an object.")
                converted.append(kind(**_record(item, kind, where)))
        setattr(archive, field, converted)
    _check(archive)
    return archive


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number peertui stores")


def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind, vars(A))


def _plain(value: Any, hint: Any) -> Any:
    """A field's JSON value: floats as floats (5.0, not 5), so a re-export is identical."""
    if value is not None and _base(hint) is float:
        return float(value)
    return value


def _base(hint: Any) -> Any:
    if isinstance(hint, types.UnionType):
        (inner,) = [a for a in hint.__args__ if a is not type(None)]
        return inner
    return hint


def _record(
    item: Mapping[str, Any], kind: type, where: str, only: tuple[str, ...] | None = None
) -> dict[str, Any]:
    hints = _hints(kind)
    known = [f for f in fields(kind) if only is None or f.name in only]
    names = {f.name for f in known}
    extra = set(item) - names
    if extra:
        raise GroupFileError(f"{where}: unknown field {sorted(extra)[0]!r}.")
    values = {}
    for f in known:
        if f.name not in item:
            if f.required:
                raise GroupFileError(f"{where}: {f.name!r} is missing.")
            continue
        values[f.name] = _value(item[f.name], hints[f.name], f"{where}.{f.name}")
    return values


def _value(value: Any, hint: Any, where: str) -> Any:
    if isinstance(hint, types.UnionType):
        if value is None and type(None) in hint.__args__:
            return None
        hint = _base(hint)
    origin = typing.get_origin(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise GroupFileError(f"{where}: expected true or false.")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            if INT_RANGE[0] <= value <= INT_RANGE[1]:
                return value
        raise GroupFileError(f"{where}: expected a whole number.")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value):
                return float(value)
        raise GroupFileError(f"{where}: expected a number.")
    if hint is str:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise GroupFileError(f"{where}: the text is not valid Unicode.") from None
            return value
        raise GroupFileError(f"{where}: expected a string.")
    if origin is dict:
        if isinstance(value, dict):
            return value
        raise GroupFileError(f"{where}: expected an object.")
    if origin is list:
        if isinstance(value, list):
            (inner,) = typing.get_args(hint)
            return [_value(v, inner, f"{where}[{i}]") for i, v in enumerate(value)]
        raise GroupFileError(f"{where}: expected a list.")
    raise AssertionError(f"no rule for {hint!r}")  # pragma: no cover - a field type added


def _check(archive: A.GroupArchive) -> None:
    """What the schema would refuse, said per entry; plus keys, references and stored JSON."""
    if not archive.name.strip():
        raise GroupFileError("group.name: a group needs a name.")
    for name in ("checkin_minutes", "cadence_days", "votes_per_member"):
        if not getattr(archive, name) > 0:
            raise GroupFileError(f"group.{name}: must be more than 0.")
    for (section, name), choices in CHOICES.items():
        if section == "group":
            _choice(getattr(archive, name), choices, f"group.{name}")
    lists = {name: getattr(archive, field) for name, (field, _) in LISTS.items()}
    keys: dict[str, set[int]] = {}
    for name in KEYED:
        seen: set[int] = set()
        for i, item in enumerate(lists[name]):
            if not 1 <= item.key <= KEY_MAX:
                raise GroupFileError(f"{name}[{i}].key: must be from 1 to {KEY_MAX}.")
            if item.key in seen:
                raise GroupFileError(f"{name}[{i}].key: {item.key} is used twice.")
            seen.add(item.key)
        keys[name] = seen
    for (section, name), target in REFERENCES.items():
        for i, item in enumerate(lists[section]):
            key = getattr(item, name)
            if key is not None and key not in keys[target]:
                raise GroupFileError(f"{section}[{i}].{name}: no entry in {target} has key {key}.")
    for (section, name), choices in CHOICES.items():
        if section != "group":
            for i, item in enumerate(lists[section]):
                _choice(getattr(item, name), choices, f"{section}[{i}].{name}")
    for section, groups in UNIQUE.items():
        for columns in groups:
            seen_values: set[tuple[Any, ...]] = set()
            for i, item in enumerate(lists[section]):
                value = tuple(getattr(item, c) for c in columns)
                if None in value:
                    continue
                if value in seen_values:
                    shown = ", ".join(f"{c} {v!r}" for c, v in zip(columns, value, strict=True))
                    raise GroupFileError(f"{section}[{i}]: a second entry with {shown}.")
                seen_values.add(value)
    if len(set(archive.prompts)) != len(archive.prompts):
        raise GroupFileError("group_prompts: the same prompt is listed twice.")
    if sum(m.ended_at is None for m in archive.meetings) > 1:
        raise GroupFileError("meetings: more than one meeting is in progress.")
    for i, m in enumerate(archive.members):
        if not m.name.strip():
            raise GroupFileError(f"members[{i}].name: a member needs a name.")
    for i, a in enumerate(archive.attendance):
        if a.rating is not None and not 1 <= a.rating <= 10:
            raise GroupFileError(f"attendance[{i}].rating: a rating is from 1 to 10.")
    for i, v in enumerate(archive.votes):
        if v.count < 1:
            raise GroupFileError(f"votes[{i}].count: must be at least 1.")
    for i, meeting in enumerate(archive.meetings):
        _phases(meeting.agenda, f"meetings[{i}].agenda")
    for i, template in enumerate(archive.templates):
        _phases(template.phases, f"agenda_templates[{i}].phases")
    for i, r in enumerate(archive.rounds):
        _state(lambda s: Round.from_dict(map_round_members(s, int)), r.state, f"rounds[{i}].state")
        for member in (t["member_id"] for t in r.state["turns"]):
            if type(member) is not int or member not in keys["members"]:
                raise GroupFileError(f"rounds[{i}].state: no entry in members has key {member!r}.")
    for i, d in enumerate(archive.discussions):
        _state(Discussion.from_dict, d.state, f"discussions[{i}].state")


def _choice(value: str | None, choices: tuple[str, ...], where: str) -> None:
    if value is not None and value not in choices:  # None: only where the field allows it
        raise GroupFileError(f"{where}: {value!r} is not one of {', '.join(choices)}.")


def _phases(phases: list[dict[str, Any]], where: str) -> None:
    for i, phase in enumerate(phases):
        _state(Phase.from_dict, phase, f"{where}[{i}]")


def _state(build: Callable[[Any], object], value: Any, where: str) -> None:
    try:
        build(value)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise GroupFileError(f"{where}: not a state this peertui can read.") from None
