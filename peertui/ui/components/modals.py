"""Small dialogs: a fatal database error, member details, group settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, Switch, TextArea

from peertui.core.models import Group, Member
from peertui.core.rules import InvalidInput
from peertui.store import StoreError
from peertui.ui.editors import LiteralInput, LiteralTextArea
from peertui.ui.text import literal


class FatalErrorScreen(ModalScreen[None]):
    """The database cannot be used: say why in plain words; any key quits."""

    BINDINGS = [Binding("escape,enter,q,space", "dismiss_screen", "Quit", show=True)]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="fatal", classes="dialog"):
            yield Label("peertui cannot use this database", classes="dialog-title")
            yield Static(literal(self.message), id="fatal-message")
            yield Static("Nothing was changed. Press Enter to quit.", classes="hint")

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)


class FormModal(ModalScreen[Any]):
    """A dialog whose Save runs an async store write; errors show inline and nothing typed is lost."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]
    TITLE_TEXT = ""

    def __init__(self, save: Callable[..., Awaitable[Any]]) -> None:
        super().__init__()
        self._save = save

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            with VerticalScroll(classes="scroll-form"), Grid(classes="form-grid"):
                yield from self.compose_fields()
            yield Static("", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    async def action_save(self) -> None:
        error = self.query_one(".form-error", Static)
        try:
            result = await self._save(**self.values())
        except (InvalidInput, StoreError) as exc:
            error.update(literal(str(exc)))
            return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MemberModal(FormModal):
    def __init__(self, save: Callable[..., Awaitable[Any]], member: Member | None = None) -> None:
        super().__init__(save)
        self.member = member
        self.TITLE_TEXT = "Edit member" if member else "Add member"

    def compose_fields(self) -> ComposeResult:
        yield Label("Name")
        yield LiteralInput(self.member.name if self.member else "", id="name", placeholder="Display name")
        yield Label("Unix login")
        yield LiteralInput(
            (self.member.login or "") if self.member else "",
            id="login",
            placeholder="optional, e.g. priya",
        )

    def values(self) -> dict[str, str]:
        return {
            "name": self.query_one("#name", Input).value,
            "login": self.query_one("#login", Input).value,
        }


class GroupSettingsModal(FormModal):
    TITLE_TEXT = "Group settings"

    def __init__(self, save: Callable[..., Awaitable[Any]], group: Group) -> None:
        super().__init__(save)
        self.group = group

    def compose_fields(self) -> ComposeResult:
        group = self.group
        yield Label("Name")
        yield LiteralInput(group.name, id="name")
        yield Label("Check-in minutes")
        yield Input(f"{group.checkin_minutes:g}", id="checkin", type="number")
        yield Label("Days between meetings")
        yield Input(str(group.cadence_days), id="cadence", type="integer")
        yield Label("Votes per member")
        yield Input(str(group.votes_per_member), id="votes", type="integer")
        yield Label("Round budget (min)")
        yield Input(
            f"{group.checkin_budget_minutes:g}" if group.checkin_budget_minutes else "",
            id="budget",
            placeholder="empty: check-in minutes each",
        )
        yield Label("Check-in order")
        yield LiteralInput(group.checkin_order, id="order", placeholder="roster, shuffled or quietest")
        yield Label("Warn at (s left)")
        yield Input(str(group.warn_seconds), id="warn", type="integer")
        yield Label("Forum protocol")
        yield Switch(group.use_protocol, id="protocol")
        yield Label("Timeboxes (min)")
        yield LiteralInput(group.timeboxes, id="timeboxes", placeholder="e.g. 7,5,3")

    def values(self) -> dict[str, str]:
        return {
            "name": self.query_one("#name", Input).value,
            "checkin_minutes": self.query_one("#checkin", Input).value,
            "cadence_days": self.query_one("#cadence", Input).value,
            "votes_per_member": self.query_one("#votes", Input).value,
            "checkin_budget_minutes": self.query_one("#budget", Input).value,
            "checkin_order": self.query_one("#order", Input).value,
            "warn_seconds": self.query_one("#warn", Input).value,
            "use_protocol": self.query_one("#protocol", Switch).value,
            "timeboxes": self.query_one("#timeboxes", Input).value,
        }


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; Enter or y confirms, Escape or n declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="dialog-title")
            if self.detail:
                yield Static(literal(self.detail), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", variant="primary", id="yes")
                yield Button("No (n)", id="no")

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptsModal(ModalScreen[bool]):
    """The group's pool of check-in prompts, one per line; drawn without repeats."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, group_id: int, prompts: list[str]) -> None:
        super().__init__()
        self.group_id = group_id
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Check-in prompts, one per line", classes="dialog-title")
            yield Static(
                "Each meeting's check-in opens with one; none repeats until all are used. "
                "Empty: the built-in ones. Ctrl+S saves.",
                classes="hint",
            )
            yield LiteralTextArea("\n".join(self.prompts), id="prompts", soft_wrap=True)
            yield Static("", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#prompts", TextArea).focus()

    async def action_save(self) -> None:
        lines = self.query_one("#prompts", TextArea).text.splitlines()
        try:
            await self.app.store.set_prompts(self.group_id, lines)
        except (InvalidInput, StoreError) as error:
            self.query_one(".form-error", Static).update(literal(str(error)))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
