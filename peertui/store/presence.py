"""Several terminals in one meeting: who is here, who facilitates, raised hands.

Each terminal is a session (its Store's origin) that heartbeats every couple of seconds;
a session not seen for PRESENCE_TIMEOUT_S has gone (an SSH drop, kill -9). Heartbeats add
nothing to the change feed: they would wake every other terminal for nothing.

Only the facilitator's session drives timers and phases; the store enforces it inside each
driving transaction, so two terminals can never drive the timer at once.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from msgspec import Struct

from peertui.core.rules import InvalidInput
from peertui.store.errors import NotFound

if TYPE_CHECKING:
    from peertui.store.store import Store, Transaction

PRESENCE_TIMEOUT_S = 6.0
HEARTBEAT_S = 2.0
HAND_KINDS = ("question", "reply", "point")


class NotFacilitator(InvalidInput):
    """A driving action from a terminal that is not the facilitator's."""


class Session(Struct, frozen=True):
    id: str
    member_id: int | None
    name: str  # the member's name, or the login when no member matches
    login: str
    role: str  # member | observer
    alive: bool
    facilitating: bool


class Hand(Struct, frozen=True):
    id: int
    member_id: int
    name: str
    kind: str
    raised_at: float


class Presence(Struct, frozen=True):
    sessions: tuple[Session, ...]
    facilitator: Session | None  # alive or not
    hands: tuple[Hand, ...]

    @property
    def facilitator_gone(self) -> bool:
        return self.facilitator is None or not self.facilitator.alive


async def require_facilitator(tx: Transaction, meeting_id: int, origin: str, now: float) -> None:
    """Refuse a driving action while another terminal, still here, facilitates.

    Nobody facilitating (a script, the CLI) or a facilitator who has gone does not block:
    the guarantee is that two live terminals never drive at once.
    """
    row = await tx.fetchone(
        "SELECT m.facilitator_session, s.login, s.seen_at, coalesce(mb.name, s.login) AS name"
        " FROM meetings m LEFT JOIN sessions s ON s.id = m.facilitator_session"
        " LEFT JOIN members mb ON mb.id = s.member_id WHERE m.id = ?",
        (meeting_id,),
    )
    if row is None or row["facilitator_session"] in (None, origin):
        return
    if row["seen_at"] is None or row["seen_at"] < now - PRESENCE_TIMEOUT_S:
        return
    who = row["name"] or "another terminal"
    raise NotFacilitator(
        f"{who} is facilitating: only their terminal drives the meeting. "
        "Ask them to hand over (H), or take over (T) if they have gone."
    )


async def require_group_facilitator(tx: Transaction, group_id: int, origin: str, now: float) -> None:
    """For queue edits: while the group meets, only its facilitator reorders or merges."""
    row = await tx.fetchone(
        "SELECT id FROM meetings WHERE group_id = ? AND ended_at IS NULL", (group_id,)
    )
    if row is not None:
        await require_facilitator(tx, row["id"], origin, now)


class PresenceQueries:
    """Mixed into Store."""

    async def exposure_warning(self: Store) -> str | None:
        """Group data readable by other Unix users, though nobody shared it: say so."""
        try:
            mode = self.path.stat().st_mode
        except OSError:
            return None
        if not mode & 0o077:
            return None
        rows = await self._rows("SELECT value FROM settings WHERE key = 'shared_unix_group'")
        if rows:
            return None
        return (
            f"{self.path} can be read by other users (mode {mode & 0o777:o}) but was never shared;"
            f" run 'chmod 600 {self.path}', or share it with 'peertui share'."
        )

    async def join_meeting(
        self: Store, meeting_id: int, member_id: int | None, *, observe: bool = False
    ) -> bool:
        """Register this terminal in the meeting; returns True if it facilitates.

        The first terminal facilitates. The same person as a facilitator who has gone
        (a restart after a crash) takes the role back without asking.
        """
        now = self.clock()
        role = "observer" if observe else "member"
        async with self.transaction(presence=True) as tx:
            meeting = await tx.fetchone(
                "SELECT group_id, facilitator_session, ended_at FROM meetings WHERE id = ?",
                (meeting_id,),
            )
            if meeting is None:
                raise NotFound(f"There is no meeting with id {meeting_id}.")
            await tx.execute(
                "INSERT INTO sessions (id, meeting_id, member_id, login, role, pid, started_at,"
                " seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " meeting_id = excluded.meeting_id, member_id = excluded.member_id,"
                " role = excluded.role, seen_at = excluded.seen_at",
                (self.origin, meeting_id, member_id, self.actor, role, os.getpid(), now, now),
            )
            facilitating = meeting["facilitator_session"] == self.origin
            if not observe and not facilitating:
                current = meeting["facilitator_session"]
                holder = None
                if current is not None:
                    holder = await tx.fetchone(
                        "SELECT login, member_id, seen_at FROM sessions WHERE id = ?", (current,)
                    )
                gone = holder is None or holder["seen_at"] < now - PRESENCE_TIMEOUT_S
                # The same person again: the same member, or the same login with no member.
                same_person = holder is not None and (
                    holder["member_id"] == member_id
                    if member_id is not None or holder["member_id"] is not None
                    else holder["login"] == self.actor
                )
                if current is None or (gone and (holder is None or same_person)):
                    await tx.execute(
                        "UPDATE meetings SET facilitator_session = ? WHERE id = ?",
                        (self.origin, meeting_id),
                    )
                    facilitating = True
            tx.changed(meeting["group_id"], "presence", meeting_id, "joined")
        return facilitating

    async def heartbeat(self: Store) -> None:
        async with self.transaction(presence=True) as tx:
            await tx.execute(
                "UPDATE sessions SET seen_at = ? WHERE id = ?", (self.clock(), self.origin)
            )

    async def leave_meetings(self: Store) -> None:
        """This terminal closes: it leaves every meeting it was in (the role stays, so the same
        person reopening takes it back, and others may take over once it is seen gone)."""
        async with self.transaction(presence=True) as tx:
            rows = await tx.fetchone(
                "SELECT group_concat(meeting_id) FROM sessions WHERE id = ?", (self.origin,)
            )
            # A hand left up by a terminal that has closed would wait for ever: lower it.
            await tx.execute(
                "UPDATE hands SET lowered_at = ? WHERE lowered_at IS NULL AND member_id IN"
                " (SELECT member_id FROM sessions WHERE id = ?) AND meeting_id IN"
                " (SELECT meeting_id FROM sessions WHERE id = ?)",
                (self.clock(), self.origin, self.origin),
            )
            await tx.execute(
                "UPDATE sessions SET seen_at = 0 WHERE id = ?", (self.origin,)
            )
            if rows and rows[0]:
                for meeting_id in str(rows[0]).split(","):
                    tx.changed(None, "presence", int(meeting_id), "left")

    async def presence(self: Store, meeting_id: int) -> Presence:
        now = self.clock()
        rows = await self._rows(
            "SELECT s.*, coalesce(m.name, s.login) AS name,"
            " (s.id = t.facilitator_session) AS facilitating"
            " FROM sessions s JOIN meetings t ON t.id = s.meeting_id"
            " LEFT JOIN members m ON m.id = s.member_id"
            " WHERE s.meeting_id = ? AND (s.seen_at >= ? OR s.id = t.facilitator_session)"
            " ORDER BY s.started_at",
            (meeting_id, now - PRESENCE_TIMEOUT_S),
        )
        sessions = tuple(
            Session(
                id=row["id"],
                member_id=row["member_id"],
                name=row["name"],
                login=row["login"],
                role=row["role"],
                alive=row["seen_at"] >= now - PRESENCE_TIMEOUT_S,
                facilitating=bool(row["facilitating"]),
            )
            for row in rows
        )
        hands = await self._rows(
            "SELECT h.*, m.name FROM hands h JOIN members m ON m.id = h.member_id"
            " WHERE h.meeting_id = ? AND h.lowered_at IS NULL ORDER BY h.raised_at, h.id",
            (meeting_id,),
        )
        return Presence(
            sessions=tuple(s for s in sessions if s.alive),
            facilitator=next((s for s in sessions if s.facilitating), None),
            hands=tuple(
                Hand(h["id"], h["member_id"], h["name"], h["kind"], h["raised_at"]) for h in hands
            ),
        )

    async def take_over(self: Store, meeting_id: int) -> None:
        """Become the facilitator: allowed when nobody facilitates or the facilitator has gone."""
        now = self.clock()
        async with self.transaction() as tx:
            row = await tx.fetchone(
                "SELECT m.group_id, m.facilitator_session, s.seen_at FROM meetings m"
                " LEFT JOIN sessions s ON s.id = m.facilitator_session WHERE m.id = ?",
                (meeting_id,),
            )
            if row is None:
                raise NotFound(f"There is no meeting with id {meeting_id}.")
            alive = row["seen_at"] is not None and row["seen_at"] >= now - PRESENCE_TIMEOUT_S
            if row["facilitator_session"] not in (None, self.origin) and alive:
                raise NotFacilitator(
                    "The facilitator is still here: ask them to hand over instead."
                )
            await tx.execute(
                "UPDATE meetings SET facilitator_session = ? WHERE id = ?", (self.origin, meeting_id)
            )
            tx.changed(row["group_id"], "meeting", meeting_id, "facilitator")

    async def hand_over(self: Store, meeting_id: int, session_id: str) -> None:
        now = self.clock()
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            target = await tx.fetchone(
                "SELECT role, seen_at FROM sessions WHERE id = ? AND meeting_id = ?",
                (session_id, meeting_id),
            )
            if target is None or target["seen_at"] < now - PRESENCE_TIMEOUT_S:
                raise InvalidInput("That terminal is no longer in the meeting.")
            if target["role"] == "observer":
                raise InvalidInput("An observer cannot facilitate.")
            await tx.execute(
                "UPDATE meetings SET facilitator_session = ? WHERE id = ?", (session_id, meeting_id)
            )
            row = await tx.fetchone("SELECT group_id FROM meetings WHERE id = ?", (meeting_id,))
            tx.changed(row["group_id"], "meeting", meeting_id, "facilitator")

    # ------------------------------------------------------------------ hands

    async def raise_hand(self: Store, meeting_id: int, member_id: int, kind: str) -> None:
        if kind not in HAND_KINDS:
            raise InvalidInput("A hand is raised for a question, a reply or a new point.")
        async with self.transaction() as tx:
            meeting = await tx.fetchone(
                "SELECT group_id FROM meetings WHERE id = ? AND ended_at IS NULL", (meeting_id,)
            )
            if meeting is None:
                raise InvalidInput("Hands are raised in a meeting in progress.")
            if not await tx.fetchone(
                "SELECT 1 FROM members WHERE id = ? AND group_id = ?", (member_id, meeting["group_id"])
            ):
                raise NotFound("That member is not in this group.")
            if await tx.fetchone(
                "SELECT 1 FROM hands WHERE meeting_id = ? AND member_id = ? AND lowered_at IS NULL",
                (meeting_id, member_id),
            ):
                raise InvalidInput("Your hand is already up.")
            hand_id = await tx.insert(
                "INSERT INTO hands (meeting_id, member_id, kind, raised_at) VALUES (?, ?, ?, ?)",
                (meeting_id, member_id, kind, self.clock()),
            )
            tx.changed(meeting["group_id"], "hand", hand_id, "raised")

    async def lower_hand(self: Store, meeting_id: int, member_id: int) -> None:
        async with self.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE hands SET lowered_at = ? WHERE meeting_id = ? AND member_id = ?"
                " AND lowered_at IS NULL",
                (self.clock(), meeting_id, member_id),
            )
            if cursor.rowcount:
                row = await tx.fetchone("SELECT group_id FROM meetings WHERE id = ?", (meeting_id,))
                tx.changed(row["group_id"], "hand", None, "lowered")

    async def call_next_hand(self: Store, meeting_id: int) -> Hand | None:
        """The facilitator gives the floor to the first hand raised."""
        async with self.transaction() as tx:
            await require_facilitator(tx, meeting_id, self.origin, self.clock())
            row = await tx.fetchone(
                "SELECT h.*, m.name, t.group_id FROM hands h JOIN members m ON m.id = h.member_id"
                " JOIN meetings t ON t.id = h.meeting_id"
                " WHERE h.meeting_id = ? AND h.lowered_at IS NULL ORDER BY h.raised_at, h.id LIMIT 1",
                (meeting_id,),
            )
            if row is None:
                return None
            await tx.execute(
                "UPDATE hands SET lowered_at = ?, called = 1 WHERE id = ?", (self.clock(), row["id"])
            )
            tx.changed(row["group_id"], "hand", row["id"], "called")
            return Hand(row["id"], row["member_id"], row["name"], row["kind"], row["raised_at"])
