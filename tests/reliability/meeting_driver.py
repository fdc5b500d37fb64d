"""A scripted meeting played as fast as possible, for the kill -9 test (run as a script).

    python meeting_driver.py DB SEED

Opens the Store on DB and resumes the group "Circle": the meeting in progress, or a new one.
It then plays real actions, each chosen by a seeded random generator from the meeting's state
as read back from the database (so a killed run resumes wherever the last one stopped):
rounds, attendance, issues, dot votes, merges, raised hands, discussions closed with actions,
commitment reviews, shared notes, ratings, the end of the meeting and the next meeting.
It never stops by itself.

After each action has committed it prints one line, flushed:

    DONE <n> <seq> <entity> <kind> <json detail>

<seq> is the change-feed row of the action's last change; <entity> <kind> is what that row
must say. "READY" is printed once, before the store is opened.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from typing import Any

from peertui.core.agenda import preset
from peertui.core.rules import InvalidInput
from peertui.core.timer import TimerError
from peertui.store import Store
from peertui.store.notes import NoteDoc

GROUP = "Circle"
MEMBERS = ("Ann", "Bob", "Chen", "Dara", "Eli")
ORIGIN = "kill9-facilitator"  # the same terminal each time: it takes its role back
TEMPLATE = preset("Check-in, Issues, Wrap-up")
DISCUSSIONS_PER_MEETING = 2


def pick(rng: random.Random, weighted: list[tuple[int, Any]]) -> Any:
    return rng.choices([choice for _, choice in weighted], [w for w, _ in weighted])[0]


class Driver:
    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.seed = seed
        self.rng = random.Random(seed)
        self.n = 0
        self.joined: int | None = None

    async def report(self, entity: str, kind: str, **detail: Any) -> None:
        seq = await self.store.last_change()
        self.n += 1
        sys.stdout.write(f"DONE {self.n} {seq} {entity} {kind} {json.dumps(detail)}\n")
        sys.stdout.flush()

    def tag(self) -> str:
        return f"s{self.seed}n{self.n}r{self.rng.randrange(10**6)}"

    async def run(self) -> None:
        group = await self.store.find_group(GROUP)
        while True:
            try:
                await self.step(group.id)
            except (InvalidInput, TimerError) as refused:  # refused: nothing was written
                sys.stdout.write(f"REFUSED {refused}\n")
                sys.stdout.flush()

    # ------------------------------------------------------------------ choosing

    async def step(self, group_id: int) -> None:
        store = self.store
        meeting_id = await store.meeting_in_progress(group_id)
        if meeting_id is None:
            meeting_id = await store.start_meeting(group_id, TEMPLATE)
            await self.report("meeting", "started", meeting=meeting_id)
            return
        if self.joined != meeting_id:
            facilitating = await store.join_meeting(meeting_id, None)
            assert facilitating, "the driver's own terminal must get its role back"
            self.joined = meeting_id
            await self.report("presence", "joined", meeting=meeting_id)
            return
        state = await store.load_meeting(meeting_id)
        kind = state.phase.kind
        if kind == "checkin":
            await self.checkin(state)
        elif kind == "issues":
            await self.issues(state)
        else:
            await self.wrapup(state)

    async def checkin(self, state) -> None:
        round_ = state.checkin
        if not round_.is_started:
            return await self.round_op(state.id, "checkin", "start", lambda r, now: r.start_round(now))
        if round_.is_finished:
            return await self.set_phase(state, 1)
        action = pick(
            self.rng,
            [(6, "next"), (1, "pass"), (1, "skip"), (1, "time"), (1, "pause"), (1, "attendance"),
             (2, "issue"), (2, "vote"), (2, "note"), (1, "hand")],
        )
        if action == "next":
            await self.round_op(state.id, "checkin", "next", lambda r, now: r.next(now))
        elif action == "pass":
            await self.round_op(state.id, "checkin", "pass", lambda r, now: r.pass_(now))
        elif action == "skip":
            await self.round_op(state.id, "checkin", "skip", lambda r, now: r.skip(now))
        elif action == "time":
            await self.round_op(state.id, "checkin", "time", lambda r, now: r.add_time(60))
        elif action == "pause":
            await self.round_op(state.id, "checkin", "pause", lambda r, now: r.toggle_pause(now))
        elif action == "attendance":
            await self.attendance(state)
        else:
            await self.common(state, action)

    async def issues(self, state) -> None:
        store = self.store
        if state.discussing_issue_id is not None:
            action = pick(
                self.rng,
                [(3, "close"), (2, "issue_note"), (1, "discussion"), (1, "vote"), (1, "issue")],
            )
            if action == "close":
                return await self.close_issue(state)
            if action == "issue_note":
                return await self.note(state.id, state.discussing_issue_id)
            if action == "discussion":
                what, op = self.rng.choice(
                    [
                        ("next_step", lambda d, now: d.next_step(now)),
                        ("time", lambda d, now: d.add_time(60)),
                        ("pause", lambda d, now: d.toggle(now)),
                    ]
                )
                await store.change_discussion(state.id, op, what)
                return await self.report("discussion", what, meeting=state.id)
            return await self.common(state, action)
        closed = (
            await store._rows(
                "SELECT count(*) FROM discussions WHERE meeting_id = ? AND ended_at IS NOT NULL",
                (state.id,),
            )
        )[0][0]
        if closed >= DISCUSSIONS_PER_MEETING:
            return await self.set_phase(state, 2)
        action = pick(
            self.rng,
            [(3, "discuss"), (2, "issue"), (3, "vote"), (1, "note"), (1, "review"), (1, "merge"),
             (1, "hand")],
        )
        if action == "discuss":
            queue = await store.list_issues(state.group.id, meeting_id=state.id)
            if not queue:
                return await self.common(state, "issue")
            issue = queue[0]
            await store.start_discussion(state.id, issue.id)
            return await self.report("discussion", "started", meeting=state.id, issue=issue.id)
        if action == "review":
            open_ = await store.commitments(state.group.id)
            if not open_:
                return await self.common(state, "issue")
            commitment = self.rng.choice(open_)
            result = self.rng.choice(["done", "not_done", "dropped"])
            await store.review_commitment(state.id, commitment.id, result)
            return await self.report("commitment", result, commitment=commitment.id)
        if action == "merge":
            queue = await store.list_issues(state.group.id, meeting_id=state.id)
            if len(queue) < 4:
                return await self.common(state, "issue")
            source, target = self.rng.sample(queue, 2)
            await store.merge_issues(source.id, target.id)
            return await self.report("issue", "merged", issue=source.id, into=target.id)
        await self.common(state, action)

    async def wrapup(self, state) -> None:
        closing = state.closing
        if closing is not None and closing.turns and not closing.is_finished:
            if not closing.is_started:
                return await self.round_op(
                    state.id, "closing", "start", lambda r, now: r.start_round(now)
                )
            if self.rng.random() < 0.3 and closing.speaker is not None:
                word = self.rng.choice(["grateful", "tired", "clear", "hopeful"])
                await self.store.set_closing_word(state.id, closing.speaker, word)
                return await self.report("attendance", "closing_word", meeting=state.id)
            return await self.round_op(state.id, "closing", "next", lambda r, now: r.next(now))
        unrated = [a for a in state.attendees if a.here and a.rating is None]
        if unrated:
            member = self.rng.choice(unrated).member.id
            await self.store.set_rating(state.id, member, self.rng.randint(1, 10))
            return await self.report("attendance", "rating", meeting=state.id, member=member)
        await self.store.end_meeting(state.id)
        await self.report("meeting", "ended", meeting=state.id)

    # ------------------------------------------------------------------ acting

    async def common(self, state, action: str) -> None:
        if action == "issue":
            await self.add_issue(state)
        elif action == "vote":
            await self.vote(state)
        elif action == "hand":
            await self.hand(state)
        else:
            await self.note(state.id, None)

    async def hand(self, state) -> None:
        if self.rng.random() < 0.5:
            called = await self.store.call_next_hand(state.id)
            if called is not None:
                return await self.report("hand", "called", meeting=state.id, hand=called.id)
        member = self.rng.choice(state.attendees).member.id
        kind = self.rng.choice(["question", "reply", "point"])
        await self.store.raise_hand(state.id, member, kind)  # refused if that hand is up
        await self.report("hand", "raised", meeting=state.id, member=member)

    async def round_op(self, meeting_id: int, kind: str, what: str, op) -> None:
        await self.store.change_round(meeting_id, kind, op, what)
        await self.report("round", f"{kind}:{what}", meeting=meeting_id)

    async def set_phase(self, state, index: int) -> None:
        await self.store.set_phase(state.id, index)
        await self.report("meeting", "phase", meeting=state.id, index=index)

    async def attendance(self, state) -> None:
        here = [a for a in state.attendees if a.here]
        attendee = self.rng.choice(state.attendees)
        choices = ["present", "late"] + (["absent"] if len(here) > 2 else [])
        status = self.rng.choice(choices)
        await self.store.set_attendance(state.id, attendee.member.id, status)
        await self.report("attendance", status, meeting=state.id, member=attendee.member.id)

    async def add_issue(self, state) -> None:
        title = f"Issue {self.tag()}"
        raised_by = self.rng.choice(state.attendees).member.id
        issue_id = await self.store.add_issue(
            state.group.id,
            title,
            raised_by=raised_by,
            details=" ".join(self.rng.choice(["cash", "hiring", "board", "sales"]) for _ in range(8)),
            urgency=self.rng.choice("ABC"),
            minutes=self.rng.randint(1, 30),
        )
        await self.report("issue", "raised", issue=issue_id, title=title)

    async def vote(self, state) -> None:
        store = self.store
        member = self.rng.choice(state.attendees).member.id
        queue = await store.list_issues(state.group.id, meeting_id=state.id)
        if not queue:
            return await self.add_issue(state)
        mine = [
            row[0]
            for row in await store._rows(
                "SELECT issue_id FROM votes WHERE meeting_id = ? AND member_id = ?",
                (state.id, member),
            )
        ]
        used = await store.votes_used(state.id, member)
        if mine and (used >= state.group.votes_per_member or self.rng.random() < 0.25):
            issue, delta = self.rng.choice(mine), -1
        else:
            issue, delta = self.rng.choice(queue).id, 1
        await store.vote(state.id, issue, member, delta)
        await self.report(
            "vote", "cast" if delta > 0 else "taken", meeting=state.id, issue=issue, member=member
        )

    async def note(self, meeting_id: int, issue_id: int | None) -> None:
        snapshot = await self.store.open_note(meeting_id, issue_id)
        doc = NoteDoc(snapshot.state)
        for _seq, data, _origin in await self.store.note_updates_since(snapshot.note_id, snapshot.seq):
            doc.apply(data)
        token = f"[{self.tag()}]"
        update = doc.edit_to(f"{doc} {token}")
        assert update is not None
        await self.store.save_note_update(snapshot.note_id, update)
        await self.report("note", "edited", note=snapshot.note_id, token=token)

    async def close_issue(self, state) -> None:
        issue = state.discussing_issue_id
        outcome = self.rng.choice(["resolved", "parked", "carried"])
        due = await self.store.default_due_date(state.id)
        actions = [
            (f"Action {self.tag()}", self.rng.choice(state.attendees).member.id, due)
            for _ in range(self.rng.randint(0, 2))
        ]
        await self.store.close_issue(state.id, issue, outcome, f"Decided {self.tag()}", actions)
        await self.report(
            "issue", outcome, meeting=state.id, issue=issue, actions=[a[0] for a in actions]
        )


async def main(db: str, seed: int) -> None:
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    store = await Store.open(db)
    store.origin = ORIGIN
    try:
        await Driver(store, seed).run()
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
