"""scripts/export_screenshots.py: every README screenshot is written, and shows what it should."""

from __future__ import annotations

import html
import importlib.util
import re
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

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
        ["Deputy Managers Circle", "Check-in (1/3)", "Up next: Zoë Okafor", "1:40 left of 5:00",
         "late", "absent"],
    ),
    "checkin-warning.svg": (24, 80, ["Up next: Zoë Okafor", "0:20 left of 5:00"]),
    "overtime.svg": (24, 80, ["Up next: Zoë Okafor", "OVERTIME +0:35 (had 5:00)"]),
    "checkin-120x40.svg": (
        40, 120, ["Deputy Managers Circle", "Up next: Zoë Okafor", "1:40 left of 5:00"]
    ),
    "wrapup.svg": (
        24,
        80,
        ["Wrap-up (3/3)", "One word to close", "8 calm", "9 ready", "Up next: Marguerite Dubois"],
    ),
}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("export_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def svg_lines(svg: str) -> list[str]:
    """The terminal lines of a Rich/Textual SVG export, as plain text."""
    lines: dict[int, list[str]] = defaultdict(list)
    for line, text in re.findall(r'<text [^>]*clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>', svg):
        lines[int(line)].append(html.unescape(text).replace("\xa0", " "))
    return ["".join(lines[index]) for index in range(max(lines) + 1)] if lines else []


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
    lines = svg_lines(svg)
    assert len(lines) == rows
    screen = "\n".join(lines)
    for text in texts:
        assert text in screen, f"{name} should show {text!r}"
    # Nothing from the throw-away folder leaks into a published image.
    assert "peertui-screenshots-" not in svg and "/tmp/" not in svg
