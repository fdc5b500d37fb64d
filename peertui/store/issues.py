"""Issues and commitments: raising, dot votes, discussion timeboxes, outcomes, reviews.

Issues belong to the group, not to a meeting: whatever is still open when a meeting ends
is simply there at the next one, with its votes and the count of meetings it has waited.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from peertui.core import rules
from peertui.core.discussion import Discussion, parse_timeboxes
from peertui.core.models import Commitment, next_meeting_on
from peertui.core.queue import QueuedIssue, check_vote, manual_ranks, sort_queue
from peertui.core.rules import InvalidInput
from peertui.store.errors import NotFound
from peertui.store.presence import require_facilitator, require_group_facilitator

if TYPE_CHECKING:
    from peertui.store.store import Store

URGENCIES = ("A", "B", "C")
OUTCOMES = ("resolved", "parked", "carried")
REVIEW_RESULTS = ("done", "not_done", "dropped")
TITLE_MAX = 200
TEXT_MAX = 20_000
DiscussionOperation = Callable[[Discussion, float], Discussion]


def _title(raw: str) -> str:
    title = rules.normalise_name(raw)
    if not title:
        raise InvalidInput("An issue needs a title.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"The title is too long ({len(title)} characters; at most {TITLE_MAX}).")
    return title


def _text(raw: str, what: str) -> str:
    text = raw.strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"{what} is too long ({len(text)} characters; at most {TEXT_MAX}).")
    return text


def _due(raw: str | date) -> str:
    if isinstance(raw, date):
        return raw.isoformat()
    try:
        return date.fromisoformat(raw.strip()).isoformat()
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a date (use YYYY-MM-DD).") from None


class IssueQueries:
    """Mixed into Store: everything about issues and commitments."""

    # ------------------------------------------------------------------ raising

    async def add_issue(
        self: Store,
        group_id: int,
        title: str,
        *,
        raised_by: int | None = None,
        details: str = "",
        urgency: str = "B",
        minutes: float = 10,
    ) -> int:
        title = _title(title)
        details = _text(details, "The details")
        urgency = urgency.strip().upper()
        if urgency not in URGENCIES:
            raise InvalidInput("Urgency is A (most urgent), B or C.")
        try:
            minutes = float(minutes)
        except (TypeError, ValueError):
            raise InvalidInput("The estimate is a number of minutes, from 1 to 240.") from None
        if not 1 <= minutes <= 240:
            raise InvalidInput("The estimate is from 1 to 240 minutes.")
        async with self.transaction() as tx:
            if raised_by is not None and not await tx.fetchone(
                "SELECT 1 FROM members WHERE id = ? AND group_id = ?", (raised_by, group_id)
            ):
                raise NotFound("That member is not in this group.")
            meeting = await tx.fetchone(
                "SELECT id FROM meetings WHERE group_id = ? AND ended_at IS NULL", (group_id,)
            )
            issue_id = await tx.insert(
                "INSERT INTO issues (group_id, title, details, raised_by, raised_at,"
                " raised_meeting_id, urgency, estimate_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    group_id,
                    title,
                    details,
                    raised_by,
                    self.clock(),
                    meeting[0] if meeting else None,
                    urgency,
                    float(minutes),
                ),
            )
            tx.changed(group_id, "issue", issue_id, "raised")
        return issue_id

    # ------------------------------------------------------------------ the queue

    async def list_issues(
        self: Store,
        group_id: int,
        *,
        statuses: Iterable[str] = ("open",),
        meeting_id: int | None = None,
        sort: str | None = None,
    ) -> list[QueuedIssue]:
        """Issues with the dots they have in `meeting_id` (or in total without one), sorted."""
        statuses = tuple(statuses)
        marks = ",".join("?" for _ in statuses)
        vote_filter = "AND v.meeting_id = ?" if meeting_id is not None else ""
        params: list[object] = [] if meeting_id is None else [meeting_id]
        rows = await self._rows(
            f"""
            SELECT i.*, coalesce(m.name, '') AS raised_by_name,
              coalesce((SELECT sum(v.count) FROM votes v WHERE v.issue_id = i.id {vote_filter}), 0)
                AS dot_count
            FROM issues i LEFT JOIN members m ON m.id = i.raised_by
            WHERE i.group_id = ? AND i.status IN ({marks})
            """,  # noqa: S608 - only placeholders are interpolated
            (*params, group_id, *statuses),
        )
        issues = [
            QueuedIssue(
                id=row["id"],
                title=row["title"],
                details=row["details"],
                raised_by=row["raised_by"],
                raised_by_name=row["raised_by_name"],
                raised_at=row["raised_at"],
                urgency=row["urgency"],
                estimate_minutes=row["estimate_minutes"],
                status=row["status"],
                outcome=row["outcome"],
                meetings_waited=row["meetings_waited"],
                votes=row["dot_count"],
                rank=row["queue_rank"],
            )
            for row in rows
        ]
        if sort is None:
            sort = (await self.get_group(group_id)).queue_sort
        return sort_queue(issues, sort)

    async def get_issue(self: Store, issue_id: int) -> QueuedIssue:
        rows = await self._rows("SELECT group_id, status FROM issues WHERE id = ?", (issue_id,))
        if not rows:
            raise NotFound(f"There is no issue with id {issue_id}.")
        for issue in await self.list_issues(rows[0]["group_id"], statuses=(rows[0]["status"],)):
            if issue.id == issue_id:
                return issue
        raise NotFound(f"There is no issue with id {issue_id}.")

    async def votes_used(self: Store, meeting_id: int, member_id: int) -> int:
        rows = await self._rows(
            "SELECT coalesce(sum(count), 0) FROM votes WHERE meeting_id = ? AND member_id = ?",
            (meeting_id, member_id),
        )
        return rows[0][0]

    async def vote(self: Store, meeting_id: int, issue_id: int, member_id: int, delta: int) -> None:
        """Add (delta 1) or take back (delta -1) one of a member's dots on an issue."""
        async with self.transaction() as tx:
            meeting = await tx.fetchone(
                "SELECT m.group_id, g.votes_per_member FROM meetings m JOIN groups g"
                " ON g.id = m.group_id WHERE m.id = ? AND m.ended_at IS NULL",
                (meeting_id,),
            )
            if meeting is None:
                raise InvalidInput("Votes are cast in a meeting in progress.")
            issue = await tx.fetchone(
                "SELECT status FROM issues WHERE id = ? AND group_id = ?",
                (issue_id, meeting["group_id"]),
            )
            if issue is None or issue["status"] != "open":
                raise InvalidInput("Only open issues in the queue take votes.")
            if not await tx.fetchone(
                "SELECT 1 FROM members WHERE id = ? AND group_id = ?", (member_id, meeting["group_id"])
            ):
                raise NotFound("That member is not in this group.")
            used = (
                await tx.fetchone(
                    "SELECT coalesce(sum(count), 0) FROM votes WHERE meeting_id = ? AND member_id = ?",
                    (meeting_id, member_id),
                )
            )[0]
            on_issue_row = await tx.fetchone(
                "SELECT count FROM votes WHERE meeting_id = ? AND member_id = ? AND issue_id = ?",
                (meeting_id, member_id, issue_id),
            )
            on_issue = on_issue_row[0] if on_issue_row else 0
            check_vote(used, meeting["votes_per_member"], delta, on_issue)
            if on_issue + delta == 0:
                await tx.execute(
                    "DELETE FROM votes WHERE meeting_id = ? AND member_id = ? AND issue_id = ?",
                    (meeting_id, member_id, issue_id),
                )
            else:
                await tx.execute(
                    "INSERT INTO votes (issue_id, member_id, meeting_id, count) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (issue_id, member_id, meeting_id) DO UPDATE SET count = ?",
                    (issue_id, member_id, meeting_id, on_issue + delta, on_issue + delta),
                )
            tx.changed(meeting["group_id"], "vote", issue_id, "cast" if delta > 0 else "taken")

    async def set_queue_sort(self: Store, group_id: int, mode: str) -> None:
        if mode not in ("votes", "urgency", "age", "manual"):
            raise InvalidInput("Sort by votes, urgency, age or manual order.")
        async with self.transaction() as tx:
            await require_group_facilitator(tx, group_id, self.origin, self.clock())
            await tx.execute("UPDATE groups SET queue_sort = ? WHERE id = ?", (mode, group_id))
            tx.changed(group_id, "group", group_id, "queue_sort")

    async def move_issue(self: Store, group_id: int, ordered_ids: list[int], issue_id: int, offset: int) -> None:
        """The facilitator's manual order: move one issue up or down the queue as shown."""
        ids = list(ordered_ids)
        if issue_id not in ids:
            return
        index = ids.index(issue_id)
        target = max(0, min(len(ids) - 1, index + offset))
        ids.insert(target, ids.pop(index))
        async with self.transaction() as tx:
            await require_group_facilitator(tx, group_id, self.origin, self.clock())
            await tx.executemany(
                "UPDATE issues SET queue_rank = ? WHERE id = ? AND group_id = ?",
                [(rank, i, group_id) for i, rank in manual_ranks(ids).items()],
            )
            await tx.execute("UPDATE groups SET queue_sort = 'manual' WHERE id = ?", (group_id,))
            tx.changed(group_id, "issue", issue_id, "moved")

    async def merge_issues(self: Store, source_id: int, target_id: int) -> None:
        """Fold `source` into `target`: their votes add up; both issues keep their history."""
        if source_id == target_id:
            raise InvalidInput("An issue cannot be merged into itself.")
        async with self.transaction() as tx:
            source = await tx.fetchone("SELECT * FROM issues WHERE id = ?", (source_id,))
            target = await tx.fetchone("SELECT * FROM issues WHERE id = ?", (target_id,))
            if source is None or target is None or source["group_id"] != target["group_id"]:
                raise NotFound("Both issues must exist in the same group.")
            await require_group_facilitator(tx, source["group_id"], self.origin, self.clock())
            if source["status"] != "open" or target["status"] != "open":
                raise InvalidInput("Only open issues can be merged.")
            if await tx.fetchone(
                "SELECT 1 FROM meetings WHERE discussing_issue_id = ? AND ended_at IS NULL", (source_id,)
            ):
                raise InvalidInput("That issue is being discussed; close it with an outcome first.")
            await tx.execute(
                "INSERT INTO votes (issue_id, member_id, meeting_id, count)"
                " SELECT ?, member_id, meeting_id, count FROM votes WHERE issue_id = ?"
                " ON CONFLICT (issue_id, member_id, meeting_id) DO UPDATE SET count = count + excluded.count",
                (target_id, source_id),
            )
            await tx.execute("DELETE FROM votes WHERE issue_id = ?", (source_id,))
            meeting = await tx.fetchone(
                "SELECT id FROM meetings WHERE group_id = ? AND ended_at IS NULL",
                (source["group_id"],),
            )
            await tx.execute(
                "UPDATE issues SET status = 'merged', merged_into = ?, outcome = ?, closed_at = ?,"
                " closed_meeting_id = ? WHERE id = ?",
                (
                    target_id,
                    f"merged into “{target['title']}”",
                    self.clock(),
                    meeting["id"] if meeting else None,
                    source_id,
                ),
            )
            await tx.execute(
                "UPDATE issues SET urgency = min(urgency, ?), meetings_waited ="
                " max(meetings_waited, ?) WHERE id = ?",
                (source["urgency"], source["meetings_waited"], target_id),
            )
            tx.changed(source["group_id"], "issue", source_id, "merged")

    async def reopen_issue(self: Store, issue_id: int) -> None:
        """Take an issue out of the parking lot, back into the queue."""
        async with self.transaction() as tx:
            row = await tx.fetchone("SELECT group_id, status FROM issues WHERE id = ?", (issue_id,))
            if row is None:
                raise NotFound(f"There is no issue with id {issue_id}.")
            if row["status"] != "parked":
                raise InvalidInput("Only parked issues go back to the queue.")
            await require_group_facilitator(tx, row["group_id"], self.origin, self.clock())
            await tx.execute(
                "UPDATE issues SET status = 'open', closed_meeting_id = NULL, closed_at = NULL"
                " WHERE id = ?",
                (issue_id,),
            )
            tx.changed(row["group_id"], "issue", issue_id, "reopened")

    # ------------------------------------------------------------------ discussing

    async def start_discussion(self: Store, meeting_id: int, issue_id: int) -> None:
        """Take an issue into discussion: its timebox (the estimate) starts at once."""
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            meeting = await tx.fetchone(
                "SELECT m.*, g.use_protocol, g.timeboxes FROM meetings m JOIN groups g"
                " ON g.id = m.group_id WHERE m.id = ?",
                (meeting_id,),
            )
            if meeting is None or meeting["ended_at"] is not None:
                raise InvalidInput("Issues are discussed in a meeting in progress.")
            if meeting["discussing_issue_id"] is not None:
                raise InvalidInput("Another issue is being discussed; close it with an outcome first.")
            issue = await tx.fetchone(
                "SELECT * FROM issues WHERE id = ? AND group_id = ?", (issue_id, meeting["group_id"])
            )
            if issue is None or issue["status"] != "open":
                raise InvalidInput("Only open issues can be discussed.")
            try:
                timeboxes = parse_timeboxes(meeting["timeboxes"])
            except ValueError:
                timeboxes = (7, 5, 3)
            discussion = Discussion.create(
                issue["estimate_minutes"], protocol=bool(meeting["use_protocol"]), timeboxes=timeboxes
            ).start(now)
            await tx.execute(
                "INSERT INTO discussions (issue_id, meeting_id, state, started_at) VALUES (?, ?, ?, ?)",
                (issue_id, meeting_id, json.dumps(discussion.to_dict()), now),
            )
            await tx.execute(
                "UPDATE meetings SET discussing_issue_id = ? WHERE id = ?", (issue_id, meeting_id)
            )
            tx.changed(meeting["group_id"], "discussion", issue_id, "started")

    async def current_discussion(self: Store, meeting_id: int) -> tuple[QueuedIssue, Discussion] | None:
        rows = await self._rows(
            "SELECT d.state, d.issue_id FROM discussions d JOIN meetings m ON m.id = d.meeting_id"
            " WHERE d.meeting_id = ? AND d.issue_id = m.discussing_issue_id AND d.ended_at IS NULL",
            (meeting_id,),
        )
        if not rows:
            return None
        issue = await self.get_issue(rows[0]["issue_id"])
        return issue, Discussion.from_dict(json.loads(rows[0]["state"]))

    async def change_discussion(self: Store, meeting_id: int, operation: DiscussionOperation, what: str) -> Discussion:
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            row = await tx.fetchone(
                "SELECT d.id, d.state, m.group_id, m.discussing_issue_id FROM discussions d"
                " JOIN meetings m ON m.id = d.meeting_id WHERE d.meeting_id = ?"
                " AND d.issue_id = m.discussing_issue_id AND d.ended_at IS NULL",
                (meeting_id,),
            )
            if row is None:
                raise InvalidInput("No issue is being discussed.")
            changed = operation(Discussion.from_dict(json.loads(row["state"])), self.clock())
            await tx.execute(
                "UPDATE discussions SET state = ? WHERE id = ?", (json.dumps(changed.to_dict()), row["id"])
            )
            tx.changed(row["group_id"], "discussion", row["discussing_issue_id"], what)
        return changed

    async def close_issue(
        self: Store,
        meeting_id: int,
        issue_id: int,
        outcome: str,
        text: str,
        actions: Iterable[tuple[str, int, str | date]] = (),
    ) -> None:
        """End a discussion with an outcome and its actions, all in one transaction.

        resolved: closed with the decision text; parked: into the parking lot; carried: stays
        open for the next meeting. Actions become commitments linked to the issue.
        """
        if outcome not in OUTCOMES:
            raise InvalidInput("The outcome is resolved, parked or carried over.")
        text = _text(text, "The outcome")
        if outcome == "resolved" and not text:
            raise InvalidInput("Say what was decided: a resolved issue needs its decision.")
        checked = []
        for action_text, owner_id, due in actions:
            action_text = _text(action_text, "An action")
            if not action_text:
                raise InvalidInput("Every action needs its text.")
            checked.append((action_text, owner_id, _due(due)))
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            meeting = await tx.fetchone("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
            issue = await tx.fetchone("SELECT * FROM issues WHERE id = ?", (issue_id,))
            if meeting is None or issue is None or issue["group_id"] != meeting["group_id"]:
                raise NotFound("That issue is not in this meeting's group.")
            if meeting["ended_at"] is not None:
                raise InvalidInput("This meeting has ended; issues are closed in a meeting in progress.")
            if issue["status"] != "open":
                raise InvalidInput("Only open issues can be closed.")
            discussion = await tx.fetchone(
                "SELECT id, state FROM discussions WHERE meeting_id = ? AND issue_id = ?"
                " AND ended_at IS NULL",
                (meeting_id, issue_id),
            )
            if discussion is not None:
                stopped = Discussion.from_dict(json.loads(discussion["state"])).stop(now)
                await tx.execute(
                    "UPDATE discussions SET state = ?, ended_at = ?, outcome = ? WHERE id = ?",
                    (json.dumps(stopped.to_dict()), now, outcome, discussion["id"]),
                )
            if outcome == "carried":
                await tx.execute(
                    "UPDATE issues SET outcome = ? WHERE id = ?", (text or issue["outcome"], issue_id)
                )
            else:
                await tx.execute(
                    "UPDATE issues SET status = ?, outcome = ?, closed_meeting_id = ?, closed_at = ?"
                    " WHERE id = ?",
                    (outcome, text, meeting_id, now, issue_id),
                )
            for action_text, owner_id, due in checked:
                if not await tx.fetchone(
                    "SELECT 1 FROM members WHERE id = ? AND group_id = ?", (owner_id, issue["group_id"])
                ):
                    raise NotFound("An action's owner is not in this group.")
                commitment_id = await tx.insert(
                    "INSERT INTO commitments (group_id, issue_id, meeting_id, owner_id, text, due_on,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (issue["group_id"], issue_id, meeting_id, owner_id, action_text, due, now),
                )
                tx.changed(issue["group_id"], "commitment", commitment_id, "created")
            await tx.execute(
                "UPDATE meetings SET discussing_issue_id = NULL WHERE id = ? AND discussing_issue_id = ?",
                (meeting_id, issue_id),
            )
            tx.changed(issue["group_id"], "issue", issue_id, outcome)

    async def default_due_date(self: Store, meeting_id: int) -> date:
        """Actions are due by the next meeting unless said otherwise."""
        state = await self.load_meeting(meeting_id)
        due = next_meeting_on(state.started_at, state.group.cadence_days)
        assert due is not None
        return due

    # ------------------------------------------------------------------ commitments

    async def commitments(
        self: Store,
        group_id: int,
        *,
        owner_id: int | None = None,
        statuses: Iterable[str] = ("open",),
        or_reviewed_in: int | None = None,
    ) -> list[Commitment]:
        """Commitments by owner and due date; `or_reviewed_in` adds those closed at that meeting."""
        statuses = tuple(statuses)
        marks = ",".join("?" for _ in statuses)
        owner_filter = "AND c.owner_id = ?" if owner_id is not None else ""
        status_filter = f"c.status IN ({marks})"
        if or_reviewed_in is not None:
            status_filter = (
                f"({status_filter} OR c.id IN (SELECT commitment_id FROM commitment_reviews"
                f" WHERE meeting_id = {int(or_reviewed_in)}))"
            )
        rows = await self._rows(
            f"""
            SELECT c.*, m.name AS owner_name, coalesce(i.title, '') AS issue_title,
              (SELECT r.result FROM commitment_reviews r JOIN meetings t ON t.id = r.meeting_id
               WHERE r.commitment_id = c.id ORDER BY t.started_at DESC LIMIT 1) AS last_review,
              (SELECT r.meeting_id FROM commitment_reviews r JOIN meetings t ON t.id = r.meeting_id
               WHERE r.commitment_id = c.id ORDER BY t.started_at DESC LIMIT 1) AS reviewed_in
            FROM commitments c JOIN members m ON m.id = c.owner_id
            LEFT JOIN issues i ON i.id = c.issue_id
            WHERE c.group_id = ? AND {status_filter} {owner_filter}
            ORDER BY m.position, c.due_on, c.id
            """,  # noqa: S608 - only placeholders are interpolated
            (group_id, *statuses, *(() if owner_id is None else (owner_id,))),
        )
        return [
            Commitment(
                id=row["id"],
                issue_id=row["issue_id"],
                issue_title=row["issue_title"],
                meeting_id=row["meeting_id"],
                owner_id=row["owner_id"],
                owner_name=row["owner_name"],
                text=row["text"],
                due_on=row["due_on"],
                status=row["status"],
                last_review=row["last_review"],
                reviewed_in=row["reviewed_in"],
            )
            for row in rows
        ]

    async def review_commitment(self: Store, meeting_id: int, commitment_id: int, result: str) -> bool:
        """Mark a commitment at a meeting: done, not done or dropped.

        Returns True when it is now not done at two meetings running, so the facilitator
        can offer it as a new issue.
        """
        if result not in REVIEW_RESULTS:
            raise InvalidInput("A commitment is done, not done or dropped.")
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            commitment = await tx.fetchone("SELECT * FROM commitments WHERE id = ?", (commitment_id,))
            if commitment is None:
                raise NotFound(f"There is no commitment with id {commitment_id}.")
            await tx.execute(
                "INSERT INTO commitment_reviews (commitment_id, meeting_id, result) VALUES (?, ?, ?)"
                " ON CONFLICT (commitment_id, meeting_id) DO UPDATE SET result = excluded.result",
                (commitment_id, meeting_id, result),
            )
            if result == "not_done":
                await tx.execute(
                    "UPDATE commitments SET status = 'open', closed_at = NULL WHERE id = ?",
                    (commitment_id,),
                )
            else:
                await tx.execute(
                    "UPDATE commitments SET status = ?, closed_at = ? WHERE id = ?",
                    (result, now, commitment_id),
                )
            tx.changed(commitment["group_id"], "commitment", commitment_id, result)
            if result != "not_done":
                return False
            recent = await tx.fetchone(
                """
                SELECT count(*) FROM (
                  SELECT r.result FROM commitment_reviews r JOIN meetings t ON t.id = r.meeting_id
                  WHERE r.commitment_id = ? ORDER BY t.started_at DESC LIMIT 2)
                WHERE result = 'not_done'
                """,
                (commitment_id,),
            )
            return recent[0] == 2

    async def raise_stuck_commitment(self: Store, commitment_id: int) -> int:
        rows = await self._rows("SELECT * FROM commitments WHERE id = ?", (commitment_id,))
        if not rows:
            raise NotFound(f"There is no commitment with id {commitment_id}.")
        row = rows[0]
        return await self.add_issue(
            row["group_id"],
            f"Stuck: {row['text']}"[:TITLE_MAX],
            raised_by=row["owner_id"],
            details="Not done at two meetings running; what is in the way?",
            urgency="B",
        )

    async def update_group_issue_settings(
        self: Store, group_id: int, *, use_protocol: bool, timeboxes: str
    ) -> None:
        try:
            parsed = parse_timeboxes(timeboxes)
        except ValueError as error:
            raise InvalidInput(f"Timeboxes: {error}.") from None
        async with self.transaction() as tx:
            await tx.execute(
                "UPDATE groups SET use_protocol = ?, timeboxes = ? WHERE id = ?",
                (int(use_protocol), ",".join(f"{m:g}" for m in parsed), group_id),
            )
            tx.changed(group_id, "group", group_id, "issue_settings")
