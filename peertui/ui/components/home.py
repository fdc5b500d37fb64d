"""Home: the groups with their last and next meetings, and the highlighted group's roster."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from peertui.core.agenda import AgendaTemplate
from peertui.core.discussion import parse_timeboxes
from peertui.core.models import GroupOverview, Member, format_day
from peertui.core.rules import InvalidInput
from peertui.store import StoreError
from peertui.ui.commands import ScreenActions
from peertui.ui.components.modals import GroupSettingsModal, MemberModal
from peertui.ui.messages import StoreChanged
from peertui.ui.text import literal


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("m", "meeting", "Meeting"),
        Binding("r", "review", "Review"),
        Binding("c", "my_commitments", "My commitments", show=False),
        Binding("g", "new_group", "New group", show=False),
        Binding("s", "group_settings", "Settings"),
        Binding("P", "prompts", "Prompts", show=False),
        Binding("a", "add_member", "Add member"),
        Binding("e", "edit_member", "Edit"),
        Binding("d", "toggle_member", "Left/back"),
        Binding("K", "move_member(-1)", "Move up", show=False),
        Binding("J", "move_member(1)", "Move down", show=False),
    ]
    COMMANDS = Screen.COMMANDS | {ScreenActions}
    PALETTE = [
        ("Open the group's meeting", "m: starting one if none is in progress", "meeting"),
        ("Review the group's history", "r: meetings, issues, search, health", "review"),
        ("Show my commitments", "c: in the highlighted group", "my_commitments"),
        ("New group", "g", "new_group"),
        ("Settings of the group", "s: check-in minutes, budget, order, votes, protocol", "group_settings"),
        ("Prompts for the check-in round", "P: the group's pool, one per line", "prompts"),
        ("Add a member", "a", "add_member"),
        ("Edit the highlighted member", "e: name and login", "edit_member"),
        ("Mark the highlighted member as left (or back)", "d: their history is kept", "toggle_member"),
    ]

    def __init__(self, select_group: int | None = None) -> None:
        super().__init__()
        self._selected_group = select_group
        self._groups: dict[int, GroupOverview] = {}
        self._members: dict[int, Member] = {}
        self._away = False  # another screen is on top

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            groups = DataTable(id="groups", cursor_type="row", zebra_stripes=True)
            groups.border_title = "Groups"
            yield groups
            roster = DataTable(id="roster", cursor_type="row")
            roster.border_title = "Members"
            yield roster
            yield Static("", id="group-summary")
        yield Footer()

    async def on_mount(self) -> None:
        groups = self.query_one("#groups", DataTable)
        groups.add_column("Group", key="name")
        groups.add_column("Members", key="members")
        groups.add_column("Last met", key="last")
        groups.add_column("Next", key="next")
        groups.add_column("Issues", key="issues")
        groups.add_column("Actions", key="actions")
        roster = self.query_one("#roster", DataTable)
        roster.add_column("#", key="position")
        roster.add_column("Name", key="name")
        roster.add_column("Login", key="login")
        roster.add_column("Status", key="status")
        await self.reload()
        groups.focus()

    def on_screen_suspend(self) -> None:
        self._away = True

    async def on_screen_resume(self) -> None:
        # Back from another screen (not the first showing: on_mount has just loaded it all).
        if self._away:
            self._away = False
            await self.reload()

    async def on_store_changed(self, message: StoreChanged) -> None:
        if message.touches("group", "member", "meeting", "issue", "commitment"):
            await self.reload()

    # ------------------------------------------------------------------ data

    @property
    def group(self) -> GroupOverview | None:
        return self._groups.get(self._selected_group or -1)

    async def reload(self) -> None:
        try:
            overviews = await self.app.store.list_groups()
        except StoreError as error:
            self.app.report(error)
            return
        self._groups = {o.group.id: o for o in overviews}
        if self._selected_group not in self._groups:
            self._selected_group = overviews[0].group.id if overviews else None
        table = self.query_one("#groups", DataTable)
        with self.app.batch_update():
            table.clear()
            for overview in overviews:
                table.add_row(
                    literal(overview.group.name),
                    str(overview.members_active),
                    format_day(overview.last_meeting_at),
                    _next_meeting(overview),
                    str(overview.open_issues),
                    str(overview.open_commitments),
                    key=str(overview.group.id),
                )
            if self._selected_group is not None:
                table.move_cursor(row=table.get_row_index(str(self._selected_group)))
        await self.reload_roster()

    async def reload_roster(self, select_member: int | None = None) -> None:
        roster = self.query_one("#roster", DataTable)
        overview = self.group
        if select_member is None and roster.row_count:
            select_member = int(roster.coordinate_to_cell_key(roster.cursor_coordinate).row_key.value)
        members = await self.app.store.list_members(overview.group.id) if overview else []
        self._members = {m.id: m for m in members}
        with self.app.batch_update():
            roster.clear()
            for index, member in enumerate(members, start=1):
                roster.add_row(
                    str(index) if member.active else "",
                    literal(member.name, style="" if member.active else "dim"),
                    literal(member.login or "—", style="dim" if not member.login else ""),
                    "active" if member.active else "left (history kept)",
                    key=str(member.id),
                )
            if select_member in self._members:
                roster.move_cursor(row=roster.get_row_index(str(select_member)))
        roster.border_title = literal(
            f"Members of {overview.group.name}" if overview else "Members"
        )
        summary = self.query_one("#group-summary", Static)
        if overview:
            group = overview.group
            summary.update(
                f"Check-in {group.checkin_minutes:g} min each · every {group.cadence_days} days"
                f" · {group.votes_per_member} votes each · {overview.meetings_held} meetings held"
            )
        else:
            summary.update("No groups yet: press g to create one.")

    @on(DataTable.RowHighlighted, "#groups")
    async def _group_highlighted(self, event: DataTable.RowHighlighted) -> None:
        group_id = int(event.row_key.value)
        if group_id != self._selected_group:
            self._selected_group = group_id
            await self.reload_roster(select_member=-1)

    @on(DataTable.RowSelected, "#groups")
    async def _group_selected(self) -> None:
        await self.action_meeting()

    def _highlighted_member(self) -> Member | None:
        roster = self.query_one("#roster", DataTable)
        if not roster.row_count:
            return None
        key = roster.coordinate_to_cell_key(roster.cursor_coordinate).row_key.value
        return self._members.get(int(key))

    # ------------------------------------------------------------------ actions

    async def action_meeting(self) -> None:
        """Open the group's meeting in progress, or start one with a chosen agenda."""
        overview = self.group
        if overview is None:
            return
        group = overview.group
        try:
            meeting_id = await self.app.store.meeting_in_progress(group.id)
            if meeting_id is not None:
                await self.app.open_meeting(meeting_id)
                return
            templates = await self.app.store.templates(group.id)
        except StoreError as error:
            self.app.report(error)
            return

        async def chosen(template: AgendaTemplate | None) -> None:
            if template is None:
                return
            try:
                meeting_id = await self.app.store.start_meeting(group.id, template)
            except (InvalidInput, StoreError) as error:
                self.app.report(error)
                return
            await self.app.open_meeting(meeting_id)

        from peertui.ui.components.meeting_dialogs import StartMeetingModal

        self.app.push_screen(
            StartMeetingModal(group.name, templates, group.default_template), callback=chosen
        )

    async def action_review(self, view: str = "meetings") -> None:
        """The highlighted group's history between meetings."""
        overview = self.group
        if overview is None:
            return
        from peertui.ui.components.review import ReviewScreen

        await self.app.push_screen(ReviewScreen(overview.group.id, view=view))

    async def action_my_commitments(self) -> None:
        await self.action_review("mine")

    def action_new_group(self) -> None:
        async def created(group_id: int | None) -> None:
            if group_id is not None:
                self._selected_group = group_id
                await self.reload()

        from peertui.ui.components.group_form import GroupFormScreen

        self.app.push_screen(GroupFormScreen(first_run=False), callback=created)

    def action_group_settings(self) -> None:
        overview = self.group
        if overview is None:
            return
        group_id = overview.group.id

        async def save(*, use_protocol: bool, timeboxes: str, **values: str) -> object:
            # Checked first, so a bad timebox list leaves the other settings unsaved too.
            parse_timeboxes_or_raise(timeboxes)
            group = await self.app.store.update_group(group_id, **values)
            await self.app.store.update_group_issue_settings(
                group_id, use_protocol=use_protocol, timeboxes=timeboxes
            )
            return group

        self.app.push_screen(GroupSettingsModal(save, overview.group), callback=self._after_edit)

    async def action_prompts(self) -> None:
        overview = self.group
        if overview is None:
            return
        from peertui.ui.components.modals import PromptsModal

        prompts = await self.app.store.prompts(overview.group.id)
        self.app.push_screen(PromptsModal(overview.group.id, prompts))

    def action_add_member(self) -> None:
        overview = self.group
        if overview is None:
            self.app.notify("Create a group first (press g).", severity="warning")
            return
        group_id = overview.group.id

        async def save(name: str, login: str) -> Member:
            return await self.app.store.add_member(group_id, name, login)

        self.app.push_screen(MemberModal(save), callback=self._after_edit)

    def action_edit_member(self) -> None:
        member = self._highlighted_member()
        if member is None:
            return

        async def save(name: str, login: str) -> Member:
            return await self.app.store.update_member(member.id, name=name, login=login)

        self.app.push_screen(MemberModal(save, member), callback=self._after_edit)

    async def _after_edit(self, result: object) -> None:
        if isinstance(result, Member):
            await self.reload()
            await self.reload_roster(select_member=result.id)
            self.query_one("#roster", DataTable).focus()
        elif result is not None:
            await self.reload()

    async def action_toggle_member(self) -> None:
        member = self._highlighted_member()
        if member is None:
            return
        try:
            updated = await self.app.store.set_member_active(member.id, not member.active)
        except StoreError as error:
            self.app.report(error)
            return
        verb = "is back in the roster" if updated.active else "has left; their history is kept"
        self.app.notify(literal(f"{updated.name} {verb}.").plain, markup=False)
        await self.reload()
        await self.reload_roster(select_member=member.id)

    async def action_move_member(self, offset: int) -> None:
        member = self._highlighted_member()
        if member is None:
            return
        try:
            await self.app.store.move_member(member.id, offset)
        except StoreError as error:
            self.app.report(error)
            return
        await self.reload_roster(select_member=member.id)


def parse_timeboxes_or_raise(raw: str) -> None:
    try:
        parse_timeboxes(raw)
    except ValueError as error:
        raise InvalidInput(f"Timeboxes: {error}.") from None


def _next_meeting(overview: GroupOverview) -> str:
    if overview.meeting_in_progress:
        return "in progress"
    return format_day(overview.next_meeting_on, empty="not yet")
