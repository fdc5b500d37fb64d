"""Dialogs for issues: raising one, closing a discussion with its outcome and actions,
merging two issues, and the "continue or move on?" question when a timebox ends."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from peertui.core.models import Member
from peertui.core.queue import QueuedIssue
from peertui.core.rules import InvalidInput
from peertui.store import StoreError
from peertui.ui.editors import LiteralInput
from peertui.ui.text import literal


def _find_member(members: list[Member], typed: str) -> Member:
    wanted = typed.strip().lower()
    for member in members:
        if member.name.lower() == wanted or (member.login or "").lower() == wanted:
            return member
    matches = [m for m in members if m.name.lower().startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(f"{typed.strip()!r} is not a member of this group (type a name or login).")


class RaiseIssueModal(ModalScreen[int | None]):
    """Anyone raises an issue at any time; it joins the queue at once."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Raise")]

    def __init__(self, group_id: int, members: list[Member], raised_by: Member | None) -> None:
        super().__init__()
        self.group_id = group_id
        self.members = members
        self.raised_by = raised_by

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Raise an issue", classes="dialog-title")
            with VerticalScroll(classes="scroll-form"), Grid(classes="form-grid"):
                yield Label("Title")
                yield LiteralInput(id="title", placeholder="What do you want the group's help with?")
                yield Label("Details")
                yield LiteralInput(id="details", placeholder="optional")
                yield Label("Raised by")
                yield LiteralInput(self.raised_by.name if self.raised_by else "", id="by")
                yield Label("Urgency A/B/C")
                yield Input("B", id="urgency", max_length=1)
                yield Label("Minutes needed")
                yield Input("10", id="minutes", type="number")
            yield Static("", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Raise", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    async def action_save(self) -> None:
        value = lambda selector: self.query_one(selector, Input).value  # noqa: E731
        try:
            by = value("#by")
            raised_by = _find_member(self.members, by).id if by.strip() else None
            minutes = float(value("#minutes") or 10)
            issue_id = await self.app.store.add_issue(
                self.group_id,
                value("#title"),
                raised_by=raised_by,
                details=value("#details"),
                urgency=value("#urgency") or "B",
                minutes=minutes,
            )
        except ValueError:
            self._error("Minutes needed must be a number.")
            return
        except (InvalidInput, StoreError) as error:
            self._error(str(error))
            return
        self.dismiss(issue_id)

    def _error(self, message: str) -> None:
        self.query_one(".form-error", Static).update(literal(message))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class OutcomeModal(ModalScreen[bool]):
    """Close the issue: resolved with a decision, parked, or carried over; plus its actions."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Close issue")]

    def __init__(
        self, meeting_id: int, issue: QueuedIssue, members: list[Member], due: date
    ) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.issue = issue
        self.members = members
        self.due = due
        self.actions: list[tuple[str, Member, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(f"Outcome: {self.issue.title}"), classes="dialog-title")
            with VerticalScroll(classes="scroll-form"):
                with RadioSet(id="outcome"):
                    yield RadioButton("Resolved: a decision was made", value=True, id="resolved")
                    yield RadioButton("Parked: to the parking lot", id="parked")
                    yield RadioButton("Carried over to the next meeting", id="carried")
                yield LiteralInput(id="decision", placeholder="Decision or note (needed when resolved)")
                yield Label("Actions (Enter adds one; each needs an owner)", classes="hint")
                with Horizontal(id="action-entry"):
                    yield LiteralInput(id="action-text", placeholder="Action")
                    yield LiteralInput(id="action-owner", placeholder="Owner")
                    yield Input(self.due.isoformat(), id="action-due", max_length=10)
                yield OptionList(id="action-list")
            yield Static("", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Close issue", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#decision", Input).focus()

    def _error(self, message: str) -> None:
        self.query_one(".form-error", Static).update(literal(message))

    @on(Input.Submitted, "#decision")
    def _to_actions(self) -> None:
        self.query_one("#action-text", Input).focus()

    @on(Input.Submitted, "#action-text")
    @on(Input.Submitted, "#action-owner")
    @on(Input.Submitted, "#action-due")
    def add_action(self) -> None:
        text = self.query_one("#action-text", Input)
        owner = self.query_one("#action-owner", Input)
        due = self.query_one("#action-due", Input)
        if not text.value.strip():
            self.query_one("#save", Button).focus()
            return
        try:
            member = _find_member(self.members, owner.value)
            date.fromisoformat(due.value.strip())
        except InvalidInput as error:
            self._error(str(error))
            owner.focus()
            return
        except ValueError:
            self._error(f"{due.value!r} is not a date (YYYY-MM-DD).")
            due.focus()
            return
        self.actions.append((text.value.strip(), member, due.value.strip()))
        actions = self.query_one("#action-list", OptionList)
        label = literal(f"{text.value.strip()} — {member.name}, due {due.value.strip()}")
        actions.add_option(Option(label))
        text.value = ""
        owner.value = ""
        self._error("")
        text.focus()

    @on(Button.Pressed, "#save")
    async def action_save(self) -> None:
        pending = self.query_one("#action-text", Input).value.strip()
        if pending:
            self._error("Press Enter in the action to add it first, or clear it.")
            return
        pressed = self.query_one("#outcome", RadioSet).pressed_button
        outcome = pressed.id if pressed is not None and pressed.id else "resolved"
        try:
            await self.app.store.close_issue(
                self.meeting_id,
                self.issue.id,
                outcome,
                self.query_one("#decision", Input).value,
                [(text, member.id, due) for text, member, due in self.actions],
            )
        except (InvalidInput, StoreError) as error:
            self._error(str(error))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class MergeModal(ModalScreen[int | None]):
    """Choose the issue to fold the highlighted one into."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, source: QueuedIssue, targets: list[QueuedIssue]) -> None:
        super().__init__()
        self.source = source
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"Merge “{self.source.title}” into…"), classes="dialog-title")
            options = OptionList(id="targets")
            for issue in self.targets:
                options.add_option(Option(literal(issue.title)))
            yield options
            yield Static("Votes combine; both issues keep their history.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#targets", OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.targets[event.option_index].id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ContinueModal(ModalScreen[str | None]):
    """The timebox has run out: continue for N more minutes, or move on?"""

    BINDINGS = [
        Binding("c,enter", "choose('continue')", "Continue"),
        Binding("m", "choose('move_on')", "Move on"),
        Binding("escape", "choose(None)", "Decide later"),
    ]

    def __init__(self, title: str, minutes: float) -> None:
        super().__init__()
        self.issue_title = title
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("The timebox is over", classes="dialog-title")
            yield Static(literal(self.issue_title))
            yield Static(f"Continue for {self.minutes:g} more minutes, or move on?", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"Continue {self.minutes:g} min (c)", variant="primary", id="continue")
                yield Button("Move on (m)", id="move_on")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
