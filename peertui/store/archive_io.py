"""Bulk writing of a GroupArchive: explicit row ids (offset + key) so executemany can do it all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peertui.core.archive import GroupArchive

if TYPE_CHECKING:
    from peertui.store.store import Transaction


async def _offset(tx: Transaction, table: str) -> int:
    row = await tx.fetchone(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (fixed names)
    return row[0]


async def write_archive(tx: Transaction, archive: GroupArchive) -> int:
    group_id = await tx.insert(
        "INSERT INTO groups (name, checkin_minutes, cadence_days, votes_per_member, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            archive.name,
            archive.checkin_minutes,
            archive.cadence_days,
            archive.votes_per_member,
            archive.created_at,
        ),
    )
    member = await _offset(tx, "members")
    meeting = await _offset(tx, "meetings")
    issue = await _offset(tx, "issues")
    commitment = await _offset(tx, "commitments")

    def opt(offset: int, key: int | None) -> int | None:
        return None if key is None else offset + key

    await tx.executemany(
        "INSERT INTO members (id, group_id, name, login, active, position, joined_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (member + m.key, group_id, m.name, m.login, int(m.active), m.position, m.joined_at)
            for m in archive.members
        ],
    )
    await tx.executemany(
        "INSERT INTO meetings (id, group_id, number, started_at, ended_at) VALUES (?, ?, ?, ?, ?)",
        [(meeting + m.key, group_id, m.number, m.started_at, m.ended_at) for m in archive.meetings],
    )
    await tx.executemany(
        "INSERT INTO attendance (meeting_id, member_id, status, rating, closing_word)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (meeting + a.meeting, member + a.member, a.status, a.rating, a.closing_word)
            for a in archive.attendance
        ],
    )
    await tx.executemany(
        "INSERT INTO turns (meeting_id, member_id, round, position, allotted_s, spoken_s, status,"
        " started_at, ended_at, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting + t.meeting,
                member + t.member,
                t.round,
                t.position,
                t.allotted_s,
                t.spoken_s,
                t.status,
                t.started_at,
                t.ended_at,
                t.summary,
            )
            for t in archive.turns
        ],
    )
    await tx.executemany(
        "INSERT INTO issues (id, group_id, title, details, raised_by, raised_at, raised_meeting_id,"
        " urgency, estimate_minutes, status, outcome, closed_meeting_id, closed_at,"
        " meetings_waited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                issue + i.key,
                group_id,
                i.title,
                i.details,
                opt(member, i.raised_by),
                i.raised_at,
                opt(meeting, i.raised_meeting),
                i.urgency,
                i.estimate_minutes,
                i.status,
                i.outcome,
                opt(meeting, i.closed_meeting),
                i.closed_at,
                i.meetings_waited,
            )
            for i in archive.issues
        ],
    )
    await tx.executemany(
        "INSERT INTO votes (issue_id, member_id, meeting_id, count) VALUES (?, ?, ?, ?)",
        [(issue + v.issue, member + v.member, meeting + v.meeting, v.count) for v in archive.votes],
    )
    await tx.executemany(
        "INSERT INTO commitments (id, group_id, issue_id, meeting_id, owner_id, text, due_on,"
        " status, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                commitment + c.key,
                group_id,
                opt(issue, c.issue),
                meeting + c.meeting,
                member + c.owner,
                c.text,
                c.due_on,
                c.status,
                c.created_at,
                c.closed_at,
            )
            for c in archive.commitments
        ],
    )
    await tx.executemany(
        "INSERT INTO commitment_reviews (commitment_id, meeting_id, result) VALUES (?, ?, ?)",
        [(commitment + r.commitment, meeting + r.meeting, r.result) for r in archive.reviews],
    )
    await tx.executemany(
        "INSERT INTO notes (meeting_id, issue_id, body, visibility, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (meeting + n.meeting, opt(issue, n.issue), n.body, n.visibility, n.updated_at)
            for n in archive.notes
        ],
    )
    return group_id
