"""What the review screen shows, as Rich Text built from the store's review values.

Every piece of user text goes through `literal`/`fitted` (peertui.ui.text): a title with
`[bold]` in it shows `[bold]`, an escape character shows as ␛. Fixed words are appended as
plain strings with `Text.append`, which never parses markup either.
"""

from __future__ import annotations

from rich.text import Text

from peertui.core.agenda import format_duration
from peertui.core.health import Figure, format_figure
from peertui.core.models import format_day
from peertui.store.review import (
    ActionLine,
    IssueHistory,
    MeetingDetail,
    MyCommitments,
    NoteLine,
)
from peertui.store.search import Segments
from peertui.ui.text import fitted, literal

EIGHTHS = " ▏▎▍▌▋▊▉"
RESULT_LABELS = {
    "resolved": "resolved",
    "parked": "parked",
    "carried": "carried over",
    "discussing": "in discussion",
    "merged": "merged",
    "open": "open",
}
REVIEW_LABELS = {"done": "done", "not_done": "not done", "dropped": "dropped"}
KEPT_STYLES = {"overdue": "bold red", "open": "", "done": "green", "dropped": "dim"}
ATTENDANCE_STYLES = {"present": "", "late": "yellow", "absent": "dim"}
HIGHLIGHT = "bold reverse"
# A note can hold megabytes; laying all of it out would hold up the screen for seconds.
NOTE_SHOWN_MAX = 20_000
PRIVATE_NOTES = (
    "presenter-only notes are kept out of review for now: {count} not shown"
)


def bar(value: float, maximum: float, width: int) -> str:
    """A horizontal bar of `width` cells at most, in eighths of a cell: ███▌."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    cells = min(float(width), value / maximum * width)
    full = int(cells)
    rest = int((cells - full) * 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def duration(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def fit(text: Text, width: int) -> Text:
    """Cut built-up Text to `width` cells with an ellipsis."""
    if text.cell_len > width:
        text.truncate(max(1, width - 1))
        text.append("…")
    return text


def highlighted(segments: Segments, width: int, style: str = "") -> Text:
    """A search snippet with the matched words highlighted, cut to `width` cells."""
    text = Text(end="")
    for piece, matched in segments:
        text.append_text(literal(piece, style=f"{style} {HIGHLIGHT}".strip() if matched else style))
    return fit(text, width)


def _heading(text: Text, title: str, count: int | None = None) -> None:
    if text.plain:
        text.append("\n\n")
    text.append(title, style="bold")
    if count is not None:
        text.append(f" ({count})", style="bold")


def _indented(body: str, indent: str = "  ") -> Text:
    lines = body.splitlines() or [""]
    out = Text(end="")
    for index, line in enumerate(lines):
        if index:
            out.append("\n")
        out.append(indent)
        out.append_text(literal(line))
    return out


def _action(text: Text, action: ActionLine, *, show_issue: bool = False) -> None:
    text.append("\n  • ")
    text.append_text(literal(action.text))
    text.append(" — ")
    text.append_text(literal(action.owner_name))
    text.append(", due ")
    text.append_text(literal(action.due_on))
    text.append(" · ")
    text.append(action.kept, style=KEPT_STYLES.get(action.kept, ""))
    if show_issue and action.issue_title:
        text.append("\n      from: ", style="dim")
        text.append_text(literal(action.issue_title, style="dim"))
    if action.reviews:
        text.append("\n      reviewed: ", style="dim")
        text.append(
            " · ".join(
                f"{REVIEW_LABELS.get(r.result, r.result)} at {r.meeting_number}"
                for r in action.reviews
            ),
            style="dim",
        )


def _notes(text: Text, notes: list[NoteLine], private: int, *, by_meeting: bool) -> None:
    _heading(text, "Shared notes", len(notes))
    if private:
        text.append("\n  (" + PRIVATE_NOTES.format(count=private) + ")", style="dim italic")
    if not notes:
        text.append("\n  none", style="dim")
    for note in notes:
        text.append("\n  ── ", style="dim")
        if by_meeting:
            text.append(f"meeting {note.meeting_number}, {format_day(note.updated_at)}", style="dim")
        elif note.issue_title:
            text.append("on ", style="dim")
            text.append_text(literal(note.issue_title, style="dim"))
        else:
            text.append("the meeting", style="dim")
        text.append("\n")
        text.append_text(_indented(note.body[:NOTE_SHOWN_MAX], "  "))
        if len(note.body) > NOTE_SHOWN_MAX:
            more = len(note.body) - NOTE_SHOWN_MAX
            text.append(f"\n  … and {more:,} more characters (peertui export has it all)", style="dim")


# ---------------------------------------------------------------------- one meeting


def meeting_head(detail: MeetingDetail) -> Text:
    text = Text(end="")
    text.append(f"Meeting {detail.number}", style="bold")
    text.append(f" · {format_day(detail.started_at)}")
    if detail.ended_at is not None:
        text.append(f" · {format_duration(detail.ended_at - detail.started_at)} long")
    else:
        text.append(" · in progress", style="bold")
    if detail.template:
        text.append(" · ")
        text.append_text(literal(detail.template))
    rating = detail.average_rating
    text.append(f"\n{detail.present} of {len(detail.attendance)} here")
    text.append(f" · average rating {rating:.1f}" if rating is not None else " · not rated")
    text.append(f" · {len(detail.issues)} issues discussed · {len(detail.actions)} actions")
    return text


def meeting_body(detail: MeetingDetail, width: int) -> Text:
    text = Text(end="")
    names = [a.name for a in detail.attendance] + [a.name for a in detail.airtime]
    longest = max((literal(name).cell_len for name in names), default=4)
    name_width = max(4, min(longest, max(10, width // 3)))
    bar_width = max(8, min(48, width - name_width - 22))
    _heading(text, "Check-in airtime")
    if not detail.airtime:
        text.append("\n  no check-in round recorded", style="dim")
    most = max((a.spoken_s for a in detail.airtime), default=0.0)
    for turn in detail.airtime:
        text.append("\n  ")
        text.append_text(fitted(turn.name, name_width))
        text.append(" " * (name_width - fitted(turn.name, name_width).cell_len + 1))
        drawn = bar(turn.spoken_s, most, bar_width)
        text.append(drawn, style="dim" if turn.status == "passed" else "")
        text.append(" " * (bar_width - len(drawn) + 1))
        text.append(f"{format_duration(turn.spoken_s):>6}")
        if turn.status == "passed":
            text.append(" passed", style="dim")
        elif turn.spoken_s > turn.allotted_s:
            text.append(f" +{format_duration(turn.spoken_s - turn.allotted_s)}", style="yellow")

    _heading(text, "Attendance")
    for line in detail.attendance:
        text.append("\n  ")
        text.append_text(fitted(line.name, name_width, style=ATTENDANCE_STYLES.get(line.status, "")))
        text.append(" " * (name_width - fitted(line.name, name_width).cell_len + 1))
        text.append(f"{line.status:<8}", style=ATTENDANCE_STYLES.get(line.status, ""))
        if line.rating is not None:
            text.append(f" rated {line.rating:>2}")
        if line.closing_word:
            text.append("  “")
            text.append_text(literal(line.closing_word))
            text.append("”")

    by_issue: dict[int | None, list[ActionLine]] = {}
    for action in detail.actions:
        by_issue.setdefault(action.issue_id, []).append(action)
    _heading(text, "Outcomes and actions")
    if not detail.issues and not detail.actions:
        text.append("\n  no issue was discussed", style="dim")
    for issue in detail.issues:
        text.append("\n")
        text.append_text(literal(issue.title, style="bold"))
        text.append(f"\n  {RESULT_LABELS.get(issue.result, issue.result)}")
        if issue.seconds is not None:
            text.append(f" after {format_duration(issue.seconds)}")
        if issue.outcome and issue.result != "carried":
            text.append(": ")
            text.append_text(literal(issue.outcome))
        for action in by_issue.pop(issue.issue_id, []):
            _action(text, action)
    for actions in by_issue.values():
        for action in actions:
            _action(text, action, show_issue=True)

    if detail.reviewed:
        _heading(text, "Commitments reviewed", len(detail.reviewed))
        for action, result in detail.reviewed:
            text.append("\n  • ")
            text.append_text(literal(action.text))
            text.append(" — ")
            text.append_text(literal(action.owner_name))
            text.append(": ")
            text.append(REVIEW_LABELS.get(result, result), style=KEPT_STYLES.get(result, ""))
    if detail.raised:
        _heading(text, "Raised at this meeting", len(detail.raised))
        for _, title in detail.raised:
            text.append("\n  • ")
            text.append_text(literal(title))
    _notes(text, detail.notes, detail.private_notes, by_meeting=False)
    return text


# ---------------------------------------------------------------------- one issue


def issue_head(history: IssueHistory) -> Text:
    text = Text(end="")
    text.append_text(literal(history.title, style="bold"))
    text.append(f"\nIssue {history.id} · urgency {history.urgency} · ")
    status = RESULT_LABELS.get(history.status, history.status)
    text.append(status, style="bold")
    if history.closed_in is not None and history.status != "open":
        text.append(f" at meeting {history.closed_in}")
    text.append(f"\nRaised {format_day(history.raised_at)}")
    if history.raised_by:
        text.append(" by ")
        text.append_text(literal(history.raised_by))
    if history.raised_in is not None:
        text.append(f" at meeting {history.raised_in}")
    waited = history.meetings_waited
    text.append(f" · waited {waited} meeting{'s' if waited != 1 else ''}")
    discussed = len(history.discussions)
    text.append(f"\n{history.votes} dots · discussed at {discussed} meeting{'s' if discussed != 1 else ''}")
    total = history.total_seconds
    if total is not None:
        text.append(f" · {format_duration(total)} in timed discussion")
    return text


def issue_body(history: IssueHistory) -> Text:
    text = Text(end="")
    if history.details:
        _heading(text, "Details")
        text.append("\n")
        text.append_text(_indented(history.details))
    if history.outcome:
        _heading(text, "Outcome")
        text.append("\n")
        text.append_text(_indented(history.outcome))
    if history.merged_into is not None:
        _heading(text, "Merged into")
        text.append(f"\n  issue {history.merged_into[0]}: ")
        text.append_text(literal(history.merged_into[1]))
    if history.merged_here:
        _heading(text, "Merged into this one", len(history.merged_here))
        for issue_id, title in history.merged_here:
            text.append(f"\n  issue {issue_id}: ")
            text.append_text(literal(title))
    _heading(text, "Actions", len(history.actions))
    if not history.actions:
        text.append("\n  none", style="dim")
    for action in history.actions:
        _action(text, action)
        text.append(f"\n      made at meeting {action.made_in}", style="dim")
    _notes(text, history.notes, history.private_notes, by_meeting=True)
    return text


# ---------------------------------------------------------------------- my commitments


def mine_head(mine: MyCommitments, group_name: str) -> Text:
    text = Text(end="")
    if mine.member is None:
        text.append("You (")
        text.append_text(literal(repr(mine.login)))
        text.append(") are not on the roster of ")
        text.append_text(literal(group_name))
        text.append(
            ".\nSet your login on your member (e on the home screen)"
            " to see your commitments here."
        )
        return text
    text.append_text(literal(mine.member.name, style="bold"))
    text.append(f" · as of {mine.today.isoformat()}\n")
    counts = [(kept, mine.count(kept)) for kept in ("overdue", "open", "done", "dropped")]
    for index, (kept, count) in enumerate(counts):
        if index:
            text.append(" · ")
        text.append(f"{count} {kept}", style=KEPT_STYLES[kept] if count else "dim")
    return text


# ---------------------------------------------------------------------- health


def health_line(figure: Figure) -> Text:
    text = Text(end="")
    text.append(format_figure(figure.key, figure.latest), style="bold")
    text.append(f"  last 12: {format_figure(figure.key, figure.recent)}", style="dim")
    return text


HEALTH_NOTES = (
    "Attendance: share of the roster there. Top speaker: share of the check-in taken by "
    "the longest speaker. Airtime Gini: 0 when all spoke as long, towards 1 when one voice "
    "took it all. Commitments kept: of those reviewed, the share marked done."
)
