"""The issue half of the meeting screen: queue, dot votes, discussion timebox, outcomes,
and reviewing commitments (beside each check-in speaker, or in a to-do review phase).

A mixin of MeetingScreen: it reads `self.state` and uses the screen's `_set`/`_do` helpers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from peertui.core.discussion import Discussion
from peertui.core.models import Commitment
from peertui.core.queue import SORT_MODES, QueuedIssue
from peertui.store import StoreError
from peertui.ui.components.line_table import Column
from peertui.ui.text import fitted, literal

if TYPE_CHECKING:
    from peertui.ui.components.meeting import MeetingScreen

STEPS = Binding.Group("Step", compact=True)
REVIEW = Binding.Group("Done/not/dropped", compact=True)
REVIEW_LABELS = {"done": "done", "not_done": "not done", "dropped": "dropped"}

QUEUE_BINDINGS = [
    Binding("a", "raise_issue", "Raise issue"),
    Binding("v", "vote", "Vote"),
    Binding("u", "unvote", "Unvote"),
    Binding("V", "next_voter", "Voter"),
    Binding("enter", "discuss", "Discuss"),
    Binding("S", "sort", "Sort", show=False),
    Binding("l", "parking_lot", "Parking lot", show=False),
    Binding("M", "merge", "Merge", show=False),
    Binding("p", "previous_step", "Previous step", group=STEPS),
    Binding("n", "next_step", "Next step", group=STEPS),
    Binding("o", "outcome", "Outcome"),
    Binding("1", "review('done')", "Done", group=REVIEW),
    Binding("2", "review('not_done')", "Not done", group=REVIEW),
    Binding("3", "review('dropped')", "Dropped", group=REVIEW),
]
QUEUE_PALETTE = [
    ("Raise an issue", "a: anyone, at any time", "raise_issue"),
    ("Vote for the highlighted issue", "v: one dot; several on one issue allowed", "vote"),
    ("Unvote: take a dot back from the highlighted issue", "u", "unvote"),
    ("Switch who is voting", "V", "next_voter"),
    ("Discuss issue", "enter: the highlighted issue, in its timebox", "discuss"),
    ("Sort the queue: votes, urgency, age, manual", "S", "sort"),
    ("Show the parking lot (or the queue)", "l", "parking_lot"),
    ("Merge the highlighted issue into another", "M: votes combine", "merge"),
    ("Next step of the discussion", "n", "next_step"),
    ("Previous step of the discussion", "p", "previous_step"),
    ("Close the issue with an outcome and actions", "o", "outcome"),
    ("Mark the commitment done", "1", "review('done')"),
    ("Mark the commitment not done", "2", "review('not_done')"),
    ("Drop the commitment", "3", "review('dropped')"),
]


class QueueActions:
    """Mixed into MeetingScreen."""

    def init_queue(self: MeetingScreen) -> None:
        self.discussion: tuple[QueuedIssue, Discussion] | None = None
        self.queue: list[QueuedIssue] = []
        self.commitment_list: list[Commitment] = []
        self.voter: int | None = None
        self.votes_left = 0
        self.parking = False
        self._asked: set[tuple[float | None, int]] = set()

    def mount_queue_tables(self: MeetingScreen, extra: int) -> None:
        """(Re)build the queue and review columns; `extra` cells go to the text columns."""
        self.title_width = 16 + extra - extra // 3
        self.by_width = 6 + extra // 3
        self.part("#queue").set_columns([
            Column("votes", "Dots", 4),
            Column("title", "Issue", self.title_width),
            Column("by", "By", self.by_width),
            Column("urgency", "U", 1),
            Column("waited", "Wt", 2),
        ])
        # Each table's columns and their padding fit the side panel inside its border, with
        # a cell to spare for a scrollbar: 39 cells at 80 columns.
        self.owner_width = 8 + extra // 3
        self.text_width = 10 + extra - extra // 3
        self.part("#review").set_columns([
            Column("owner", "Owner", self.owner_width),
            Column("text", "Commitment", self.text_width),
            Column("due", "Due", 5),
            Column("status", "", 8),
        ])

    # ------------------------------------------------------------------ data

    async def load_queue_data(self: MeetingScreen) -> None:
        state = self.state
        assert state is not None
        store = self.app.store
        kind = state.phase.kind
        self.discussion = None
        if kind == "issues":
            self.discussion = await store.current_discussion(self.meeting_id)
            statuses = ("parked",) if self.parking else ("open",)
            self.queue = await store.list_issues(
                state.group.id, statuses=statuses, meeting_id=self.meeting_id
            )
            here = [a.member.id for a in state.attendees if a.here]
            if not self.facilitating and self.me is not None:
                self.voter = self.me.id  # members place their own dots
            elif self.voter not in here:
                mine = [a.member.id for a in state.attendees if a.member.login == store.actor]
                self.voter = (mine or here or [None])[0]
            if self.voter is not None:
                used = await store.votes_used(self.meeting_id, self.voter)
                self.votes_left = state.group.votes_per_member - used
        if kind in ("checkin", "review"):
            self.commitment_list = await store.commitments(
                state.group.id, or_reviewed_in=self.meeting_id
            )

    def reviewed_here(self: MeetingScreen, commitment: Commitment) -> str | None:
        return commitment.last_review if commitment.reviewed_in == self.meeting_id else None

    def speaker_commitments(self: MeetingScreen) -> list[Commitment]:
        state = self.state
        if state is None or state.phase.kind != "checkin" or state.checkin.speaker is None:
            return []
        speaker = state.checkin.speaker
        return [c for c in self.commitment_list if c.owner_id == speaker]

    def next_to_review(self: MeetingScreen) -> Commitment | None:
        if self.mode == "review":
            key = self.part("#review").cursor_key
            return next((c for c in self.commitment_list if str(c.id) == key), None)
        return next(
            (c for c in self.speaker_commitments() if self.reviewed_here(c) is None), None
        )

    def highlighted_issue(self: MeetingScreen) -> QueuedIssue | None:
        key = self.part("#queue").cursor_key
        return next((i for i in self.queue if str(i.id) == key), None)

    # ------------------------------------------------------------------ rendering

    def stage_note(self: MeetingScreen) -> Any:
        """The line under the countdown: commitments to review, or what the keys do now."""
        mode = self.mode
        if mode == "round":
            mine = self.speaker_commitments()
            if not mine:
                return ""
            lines = []
            pending = self.next_to_review()
            for c in mine:
                mark = REVIEW_LABELS.get(self.reviewed_here(c) or "", "")
                pointer = "▸" if pending is not None and c.id == pending.id else " "
                lines.append(f"{pointer} {c.text} (due {c.due_on}){' · ' + mark if mark else ''}")
            head = "1 done · 2 not done · 3 dropped"
            shown = Text(head, style="bold")
            for line in lines:
                shown.append("\n")
                shown.append_text(literal(line))
            return shown
        if mode == "queue":
            if self.parking:
                return "Parking lot: enter puts the issue back in the queue · l shows the queue"
            return "Enter discusses · v/u vote · a raises"
        if mode == "discussion":
            return "o: outcome and actions · n: next step"
        if mode == "review":
            return "Mark each commitment: 1 done · 2 not done · 3 dropped"
        return ""

    def render_queue_stage(self: MeetingScreen) -> None:
        state = self.state
        assert state is not None
        mode = self.mode
        if mode == "discussion":
            assert self.discussion is not None
            issue, discussion = self.discussion
            step = discussion.step
            steps = f" ({discussion.step_index + 1}/{len(discussion.steps)})" if len(discussion.steps) > 1 else ""
            self._set("#prompt", literal(f"{step.name}{steps}"))
            self._set("#speaker", literal(issue.title))
            by = f"Raised by {issue.raised_by_name}" if issue.raised_by_name else ""
            self._set("#up-next", literal(step.rule or by))
        elif mode == "queue":
            voter = state.members.get(self.voter or -1)
            who = f" · voting as {voter.name} ({self.votes_left} left)" if voter else ""
            title = "Parking lot" if self.parking else state.phase.name
            self._set("#prompt", literal(f"{title}{who}"))
            top = self.queue[0].title if self.queue and not self.parking else "nothing queued"
            self._set("#speaker", literal(f"{len(self.queue)} {'parked' if self.parking else 'open'}"))
            self._set("#up-next", literal(f"Top of the queue: {top}"))
        else:
            open_count = sum(1 for c in self.commitment_list if self.reviewed_here(c) is None)
            self._set("#prompt", literal(f"{state.phase.name} · commitments since last time"))
            self._set("#speaker", f"{open_count} to review")
            self._set("#up-next", "")

    def render_queue_tables(self: MeetingScreen) -> None:
        if self.mode == "review":
            rows = [
                (
                    c.id,
                    fitted(c.owner_name, self.owner_width),
                    fitted(c.text, self.text_width),
                    c.due_on[5:],
                    REVIEW_LABELS.get(self.reviewed_here(c) or "", ""),
                )
                for c in self.commitment_list
            ]
            self._fill("#review", rows)
            return
        discussing = self.discussion[0].id if self.discussion else None
        rows = []
        for issue in self.queue:
            dots = ("●" * issue.votes if issue.votes <= 4 else f"{issue.votes}●") if issue.votes else ""
            style = "bold" if issue.id == discussing else ""
            rows.append(
                (
                    issue.id,
                    dots,
                    fitted(issue.title, self.title_width, style=style),
                    fitted(issue.raised_by_name or "—", self.by_width),
                    issue.urgency,
                    str(issue.meetings_waited) if issue.meetings_waited else "",
                )
            )
        self._fill("#queue", rows)

    def _fill(self: MeetingScreen, selector: str, rows: list[tuple[Any, ...]]) -> None:
        # The table compares the rows itself: it repaints only those that changed, and its
        # cursor stays on its row.
        self.part(selector).set_rows([(str(key), tuple(cells)) for key, *cells in rows])

    def check_timebox(self: MeetingScreen, now: float) -> None:
        """When the discussion's timebox runs out, ask once: continue, or move on?"""
        if self.mode != "discussion" or self.discussion is None or not self.facilitating:
            return
        issue, discussion = self.discussion
        if not discussion.clock.is_running or not discussion.timebox_over(now):
            return
        from peertui.ui.components.issue_dialogs import ContinueModal  # dialogs load when used

        key = (discussion.clock.started_at, len(discussion.extensions))
        if key in self._asked or isinstance(self.app.screen, ContinueModal):
            return
        self._asked.add(key)
        minutes = discussion.next_extension_minutes()

        async def chosen(choice: str | None) -> None:
            if choice == "continue":
                await self.discussion_op("continue", lambda d, t: d.extend(t))
            elif choice == "move_on":
                await self.discussion_op("move_on", lambda d, t: d.move_on(t))
                self.action_outcome()

        self.app.push_screen(ContinueModal(issue.title, minutes), callback=chosen)

    # ------------------------------------------------------------------ actions

    async def discussion_op(self: MeetingScreen, what: str, operation) -> None:
        await self._do(self.app.store.change_discussion(self.meeting_id, operation, what))

    def action_raise_issue(self: MeetingScreen) -> None:
        state = self.state
        if state is None:
            return
        from peertui.ui.components.issue_dialogs import RaiseIssueModal

        members = [a.member for a in state.attendees]
        self.app.push_screen(
            RaiseIssueModal(state.group.id, members, self.me), callback=self._after_raise
        )

    async def _after_raise(self: MeetingScreen, issue_id: int | None) -> None:
        if issue_id is not None:
            self.app.notify("Issue raised; it is in the queue.", markup=False)
            await self.reload()

    async def action_vote(self: MeetingScreen) -> None:
        await self._vote(+1)

    async def action_unvote(self: MeetingScreen) -> None:
        await self._vote(-1)

    async def _vote(self: MeetingScreen, delta: int) -> None:
        issue = self.highlighted_issue()
        if issue is None or self.voter is None:
            return
        await self._do(self.app.store.vote(self.meeting_id, issue.id, self.voter, delta))

    async def action_next_voter(self: MeetingScreen) -> None:
        state = self.state
        if state is None:
            return
        here = [a.member.id for a in state.attendees if a.here]
        if not here:
            return
        index = here.index(self.voter) if self.voter in here else -1
        self.voter = here[(index + 1) % len(here)]
        await self.reload()

    async def action_discuss(self: MeetingScreen) -> None:
        issue = self.highlighted_issue()
        if issue is None:
            return
        if self.parking:
            await self._do(self.app.store.reopen_issue(issue.id))
            self.app.notify(literal(f"{issue.title} is back in the queue.").plain, markup=False)
            return
        await self._do(self.app.store.start_discussion(self.meeting_id, issue.id))

    async def action_sort(self: MeetingScreen) -> None:
        state = self.state
        if state is None:
            return
        mode = SORT_MODES[(SORT_MODES.index(state.group.queue_sort) + 1) % len(SORT_MODES)]
        if await self._do(self.app.store.set_queue_sort(state.group.id, mode)):
            self.app.notify(f"Queue sorted by {mode}.", markup=False)

    async def action_parking_lot(self: MeetingScreen) -> None:
        self.parking = not self.parking
        await self.reload()

    async def move_issue(self: MeetingScreen, offset: int) -> None:
        issue = self.highlighted_issue()
        if issue is None or self.state is None or self.parking:
            return
        await self._do(
            self.app.store.move_issue(self.state.group.id, [i.id for i in self.queue], issue.id, offset)
        )

    def action_merge(self: MeetingScreen) -> None:
        issue = self.highlighted_issue()
        if issue is None or self.parking:
            return
        targets = [i for i in self.queue if i.id != issue.id]
        if not targets:
            self.app.notify("There is no other open issue to merge into.", markup=False)
            return

        async def chosen(target: int | None) -> None:
            if target is not None:
                await self._do(self.app.store.merge_issues(issue.id, target))

        from peertui.ui.components.issue_dialogs import MergeModal

        self.app.push_screen(MergeModal(issue, targets), callback=chosen)

    async def action_next_step(self: MeetingScreen) -> None:
        await self.discussion_op("next_step", lambda d, now: d.next_step(now))

    async def action_previous_step(self: MeetingScreen) -> None:
        await self.discussion_op("previous_step", lambda d, now: d.previous_step(now))

    def action_outcome(self: MeetingScreen) -> None:
        state = self.state
        if state is None or self.discussion is None:
            return
        issue = self.discussion[0]

        async def open_dialog() -> None:
            from peertui.ui.components.issue_dialogs import OutcomeModal

            due: date = await self.app.store.default_due_date(self.meeting_id)
            members = [a.member for a in state.attendees]
            self.app.push_screen(
                OutcomeModal(self.meeting_id, issue, members, due), callback=self._after_outcome
            )

        self.run_worker(open_dialog(), exclusive=True, group="outcome")

    async def _after_outcome(self: MeetingScreen, closed: bool | None) -> None:
        if closed:
            self.app.notify("Issue closed; its actions are saved.", markup=False)
        await self.reload()

    async def action_review(self: MeetingScreen, result: str) -> None:
        commitment = self.next_to_review()
        if commitment is None:
            self.app.notify("No commitment to mark here.", markup=False)
            return
        try:
            stuck = await self.app.store.review_commitment(self.meeting_id, commitment.id, result)
        except StoreError as error:
            self.app.report(error)
            return
        await self.reload()
        if stuck:

            async def answered(yes: bool | None) -> None:
                if yes:
                    await self._do(self.app.store.raise_stuck_commitment(commitment.id))
                    self.app.notify("Raised as a new issue.", markup=False)

            from peertui.ui.components.modals import ConfirmModal

            self.app.push_screen(
                ConfirmModal(
                    "Not done at two meetings running. Raise it as a new issue?",
                    commitment.text,
                ),
                callback=answered,
            )
