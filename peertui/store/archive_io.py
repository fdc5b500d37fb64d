"""Bulk writing of a GroupArchive: explicit row ids (offset + key) so executemany can do it all."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from peertui.core.archive import GroupArchive

if TYPE_CHECKING:
    from peertui.store.store import Transaction


async def _offset(tx: Transaction, table: str) -> int:
    row = await tx.fetchone(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (fixed names)
    return row[0]


def map_round_members(state: dict[str, Any], convert: Callable[[int], int]) -> dict[str, Any]:
    """A round's stored state (core.timer.Round.to_dict) with each turn's member_id converted:
    row ids to archive keys on export, keys to row ids on import."""
    turns = [{**turn, "member_id": convert(turn["member_id"])} for turn in state["turns"]]
    return {**state, "turns": turns}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


async def write_archive(tx: Transaction, archive: GroupArchive) -> int:
    # Rows may point forwards (a meeting at the issue it discusses, an issue at the one it was
    # merged into): foreign keys are checked at COMMIT instead (the pragma resets there).
    await tx.execute("PRAGMA defer_foreign_keys = ON")
    group_id = await tx.insert(
        "INSERT INTO groups (name, checkin_minutes, cadence_days, votes_per_member, created_at,"
        " warn_seconds, checkin_budget_minutes, checkin_order, default_template, use_protocol,"
        " timeboxes, queue_sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            archive.name,
            archive.checkin_minutes,
            archive.cadence_days,
            archive.votes_per_member,
            archive.created_at,
            archive.warn_seconds,
            archive.checkin_budget_minutes,
            archive.checkin_order,
            archive.default_template,
            int(archive.use_protocol),
            archive.timeboxes,
            archive.queue_sort,
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
        "INSERT INTO meetings (id, group_id, number, started_at, ended_at, template, agenda,"
        " phase_index, phase_started_at, discussing_issue_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting + m.key,
                group_id,
                m.number,
                m.started_at,
                m.ended_at,
                m.template,
                _json(m.agenda),
                m.phase_index,
                m.phase_started_at,
                opt(issue, m.discussing_issue),
            )
            for m in archive.meetings
        ],
    )
    await tx.executemany(
        "INSERT INTO attendance (meeting_id, member_id, status, rating, closing_word, arrived_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (meeting + a.meeting, member + a.member, a.status, a.rating, a.closing_word, a.arrived_at)
            for a in archive.attendance
        ],
    )
    await tx.executemany(
        "INSERT INTO rounds (meeting_id, kind, prompt, state) VALUES (?, ?, ?, ?)",
        [
            (
                meeting + r.meeting,
                r.kind,
                r.prompt,
                _json(map_round_members(r.state, lambda key: member + key)),
            )
            for r in archive.rounds
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
        " meetings_waited, merged_into, queue_rank)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                opt(issue, i.merged_into),
                i.queue_rank,
            )
            for i in archive.issues
        ],
    )
    await tx.executemany(
        "INSERT INTO votes (issue_id, member_id, meeting_id, count) VALUES (?, ?, ?, ?)",
        [(issue + v.issue, member + v.member, meeting + v.meeting, v.count) for v in archive.votes],
    )
    await tx.executemany(
        "INSERT INTO discussions (issue_id, meeting_id, state, started_at, ended_at, outcome)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (issue + d.issue, meeting + d.meeting, _json(d.state), d.started_at, d.ended_at, d.outcome)
            for d in archive.discussions
        ],
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
    await tx.executemany(
        "INSERT INTO agenda_templates (group_id, name, phases) VALUES (?, ?, ?)",
        [(group_id, t.name, _json(t.phases)) for t in archive.templates],
    )
    await tx.executemany(
        "INSERT INTO group_prompts (group_id, text) VALUES (?, ?)",
        [(group_id, text) for text in archive.prompts],
    )
    await tx.executemany(
        "INSERT INTO hands (meeting_id, member_id, kind, raised_at, lowered_at, called)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (meeting + h.meeting, member + h.member, h.kind, h.raised_at, h.lowered_at, int(h.called))
            for h in archive.hands
        ],
    )
    return group_id
