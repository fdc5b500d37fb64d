"""Creating a group: the first-run walk-through, and "New group" from home."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from peertui.core import rules
from peertui.core.rules import InvalidInput
from peertui.store import StoreError
from peertui.ui.editors import LiteralInput
from peertui.ui.text import literal


class GroupFormScreen(Screen[int | None]):
    """Name, check-in minutes and members; nothing is written until Create."""

    BINDINGS = [
        Binding("ctrl+s", "create", "Create group"),
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("delete", "remove_member", "Remove member", show=False),
    ]

    def __init__(self, *, first_run: bool) -> None:
        super().__init__()
        self.first_run = first_run
        self.roster: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="group-form"):
            if self.first_run:
                yield Label("Welcome to peertui. Let's set up your peer group.", classes="title")
                yield Static(
                    literal(
                        f"It is kept in {self.app.db_path}, readable by you only. "
                        "Tab moves between fields; Enter adds a member."
                    ),
                    classes="hint",
                )
            else:
                yield Label("New group", classes="title")
            with Grid(classes="form-grid"):
                yield Label("Group name")
                yield LiteralInput(placeholder="e.g. Deputy Managers Circle", id="group-name")
                yield Label("Check-in minutes")
                yield Input("5", id="checkin-minutes", type="number", max_length=5)
            with Horizontal(id="member-entry"):
                yield LiteralInput(placeholder="Member name", id="member-name")
                yield LiteralInput(placeholder="Login (optional)", id="member-login")
                yield Button("Add", id="add-member")
            yield OptionList(id="member-list")
            yield Static("", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Create group", variant="primary", id="create")
                if not self.first_run:
                    yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#member-list", OptionList).border_title = "Members (none yet)"
        self.query_one("#group-name", Input).focus()

    def _error(self, message: str) -> None:
        self.query_one(".form-error", Static).update(literal(message))

    @on(Input.Submitted, "#group-name")
    def _after_name(self) -> None:
        self.query_one("#checkin-minutes", Input).focus()

    @on(Input.Submitted, "#checkin-minutes")
    def _after_minutes(self) -> None:
        self.query_one("#member-name", Input).focus()

    @on(Input.Submitted, "#member-name")
    @on(Input.Submitted, "#member-login")
    @on(Button.Pressed, "#add-member")
    def action_add_member(self) -> None:
        name_input = self.query_one("#member-name", Input)
        login_input = self.query_one("#member-login", Input)
        if not name_input.value.strip() and not login_input.value.strip():
            # Enter on an empty member line means "done adding": go to Create.
            self.query_one("#create", Button).focus()
            return
        try:
            name = rules.member_name(name_input.value)
            login = rules.login(login_input.value)
            if any(existing == name for existing, _ in self.roster):
                raise InvalidInput(f"{name!r} is already in the list.")
            if login and any(existing == login for _, existing in self.roster):
                raise InvalidInput(f"The login {login!r} is already in the list.")
        except InvalidInput as error:
            self._error(str(error))
            return
        self.roster.append((name, login))
        self._error("")
        self._show_roster()
        name_input.value = ""
        login_input.value = ""
        name_input.focus()

    def action_remove_member(self) -> None:
        members = self.query_one("#member-list", OptionList)
        if members.has_focus and members.highlighted is not None:
            del self.roster[members.highlighted]
            self._show_roster()

    def _show_roster(self) -> None:
        members = self.query_one("#member-list", OptionList)
        members.clear_options()
        for position, (name, login) in enumerate(self.roster, start=1):
            label = literal(f"{position}. {name}")
            if login:
                label.append(f"  ({login})", style="dim")
            members.add_option(Option(label))
        count = len(self.roster)
        members.border_title = (
            f"Members ({count}) — Delete removes the highlighted one" if count else "Members (none yet)"
        )

    @on(Button.Pressed, "#create")
    async def action_create(self) -> None:
        name = self.query_one("#group-name", Input).value
        minutes = self.query_one("#checkin-minutes", Input).value
        pending = self.query_one("#member-name", Input).value.strip()
        if pending:
            self._error(f"Press Enter to add {pending!r} to the members first, or clear the field.")
            return
        if not self.roster:
            self._error("Add at least one member (you can add more later).")
            self.query_one("#member-name", Input).focus()
            return
        try:
            group = await self.app.store.create_group(
                name, checkin_minutes=rules.checkin_minutes(minutes or "5"), members=self.roster
            )
        except (InvalidInput, StoreError) as error:
            self._error(str(error))
            return
        self.app.notify(
            literal(f"Created {group.name} with {len(self.roster)} members.").plain,
            markup=False,
        )
        if self.first_run:
            from peertui.ui.components.home import HomeScreen

            await self.app.switch_screen(HomeScreen(select_group=group.id))
        else:
            self.dismiss(group.id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.first_run:
            self.dismiss(None)
