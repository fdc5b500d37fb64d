"""Between meetings: a group's history, search as you type, my commitments, group health.

One screen with a stack of views: the meeting list (newest first) → one meeting → one
issue's whole life, and back with Escape. The search field at the top searches issues,
actions and shared notes as you type; Enter (or ↓) goes to the results, Enter on a result
opens its issue or meeting. `c` shows the commitments of the member whose login is yours,
`h` the group's health over time.

Presenter-only notes are kept out of review for now; the views say how many were left out.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Label, Sparkline, Static

from peertui.core.health import FIGURES, MeetingFigures, health_series, summarise
from peertui.core.models import Group, format_day
from peertui.core.rules import InvalidInput
from peertui.store import StoreError
from peertui.store.review import (
    IssueHistory,
    MeetingDetail,
    MeetingSummary,
    MyCommitments,
    ReviewOverview,
)
from peertui.store.search import SearchHit, SearchResult
from peertui.ui.commands import ScreenActions
from peertui.ui.components import review_views as views
from peertui.ui.messages import StoreChanged
from peertui.ui.editors import LiteralInput
from peertui.ui.text import fitted, literal

# view name -> (container id, the widget that takes the keyboard there)
VIEWS = {
    "meetings": ("rv-v-meetings", "#rv-meetings"),
    "meeting": ("rv-v-meeting", "#rv-meeting-issues"),
    "issue": ("rv-v-issue", "#rv-issue-meetings"),
    "results": ("rv-v-results", "#rv-results"),
    "mine": ("rv-v-mine", "#rv-mine"),
    "health": ("rv-v-health", "#rv-v-health"),
}
ROOTS = ("meetings", "mine", "health")
HINTS = {
    "meetings": "Enter: the meeting · / search · c my commitments · h health · Esc home",
    "meeting": "Enter: the issue's history · Tab: the details below · Esc back",
    "issue": "Enter: that meeting · Tab: actions and notes below · Esc back",
    "results": "Enter: open · ↑↓ choose · / back to the search · Esc clear",
    "mine": "Enter: the issue or meeting · l meetings · h health · Esc back",
    "health": "Oldest meeting on the left, newest on the right · l meetings · Esc back",
}
FIRST_ROWS = 40  # meeting rows filled before the first paint; more than a screen holds
LATER_ROWS = 100  # then this many per refresh
KIND_LABELS = {"issue": "Issue", "commitment": "Action", "note": "Note"}
WATCHED = ("group", "member", "meeting", "issue", "commitment", "attendance", "discussion", "note")


class ReviewScreen(Screen[None]):
    COMMANDS = Screen.COMMANDS | {ScreenActions}
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("l", "root('meetings')", "Meetings"),
        Binding("c", "root('mine')", "Mine"),
        Binding("h", "root('health')", "Health"),
        Binding("down", "into_view", "Results", show=False),
    ]
    PALETTE = [
        ("Search issues, actions and notes", "/: as you type", "search"),
        ("Show the meetings, newest first", "l", "root('meetings')"),
        ("Show my commitments", "c: open, overdue and done", "root('mine')"),
        ("Show the group's health over time", "h", "root('health')"),
        ("Go back", "escape", "back"),
    ]

    def __init__(self, group_id: int, view: str = "meetings") -> None:
        super().__init__()
        self.group_id = group_id
        self.group: Group | None = None
        self.overview: ReviewOverview | None = None
        self.stack: list[tuple[str, int | None]] = [(view if view in ROOTS else "meetings", None)]
        self.meeting: MeetingDetail | None = None
        self.issue: IssueHistory | None = None
        self.mine: MyCommitments | None = None
        self.results: SearchResult | None = None
        self.health: list[MeetingFigures] | None = None
        self._rendered: dict[str, Any] = {}  # view -> what it shows now (to keep the cursor)
        self._built: set[str] = set()
        self._width = 0
        self._filling = 0  # which fill of the meeting list is current (it is filled in chunks)
        self._keep_cursor: str | None = None  # the row to highlight again once it is back

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="review-bar")
        yield LiteralInput(
            placeholder="Search issues, actions and shared notes…",
            id="review-search",
            compact=True,
        )
        yield Static("", id="review-hint")
        # Each view's widgets are mounted the first time it is shown: opening review
        # builds the meeting list only.
        with ContentSwitcher(id="review-views"):
            for view, (container, _) in VIEWS.items():
                yield (VerticalScroll if view == "health" else Vertical)(id=container)
        yield Footer()

    def _widgets(self, view: str) -> list[Widget]:
        if view == "meetings":
            return [DataTable(id="rv-meetings", cursor_type="row", zebra_stripes=True)]
        if view in ("meeting", "issue"):
            return [
                Static("", id=f"rv-{view}-head", classes="review-head"),
                DataTable(id="rv-meeting-issues" if view == "meeting" else "rv-issue-meetings",
                          cursor_type="row"),
                VerticalScroll(Static("", id=f"rv-{view}-body"), id=f"rv-{view}-more", classes="review-more"),
            ]
        if view == "results":
            return [DataTable(id="rv-results", cursor_type="row")]
        if view == "mine":
            return [Static("", id="rv-mine-head", classes="review-head"), DataTable(id="rv-mine", cursor_type="row")]
        rows: list[Widget] = [Static("", id="rv-health-head", classes="review-head")]
        for key, label in FIGURES:
            rows.append(
                Horizontal(
                    Label(label, classes="health-label"),
                    Sparkline([], id=f"rv-spark-{key}", summary_function=_mean),
                    Static("", id=f"rv-figure-{key}", classes="health-figure"),
                    classes="health-row",
                )
            )
        rows.append(Static(views.HEALTH_NOTES, id="rv-health-notes"))
        return rows

    async def _build(self, view: str) -> None:
        if view in self._built:
            return
        container = self.query_one(f"#{VIEWS[view][0]}")
        await container.mount_all(self._widgets(view))
        self._built.add(view)
        self._columns(view)

    async def on_mount(self) -> None:
        self._width = self.app.size.width
        if await self.reload_overview():
            await self.show(*self.stack[-1], push=False)

    def _columns(self, view: str) -> None:
        """(Re)build a view's table columns for the terminal's width."""
        wide = max(0, self._width - 80)
        self._rendered.pop(view, None)
        if view == "meetings":
            table = self.query_one("#rv-meetings", DataTable)
            table.clear(columns=True)
            table.add_column("#", key="number", width=5)
            table.add_column("Date", key="date", width=10)
            table.add_column("Here", key="here", width=5)
            table.add_column("Rating", key="rating", width=6)
            table.add_column("Issues discussed", key="issues", width=max(16, self._width - 42))
        elif view == "meeting":
            table = self.query_one("#rv-meeting-issues", DataTable)
            table.clear(columns=True)
            table.add_column("Issue", key="title", width=28 + wide // 2)
            table.add_column("Outcome", key="result", width=12)
            table.add_column("Time", key="time", width=7)
            table.add_column("Decision", key="outcome", width=max(12, 20 + wide - wide // 2))
        elif view == "issue":
            table = self.query_one("#rv-issue-meetings", DataTable)
            table.clear(columns=True)
            table.add_column("Meeting", key="number", width=7)
            table.add_column("Date", key="date", width=10)
            table.add_column("Time", key="time", width=7)
            table.add_column("Outcome", key="result", width=14)
        elif view == "results":
            table = self.query_one("#rv-results", DataTable)
            table.clear(columns=True)
            table.add_column("What", key="kind", width=6)
            table.add_column("Mtg", key="meeting", width=5)
            table.add_column("Date", key="date", width=10)
            table.add_column("Match", key="match", width=self.match_width)
        elif view == "mine":
            table = self.query_one("#rv-mine", DataTable)
            table.clear(columns=True)
            table.add_column("Status", key="kept", width=7)
            table.add_column("Due", key="due", width=10)
            table.add_column("Action", key="text", width=30 + wide // 2)
            table.add_column("Issue", key="issue", width=max(10, 18 + wide - wide // 2))

    @property
    def match_width(self) -> int:
        return max(20, self._width - 38)

    async def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width and self.is_mounted:
            self._width = event.size.width
            for view in self._built:
                self._columns(view)
            await self.show(*self.stack[-1], push=False, focus=False)

    # ------------------------------------------------------------------ data

    @property
    def view(self) -> str:
        return self.stack[-1][0]

    async def reload_overview(self) -> bool:
        try:
            self.group = await self.app.store.get_group(self.group_id)
            self.overview = await self.app.store.review_overview(self.group_id)
        except StoreError as error:
            self.app.report(error)
            return False
        held = sum(1 for m in self.overview.meetings if m.ended_at is not None)
        bar = Text(end="")
        bar.append("Review · ", style="bold")
        bar.append_text(literal(self.group.name, style="bold"))
        bar.append(f" · {held} meeting{'s' if held != 1 else ''} held")
        self.query_one("#review-bar", Static).update(bar)
        self._rendered.pop("meetings", None)
        self._rendered.pop("health", None)
        return True

    async def on_store_changed(self, message: StoreChanged) -> None:
        ours = [c for c in message.changes if c.group_id in (None, self.group_id)]
        if not any(c.entity in WATCHED for c in ours):
            return
        if await self.reload_overview():
            self._rendered.clear()
            await self.show(*self.stack[-1], push=False, focus=False)
            query = self.query_one("#review-search", Input).value
            if query.strip():
                await self.run_search(query, navigate=False)

    # ------------------------------------------------------------------ navigation

    async def show(
        self, view: str, ref: int | None = None, *, push: bool = True, focus: bool = True
    ) -> None:
        """Show a view (loading what it needs); `push` puts it on the stack for Escape."""
        try:
            await self._build(view)
            await self._load_view(view, ref)
        except StoreError as error:
            self.app.report(error)
            return
        if push and self.stack[-1] != (view, ref):
            self.stack.append((view, ref))
        container, main = VIEWS[view]
        switcher = self.query_one("#review-views", ContentSwitcher)
        switcher.current = container
        if view != "results" or not self.results or not self.results.query:
            self._hint(HINTS[view])
        if focus:
            target = self.query_one(main)
            if not target.display and view in ("meeting", "issue"):
                target = self.query_one(f"#rv-{view}-more")  # no table rows: the details
            target.focus()

    async def _load_view(self, view: str, ref: int | None) -> None:
        if self._rendered.get(view) == (ref, self._width):
            return  # still showing it: keep the cursor where it was
        if view == "meetings":
            self._render_meetings()
        elif view == "meeting" and ref is not None:
            self.meeting = await self.app.store.review_meeting(ref)
            self._render_meeting(self.meeting)
        elif view == "issue" and ref is not None:
            self.issue = await self.app.store.issue_history(ref)
            self._render_issue(self.issue)
        elif view == "mine":
            who = getattr(self.app, "identity", None)  # `--as NAME`, else the Unix login
            self.mine = await self.app.store.my_commitments(self.group_id, who=who)
            self._render_mine(self.mine)
        elif view == "health":
            self.health = await self.app.store.group_health(self.group_id)
            self._render_health()
        elif view == "results":
            self._render_results()
        self._rendered[view] = (ref, self._width)

    async def action_back(self) -> None:
        search = self.query_one("#review-search", Input)
        if self.view == "results" or (search.has_focus and search.value):
            search.value = ""  # Input.Changed with "" leaves the results
            self.results = None
            while self.view == "results" and len(self.stack) > 1:
                self.stack.pop()
            await self.show(*self.stack[-1], push=False)
            return
        if len(self.stack) > 1:
            self.stack.pop()
            await self.show(*self.stack[-1], push=False)
        elif self.view != "meetings":
            self.stack = [("meetings", None)]
            await self.show("meetings", push=False)
        else:
            await self.app.go_home()

    async def action_root(self, view: str) -> None:
        self.stack = [(view, None)]
        await self.show(view, push=False)

    def action_search(self) -> None:
        self.query_one("#review-search", Input).focus()

    def action_into_view(self) -> None:
        if self.query_one("#review-search", Input).has_focus:
            self.query_one(VIEWS[self.view][1]).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "into_view":
            return self.query_one("#review-search", Input).has_focus
        return True

    def _hint(self, content: str | Text, style: str = "") -> None:
        hint = self.query_one("#review-hint", Static)
        hint.update(Text(content, style=style, end="") if isinstance(content, str) else content)

    # ------------------------------------------------------------------ meetings

    def _render_meetings(self) -> None:
        """The newest meetings at once, the older ones just after the screen is painted."""
        table = self.query_one("#rv-meetings", DataTable)
        meetings = self.overview.meetings if self.overview else []
        self._filling += 1
        self._keep_cursor = _cursor_key(table)
        table.clear()
        self._fill_meetings(self._filling, meetings, FIRST_ROWS)
        if self.overview and not meetings:
            self._hint("No meetings yet: the history starts with the first meeting.")

    def _fill_meetings(self, filling: int, meetings: list[MeetingSummary], count: int) -> None:
        """Add the next `count` rows, and the rest after the next refresh, a chunk at a time,
        so years of history never hold up the keyboard."""
        if filling != self._filling:
            return  # a newer fill started meanwhile
        table = self.query_one("#rv-meetings", DataTable)
        width = table.columns["issues"].width
        if len(meetings) > count:
            self.call_after_refresh(self._fill_meetings, filling, meetings[count:], LATER_ROWS)
        for m in meetings[:count]:
            table.add_row(
                str(m.number),
                format_day(m.started_at) if m.ended_at is not None else "in progress",
                f"{m.present}/{m.expected}",
                f"{m.average_rating:.1f}" if m.average_rating is not None else "—",
                _issues_cell(m.issues, m.titles, width),
                key=str(m.id),
            )
        if _restore_cursor(table, self._keep_cursor):
            self._keep_cursor = None

    @on(DataTable.RowSelected, "#rv-meetings")
    async def _meeting_chosen(self, event: DataTable.RowSelected) -> None:
        await self.show("meeting", int(event.row_key.value))

    # ------------------------------------------------------------------ one meeting

    def _render_meeting(self, detail: MeetingDetail) -> None:
        self.query_one("#rv-meeting-head", Static).update(views.meeting_head(detail))
        table = self.query_one("#rv-meeting-issues", DataTable)
        title_width = table.columns["title"].width
        outcome_width = table.columns["outcome"].width
        keep = _cursor_key(table)
        with self.app.batch_update():
            table.clear()
            for issue in detail.issues:
                table.add_row(
                    fitted(issue.title, title_width),
                    views.RESULT_LABELS.get(issue.result, issue.result),
                    views.duration(issue.seconds),
                    fitted(issue.outcome if issue.result != "carried" else "", outcome_width),
                    key=str(issue.issue_id),
                )
            table.display = bool(detail.issues)
            _restore_cursor(table, keep)
        self.query_one("#rv-meeting-body", Static).update(views.meeting_body(detail, self._width - 4))
        self.query_one("#rv-meeting-more", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowSelected, "#rv-meeting-issues")
    async def _issue_chosen(self, event: DataTable.RowSelected) -> None:
        await self.show("issue", int(event.row_key.value))

    # ------------------------------------------------------------------ one issue

    def _render_issue(self, history: IssueHistory) -> None:
        self.query_one("#rv-issue-head", Static).update(views.issue_head(history))
        table = self.query_one("#rv-issue-meetings", DataTable)
        keep = _cursor_key(table)
        with self.app.batch_update():
            table.clear()
            for line in history.discussions:
                label = views.RESULT_LABELS.get(line.result, line.result)
                if line.extensions:
                    label += f" +{line.extensions}"
                table.add_row(
                    str(line.meeting_number),
                    format_day(line.started_at),
                    views.duration(line.seconds),
                    label,
                    key=str(line.meeting_id),
                )
            table.display = bool(history.discussions)
            _restore_cursor(table, keep)
        self.query_one("#rv-issue-body", Static).update(views.issue_body(history))
        self.query_one("#rv-issue-more", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowSelected, "#rv-issue-meetings")
    async def _discussion_chosen(self, event: DataTable.RowSelected) -> None:
        await self.show("meeting", int(event.row_key.value))

    # ------------------------------------------------------------------ search

    @on(Input.Changed, "#review-search")
    async def _search_changed(self, event: Input.Changed) -> None:
        await self.run_search(event.value)

    async def run_search(self, query: str, *, navigate: bool = True) -> None:
        """Search and show the results; without `navigate`, only refresh them where they are."""
        if not query.strip():
            if self.view == "results":
                while self.view == "results" and len(self.stack) > 1:
                    self.stack.pop()
                self.results = None
                await self.show(*self.stack[-1], push=False, focus=False)
            return
        try:
            self.results = await self.app.store.search(self.group_id, query)
        except InvalidInput as error:
            # Mid-typing (an open quote, a dangling OR): say so, keep the last results.
            if navigate:
                self._hint(literal(str(error), style="yellow"))
            return
        except StoreError as error:
            self.app.report(error)
            return
        self._rendered.pop("results", None)
        if not navigate and self.view != "results":
            return  # shown fresh when the user comes back to them
        if self.view != "results":
            self.stack = [s for s in self.stack if s[0] != "results"]
            await self.show("results", focus=False)
        else:
            await self.show("results", push=False, focus=False)
        self._hint(self._results_hint(self.results))

    @on(Input.Submitted, "#review-search")
    def _search_submitted(self) -> None:
        if self.view == "results" and self.results and self.results.hits:
            self.query_one("#rv-results", DataTable).focus()

    def _results_hint(self, result: SearchResult) -> Text:
        text = Text(end="")
        if not result.hits:
            text.append("No matches for ")
            text.append_text(literal(result.query.strip()))
            text.append(" (words match at their start; try fewer words).", style="dim")
            return text
        count = len(result.hits)
        text.append(f"{count}{'+' if result.more else ''} match{'es' if count != 1 else ''}")
        text.append(" · best first · Enter opens · Esc clears", style="dim")
        return text

    def _render_results(self) -> None:
        table = self.query_one("#rv-results", DataTable)
        width = self.match_width
        keep = _cursor_key(table)
        with self.app.batch_update():
            table.clear()
            for hit in self.results.hits if self.results else []:
                match = _hit_cell(hit, width)
                table.add_row(
                    KIND_LABELS.get(hit.kind, hit.kind),
                    str(hit.meeting_number) if hit.meeting_number is not None else "—",
                    format_day(hit.at),
                    match,
                    key=f"{hit.kind}:{hit.id}",
                    height=2,
                )
            _restore_cursor(table, keep)

    @on(DataTable.RowSelected, "#rv-results")
    async def _hit_chosen(self, event: DataTable.RowSelected) -> None:
        kind, _, hit_id = str(event.row_key.value).partition(":")
        hit = next(
            (h for h in (self.results.hits if self.results else []) if (h.kind, str(h.id)) == (kind, hit_id)),
            None,
        )
        if hit is None:
            return
        # Issues and actions open the issue's history; notes their meeting, where they were written.
        if hit.kind != "note" and hit.issue_id is not None:
            await self.show("issue", hit.issue_id)
        elif hit.meeting_id is not None:
            await self.show("meeting", hit.meeting_id)
        elif hit.issue_id is not None:
            await self.show("issue", hit.issue_id)

    # ------------------------------------------------------------------ my commitments

    def _render_mine(self, mine: MyCommitments) -> None:
        name = self.group.name if self.group else ""
        self.query_one("#rv-mine-head", Static).update(views.mine_head(mine, name))
        table = self.query_one("#rv-mine", DataTable)
        text_width = table.columns["text"].width
        issue_width = table.columns["issue"].width
        keep = _cursor_key(table)
        with self.app.batch_update():
            table.clear()
            for action in mine.actions:
                table.add_row(
                    Text(action.kept, style=views.KEPT_STYLES.get(action.kept, ""), end=""),
                    fitted(action.due_on, 10),
                    fitted(action.text, text_width),
                    fitted(action.issue_title or "—", issue_width, style="dim"),
                    key=str(action.id),
                )
            table.display = bool(mine.actions)
            _restore_cursor(table, keep)

    @on(DataTable.RowSelected, "#rv-mine")
    async def _mine_chosen(self, event: DataTable.RowSelected) -> None:
        action_id = int(event.row_key.value)
        action = next((a for a in (self.mine.actions if self.mine else []) if a.id == action_id), None)
        if action is None:
            return
        if action.issue_id is not None:
            await self.show("issue", action.issue_id)
        else:
            await self.show("meeting", action.meeting_id)

    # ------------------------------------------------------------------ health

    def _render_health(self) -> None:
        points = health_series(self.health or [])
        head = Text(end="")
        if not points:
            head.append("No meetings have ended yet: health figures start after the first one.")
        else:
            first, last = points[0], points[-1]
            head.append(f"Health over {len(points)} meetings", style="bold")
            head.append(
                f" · {format_day(first.started_at)} to {format_day(last.started_at)}"
                f" · latest: {last.number}"
            )
        self.query_one("#rv-health-head", Static).update(head)
        for figure in summarise(points):
            spark = self.query_one(f"#rv-spark-{figure.key}", Sparkline)
            spark.data = list(figure.series)
            self.query_one(f"#rv-figure-{figure.key}", Static).update(views.health_line(figure))


def _cursor_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def _restore_cursor(table: DataTable, key: str | None) -> bool:
    """Highlight the row `key` again after a refill (another terminal changed something)."""
    if key is None or key not in table.rows:
        return False
    table.move_cursor(row=table.get_row_index(key), animate=False)
    return True


def _issues_cell(count: int, titles: tuple[str, ...], width: int) -> Text:
    if not count:
        return Text("—", style="dim", end="")
    cell = Text(f"{count} ", end="")
    for index, title in enumerate(titles):
        if index:
            cell.append(" · ", style="dim")
        cell.append_text(literal(title))
    if cell.cell_len > width:
        cell.truncate(max(1, width - 1))
        cell.append("…")
    return cell


def _hit_cell(hit: SearchHit, width: int) -> Text:
    """Two lines: what was found (matches marked), then where the words matched or who and what."""
    first = Text(end="")
    if hit.kind == "note":
        first.append("Note on " if hit.title else "Meeting note", style="italic")
        first.append_text(literal(hit.title, style="bold"))
        first = views.fit(first, width)
    else:
        first = views.highlighted(hit.title_marks or ((hit.title, False),), width, style="bold")
    if hit.kind == "note" or (hit.kind == "issue" and hit.snippet_text != hit.title):
        second = views.highlighted(hit.snippet, width, style="dim")
    else:
        parts = Text(end="", style="dim")
        if hit.kind == "issue":
            parts.append(f"issue, {hit.status}")
            if hit.who:
                parts.append(", raised by ")
        else:
            parts.append(f"action, {hit.status}")
            if hit.who:
                parts.append(", for ")
        parts.append_text(literal(hit.who, style="dim"))
        second = views.fit(parts, width)
    return Text("\n", end="").join([first, second])


def _mean(values: Any) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


__all__ = ["ReviewScreen"]
