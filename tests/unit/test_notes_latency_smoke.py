"""The notes latency benchmark's pure helpers on small inputs (no app is launched, nothing is
timed): the Markdown filler, the keystroke plan, the screen model and its tests, percentiles."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

NOTES_LATENCY_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "notes_latency.py"


@pytest.fixture(scope="module")
def nl():
    saved_path = list(sys.path)
    had_run = "run" in sys.modules
    spec = importlib.util.spec_from_file_location("peertui_benchmarks_notes_latency",
                                                  NOTES_LATENCY_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        if not had_run:
            sys.modules.pop("run", None)  # benchmarks/run.py, imported by notes_latency.py
        sys.path[:] = saved_path


# ---------------------------------------------------------------------- the big note


def test_filler_is_markdown_of_the_asked_size_in_short_lines(nl) -> None:
    text = nl.filler_markdown(20_000)
    assert 20_000 <= len(text) < 21_000
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert sum(1 for line in lines if line.startswith("## Meeting ")) >= 10
    assert sum(1 for line in lines if line.startswith("- ")) >= 20
    assert text.endswith("\n\n")
    assert text.isascii()
    assert nl.filler_markdown(20_000) == text  # the same note every run
    assert nl.filler_markdown(20_000, width=40).splitlines()[2:] != lines[2:]
    assert max(len(line) for line in nl.filler_markdown(5_000, width=40).splitlines()) <= 40


# ---------------------------------------------------------------------- what is typed


def test_typed_lines_differ_from_their_neighbours(nl) -> None:
    assert nl.typed_line(0, 12) == "012345678901"
    assert nl.typed_line(1, 5) == "12345"
    lines = [nl.typed_line(index) for index in range(10)]
    assert len(set(lines)) == 10


def test_plan_types_digits_and_breaks_lines(nl) -> None:
    plan = nl.keystroke_plan(7, length=3)
    assert [stroke.key for stroke in plan] == [
        b"0", b"1", b"2", b"\r", b"1", b"2", b"3", b"\r", b"2",
    ]
    assert [stroke.line for stroke in plan if not stroke.enter] == [
        "0", "01", "012", "1", "12", "123", "2",
    ]
    enters = [stroke for stroke in plan if stroke.enter]
    assert [stroke.previous for stroke in enters] == ["012", "123"]
    assert sum(1 for stroke in plan if not stroke.enter) == 7
    assert not nl.keystroke_plan(6, length=3)[-1].enter  # no Enter after the last line


def test_expected_note_puts_typing_around_the_notes(nl) -> None:
    at_start = nl.keystroke_plan(4, length=3)
    at_end = nl.keystroke_plan(2, length=3)
    assert nl.typed_text(at_start) == "012\n1"
    assert nl.expected_note("# Notes\n\n", at_start, at_end) == "012\n1\n# Notes\n\n\n01"
    assert nl.expected_note("", at_start, at_end) == "012\n1\n\n01"


def test_first_difference(nl) -> None:
    assert nl.first_difference("abcdef", "abcxef") == 3
    assert nl.first_difference("abc", "abcdef") == 3
    assert nl.first_difference("same", "same") == 4


# ---------------------------------------------------------------------- percentiles


def test_percentiles_interpolate_like_numpy(nl) -> None:
    assert nl.percentile([3, 1, 2], 50) == 2
    assert nl.percentile(list(range(1, 11)), 95) == pytest.approx(9.55)
    assert nl.percentile(list(range(1, 101)), 0) == 1
    assert nl.percentile(list(range(1, 101)), 100) == 100
    assert nl.percentile([0.004], 95) == 0.004
    with pytest.raises(ValueError):
        nl.percentile([], 50)
    with pytest.raises(ValueError):
        nl.percentile([1.0], 101)
    with pytest.raises(ValueError):
        nl.percentile([1.0, 2.0], 95.5)


# ---------------------------------------------------------------------- the screen model

# What Textual 8 writes when "ab" is typed in the notes pane at 80x24 (shortened to 3 rows):
# each row of the TextArea from its padding column on, then the cursor put on the text cursor.
FRAME = (
    b"\x1b[7;40H\x1b[48;5;234m \x1b[0m\x1b[38;5;253;48;5;235mab\x1b[0m"
    b"\x1b[38;5;233;48;5;253m \x1b[0m\x1b[38;5;253;48;5;235m    \x1b[0m\x1b[48;5;234m \x1b[0m"
    b"\x1b[7;80H\r\n\x1b[8;40H\x1b[48;5;234m \x1b[0m\x1b[38;5;253;48;5;234m      \x1b[0m"
    b"\x1b[48;5;234m \x1b[0m\x1b[8;80H\x1b[7;43H"
)


def test_screen_replays_a_textual_frame(nl) -> None:
    screen = nl.Screen(80, 24)
    screen.feed(FRAME)
    assert (screen.x, screen.y) == (42, 6)  # 0-based: the cell after "ab"
    assert screen.row(6)[39:47] == " ab     "
    assert screen.find("ab") == (40, 6)
    assert nl.shows_line(screen, 40, "ab")
    assert not nl.shows_line(screen, 40, "a")  # the line is longer than that
    assert not nl.shows_line(screen, 40, "abc")  # not typed yet
    assert not nl.shows_line(screen, 41, "b")  # not from the text's first column


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64])
def test_screen_takes_output_cut_anywhere(nl, size: int) -> None:
    data = FRAME + "\x1b]0;titre é\x07ü·│".encode()  # an OSC and multi-byte characters too
    whole = nl.Screen(80, 24)
    whole.feed(data)
    pieces = nl.Screen(80, 24)
    for start in range(0, len(data), size):
        pieces.feed(data[start : start + size])
    assert pieces.rows() == whole.rows()
    assert (pieces.x, pieces.y) == (whole.x, whole.y)
    assert whole.row(6)[42:45] == "ü·│"


def test_screen_cursor_moves_erasing_and_wide_characters(nl) -> None:
    screen = nl.Screen(10, 3)
    screen.feed("hello\r\nworld")
    assert screen.rows() == ["hello     ", "world     ", "          "]
    screen.feed("\x1b[1;3H\x1b[K")  # erase from the cursor to the end of the line
    assert screen.row(0) == "he        "
    screen.feed("\x1b[2;1H\x1b[2C\x1b[?25l界x")  # a move right, a private mode, a wide char
    assert screen.row(1) == "wo界\0x     "  # one character per column
    assert screen.x == 5
    assert screen.dump().splitlines()[1] == "wo界x"
    screen.feed("\x1b[?1049h")  # the alternate screen starts empty
    assert screen.rows() == [" " * 10] * 3
    screen.feed("\x1b[3;9Habcd")  # writing past the last column wraps (and scrolls)
    assert screen.row(1) == "        ab"
    assert screen.row(2) == "cd        "
    screen.feed("\x1b[2J")
    assert screen.dump() == "\n\n"


def test_new_line_test_needs_the_cursor_under_the_left_line(nl) -> None:
    screen = nl.Screen(20, 5)
    screen.feed("\x1b[2;3H012\x1b[3;3H")  # "012" at column 2, the cursor on the next row
    assert nl.shows_new_line(screen, 2, "012")
    assert not nl.shows_new_line(screen, 2, "01")
    screen.feed("\x1b[2;6H")  # the cursor still after "012": Enter not shown yet
    assert not nl.shows_new_line(screen, 2, "012")
    assert nl.shows_line(screen, 2, "012")
