"""Dialogs of the live meeting: choosing an agenda, ratings, closing words, agenda minutes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from peertui.core.agenda import AgendaTemplate, Phase
from peertui.core.models import MeetingState, Member
from peertui.core.rules import InvalidInput
from peertui.store import StoreError
from peertui.ui.editors import LiteralInput
from peertui.ui.text import literal


class StartMeetingModal(ModalScreen[AgendaTemplate | None]):
    """Pick the agenda for a new meeting; the group's usual one is highlighted."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, group_name: str, templates: list[AgendaTemplate], default: str) -> None:
        super().__init__()
        self.group_name = group_name
        self.templates = templates
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"Start a meeting of {self.group_name}"), classes="dialog-title")
            options = OptionList(id="templates")
            for template in self.templates:
                label = literal(template.name, style="bold")
                phases = " · ".join(
                    f"{p.name} {p.minutes:g}m" if p.minutes else f"{p.name} (auto)"
                    for p in template.phases
                )
                label.append("\n" + phases, style="dim")
                options.add_option(Option(label))
            yield options
            yield Static("Enter starts the meeting with the highlighted agenda.", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one("#templates", OptionList)
        names = [t.name for t in self.templates]
        options.highlighted = names.index(self.default) if self.default in names else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.templates[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class _MeetingForm(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def _error(self, message: str) -> None:
        self.query_one(".form-error", Static).update(literal(message))

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    async def _save_pressed(self) -> None:
        await self.action_save()

    async def action_save(self) -> None:
        raise NotImplementedError

    def buttons(self) -> ComposeResult:
        yield Static("", classes="form-error")
        with Horizontal(classes="buttons"):
            yield Button("Save", variant="primary", id="save")
            yield Button("Cancel", id="cancel")


class RatingsModal(_MeetingForm):
    """Each present member's 1 to 10 rating; the facilitator may enter them all."""

    def __init__(self, state: MeetingState, only: Member | None = None) -> None:
        super().__init__()
        self.state = state
        self.rating_members = [
            a for a in state.attendees if a.here and (only is None or a.member.id == only.id)
        ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Rate this meeting, 1 to 10", classes="dialog-title")
            with VerticalScroll(classes="scroll-form"), Grid(classes="form-grid"):
                for attendee in self.rating_members:
                    yield Label(literal(attendee.member.name))
                    yield Input(
                        "" if attendee.rating is None else str(attendee.rating),
                        id=f"rating-{attendee.member.id}",
                        type="integer",
                        max_length=2,
                        placeholder="1-10",
                    )
            yield from self.buttons()

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    @on(Input.Submitted)
    async def action_save(self) -> None:
        ratings: dict[int, int | None] = {}
        for attendee in self.rating_members:
            raw = self.query_one(f"#rating-{attendee.member.id}", Input).value.strip()
            if raw and (not raw.isdigit() or not 1 <= int(raw) <= 10):
                self._error(f"{attendee.member.name}: a rating is a whole number from 1 to 10.")
                return
            ratings[attendee.member.id] = int(raw) if raw else None
        try:
            for member_id, rating in ratings.items():
                await self.app.store.set_rating(self.state.id, member_id, rating)
        except (InvalidInput, StoreError) as error:
            self._error(str(error))
            return
        self.dismiss(True)


class ClosingWordModal(_MeetingForm):
    def __init__(self, state: MeetingState, member_id: int) -> None:
        super().__init__()
        self.state = state
        self.member_id = member_id

    def compose(self) -> ComposeResult:
        attendee = self.state.attendee(self.member_id)
        name = attendee.member.name if attendee else "?"
        with Vertical(classes="dialog"):
            yield Label(literal(f"{name}'s closing word"), classes="dialog-title")
            yield LiteralInput(
                (attendee.closing_word or "") if attendee else "", id="word", max_length=40
            )
            yield from self.buttons()

    @on(Input.Submitted)
    async def action_save(self) -> None:
        try:
            await self.app.store.set_closing_word(
                self.state.id, self.member_id, self.query_one("#word", Input).value
            )
        except (InvalidInput, StoreError) as error:
            self._error(str(error))
            return
        self.dismiss(True)


class AgendaModal(_MeetingForm):
    """Change the minutes of this meeting's phases, and keep the agenda as a group template."""

    def __init__(self, state: MeetingState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Agenda minutes", classes="dialog-title")
            with VerticalScroll(classes="scroll-form"), Grid(classes="form-grid"):
                for index, phase in enumerate(self.state.phases):
                    yield Label(literal(phase.name))
                    yield Input(f"{phase.minutes:g}", id=f"phase-{index}", type="number")
                yield Label("Save as template")
                yield LiteralInput(placeholder="name (optional)", id="template-name")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#phase-0", Input).focus()

    @on(Input.Submitted)
    async def action_save(self) -> None:
        phases = []
        for index, phase in enumerate(self.state.phases):
            raw = self.query_one(f"#phase-{index}", Input).value
            try:
                minutes = float(raw)
            except ValueError:
                self._error(f"{phase.name}: minutes must be a number.")
                return
            phases.append(Phase(phase.name, minutes, phase.kind))
        name = self.query_one("#template-name", Input).value
        try:
            await self.app.store.set_agenda(self.state.id, phases)
            if name.strip():
                await self.app.store.save_template(self.state.group.id, name, phases)
                self.app.notify(
                    literal(f"Saved the agenda as {name.strip()!r}.").plain, markup=False
                )
        except (InvalidInput, StoreError) as error:
            self._error(str(error))
            return
        self.dismiss(True)
