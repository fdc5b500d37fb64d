"""scripts/export_screenshots.py: every README screenshot is written, and shows what it should."""

from __future__ import annotations

import html
import importlib.util
import re
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from rich.cells import cell_len

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "export_screenshots.py"

# file -> (rows, columns, texts a person would read on it)
EXPECTED = {
    "first-run.svg": (
        24, 80, ["Welcome to peertui", "Deputy Managers Circle", "1. Priya Raman", "2. Tom Whitfield"]
    ),
    "home.svg": (
        30, 100, ["Deputy Managers Circle", "Members of Deputy Managers Circle", "Łukasz Nowak"]
    ),
    "home-80x24.svg": (24, 80, ["Deputy Managers Circle", "Members of Deputy Managers Circle"]),
    "start-meeting.svg": (
        24, 80, ["Start a meeting of Deputy Managers Circle", "Check-in, Issues, Wrap-up"]
    ),
    "checkin.svg": (
        24,
        80,
        ["Deputy Managers Circle", "Check-in (1/3)", "Here: ★Priya Raman", "Up next: Zoë Okafor",
         "1:40 left of 5:00", "late", "absent"],
    ),
    "checkin-warning.svg": (24, 80, ["Up next: Zoë Okafor", "0:20 left of 5:00"]),
    "overtime.svg": (24, 80, ["Up next: Zoë Okafor", "OVERTIME +0:35 (had 5:00)"]),
    "checkin-120x40.svg": (
        40, 120, ["Deputy Managers Circle", "Up next: Zoë Okafor", "1:40 left of 5:00"]
    ),
    "queue.svg": (
        24,
        80,
        ["Issues (2/3)", "voting as Priya Raman", "4 open", "Dots", "5●", "●●●●",
         "Lone working at…", "Top of the queue: Lone working"],
    ),
    "discussion.svg": (
        24,
        80,
        ["Clarifying questions (2/5)", "Lone working at the outreach", "0:36 left of 1:00",
         "Questions only, no advice.", "o Outcome"],
    ),
    "outcome.svg": (
        24,
        80,
        ["Outcome: Lone working at the outreach team after dark", "Resolved: a decision was made",
         "Nobody visits alone after 6pm; pairs from next week",
         "Draft a buddy rota for evening visits — Tom Whitfield, due 2026-12-24"],
    ),
    "two-terminals.svg": (
        24,
        80,
        ["Here: ★Priya Raman · Tom Whitfield · Hands: ✋Tom Whitfield (new point)",
         "Clarifying questions (2/5)", "h Hand"],
    ),
    "notes.svg": (
        24,
        80,
        ["Meeting notes", "Shared with everyone in the meeting", "# Meeting 14 notes",
         "- Apologies: **Łukasz**; Daniel", "> Next meeting: 2026-12-24", "3 open"],
    ),
    "wrapup.svg": (
        24,
        80,
        ["Wrap-up (3/3)", "One word to close", "8 calm", "9 ready", "Up next: Marguerite Dubois"],
    ),
    "review.svg": (
        24,
        80,
        ["Review · Deputy Managers Circle · 13 meetings held", "Issues discussed",
         "13     2026-10-29  8/8    8.4", "1      2025-11-27"],
    ),
    "review-meeting.svg": (
        24,
        80,
        ["Meeting 13 · 2026-10-29", "8 of 8 here · average rating 8.4", "Check-in airtime",
         "Siobhán Kelly     ████", "7:05 +2:05"],
    ),
    "issue-history.svg": (
        24,
        80,
        ["Back from parental leave in February to a reshaped role", "resolved at meeting 12",
         "discussed at 3 meetings", "2026-07-09  —        carried over", "resolved"],
    ),
    "health.svg": (
        24,
        80,
        ["Health over 13 meetings · 2025-11-27 to 2026-10-29", "Average rating", "Attendance",
         "Top speaker's share", "Airtime Gini", "Commitments kept"],
    ),
    "search.svg": (
        24, 80, ["agency", "6 matches", "Inherited a 15% overspend on agency staff"]
    ),
    "too-small.svg": (
        12, 40, ["The terminal is too small (40x12).", "peertui needs 76x20"]
    ),
}
# file -> texts that must not be on it
NOT_SHOWN = {
    "two-terminals.svg": ["Start/pause"],  # a member's terminal does not drive the meeting
    "notes.svg": ["✋"],  # the hand was called before the notes
}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("export_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def svg_lines(svg: str, columns: int) -> list[str]:
    """The terminal lines of a Rich/Textual SVG export, as plain text.

    Each piece of text is put at its column (its x over the width of a cell): the export
    leaves out runs of plain spaces, so the pieces alone would run words together.
    """
    width = re.search(r'-line-0">\s*<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)
    assert width, "an SVG export clips each terminal line"
    cell = float(width.group(1)) / columns
    pieces: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for x, line, text in re.findall(
        r'<text [^>]*x="([\d.]+)" [^>]*clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>', svg
    ):
        pieces[int(line)].append((round(float(x) / cell), html.unescape(text).replace("\xa0", " ")))
    # Blank lines have no text: the number of lines is the terminal's height over a line's.
    tops = [float(y) for y in re.findall(r'-line-\d+">\s*<rect x="0" y="([\d.]+)"', svg)[:2]]
    height = re.search(r'-clip-terminal">\s*<rect x="0" y="0" width="[\d.]+" height="([\d.]+)"', svg)
    assert len(tops) == 2 and height, "an SVG export clips the terminal and each line"
    rows = round(float(height.group(1)) / (tops[1] - tops[0]))
    lines = []
    for index in range(rows):
        line, at = "", 0
        for column, text in sorted(pieces[index]):
            line += " " * max(0, column - at) + text
            at = max(at, column) + cell_len(text)
        lines.append(line.rstrip())
    return lines


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screenshots")
    with pytest.MonkeyPatch.context() as patch:  # the script must not need (or touch) the user's files
        home = out.parent / "home"
        home.mkdir()
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        assert load_script().main(["--out", str(out)]) == 0
        assert not (home / "data").exists() and not (home / "config").exists()
    return out


def view_width(svg: str) -> float:
    match = re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg)
    assert match, "an SVG export has a viewBox"
    return float(match.group(1))


def test_the_script_writes_exactly_the_expected_files(exported: Path) -> None:
    assert sorted(p.name for p in exported.iterdir()) == sorted(EXPECTED)
    assert sorted(load_script().EXPECTED) == sorted(EXPECTED)


def test_the_screenshots_have_their_terminal_widths(exported: Path) -> None:
    widths: dict[int, set[float]] = defaultdict(set)
    for name, (_, columns, _) in EXPECTED.items():
        widths[columns].add(view_width((exported / name).read_text(encoding="utf-8")))
    assert all(len(found) == 1 for found in widths.values()), widths
    by_columns = [widths[columns].pop() for columns in sorted(widths)]
    assert by_columns == sorted(by_columns) and len(set(by_columns)) == len(by_columns)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_screenshot_is_an_svg_showing_what_it_should(exported: Path, name: str) -> None:
    rows, columns, texts = EXPECTED[name]
    svg = (exported / name).read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    lines = svg_lines(svg, columns)
    assert len(lines) == rows
    screen = "\n".join(lines)
    for text in texts:
        assert text in screen, f"{name} should show {text!r}:\n{screen}"
    for text in NOT_SHOWN.get(name, []):
        assert text not in screen, f"{name} should not show {text!r}:\n{screen}"
    # Nothing from the throw-away folder leaks into a published image.
    assert "peertui-screenshots-" not in svg and "/tmp/" not in svg
