#!/usr/bin/env python3
"""peertui notes pane: keystroke-to-screen latency with 1 MB of notes, against an empty pane.

    python benchmarks/notes_latency.py            # 150 keystrokes per case (a minute or two)
    python benchmarks/notes_latency.py --quick    # 40 keystrokes per case (under ~60 s)
    python benchmarks/notes_latency.py -v --json /tmp/notes.json --profile /tmp/notes-prof

Two databases are made through the CLI (a group, 2 members) and a meeting is started through
the Store; one keeps the meeting's shared note empty, the other fills it with about 1 MB of
Markdown (60-character lines). For each, `peertui meeting GROUP --db DB` runs on its own pty
(80x24), the notes are opened (ctrl+n) and digits are typed one at a time, first at the start
of the notes (where every keystroke shifts the whole text) and then at their end. Each latency
is the time from writing the key to the pty until the pty's output shows the edited line with
the text cursor just after the new character. The output is replayed into a small model of
the terminal's screen (Screen, below), so what is checked is what a terminal would show.
Afterwards the note saved in the database must be exactly what was typed.

It reuses the helpers of benchmarks/run.py (pty processes, clean environment, /proc CPU
readers, the table). See benchmarks/README.md. Linux only (reads /proc). Exit codes as
run.py: 0 whatever the figures (--strict: 1 when a target is missed), 2 when the
measurement itself fails.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run.py sits next to this file
    sys.path.insert(0, str(HERE))

from run import (  # noqa: E402
    PEERTUI_MARKER,
    Bench,
    BenchmarkError,
    PtyProcess,
    Settings,
    format_table,
    ratio,
    read_threads_cpu_ns,
    verdict,
)

GROUP = "Notes Bench"
MEMBERS = ("Alba", "Bruno")
AGENDA = "Check-in, Issues, Wrap-up"
COLUMNS, LINES = 80, 24
NOTES_MARKER = "Meeting notes"  # the notes pane's title once ctrl+n has opened it

CTRL_N = b"\x0e"
ENTER = b"\r"
UP = b"\x1b[A"
RIGHT = b"\x1b[C"
# Textual's TextArea binds no ctrl+home / ctrl+end (8.2.8). F7 is its "select all"; with a
# selection, right moves the cursor to the selection's end: the document's. Keys a binding
# handles (F7, arrows) reach the TextArea later than keys it inserts (digits, Enter), so
# each of them is waited for before the next key is sent (see NotesBench.navigate).
F7 = b"\x1b[18~"

LINE_LENGTH = 24  # typed characters per line: well inside the pane's width, so no soft wrap
WARM_UP = 3  # the first keystrokes of each case are typed but not counted
TARGET_RATIO = 2.0  # 1 MB pane / empty pane, median and p95


# ---------------------------------------------------------------------- pure helpers

_WORDS = (
    "agreed follow up budget rota handover team shift staff review deadline escalate "
    "sickness cover training plan manager feedback meeting action risk client report "
    "weekend overtime workload priority concern support update morale quarterly audit "
    "recruit induction process policy incident customer supplier schedule forecast"
).split()
_NAMES = ("Alba", "Bruno", "Chidi", "Dana", "Emeka", "Farah", "Goran", "Hana")


def filler_markdown(chars: int, width: int = 60, seed: int = 7) -> str:
    """About `chars` characters of meeting-notes Markdown, no line longer than `width`.

    Headings, bullet points and paragraphs, wrapped like a person types them; the same text
    for the same arguments. It ends with an empty line.
    """
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    section = 0
    while size < chars:
        section += 1
        block = [f"## Meeting {section}: {rng.choice(_WORDS).capitalize()} and "
                 f"{rng.choice(_WORDS)}", ""]
        for _ in range(rng.randint(2, 4)):
            name = rng.choice(_NAMES)
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 14)))
            block += textwrap.wrap(f"- {name}: {words}.", width, subsequent_indent="  ")
        block.append("")
        sentences = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 12))).capitalize()
                     + "." for _ in range(rng.randint(3, 7))]
        block += textwrap.wrap(" ".join(sentences), width)
        block.append("")
        text = "\n".join(block) + "\n"
        parts.append(text)
        size += len(text)
    return "".join(parts)


def typed_line(index: int, length: int = LINE_LENGTH) -> str:
    """The digits typed on line `index` of a case: rotated per line, so no two of ten
    consecutive lines are alike and a finished line is never mistaken for another."""
    return "".join(str((index + position) % 10) for position in range(length))


@dataclass(frozen=True)
class Keystroke:
    key: bytes
    line: str  # a digit: the text of the cursor's line once the key is shown
    enter: bool = False  # a new line (timed apart: not one of the counted characters)
    previous: str = ""  # for Enter: the line the cursor leaves


def keystroke_plan(characters: int, length: int = LINE_LENGTH) -> list[Keystroke]:
    """`characters` digit keystrokes, an Enter after every `length` of them."""
    plan: list[Keystroke] = []
    typed = 0
    line = 0
    while typed < characters:
        text = typed_line(line, length)
        for position in range(min(length, characters - typed)):
            plan.append(Keystroke(text[position].encode(), text[: position + 1]))
            typed += 1
        if typed < characters:
            plan.append(Keystroke(ENTER, "", enter=True, previous=text))
        line += 1
    return plan


def typed_text(plan: Sequence[Keystroke]) -> str:
    """The text a plan adds to the note."""
    return "".join("\n" if stroke.enter else stroke.key.decode() for stroke in plan)


def expected_note(notes: str, at_start: Sequence[Keystroke], at_end: Sequence[Keystroke]) -> str:
    """The note once typed into as the benchmark does: Enter and Up at its start, then the
    first plan; then Enter at its very end, then the second plan."""
    return f"{typed_text(at_start)}\n{notes}\n{typed_text(at_end)}"


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (a whole number, 0..100), interpolated between closest ranks
    (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100 or q != int(q):
        raise ValueError(f"q must be a whole number within 0..100, not {q}")
    if q == 0 or len(values) == 1:
        return min(values)
    if q == 100:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


# A complete escape sequence at the start of a string: CSI (groups: parameters, final byte),
# OSC, DCS/SOS/PM/APC strings, and the two-byte escapes.
_CSI = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])")
_OTHER_ESCAPE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-OQ-WYZ\\`-~]"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_HELD = 4096  # an unfinished "escape" longer than this is not one: drop its ESC


class Screen:
    """What a terminal shows after some output: a grid of characters and the cursor.

    Only what Textual's output needs: cursor moves (CUP, CUU.., CHA, VPA), erasing (ED, EL),
    CR, LF, BS, printable text and the alternate screen (cleared on entry). Colours and modes
    are ignored. A wide character takes two cells, the second holding WIDE_TAIL, so a row's
    string has one character per column. Output may be fed in pieces cut anywhere, inside a
    UTF-8 character or an escape sequence.
    """

    WIDE_TAIL = "\0"

    def __init__(self, columns: int, lines: int) -> None:
        self.columns = columns
        self.lines = lines
        self.grid = [[" "] * columns for _ in range(lines)]
        self.x = 0
        self.y = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._held = ""

    # ------------------------------------------------------------------ reading

    def row(self, y: int) -> str:
        return "".join(self.grid[y]) if 0 <= y < self.lines else ""

    def rows(self) -> list[str]:
        return [self.row(y) for y in range(self.lines)]

    def dump(self) -> str:
        return "\n".join(row.replace(self.WIDE_TAIL, "").rstrip() for row in self.rows())

    def find(self, text: str) -> tuple[int, int] | None:
        """(x, y) of the first row holding `text`, None when the screen does not show it."""
        for y in range(self.lines):
            x = self.row(y).find(text)
            if x >= 0:
                return x, y
        return None

    # ------------------------------------------------------------------ writing

    def feed(self, data: bytes | str) -> None:
        text = self._held + (self._decoder.decode(data) if isinstance(data, bytes) else data)
        self._held = ""
        position = 0
        end = len(text)
        while position < end:
            control = _CONTROL.search(text, position)
            stop = control.start() if control else end
            if stop > position:
                self._print(text[position:stop])
                position = stop
            if control is None:
                break
            char = text[position]
            if char != "\x1b":
                self._control(char)
                position += 1
                continue
            match = _CSI.match(text, position)
            if match:
                self._csi(match[1], match[2])
                position = match.end()
                continue
            match = _OTHER_ESCAPE.match(text, position)
            if match:
                position = match.end()
                continue
            if end - position < MAX_HELD:  # maybe the rest is in the next piece
                self._held = text[position:]
                return
            position += 1  # not an escape we know: skip the ESC

    def _print(self, text: str) -> None:
        for char in text:
            width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
            if unicodedata.combining(char):
                continue
            if self.x + width > self.columns:  # autowrap
                self.x = 0
                self._line_feed()
            self.grid[self.y][self.x] = char
            if width == 2:
                self.grid[self.y][self.x + 1] = self.WIDE_TAIL
            self.x += width

    def _line_feed(self) -> None:
        if self.y + 1 < self.lines:
            self.y += 1
        else:
            del self.grid[0]
            self.grid.append([" "] * self.columns)

    def _control(self, char: str) -> None:
        if char == "\r":
            self.x = 0
        elif char == "\n":
            self._line_feed()
        elif char == "\b":
            self.x = max(0, self.x - 1)

    def _csi(self, params: str, final: str) -> None:
        private = params[:1] if params[:1] in ("<", "=", ">", "?") else ""
        params = params[len(private):]
        numbers = [int(part) if part.isdigit() else 0 for part in params.split(";")] if params else []

        def arg(index: int, default: int) -> int:
            value = numbers[index] if index < len(numbers) else 0
            return value or default

        if private:
            if private == "?" and final in "hl" and {1049, 47, 1047} & set(numbers):
                self._erase_screen()
            return
        if final in "Hf":
            self.y = min(self.lines - 1, arg(0, 1) - 1)
            self.x = min(self.columns - 1, arg(1, 1) - 1)
        elif final == "A":
            self.y = max(0, self.y - arg(0, 1))
        elif final == "B":
            self.y = min(self.lines - 1, self.y + arg(0, 1))
        elif final == "C":
            self.x = min(self.columns - 1, self.x + arg(0, 1))
        elif final == "D":
            self.x = max(0, self.x - arg(0, 1))
        elif final == "G":
            self.x = min(self.columns - 1, arg(0, 1) - 1)
        elif final == "d":
            self.y = min(self.lines - 1, arg(0, 1) - 1)
        elif final == "J":
            mode = numbers[0] if numbers else 0
            if mode in (2, 3):
                self._erase_screen()
            elif mode == 0:
                self.grid[self.y][self.x:] = [" "] * (self.columns - self.x)
                for y in range(self.y + 1, self.lines):
                    self.grid[y] = [" "] * self.columns
            elif mode == 1:
                self.grid[self.y][: self.x + 1] = [" "] * (self.x + 1)
                for y in range(self.y):
                    self.grid[y] = [" "] * self.columns
        elif final == "K":
            mode = numbers[0] if numbers else 0
            line = self.grid[self.y]
            if mode == 0:
                line[self.x:] = [" "] * (self.columns - self.x)
            elif mode == 1:
                line[: self.x + 1] = [" "] * (self.x + 1)
            else:
                self.grid[self.y] = [" "] * self.columns

    def _erase_screen(self) -> None:
        self.grid = [[" "] * self.columns for _ in range(self.lines)]


def shows_line(screen: Screen, column: int, text: str) -> bool:
    """The cursor's line holds exactly `text` from `column` on, the cursor just after it.

    Textual ends every frame by moving the terminal's cursor to the text cursor, so the
    cursor's place tells a frame painted after the keystroke from an older one (whose line
    was one character shorter, or another line altogether).
    """
    if screen.x != column + len(text):
        return False
    row = screen.row(screen.y)
    return row[column - 1 : column + len(text) + 1] == f" {text} "


def shows_new_line(screen: Screen, column: int, previous: str) -> bool:
    """After Enter: the cursor at the start of the line right under `previous`.

    The new line itself is not checked: when `previous` is on the pane's last row, Textual's
    TextArea (8.2.8) scrolls only at the next keystroke, and the cursor sits on the border.
    """
    return screen.x == column and shows_line_at(screen, column, previous, screen.y - 1)


def shows_line_at(screen: Screen, column: int, text: str, y: int) -> bool:
    return screen.row(y)[column - 1 : column + len(text) + 1] == f" {text} "


# ---------------------------------------------------------------------- a terminal


_ALWAYS = re.compile(r"(?!)")  # never matches: keeps PtyProcess calling _check on every chunk


class Terminal(PtyProcess):
    """A command on a pty whose output is replayed into a Screen as it arrives.

    PtyProcess's reader thread calls _check (with its lock held) after each chunk while
    something is watched; a watch that never matches keeps that true. A watched text counts
    once the screen shows it; an expectation (a test of the screen) records the arrival time
    of the chunk that first made it true.
    """

    def __init__(self, argv: Sequence[str], env: dict[str, str], columns: int, lines: int,
                 cwd: Path, watch: Sequence[str] = ()) -> None:
        self.screen = Screen(columns, lines)
        self.last_output = time.perf_counter()
        self._expect: Callable[[Screen], bool] | None = None
        self._met: float | None = None
        super().__init__(argv, env, columns, lines, watch=[*watch, _ALWAYS], cwd=cwd)

    def _check(self, now: float) -> None:  # reader thread, self._cond held
        self.screen.feed(bytes(self._raw))
        self._raw.clear()
        self.last_output = now
        for wanted in list(self._pending):
            if wanted is not _ALWAYS and isinstance(wanted, str) and self.screen.find(wanted):
                self.seen[wanted] = now
                self._pending.remove(wanted)
        if self._expect is not None and self._met is None and self._expect(self.screen):
            self._met = now

    def watch(self, wanted: str) -> None:  # type: ignore[override]
        with self._cond:
            self.seen.pop(wanted, None)
            if self.screen.find(wanted):
                raise BenchmarkError(f"{wanted!r} is on the screen already")
            if wanted not in self._pending:
                self._pending.append(wanted)

    def wait_for(self, wanted, timeout: float) -> float:  # type: ignore[override]
        try:
            return super().wait_for(wanted, timeout)
        except BenchmarkError as error:
            raise BenchmarkError(f"{error}\n{self.dump()}") from None

    def dump(self) -> str:
        with self._cond:
            return f"screen (cursor at x={self.screen.x}, y={self.screen.y}):\n{self.screen.dump()}"

    def text(self) -> str:
        with self._cond:
            return self.screen.dump()

    def press(self, key: bytes, expect: Callable[[Screen], bool], timeout: float) -> float:
        """Send `key`; seconds from the write until the screen first passed `expect`."""
        with self._cond:
            if expect(self.screen):
                raise BenchmarkError(f"the screen passes the test for {key!r} before it is sent"
                                     f"\n{self.screen.dump()}")
            self._expect, self._met = expect, None
        sent = time.perf_counter()
        self.send(key)
        deadline = time.monotonic() + timeout
        with self._cond:
            try:
                while self._met is None:
                    left = deadline - time.monotonic()
                    if left <= 0 or self.eof:
                        why = "the process ended" if self.eof else f"not within {timeout:g} s"
                        raise BenchmarkError(f"{key!r} was never shown ({why})\n"
                                             f"cursor x={self.screen.x} y={self.screen.y}\n"
                                             f"{self.screen.dump()}")
                    self._cond.wait(min(left, 0.1))
                return self._met - sent
            finally:
                self._expect = None

    def cursor(self) -> tuple[int, int]:
        with self._cond:
            return self.screen.x, self.screen.y

    def send_and_settle(self, key: bytes, quiet: float, timeout: float) -> None:
        """Send `key`, then wait for output after it and `quiet` seconds without any more."""
        sent = time.perf_counter()
        self.send(key)
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.last_output <= sent and not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchmarkError(f"nothing was shown after {key!r} within {timeout:g} s"
                                         f"\n{self.screen.dump()}")
                self._cond.wait(min(left, 0.1))
        self.settle(quiet, timeout)

    def settle(self, quiet: float, timeout: float) -> None:
        """Wait until nothing has come out for `quiet` seconds (at most `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                idle = time.perf_counter() - self.last_output
            if idle >= quiet:
                return
            time.sleep(min(quiet - idle, 0.05) + 0.001)


# ---------------------------------------------------------------------- the benchmark


@dataclass
class Case:
    """Typing in one place of one pane."""

    pane: str  # empty | full
    where: str  # end | start
    latencies: list[float] = field(default_factory=list)  # seconds, characters only
    enters: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    open_seconds: float = 0.0  # ctrl+n until the pane shows its title (same for both places)
    saved_as_typed: bool | None = None  # the note in the database afterwards, as typed

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    @property
    def cpu_per_key(self) -> float:
        return self.cpu_seconds / max(1, len(self.latencies) + len(self.enters))

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.wall_seconds if self.wall_seconds else 0.0


class NotesBench:
    def __init__(self, bench: Bench, args: argparse.Namespace) -> None:
        self.bench = bench
        self.args = args
        self.problems: list[str] = []  # what went wrong in peertui without spoiling the figures

    def log(self, message: str) -> None:
        self.bench.log(message)

    def cli(self, db: Path, *argv: str) -> None:
        run = subprocess.run([*self.bench.peertui, *argv, "--db", str(db)], env=self.bench.env(),
                             capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            raise BenchmarkError(f"peertui {' '.join(argv)} failed: {run.stderr.strip()}")

    def make_db(self, name: str, notes: str) -> Path:
        """A database with the group, its members and a meeting whose note holds `notes`."""
        db = self.bench.workdir / name
        self.cli(db, "group", "add", GROUP)
        for member in MEMBERS:
            self.cli(db, "member", "add", GROUP, member)
        meeting_id = asyncio.run(_start_meeting(db, notes))
        self.log(f"  {name}: meeting {meeting_id}, {len(notes):,} characters of notes")
        return db

    def spawn(self, db: Path) -> Terminal:
        command = ["meeting", GROUP, "--db", str(db)]
        argv = [*self.bench.peertui, *command]
        if self.args.profile:  # the same Python the console script runs
            out = self.args.profile / f"{db.stem}.prof"
            argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "peertui", *command]
        return Terminal(argv, self.bench.env(COLUMNS, LINES), COLUMNS, LINES,
                        cwd=self.bench.workdir, watch=[PEERTUI_MARKER])

    def measure(self, pane: str, db: Path, notes: str) -> list[Case]:
        """One peertui on `db`: the notes opened, typing at their start, then at their end;
        then the saved note is checked against what was typed."""
        timeout = self.args.timeout
        terminal = self.spawn(db)
        plans = {where: keystroke_plan(self.args.keys + WARM_UP) for where in ("start", "end")}
        try:
            terminal.wait_for(PEERTUI_MARKER, timeout)
            terminal.settle(0.3, 5)
            terminal.watch(NOTES_MARKER)
            opened = time.perf_counter()
            terminal.send(CTRL_N)
            terminal.wait_for(NOTES_MARKER, timeout)
            with terminal._cond:
                open_seconds = terminal.seen[NOTES_MARKER] - opened
                where = terminal.screen.find(NOTES_MARKER)
            assert where is not None
            column = where[0]  # the title and the TextArea share the pane's padding
            terminal.settle(0.5, timeout)
            self.log(f"  {pane}: notes open in {open_seconds * 1000:.0f} ms, text from column "
                     f"{column + 1}")
            cases = []
            for place in ("start", "end"):
                case = Case(pane, place, open_seconds=open_seconds)
                self.navigate(terminal, place, column)
                self.type_into(terminal, case, plans[place], column)
                cases.append(case)
            time.sleep(1.0)  # past the last save (every quarter of a second)
        finally:
            terminal.close(quit_timeout=10 if self.args.profile else 3)
        saved = asyncio.run(_read_note(db))
        wanted = expected_note(notes, plans["start"], plans["end"])
        for case in cases:
            case.saved_as_typed = saved == wanted
        if saved != wanted:
            start = first_difference(saved, wanted)
            message = (f"{pane} pane: the saved note is not what was typed ({len(saved):,} "
                       f"characters, {len(wanted):,} expected; first difference at {start:,}: "
                       f"{saved[start:start + 30]!r} instead of {wanted[start:start + 30]!r})")
            if len(saved) < len(notes):
                raise BenchmarkError(message + "; the note was not typed into as planned")
            self.problems.append(message)
        return cases

    def navigate(self, terminal: Terminal, where: str, column: int) -> None:
        """Put the cursor on a new empty line, the note's first (`start`) or last (`end`).

        Keys that go through a binding (arrows, F7) are each waited for: they reach the
        TextArea after keys it handles itself, such as the next digit or Enter, and a digit
        typed while F7's selection is still there would replace the whole note.
        """
        timeout = self.args.timeout
        if where == "start":  # the cursor is at the note's start since it opened
            # Until the cursor first moves, Textual may leave the terminal's cursor elsewhere;
            # after Enter it has moved to the start of the note's second line, under an
            # empty one.
            before = terminal.cursor()

            def moved(screen) -> bool:
                return (
                    (screen.x, screen.y) != before and screen.x == column and screen.y > 0
                    and screen.row(screen.y - 1)[column - 1 : column + 1] == "  "
                )

            terminal.press(ENTER, moved, timeout)
            _, second = terminal.cursor()
            terminal.press(UP, lambda screen: (screen.x, screen.y) == (column, second - 1),
                           timeout)
        else:
            terminal.send_and_settle(F7, 0.3, timeout)
            terminal.send_and_settle(RIGHT, 0.3, timeout)
            terminal.send_and_settle(ENTER, 0.3, timeout)
        terminal.settle(0.5, timeout)

    def type_into(self, terminal: Terminal, case: Case, plan: Sequence[Keystroke],
                  column: int) -> None:
        timeout = self.args.timeout
        interval = self.args.interval
        pid = terminal.pid
        cpu_before = wall_before = None
        last_sent = 0.0
        for index, stroke in enumerate(plan):
            if index == WARM_UP:
                cpu_before, wall_before = read_threads_cpu_ns(pid), time.perf_counter()
            wait = last_sent + interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            last_sent = time.perf_counter()
            if stroke.enter:
                test = _new_line_test(column, stroke.previous)
            else:
                test = _line_test(column, stroke.line)
            seconds = terminal.press(stroke.key, test, timeout)
            if index < WARM_UP:
                continue
            (case.enters if stroke.enter else case.latencies).append(seconds)
        cpu_after, wall_after = read_threads_cpu_ns(pid), time.perf_counter()
        if cpu_before is None or cpu_after is None or wall_before is None:
            raise BenchmarkError("no /proc/PID/task/*/schedstat to read CPU time from")
        case.cpu_seconds = (cpu_after - cpu_before) / 1e9
        case.wall_seconds = wall_after - wall_before
        self.log(f"  {case.pane}, typing at the {case.where}: median {case.median * 1000:.1f} ms, "
                 f"p95 {case.p95 * 1000:.1f} ms, max {max(case.latencies) * 1000:.1f} ms, "
                 f"CPU {case.cpu_per_key * 1000:.1f} ms a key ({case.cpu_share:.0%} of a core)")


def first_difference(a: str, b: str) -> int:
    """Where two texts first differ (the length of the shorter when one starts the other)."""
    return len(os.path.commonprefix([a, b]))


def _line_test(column: int, text: str) -> Callable[[Screen], bool]:
    return lambda screen: shows_line(screen, column, text)


def _new_line_test(column: int, previous: str) -> Callable[[Screen], bool]:
    return lambda screen: shows_new_line(screen, column, previous)


async def _read_note(db: Path) -> str:
    """The text of the meeting's note as saved (every stored edit folded in)."""
    from peertui.store import Store
    from peertui.store.notes import NoteDoc

    store = await Store.open(db)
    try:
        group = await store.find_group(GROUP)
        meeting_id = await store.meeting_in_progress(group.id)
        if meeting_id is None:
            raise BenchmarkError("the meeting is no longer in progress")
        return str(NoteDoc((await store.open_note(meeting_id)).state))
    finally:
        await store.close()


async def _start_meeting(db: Path, notes: str) -> int:
    from peertui.core.agenda import preset
    from peertui.store import Store
    from peertui.store.notes import NoteDoc

    store = await Store.open(db)
    try:
        group = await store.find_group(GROUP)
        meeting_id = await store.start_meeting(group.id, preset(AGENDA))
        snapshot = await store.open_note(meeting_id)
        if notes:
            update = NoteDoc(snapshot.state).edit_to(notes)
            assert update is not None and snapshot.note_id is not None
            await store.save_note_update(snapshot.note_id, update)
            await store.compact_notes(meeting_id)
        return meeting_id
    finally:
        await store.close()


# ---------------------------------------------------------------------- the report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _yes(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "NO")


def verdict_yes(*cases: Case) -> str:
    return "pass" if all(case.saved_as_typed for case in cases) else "MISS"


def table_rows(empty: Sequence[Case], full: Sequence[Case]) -> list[list[str]]:
    rows: list[list[str]] = []
    for small, big in zip(empty, full):
        n = len(small.latencies)
        for label, value, target in (
            ("median", lambda case: case.median, TARGET_RATIO),
            ("p95", lambda case: case.p95, TARGET_RATIO),
        ):
            factor = ratio(value(big), value(small))
            rows.append([f"keystroke to screen, typing at the {small.where}, {label} (n={n})",
                         _ms(value(small)), _ms(value(big)), f"{factor:.2f}x",
                         f"<= {target:g}x", verdict(factor, target)])
        factor = ratio(big.cpu_per_key, small.cpu_per_key)
        rows.append([f"CPU per keystroke, typing at the {small.where}",
                     f"{small.cpu_per_key * 1000:.1f} ms", f"{big.cpu_per_key * 1000:.1f} ms",
                     f"{factor:.2f}x", "-", "info"])
    small, big = empty[0], full[0]
    rows.append(["saved note is what was typed", _yes(small.saved_as_typed),
                 _yes(big.saved_as_typed), "", "yes", verdict_yes(small, big)])
    rows.append(["opening the notes (ctrl+n to title)", _ms(small.open_seconds),
                 _ms(big.open_seconds), f"{ratio(big.open_seconds, small.open_seconds):.2f}x",
                 "-", "info"])
    return rows


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="40 keystrokes per case instead of 150 (under ~60 s)")
    parser.add_argument("--keys", type=int, help="counted keystrokes per case (default 150)")
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between keystrokes, a fast typist's pace; a key is never "
                        "sent before the previous one is shown (default 0.1)")
    parser.add_argument("--notes-kb", type=int, default=1000,
                        help="size of the big note in thousands of characters (default 1000)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for a screen before giving up (default 30)")
    parser.add_argument("--profile", metavar="DIR", type=Path,
                        help="run peertui under cProfile, writing DIR/empty.prof and DIR/full.prof"
                        " (the figures are then slower than usual)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each case")
    args = parser.parse_args(argv)
    if args.keys is None:
        args.keys = 40 if args.quick else 150
    if args.keys < 2 or args.interval < 0 or args.notes_kb < 1:
        parser.error("--keys must be at least 2, --interval not negative, --notes-kb at least 1")
    if args.keys + WARM_UP > 10 * LINE_LENGTH:
        parser.error(f"--keys must be at most {10 * LINE_LENGTH - WARM_UP} (ten lines of typing)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path("/proc/self/stat").exists():
        print("benchmarks/notes_latency.py needs Linux (/proc)", file=sys.stderr)
        return 2
    if args.profile:
        args.profile = args.profile.absolute()
        args.profile.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="peertui-notes-bench-"))
    began = time.monotonic()
    full_name = f"{args.notes_kb / 1000:g} MB pane"
    try:
        settings = Settings(repeats=1, cpu_window=0, settle=0, sizes=[(COLUMNS, LINES)],
                            timeout=args.timeout)
        bench = Bench(workdir, settings, verbose=args.verbose)
        notes = NotesBench(bench, args)
        print(f"peertui notes latency: {args.keys} keystrokes per case, one every "
              f"{args.interval * 1000:g} ms at most, {COLUMNS}x{LINES}, "
              f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
        text = filler_markdown(args.notes_kb * 1000)
        empty_db = notes.make_db("empty.db", "")
        full_db = notes.make_db("full.db", text)
        empty = notes.measure("empty", empty_db, "")
        full = notes.measure("full", full_db, text)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    rows = table_rows(empty, full)
    print()
    print(format_table(["metric", "empty pane", full_name, "ratio", "target", "result"], rows))
    print()
    lines = text.count("\n")
    print(f"  the big note: {len(text):,} characters, {lines:,} lines")
    for case in (*empty, *full):
        enter = f", Enter median {_ms(statistics.median(case.enters))}" if case.enters else ""
        print(f"  {case.pane} pane, typing at the {case.where}: {_ms(min(case.latencies))}.."
              f"{_ms(max(case.latencies))}{enter}; CPU {case.cpu_share:.0%} of a core over "
              f"{case.wall_seconds:.1f} s")
    print("  CPU: peertui's threads, /proc/PID/task/*/schedstat, from the first counted keystroke"
          " until the last one is shown")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"  load average at the end: {load} ({os.cpu_count()} CPUs); other work on the machine"
          " shows directly in the latencies")
    for problem in notes.problems:
        print(f"  PROBLEM: {problem}")
    if args.profile:
        print(f"  profiles (cProfile, main thread): {args.profile}/empty.prof, "
              f"{args.profile}/full.prof")
    print(f"\n({time.monotonic() - began:.0f} s)")
    missed = [row for row in rows if row[-1] == "MISS"]
    if args.json:
        args.json.write_text(json.dumps({
            "rows": [dict(zip(["metric", "empty", "full", "ratio", "target", "result"], row))
                     for row in rows],
            "cases": [asdict(case) | {"median": case.median, "p95": case.p95,
                                      "cpu_per_key": case.cpu_per_key}
                      for case in (*empty, *full)],
        }, indent=2))
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
