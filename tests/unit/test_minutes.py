"""Minutes laid out from plain values: Markdown for an email, and the same content as JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from peertui.core.minutes import (
    Action,
    Attendee,
    CarriedIssue,
    CheckIn,
    IssueOutcome,
    Minutes,
    Note,
    minutes_dict,
    render_markdown,
)

UTC = timezone.utc
START = datetime(2030, 3, 5, 9, 30, tzinfo=UTC).timestamp()
END = START + 2 * 3600 + 15 * 60


def minutes(**changes: object) -> Minutes:
    values: dict[str, object] = dict(
        group="Tuesday Circle",
        number=12,
        started_at=START,
        ended_at=END,
        template="Check-in, Issues, Wrap-up",
        attendees=(
            Attendee("Ann", "present", 8, "grateful"),
            Attendee("Bob", "present", 7, None),
            Attendee("Chen", "late", 9, "tired"),
            Attendee("Dee", "absent"),
        ),
        discussed=(
            IssueOutcome("Hiring a CTO", "Ann", "resolved", "Hire an interim CTO for six months"),
            IssueOutcome("Cash flow", "Bob", "parked", "Waiting for the budget"),
            IssueOutcome("Office move", None, "carried", ""),
            IssueOutcome("Rota twice", "Chen", "merged", "merged into “Rota”"),
        ),
        actions=(
            Action("Ann", "Call the recruiter", "2030-04-02", "Hiring a CTO"),
            Action("Ann", "Tell the board", "2030-04-09", None, "done"),
            Action("Bob", "Draft the job ad", "2030-03-20", "Hiring a CTO"),
        ),
        carried=(CarriedIssue("Office move", "Chen", "A"), CarriedIssue("Rota", None, "C")),
        notes=(
            Note("Good energy today.\nNext time: bring numbers."),
            Note("Options: interim or agency", "Hiring a CTO"),
        ),
    )
    values.update(changes)
    return Minutes(**values)  # type: ignore[arg-type]


def section(text: str, title: str) -> list[str]:
    """The lines of one `## title` section, blank lines dropped."""
    lines = text.splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def test_markdown_minutes_read_like_an_email() -> None:
    text = render_markdown(minutes(), tz=UTC)
    lines = text.splitlines()
    assert lines[0] == "# Tuesday Circle — meeting 12, 2030-03-05"
    assert lines[2] == "Tuesday 05 March 2030, 09:30–11:45 · agenda: Check-in, Issues, Wrap-up"
    assert "Confidential" not in text
    assert "## Check-in" not in text
    assert section(text, "Attendance") == [
        "- Present (2): Ann, Bob",
        "- Late (1): Chen",
        "- Absent (1): Dee",
        "- Meeting rating: 8.0 average from 3 ratings",
        "- Closing words: Ann “grateful”, Chen “tired”",
    ]
    assert section(text, "Issues and decisions") == [
        "1. **Hiring a CTO** (raised by Ann) — Resolved",
        "   Decision: Hire an interim CTO for six months",
        "2. **Cash flow** (raised by Bob) — Parked",
        "   Why: Waiting for the budget",
        "3. **Office move** — Carried over",
        "4. **Rota twice** (raised by Chen) — Merged",
        "   merged into “Rota”",
    ]
    assert section(text, "Actions") == [
        "- **Ann**",
        "  - Call the recruiter — due 2030-04-02 (from: Hiring a CTO)",
        "  - Tell the board — due 2030-04-09 [done]",
        "- **Bob**",
        "  - Draft the job ad — due 2030-03-20 (from: Hiring a CTO)",
    ]
    assert section(text, "Carried to the next meeting") == [
        "- [A] Office move (raised by Chen)",
        "- [C] Rota",
    ]
    assert section(text, "Notes") == [
        "### Meeting notes",
        "Good energy today.",
        "Next time: bring numbers.",
        "### On “Hiring a CTO”",
        "Options: interim or agency",
    ]
    assert text.endswith("Options: interim or agency\n")


def test_confidential_minutes_say_so_and_hold_check_ins_and_presenter_notes() -> None:
    secret = Note("The CTO candidate is my cousin", "Hiring a CTO", "presenter")
    text = render_markdown(
        minutes(
            confidential=True,
            checkins=(CheckIn("Ann", "Hard month at home"), CheckIn("Bob", "Line one\nline two")),
            notes=(secret,),
        ),
        tz=UTC,
    )
    assert "**Confidential:**" in text.splitlines()[4]
    assert section(text, "Check-in (confidential)") == [
        "- **Ann:** Hard month at home",
        "- **Bob:** Line one",
        "  line two",
    ]
    assert section(text, "Notes") == [
        "### On “Hiring a CTO” (presenter only, confidential)",
        "The CTO candidate is my cousin",
    ]


def test_user_text_cannot_break_the_layout_or_drive_the_terminal() -> None:
    text = render_markdown(
        minutes(
            group="Wipe\x1b[2J Club",
            attendees=(Attendee("Evil\x07\nName", "present", None, "a\tb"),),
            discussed=(IssueOutcome("Line one\nline two\r\nthree", "Ann", "resolved", "We\n\nagreed\rit"),),
            actions=(Action("Ann\nB", "Do\nthis", "2030-04-02"),),
            carried=(CarriedIssue("Carried\nover", None, "B"),),
        ),
        tz=UTC,
    )
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text and "\t" not in text
    assert text.startswith("# Wipe\u241b[2J Club — meeting 12")
    assert "- Present (1): Evil\u2407 Name" in text
    assert section(text, "Issues and decisions") == [
        "1. **Line one line two three** (raised by Ann) — Resolved",
        "   Decision: We",
        "   agreed",
        "   it",
    ]
    assert "\n\n   agreed" in text  # a blank line inside a list item, the item goes on
    assert section(text, "Actions") == ["- **Ann B**", "  - Do this — due 2030-04-02"]
    assert section(text, "Carried to the next meeting") == ["- [B] Carried over"]
    assert "Evil\u2407 Name “a b”" in text


def test_a_meeting_in_progress_and_an_empty_one() -> None:
    text = render_markdown(
        minutes(ended_at=None, template="", attendees=(), discussed=(), actions=(), carried=(), notes=()),
        tz=UTC,
    )
    assert text.splitlines()[2] == "Tuesday 05 March 2030, 09:30 (still in progress)"
    assert section(text, "Attendance") == ["- Nobody was recorded."]
    assert section(text, "Issues and decisions") == ["No issue was taken up."]
    assert section(text, "Actions") == ["No actions were agreed."]
    assert section(text, "Carried to the next meeting") == ["The queue is empty."]
    assert "## Notes" not in text and "rating" not in text


def test_json_minutes_hold_the_same_content_with_text_as_typed() -> None:
    data = minutes_dict(minutes(actions=(Action("Ann", "Do\nthis", "2030-04-02"),)), tz=UTC)
    assert json.loads(json.dumps(data)) == data
    assert (data["format"], data["version"], data["group"]) == ("peertui-minutes", 1, "Tuesday Circle")
    assert data["meeting"] == {
        "number": 12,
        "date": "2030-03-05",
        "started_at": "2030-03-05T09:30:00+00:00",
        "ended_at": "2030-03-05T11:45:00+00:00",
        "in_progress": False,
        "template": "Check-in, Issues, Wrap-up",
    }
    assert data["confidential_included"] is False and "checkins" not in data
    assert data["attendance"][2] == {"name": "Chen", "status": "late", "rating": 9, "closing_word": "tired"}
    assert (data["rating_average"], data["ratings"]) == (8.0, 3)
    assert data["issues"][1] == {
        "title": "Cash flow",
        "raised_by": "Bob",
        "outcome": "parked",
        "text": "Waiting for the budget",
    }
    assert data["actions"] == [
        {"owner": "Ann", "text": "Do\nthis", "due_on": "2030-04-02", "issue": None, "status": "open"}
    ]
    assert data["carried_over"][0] == {"title": "Office move", "raised_by": "Chen", "urgency": "A"}
    assert data["notes"][1] == {
        "issue": "Hiring a CTO",
        "visibility": "group",
        "body": "Options: interim or agency",
    }

    confidential = minutes_dict(minutes(confidential=True, checkins=(CheckIn("Ann", "x"),)), tz=UTC)
    assert confidential["checkins"] == [{"name": "Ann", "summary": "x"}]
    in_progress = minutes_dict(minutes(ended_at=None, attendees=()), tz=UTC)
    assert in_progress["meeting"]["in_progress"] is True and in_progress["meeting"]["ended_at"] is None
    assert (in_progress["rating_average"], in_progress["ratings"]) == (None, 0)
