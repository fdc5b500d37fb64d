"""Who is in the meeting, who facilitates, raised hands: the many-terminals part of the
meeting screen. A mixin of MeetingScreen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from peertui.core.models import Member
from peertui.store import StoreError
from peertui.store.presence import HEARTBEAT_S, Presence, Session
from peertui.ui.text import literal

if TYPE_CHECKING:
    from peertui.ui.components.meeting import MeetingScreen

PRESENCE_BINDINGS = [
    Binding("h", "raise_hand", "Hand"),
    Binding("C", "call_hand", "Call hand", show=False),
    Binding("T", "take_over", "Take over", show=False),
    Binding("H", "hand_over", "Hand over", show=False),
]
PRESENCE_PALETTE = [
    ("Raise your hand: a question, a reply or a new point", "h", "raise_hand"),
    ("Call the next raised hand", "C: facilitator", "call_hand"),
    ("Take over as facilitator", "T: when the facilitator has gone", "take_over"),
    ("Hand over facilitation to another member", "H", "hand_over"),
]
# What a member (not facilitating) may do; observers do nothing but watch.
MEMBER_ACTIONS = {
    "raise_issue", "vote", "unvote", "raise_hand", "take_over", "leave", "command_palette",
    "notes", "read_notes", "toggle_note_visibility", "ratings",
}
OBSERVER_ACTIONS = {"leave", "command_palette", "notes", "read_notes"}
KIND_LABELS = {"question": "clarifying question", "reply": "reply", "point": "new point"}


class HandModal(ModalScreen[str | None]):
    BINDINGS = [
        Binding("q", "choose('question')", "Question"),
        Binding("r", "choose('reply')", "Reply"),
        Binding("p", "choose('point')", "New point"),
        Binding("escape", "choose(None)", "Cancel"),
    ]

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label("Raise your hand", classes="dialog-title")
            yield Static("q  a clarifying question\nr  a reply\np  a new point\nEsc  cancel")

    def action_choose(self, kind: str | None) -> None:
        self.dismiss(kind)


class HandOverModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, sessions: list[Session]) -> None:
        super().__init__()
        self.sessions = sessions

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label("Hand over facilitation to…", classes="dialog-title")
            options = OptionList(id="sessions")
            for session in self.sessions:
                options.add_option(Option(literal(f"{session.name} ({session.login})")))
            yield options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.sessions[event.option_index].id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PresenceActions:
    """Mixed into MeetingScreen."""

    def init_presence(self: MeetingScreen) -> None:
        self.presence: Presence | None = None
        self.joined = False  # set once join_and_show_presence is done
        self.facilitating = False
        self.me: Member | None = None

    @property
    def observing(self: MeetingScreen) -> bool:
        return self.app.observe

    async def join(self: MeetingScreen) -> None:
        """Join the meeting as this terminal's member; heartbeat while the screen lives."""
        state = self.state
        if state is None:
            return
        self.me = self.find_me()
        try:
            self.facilitating = await self.app.store.join_meeting(
                self.meeting_id, self.me.id if self.me else None, observe=self.observing
            )
        except StoreError as error:
            self.app.report(error)
            return
        self.refresh_bindings()  # the role is known: the footer may be up already
        self.set_interval(HEARTBEAT_S, self.heartbeat, name="heartbeat")

    def find_me(self: MeetingScreen) -> Member | None:
        state = self.state
        assert state is not None
        wanted = self.app.identity
        for attendee in state.attendees:
            member = attendee.member
            if wanted is not None:
                if member.name.lower() == wanted.lower() or member.login == wanted:
                    return member
            elif member.login and member.login == self.app.store.actor:
                return member
        return None

    async def heartbeat(self: MeetingScreen) -> None:
        try:
            await self.app.store.heartbeat()
            await self.load_presence()
        except StoreError as error:
            self.app.report(error)
            return
        self.render_presence()

    async def load_presence(self: MeetingScreen) -> None:
        self.presence = await self.app.store.presence(self.meeting_id)
        facilitator = self.presence.facilitator
        facilitating = facilitator is not None and facilitator.id == self.app.store.origin
        if facilitating != self.facilitating:
            self.facilitating = facilitating
            self.refresh_bindings()

    def may(self: MeetingScreen, action: str) -> bool:
        """Role check for an action: observers watch, members take part, one facilitator drives."""
        if self.observing:
            return action in OBSERVER_ACTIONS
        if self.facilitating:
            return action != "take_over" or self.presence is None or self.presence.facilitator_gone
        if action == "take_over":
            return self.presence is None or self.presence.facilitator_gone
        return action in MEMBER_ACTIONS

    def render_presence(self: MeetingScreen) -> None:
        presence = self.presence
        if presence is None:
            return
        line = Text("Here: ", style="dim")
        for index, session in enumerate(presence.sessions):
            if index:
                line.append(" · ", style="dim")
            mark = "★" if session.facilitating else ""
            style = "bold" if session.id == self.app.store.origin else ""
            line.append_text(literal(f"{mark}{session.name}", style=style))
            if session.role == "observer":
                line.append(" (observing)", style="dim")
        if presence.facilitator_gone:
            gone = presence.facilitator.name if presence.facilitator else "nobody"
            line.append(f" · facilitator {gone} has gone: T takes over", style="bold")
        if presence.hands:
            line.append(" · Hands: ", style="dim")
            for index, hand in enumerate(presence.hands):
                if index:
                    line.append(", ")
                line.append_text(literal(f"✋{hand.name} ({KIND_LABELS[hand.kind]})"))
        self._set("#presence", line)

    # ------------------------------------------------------------------ actions

    def action_raise_hand(self: MeetingScreen) -> None:
        if self.me is None:
            self.app.notify(
                "This terminal is not a member of the group (use --as NAME).", markup=False
            )
            return
        mine = self.presence is not None and any(h.member_id == self.me.id for h in self.presence.hands)
        if mine:
            self.run_worker(self._lower_hand(), group="hand")
            return

        async def chosen(kind: str | None) -> None:
            if kind is not None and self.me is not None:
                await self._do(self.app.store.raise_hand(self.meeting_id, self.me.id, kind))
                await self.heartbeat()

        self.app.push_screen(HandModal(), callback=chosen)

    async def _lower_hand(self: MeetingScreen) -> None:
        assert self.me is not None
        await self._do(self.app.store.lower_hand(self.meeting_id, self.me.id))
        await self.heartbeat()
        self.app.notify("Hand lowered.", markup=False)

    async def action_call_hand(self: MeetingScreen) -> None:
        try:
            hand = await self.app.store.call_next_hand(self.meeting_id)
        except StoreError as error:
            self.app.report(error)
            return
        if hand is None:
            self.app.notify("No hands are up.", markup=False)
        else:
            self.app.notify(
                literal(f"{hand.name} has the floor: {KIND_LABELS[hand.kind]}.").plain, markup=False
            )
        await self.heartbeat()

    def action_take_over(self: MeetingScreen) -> None:
        async def answered(yes: bool | None) -> None:
            if yes and await self._do(self.app.store.take_over(self.meeting_id)):
                await self.heartbeat()
                self.app.notify("You are facilitating now.", markup=False)

        from peertui.ui.components.modals import ConfirmModal  # dialogs load when used

        gone = self.presence.facilitator.name if self.presence and self.presence.facilitator else "The facilitator"
        self.app.push_screen(
            ConfirmModal("Take over as facilitator?", f"{gone} has left the meeting."),
            callback=answered,
        )

    def action_hand_over(self: MeetingScreen) -> None:
        presence = self.presence
        others = [
            s for s in (presence.sessions if presence else ())
            if s.id != self.app.store.origin and s.role == "member"
        ]
        if not others:
            self.app.notify("Nobody else is here to take over.", markup=False)
            return

        async def chosen(session_id: str | None) -> None:
            if session_id is not None and await self._do(
                self.app.store.hand_over(self.meeting_id, session_id)
            ):
                await self.heartbeat()

        self.app.push_screen(HandOverModal(others), callback=chosen)
