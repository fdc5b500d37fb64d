"""A meeting's minutes: plain values in, Markdown (for an email) or a JSON-ready dict out.

Pure: the store gathers a `Minutes` (leaving confidential content out unless asked) and this
module only lays it out. Text typed by members is kept literal, never Markdown-escaped, but
control characters are shown as visible symbols (so the text can never drive a terminal) and
line breaks cannot break the layout: single-line fields (names, titles, actions) have theirs
turned into spaces, multi-line ones (decisions, check-ins, notes) are indented to stay inside
their list item.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Any

from msgspec import Struct

from peertui.core.text import visible

MINUTES_FORMAT = "peertui-minutes"
MINUTES_VERSION = 1
ATTENDANCE_ORDER = ("present", "late", "absent")
OUTCOME_LABELS = {
    "resolved": "Resolved",
    "parked": "Parked",
    "carried": "Carried over",
    "merged": "Merged",
    "discussing": "Still being discussed",
}
TEXT_LABELS = {"resolved": "Decision", "parked": "Why", "carried": "Where it stands"}


class Attendee(Struct, frozen=True):
    name: str
    status: str  # present | late | absent
    rating: int | None = None
    closing_word: str | None = None


class CheckIn(Struct, frozen=True):
    """What a member said in the check-in: confidential, only with --include-confidential."""

    name: str
    summary: str


class IssueOutcome(Struct, frozen=True):
    title: str
    raised_by: str | None
    outcome: str  # resolved | parked | carried | merged | discussing
    text: str = ""  # the decision, why it was parked, or where it stands


class Action(Struct, frozen=True):
    owner: str
    text: str
    due_on: str  # ISO date
    issue: str | None = None
    status: str = "open"  # open | done | dropped, as of the export


class CarriedIssue(Struct, frozen=True):
    title: str
    raised_by: str | None
    urgency: str  # A | B | C


class Note(Struct, frozen=True):
    body: str
    issue: str | None = None  # the issue it is about, or None for the meeting's own notes
    visibility: str = "group"  # group | presenter (confidential)


class Minutes(Struct, frozen=True):
    group: str
    number: int
    started_at: float
    ended_at: float | None  # None: the meeting is still in progress
    attendees: tuple[Attendee, ...] = ()
    discussed: tuple[IssueOutcome, ...] = ()
    actions: tuple[Action, ...] = ()  # in owner order (the roster's)
    carried: tuple[CarriedIssue, ...] = ()
    notes: tuple[Note, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    confidential: bool = False  # check-ins and presenter-only notes were asked for
    template: str = ""

    @property
    def ratings(self) -> list[int]:
        return [a.rating for a in self.attendees if a.rating is not None]

    @property
    def rating_average(self) -> float | None:
        ratings = self.ratings
        return round(sum(ratings) / len(ratings), 1) if ratings else None


# ---------------------------------------------------------------- Markdown


def render_markdown(minutes: Minutes, tz: tzinfo | None = None) -> str:
    """The minutes as Markdown that reads well pasted into an email. `tz`: None is local time."""
    m = minutes
    start = _local(m.started_at, tz)
    out = [f"# {_line(m.group)} — meeting {m.number}, {start:%Y-%m-%d}", ""]
    when = f"{start:%A %d %B %Y}, {start:%H:%M}"
    if m.ended_at is None:
        when += " (still in progress)"
    else:
        when += f"–{_local(m.ended_at, tz):%H:%M}"
    if m.template:
        when += f" · agenda: {_line(m.template)}"
    out += [when, ""]
    if m.confidential:
        out += [
            "**Confidential:** these minutes include check-ins and presenter-only notes. "
            "Do not forward.",
            "",
        ]

    out += ["## Attendance", ""]
    for status in ATTENDANCE_ORDER:
        names = [_line(a.name) for a in m.attendees if a.status == status]
        if names:
            out.append(f"- {status.capitalize()} ({len(names)}): {', '.join(names)}")
    if not m.attendees:
        out.append("- Nobody was recorded.")
    average = m.rating_average
    if average is not None:
        count = len(m.ratings)
        out.append(f"- Meeting rating: {average:.1f} average from {_plural(count, 'rating')}")
    words = [f"{_line(a.name)} “{_line(a.closing_word)}”" for a in m.attendees if a.closing_word]
    if words:
        out.append(f"- Closing words: {', '.join(words)}")
    out.append("")

    if m.confidential:
        out += ["## Check-in (confidential)", ""]
        out += [f"- **{_line(c.name)}:** {_block(c.summary, 2)}" for c in m.checkins]
        if not m.checkins:
            out.append("- Nothing was noted.")
        out.append("")

    out += ["## Issues and decisions", ""]
    for number, issue in enumerate(m.discussed, start=1):
        prefix = f"{number}. "
        head = f"{prefix}**{_line(issue.title)}**"
        if issue.raised_by:
            head += f" (raised by {_line(issue.raised_by)})"
        head += f" — {OUTCOME_LABELS.get(issue.outcome, _line(issue.outcome))}"
        out.append(head)
        if issue.text:
            label = TEXT_LABELS.get(issue.outcome)
            text = _block(issue.text, len(prefix))
            out.append(" " * len(prefix) + (f"{label}: {text}" if label else text))
    if not m.discussed:
        out.append("No issue was taken up.")
    out.append("")

    out += ["## Actions", ""]
    owner: str | None = None
    for action in m.actions:
        if action.owner != owner:
            owner = action.owner
            out.append(f"- **{_line(owner)}**")
        line = f"  - {_line(action.text)} — due {_line(action.due_on)}"
        if action.issue:
            line += f" (from: {_line(action.issue)})"
        if action.status != "open":
            line += f" [{_line(action.status)}]"
        out.append(line)
    if not m.actions:
        out.append("No actions were agreed.")
    out.append("")

    out += ["## Carried to the next meeting", ""]
    for carried in m.carried:
        line = f"- [{_line(carried.urgency)}] {_line(carried.title)}"
        if carried.raised_by:
            line += f" (raised by {_line(carried.raised_by)})"
        out.append(line)
    if not m.carried:
        out.append("The queue is empty.")
    out.append("")

    if m.notes:
        out += ["## Notes", ""]
        for note in m.notes:
            title = f"On “{_line(note.issue)}”" if note.issue else "Meeting notes"
            if note.visibility != "group":
                title += " (presenter only, confidential)"
            out += [f"### {title}", "", _block(note.body, 0), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _local(timestamp: float, tz: tzinfo | None) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).astimezone(tz)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _line(text: str | None) -> str:
    """One line: line breaks and tabs become spaces, other control characters visible."""
    text = (text or "").replace("\r\n", " ")
    return visible(text.replace("\n", " ").replace("\r", " ").replace("\t", " "))


def _block(text: str, indent: int) -> str:
    """Several lines, each after the first indented to stay in its list item."""
    text = visible(text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"), keep_newlines=True)
    pad = " " * indent
    return "\n".join(
        line if i == 0 or not line.strip() else pad + line for i, line in enumerate(text.split("\n"))
    )


# ---------------------------------------------------------------- JSON


def minutes_dict(minutes: Minutes, tz: tzinfo | None = None) -> dict[str, Any]:
    """The same content as a JSON-ready dict; text exactly as typed (JSON escapes it)."""
    m = minutes
    data: dict[str, Any] = {
        "format": MINUTES_FORMAT,
        "version": MINUTES_VERSION,
        "group": m.group,
        "meeting": {
            "number": m.number,
            "date": f"{_local(m.started_at, tz):%Y-%m-%d}",
            "started_at": _utc(m.started_at),
            "ended_at": None if m.ended_at is None else _utc(m.ended_at),
            "in_progress": m.ended_at is None,
            "template": m.template,
        },
        "confidential_included": m.confidential,
        "attendance": [
            {"name": a.name, "status": a.status, "rating": a.rating, "closing_word": a.closing_word}
            for a in m.attendees
        ],
        "rating_average": m.rating_average,
        "ratings": len(m.ratings),
    }
    if m.confidential:
        data["checkins"] = [{"name": c.name, "summary": c.summary} for c in m.checkins]
    data["issues"] = [
        {"title": i.title, "raised_by": i.raised_by, "outcome": i.outcome, "text": i.text}
        for i in m.discussed
    ]
    data["actions"] = [
        {"owner": a.owner, "text": a.text, "due_on": a.due_on, "issue": a.issue, "status": a.status}
        for a in m.actions
    ]
    data["carried_over"] = [
        {"title": c.title, "raised_by": c.raised_by, "urgency": c.urgency} for c in m.carried
    ]
    data["notes"] = [
        {"issue": n.issue, "visibility": n.visibility, "body": n.body} for n in m.notes
    ]
    return data


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")
