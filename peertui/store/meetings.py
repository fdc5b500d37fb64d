"""Live meetings: agenda and phase, attendance, and the check-in and closing rounds.

A round's timer state is stored whole as JSON (core.timer.Round) and changed by applying
a pure operation inside one BEGIN IMMEDIATE transaction, so two terminals can never
interleave a read-modify-write. Finished turns are also written to `turns`, the history
that airtime, review and "quietest first" read.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from peertui.core import rules
from peertui.core.agenda import PRESETS, AgendaTemplate, Phase
from peertui.core.discussion import Discussion
from peertui.core.models import Attendee, Group, MeetingState, Member
from peertui.core.rules import InvalidInput
from peertui.core.timer import (
    DEFAULT_PROMPTS,
    PromptPool,
    Round,
    SpeakerStatus,
    quietest_first,
    shuffled_order,
    split_budget,
)
from peertui.store.errors import NotFound
from peertui.store.presence import require_facilitator

if TYPE_CHECKING:
    from peertui.store.store import Store, Transaction

RoundKind = str  # "checkin" | "closing"
RoundOperation = Callable[[Round, float], Round]
CLOSING_TURN_SECONDS = 60
QUIET_HISTORY_MEETINGS = 3
CLOSING_PROMPT = "One word to close the meeting."


class MeetingQueries:
    """Mixed into Store: everything about meetings."""

    # ------------------------------------------------------------------ reading

    async def meeting_in_progress(self: Store, group_id: int) -> int | None:
        rows = await self._rows(
            "SELECT id FROM meetings WHERE group_id = ? AND ended_at IS NULL", (group_id,)
        )
        return rows[0]["id"] if rows else None

    async def load_meeting(self: Store, meeting_id: int) -> MeetingState:
        rows = await self._rows("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        if not rows:
            raise NotFound(f"There is no meeting with id {meeting_id}.")
        meeting = rows[0]
        group = await self.get_group(meeting["group_id"])
        attendance = await self._rows(
            "SELECT a.status, a.rating, a.closing_word, m.* FROM attendance a"
            " JOIN members m ON m.id = a.member_id WHERE a.meeting_id = ?"
            " ORDER BY m.position, m.id",
            (meeting_id,),
        )
        rounds = {
            row["kind"]: row
            for row in await self._rows("SELECT * FROM rounds WHERE meeting_id = ?", (meeting_id,))
        }
        from peertui.store.store import _member

        checkin = rounds.get("checkin")
        closing = rounds.get("closing")
        return MeetingState(
            id=meeting["id"],
            group=group,
            number=meeting["number"],
            started_at=meeting["started_at"],
            ended_at=meeting["ended_at"],
            template=meeting["template"],
            phases=tuple(Phase.from_dict(p) for p in json.loads(meeting["agenda"])),
            phase_index=meeting["phase_index"],
            phase_started_at=meeting["phase_started_at"] or meeting["started_at"],
            attendees=tuple(
                Attendee(_member(row), row["status"], row["rating"], row["closing_word"])
                for row in attendance
            ),
            checkin=Round.from_dict(json.loads(checkin["state"])) if checkin else Round.create((), 0),
            checkin_prompt=checkin["prompt"] if checkin else "",
            closing=Round.from_dict(json.loads(closing["state"])) if closing else None,
            discussing_issue_id=meeting["discussing_issue_id"],
        )

    async def templates(self: Store, group_id: int) -> list[AgendaTemplate]:
        """The presets, then the group's own templates."""
        rows = await self._rows(
            "SELECT name, phases FROM agenda_templates WHERE group_id = ? ORDER BY name",
            (group_id,),
        )
        own = [
            AgendaTemplate(row["name"], tuple(Phase.from_dict(p) for p in json.loads(row["phases"])))
            for row in rows
        ]
        return [*PRESETS, *own]

    async def airtime_history(self: Store, group_id: int, meetings: int) -> dict[int, float]:
        """Seconds each member spoke in check-ins over the group's last `meetings` meetings."""
        rows = await self._rows(
            """
            SELECT t.member_id, sum(t.spoken_s) AS spoken FROM turns t
            WHERE t.round = 'checkin' AND t.meeting_id IN (
                SELECT id FROM meetings WHERE group_id = ? AND ended_at IS NOT NULL
                ORDER BY started_at DESC LIMIT ?)
            GROUP BY t.member_id
            """,
            (group_id, meetings),
        )
        return {row["member_id"]: row["spoken"] for row in rows}

    async def prompts(self: Store, group_id: int) -> list[str]:
        rows = await self._rows(
            "SELECT text FROM group_prompts WHERE group_id = ? ORDER BY id", (group_id,)
        )
        return [row["text"] for row in rows] or list(DEFAULT_PROMPTS)

    async def set_prompts(self: Store, group_id: int, prompts: Sequence[str]) -> list[str]:
        """Replace the group's pool of check-in prompts (empty: the built-in ones)."""
        cleaned = list(dict.fromkeys(p.strip() for p in prompts if p.strip()))
        for prompt in cleaned:
            if len(prompt) > 200:
                raise InvalidInput(f"A prompt is at most 200 characters: {prompt[:40]!r}…")
        if len(cleaned) > 100:
            raise InvalidInput("A pool holds at most 100 prompts.")
        async with self.transaction() as tx:
            if not await tx.fetchone("SELECT 1 FROM groups WHERE id = ?", (group_id,)):
                raise NotFound(f"There is no group with id {group_id}.")
            await tx.execute("DELETE FROM group_prompts WHERE group_id = ?", (group_id,))
            await tx.executemany(
                "INSERT INTO group_prompts (group_id, text) VALUES (?, ?)",
                [(group_id, prompt) for prompt in cleaned],
            )
            tx.changed(group_id, "group", group_id, "prompts")
        return await self.prompts(group_id)

    # ------------------------------------------------------------------ starting

    async def start_meeting(self: Store, group_id: int, template: AgendaTemplate) -> int:
        """Open a new meeting: everyone present, the check-in round ready, a fresh prompt."""
        group = await self.get_group(group_id)
        members = await self.list_members(group_id, include_inactive=False)
        if not members:
            raise InvalidInput("This group has no active members; add some first.")
        order = await self._checkin_order(group, [m.id for m in members])
        allotted = _allotted_seconds(group, len(members))
        phases = _resolve_auto_minutes(template.phases, allotted * len(members) / 60)
        prompt = await self._next_prompt(group_id)
        now = self.clock()
        async with self.transaction() as tx:
            if await tx.fetchone(
                "SELECT 1 FROM meetings WHERE group_id = ? AND ended_at IS NULL", (group_id,)
            ):
                raise InvalidInput("A meeting of this group is already in progress.")
            number = (
                await tx.fetchone(
                    "SELECT coalesce(max(number), 0) + 1 FROM meetings WHERE group_id = ?",
                    (group_id,),
                )
            )[0]
            meeting_id = await tx.insert(
                "INSERT INTO meetings (group_id, number, started_at, template, agenda,"
                " phase_index, phase_started_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
                (group_id, number, now, template.name, _agenda_json(phases), now),
            )
            await tx.executemany(
                "INSERT INTO attendance (meeting_id, member_id, status, arrived_at)"
                " VALUES (?, ?, 'present', ?)",
                [(meeting_id, m.id, now) for m in members],
            )
            await _write_round(tx, meeting_id, "checkin", Round.create(order, allotted), prompt)
            tx.changed(group_id, "meeting", meeting_id, "started")
        return meeting_id

    async def _checkin_order(self: Store, group: Group, ids: list[int]) -> tuple[int, ...]:
        if group.checkin_order == "shuffled":
            return shuffled_order(ids, seed=f"{group.id}:{self.clock()}")
        if group.checkin_order == "quietest":
            history = await self.airtime_history(group.id, QUIET_HISTORY_MEETINGS)
            return quietest_first(ids, history)
        return tuple(ids)

    async def _next_prompt(self: Store, group_id: int) -> str:
        used = await self._rows(
            "SELECT r.prompt FROM rounds r JOIN meetings m ON m.id = r.meeting_id"
            " WHERE m.group_id = ? AND r.kind = 'checkin' AND r.prompt != ''"
            " ORDER BY m.started_at",
            (group_id,),
        )
        pool = PromptPool(tuple(await self.prompts(group_id)))
        return pool.draw([row["prompt"] for row in used], random.Random(self.clock()))

    # ------------------------------------------------------------------ rounds

    async def change_round(
        self: Store, meeting_id: int, kind: RoundKind, operation: RoundOperation, what: str
    ) -> Round:
        """Apply a pure round operation atomically; TimerError propagates unchanged."""
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            row = await tx.fetchone(
                "SELECT r.state, r.prompt, m.group_id, m.ended_at FROM rounds r"
                " JOIN meetings m ON m.id = r.meeting_id WHERE r.meeting_id = ? AND r.kind = ?",
                (meeting_id, kind),
            )
            if row is None:
                raise NotFound(f"This meeting has no {kind} round.")
            if row["ended_at"] is not None:
                raise InvalidInput("This meeting has ended.")
            changed = operation(Round.from_dict(json.loads(row["state"])), self.clock())
            await _write_round(tx, meeting_id, kind, changed, row["prompt"])
            tx.changed(row["group_id"], "round", meeting_id, f"{kind}:{what}")
        return changed

    async def set_round_order(self: Store, meeting_id: int, mode: str) -> Round:
        """Re-order who is still to speak: roster, shuffled or quietest first."""
        state = await self.load_meeting(meeting_id)
        pending = [t.member_id for t in state.checkin.turns if t.status.is_pending]
        if mode == "shuffled":
            order = shuffled_order(pending, seed=f"{meeting_id}:{self.clock()}")
        elif mode == "quietest":
            history = await self.airtime_history(state.group.id, QUIET_HISTORY_MEETINGS)
            order = quietest_first(pending, history)
        else:
            positions = {a.member.id: a.member.position for a in state.attendees}
            order = tuple(sorted(pending, key=lambda m: positions.get(m, 0)))
        return await self.change_round(
            meeting_id, "checkin", lambda r, _now: r.reorder(order), f"order:{mode}"
        )

    async def move_in_round(self: Store, meeting_id: int, kind: RoundKind, member_id: int, offset: int) -> Round:
        def move(current: Round, _now: float) -> Round:
            pending = [t.member_id for t in current.turns if t.status.is_pending]
            if member_id not in pending:
                raise InvalidInput("Only members still to speak can be moved.")
            index = pending.index(member_id)
            target = max(0, min(len(pending) - 1, index + offset))
            pending.insert(target, pending.pop(index))
            return current.reorder(pending)

        return await self.change_round(meeting_id, kind, move, "moved")

    # ------------------------------------------------------------------ attendance

    async def set_attendance(self: Store, meeting_id: int, member_id: int, status: str) -> None:
        """Absent members leave the rounds; a late arrival joins at the end without disturbing them."""
        if status not in ("present", "late", "absent"):
            raise InvalidInput(f"Unknown attendance status {status!r}.")
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            meeting = await tx.fetchone(
                "SELECT group_id, ended_at FROM meetings WHERE id = ?", (meeting_id,)
            )
            if meeting is None:
                raise NotFound(f"There is no meeting with id {meeting_id}.")
            await tx.execute(
                "INSERT INTO attendance (meeting_id, member_id, status, arrived_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, member_id) DO UPDATE SET"
                " status = excluded.status,"
                " arrived_at = CASE WHEN excluded.status = 'late' THEN excluded.arrived_at"
                " ELSE attendance.arrived_at END",
                (meeting_id, member_id, status, now),
            )
            async with await tx.execute(
                "SELECT kind, state, prompt FROM rounds WHERE meeting_id = ?", (meeting_id,)
            ) as cursor:
                rounds = await cursor.fetchall()
            for row in rounds:
                current = Round.from_dict(json.loads(row["state"]))
                if status == "absent":
                    changed = current.remove_member(member_id, now)
                elif current.is_finished:
                    changed = current
                else:
                    changed = current.add_member(member_id)
                if changed != current:
                    await _write_round(tx, meeting_id, row["kind"], changed, row["prompt"])
            tx.changed(meeting["group_id"], "attendance", meeting_id, status)

    async def set_rating(self: Store, meeting_id: int, member_id: int, rating: int | None) -> None:
        if rating is not None and not 1 <= rating <= 10:
            raise InvalidInput("A rating is a whole number from 1 to 10.")
        await self._update_attendee(meeting_id, member_id, "rating", rating)

    async def set_closing_word(self: Store, meeting_id: int, member_id: int, word: str) -> None:
        await self._update_attendee(meeting_id, member_id, "closing_word", word.strip() or None)

    async def _update_attendee(self: Store, meeting_id: int, member_id: int, column: str, value: Any) -> None:
        async with self.transaction() as tx:
            # Members rate the meeting and give their closing word themselves; the
            # facilitator may enter anyone's.
            own = await tx.fetchone(
                "SELECT 1 FROM sessions WHERE id = ? AND meeting_id = ? AND member_id = ?",
                (self.origin, meeting_id, member_id),
            )
            if own is None:
                await require_facilitator(tx, meeting_id, self.origin, self.clock())
            cursor = await tx.execute(
                f"UPDATE attendance SET {column} = ? WHERE meeting_id = ? AND member_id = ?",  # noqa: S608
                (value, meeting_id, member_id),
            )
            if cursor.rowcount != 1:
                raise NotFound("That member is not on this meeting's attendance list.")
            row = await tx.fetchone("SELECT group_id FROM meetings WHERE id = ?", (meeting_id,))
            tx.changed(row["group_id"], "attendance", meeting_id, column)

    # ------------------------------------------------------------------ phases

    async def set_phase(self: Store, meeting_id: int, index: int) -> None:
        """Move to another agenda phase. Leaving a round's phase stops its clocks;
        reaching the wrap-up opens the closing round."""
        state = await self.load_meeting(meeting_id)
        if state.ended_at is not None:
            raise InvalidInput("This meeting has ended.")
        if not 0 <= index < len(state.phases):
            raise InvalidInput("There is no such phase in the agenda.")
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            await tx.execute(
                "UPDATE meetings SET phase_index = ?, phase_started_at = ? WHERE id = ?",
                (index, now, meeting_id),
            )
            target = state.phases[index]
            if target.kind != "checkin" and state.checkin.is_started and not state.checkin.is_finished:
                await _write_round(tx, meeting_id, "checkin", state.checkin.end(now), state.checkin_prompt)
            if target.kind == "wrapup" and state.closing is None:
                here = [t.member_id for t in state.checkin.turns if _is_here(state, t.member_id)]
                here += [a.member.id for a in state.attendees if a.here and a.member.id not in here]
                closing = Round.create(here, CLOSING_TURN_SECONDS)
                await _write_round(tx, meeting_id, "closing", closing, CLOSING_PROMPT)
            tx.changed(state.group.id, "meeting", meeting_id, "phase")

    async def set_agenda(self: Store, meeting_id: int, phases: Sequence[Phase]) -> None:
        state = await self.load_meeting(meeting_id)
        _check_phases(phases)
        if len(phases) != len(state.phases):
            raise InvalidInput("The agenda keeps its phases; only their minutes change here.")
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            await tx.execute(
                "UPDATE meetings SET agenda = ? WHERE id = ?", (_agenda_json(phases), meeting_id)
            )
            tx.changed(state.group.id, "meeting", meeting_id, "agenda")

    async def save_template(self: Store, group_id: int, name: str, phases: Sequence[Phase]) -> None:
        name = rules.normalise_name(name)
        if not name:
            raise InvalidInput("A template needs a name.")
        if any(p.name.lower() == name.lower() for p in PRESETS):
            raise InvalidInput(f"{name!r} is a built-in template; choose another name.")
        _check_phases(phases)
        async with self.transaction() as tx:
            await tx.execute(
                "INSERT INTO agenda_templates (group_id, name, phases) VALUES (?, ?, ?)"
                " ON CONFLICT (group_id, name) DO UPDATE SET phases = excluded.phases",
                (group_id, name, _agenda_json(phases)),
            )
            await tx.execute(
                "UPDATE groups SET default_template = ? WHERE id = ?", (name, group_id)
            )
            tx.changed(group_id, "template", None, "saved")

    async def end_meeting(self: Store, meeting_id: int) -> None:
        state = await self.load_meeting(meeting_id)
        if state.ended_at is not None:
            return
        await self.compact_notes(meeting_id)
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            for kind, current, prompt in (
                ("checkin", state.checkin, state.checkin_prompt),
                ("closing", state.closing, CLOSING_PROMPT),
            ):
                if current is not None and current.is_started and not current.is_finished:
                    await _write_round(tx, meeting_id, kind, current.end(now), prompt)
            # A discussion left open is carried over, its timebox stopped where it was.
            open_discussion = await tx.fetchone(
                "SELECT id, state FROM discussions WHERE meeting_id = ? AND ended_at IS NULL",
                (meeting_id,),
            )
            if open_discussion is not None:
                stopped = Discussion.from_dict(json.loads(open_discussion["state"])).stop(now)
                await tx.execute(
                    "UPDATE discussions SET state = ?, ended_at = ?, outcome = 'carried' WHERE id = ?",
                    (json.dumps(stopped.to_dict()), now, open_discussion["id"]),
                )
            # Every issue still open has waited one more meeting.
            await tx.execute(
                "UPDATE issues SET meetings_waited = meetings_waited + 1"
                " WHERE group_id = ? AND status = 'open' AND raised_at <= ?",
                (state.group.id, now),
            )
            await tx.execute(
                "UPDATE meetings SET ended_at = ?, discussing_issue_id = NULL WHERE id = ?",
                (now, meeting_id),
            )
            tx.changed(state.group.id, "meeting", meeting_id, "ended")


def _is_here(state: MeetingState, member_id: int) -> bool:
    attendee = state.attendee(member_id)
    return attendee is not None and attendee.here


def _allotted_seconds(group: Group, present: int) -> float:
    if group.checkin_budget_minutes:
        return split_budget(group.checkin_budget_minutes * 60, present)
    return group.checkin_minutes * 60


def _resolve_auto_minutes(phases: Sequence[Phase], checkin_minutes: float) -> tuple[Phase, ...]:
    """A check-in phase planned at 0 minutes takes what the round needs."""
    return tuple(
        Phase(p.name, round(checkin_minutes, 1), p.kind) if p.kind == "checkin" and not p.minutes else p
        for p in phases
    )


def _check_phases(phases: Sequence[Phase]) -> None:
    if not phases:
        raise InvalidInput("An agenda needs at least one phase.")
    for phase in phases:
        if not 0 < phase.minutes <= 600:
            raise InvalidInput(f"{phase.name}: minutes must be more than 0 and at most 600.")


def _agenda_json(phases: Sequence[Phase]) -> str:
    return json.dumps([p.to_dict() for p in phases])


async def _write_round(tx: Transaction, meeting_id: int, kind: RoundKind, current: Round, prompt: str) -> None:
    await tx.execute(
        "INSERT INTO rounds (meeting_id, kind, prompt, state) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, kind) DO UPDATE SET state = excluded.state, prompt = excluded.prompt",
        (meeting_id, kind, prompt, json.dumps(current.to_dict())),
    )
    # The history rows: every turn that has been spoken (or passed) so far.
    await tx.execute("DELETE FROM turns WHERE meeting_id = ? AND round = ?", (meeting_id, kind))
    rows = []
    for position, turn in enumerate(current.turns, start=1):
        clock = turn.clock
        if turn.status in (SpeakerStatus.DONE, SpeakerStatus.PASSED):
            status = turn.status.value
        elif turn.status is SpeakerStatus.SKIPPED and current.is_finished and clock.is_started:
            status = "skipped"
        else:
            continue
        ended = clock.ended_at
        rows.append(
            (
                meeting_id,
                turn.member_id,
                kind,
                position,
                clock.allotted_s,
                clock.elapsed(ended or 0.0),
                status,
                clock.started_at,
                ended,
            )
        )
    await tx.executemany(
        "INSERT INTO turns (meeting_id, member_id, round, position, allotted_s, spoken_s, status,"
        " started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


__all__ = ["MeetingQueries", "sqlite3", "Member"]
