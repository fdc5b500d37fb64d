#!/usr/bin/env python3
"""peertui change propagation: how fast one terminal's change shows in every other.

    python benchmarks/propagation.py                    # 2 and 15 terminals, 30 changes each
    python benchmarks/propagation.py --quick            # fewer changes, shorter windows (< ~60 s)
    python benchmarks/propagation.py --terminals 2,15 --changes 30 -v

This process is the facilitator: it joins the meeting first through its own Store, then N
terminals (`peertui meeting Load --as NAME`, each a real process on its own pty, 80x24) join
as members. It makes changes (timer start, next, previous, pause, a move in the round's
order, a member marked absent), each one altering a text on every terminal ("Up next: NAME"
or "Paused ·"), and times from the moment its commit returns until that text reaches each
terminal's pty. It also measures the terminals' CPU (while changes arrive, and while the
meeting just runs) against benchmarks/minimal_app.py --tick measured at the same time,
watches every terminal's output for "locked", and checks that all terminals end in step.

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
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run.py sits next to this file
    sys.path.insert(0, str(HERE))

from run import (  # noqa: E402
    COUNTDOWN_MARKER,
    CTRL_Q,
    MINIMAL_MARKER,
    PEERTUI_MARKER,
    Bench,
    BenchmarkError,
    PtyProcess,
    Settings,
    format_table,
    read_cpu_seconds,
    read_threads_cpu_ns,
    strip_ansi,
)

GROUP = "Load"
AGENDA = "Check-in, Issues, Wrap-up"
# 16 members, none a prefix of another, so "Up next: NAME" is never found inside a longer name.
MEMBERS = (
    "Alba", "Bruno", "Chidi", "Dana", "Emeka", "Farah", "Goran", "Hana",
    "Ivo", "Jun", "Kofi", "Lena", "Mateo", "Noor", "Omar", "Priya",
)
MAX_TERMINALS = len(MEMBERS) - 1  # the first member is the facilitator (this process)
COLUMNS, LINES = 80, 24

PAUSED_MARKER = "Paused ·"  # the state line under the countdown while the speaker's clock is paused
UP_NEXT = re.compile(r"Up next: (\w+)")
# Counted in every terminal's whole output; "locked" is the target, the others are notes.
PROBLEM_WORDS = ("locked", "traceback", "transaction", "not facilitating")

TARGET_MEDIAN_MS = 150.0
TARGET_P99_MS = 300.0
TARGET_CPU_RATIO = 1.5
LOST_AFTER_S = 5.0  # a change not shown within this is counted lost (infinitely late)
HEARTBEAT_EVERY_S = 1.8  # the driver's own heartbeat; peertui forgets a session after 6 s

# The measured changes cycle through these kinds; "step" is next (or previous, on the way
# back: the round goes forth and back so it never runs out of speakers).
CYCLE = ("step", "move", "step", "pause", "step", "absent", "step", "step")
KIND_LABELS = {
    "start": "timer start",
    "next": "timer next",
    "previous": "timer previous",
    "pause": "timer pause",
    "move": "round order (queue edit)",
    "absent": "attendance (absent)",
}


# ---------------------------------------------------------------------- pure helpers


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), interpolated between closest ranks (numpy's default).

    inf values (lost updates) sort last; a percentile that reaches one is inf.
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0..100, not {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return ordered[low]
    fraction = position - low
    if math.isinf(ordered[high]):
        return ordered[high]
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


# The escape sequences strip_ansi knows, only when complete. A chunk of output can end in the
# middle of one; it is held back until the rest arrives, so "\x1b[3" + "1mUp next" never
# leaves a stray "1m" in the text. The two-byte escapes exclude the introducers [ ] P X ^ _.
_COMPLETE_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-OQ-WYZ\\`-~]"
)
MAX_HELD = 4096  # an "escape" longer than this is not one we know: let it through


def split_incomplete_escape(text: str) -> tuple[str, str]:
    """(text ready to strip, trailing escape sequence that may still be incomplete)."""
    start = text.rfind("\x1b")
    if start < 0 or _COMPLETE_ESCAPE.match(text, start) or len(text) - start > MAX_HELD:
        return text, ""
    return text[:start], text[start:]


class OutputLog:
    """A terminal's output as plain text, fed chunk by chunk as it arrives from the pty.

    Escape sequences are stripped (run.py's strip_ansi) and UTF-8 decoded incrementally, each
    byte once, so a chunk boundary inside a character or an escape sequence changes nothing.
    Positions are absolute (characters since the start), so a caller can mark "now" and later
    search only what came after. Only the last `keep` characters are kept (a rolling buffer);
    words are counted in everything that ever went through, across chunk boundaries too.
    """

    def __init__(self, keep: int = 1 << 21, words: Sequence[str] = ()) -> None:
        self.keep = keep
        self.text = ""
        self.base = 0  # absolute position of text[0]
        self.counts = {word: 0 for word in words}
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._held = ""

    @property
    def end(self) -> int:
        """Absolute position just past the last character so far: a mark for "from now on"."""
        return self.base + len(self.text)

    def feed(self, chunk: bytes) -> int:
        """Add raw output; returns the absolute position where its text starts."""
        start = self.end
        ready, self._held = split_incomplete_escape(self._held + self._decoder.decode(chunk))
        new = strip_ansi(ready)
        if not new:
            return start
        for word in self.counts:
            # The tail is shorter than the word: every match in the window ends in `new`,
            # and none was counted before.
            tail = self.text[-(len(word) - 1):] if len(word) > 1 else ""
            self.counts[word] += (tail + new).lower().count(word.lower())
        self.text += new
        if len(self.text) > self.keep:
            drop = len(self.text) - self.keep // 2
            self.text = self.text[drop:]
            self.base += drop
        return start

    def find(self, wanted: str, since: int = 0) -> int:
        """Absolute position of the first `wanted` at or after `since`, -1 when none."""
        index = self.text.find(wanted, max(0, since - self.base))
        return -1 if index < 0 else self.base + index

    def last(self, pattern: re.Pattern[str], since: int = 0) -> re.Match[str] | None:
        """The last match of `pattern` in the text from `since` on (positions relative to it)."""
        found = None
        for found in pattern.finditer(self.text, max(0, since - self.base)):
            pass
        return found


def countdown_seconds(status: str) -> int | None:
    """Seconds left in a state line such as "0:52 left of 1:00"; None when there is none."""
    match = re.search(r"(\d+):(\d\d) left of", status)
    return None if match is None else int(match[1]) * 60 + int(match[2])


@dataclass(frozen=True)
class Change:
    kind: str  # start, next, previous, pause, move, absent (measured); present (restores)
    member_id: int | None  # whom it is about (move, absent, present)
    expect_id: int | None  # "Up next" after it; None for pause (its text is PAUSED_MARKER)
    forward: bool  # which way the round is going (next or previous)


def plan_change(the_round, index: int, forward: bool, now: float = 0.0) -> Change:
    """The measured change number `index` (from 0), given the check-in round as it stands.

    Each one alters what every terminal shows; the expected "Up next" is computed with the
    same pure Round operations the store applies, so it cannot drift from peertui's own.
    """
    if not the_round.is_started:
        return Change("start", None, the_round.start_round(now).up_next, forward)
    pending = [turn.member_id for turn in the_round.turns if turn.status.is_pending]
    settled = sum(1 for turn in the_round.turns
                  if not turn.status.is_pending and turn.member_id != the_round.speaker)
    wanted = CYCLE[index % len(CYCLE)]
    clock = the_round.current_clock
    if wanted == "pause" and clock is not None and clock.is_running:
        return Change("pause", None, None, forward)
    if wanted in ("move", "absent") and len(pending) >= 2:
        first = pending[0]
        if wanted == "move":  # what store.move_in_round(first, +1) does
            after = the_round.reorder([pending[1], first, *pending[2:]])
        else:
            after = the_round.remove_member(first, now)
        return Change(wanted, first, after.up_next, forward)
    if forward and len(pending) < 2:
        forward = False
    if not forward and settled < 1:
        forward = True
    after = the_round.next(now) if forward else the_round.previous(now)
    return Change("next" if forward else "previous", None, after.up_next, forward)


# ---------------------------------------------------------------------- a terminal


_ALWAYS = re.compile(r"(?!)")  # never matches: keeps PtyProcess calling _check on every chunk


class Terminal(PtyProcess):
    """`peertui meeting` on a pty, its output kept as an OutputLog.

    PtyProcess's reader thread calls _check (with its lock held) after each chunk while
    something is watched; a watch that never matches keeps that true, so every chunk goes
    through the log once. watch() marks the end of the output so far: a watched text counts
    only if it arrives after the mark, however little of the screen the app repaints.
    """

    def __init__(self, argv: Sequence[str], env: dict[str, str], label: str, cwd: Path) -> None:
        self.label = label
        self.log = OutputLog(words=PROBLEM_WORDS)
        self._since: dict[str, int] = {}
        super().__init__(argv, env, COLUMNS, LINES, watch=[PEERTUI_MARKER, _ALWAYS], cwd=cwd)

    def _check(self, now: float) -> None:  # reader thread, self._cond held
        new_at = self.log.feed(bytes(self._raw))
        self._raw.clear()
        for wanted in list(self._pending):
            if wanted is _ALWAYS:
                continue
            since = max(self._since.get(wanted, 0), new_at - len(wanted) + 1)
            if self.log.find(wanted, since) >= 0:
                self.seen[wanted] = now
                self._pending.remove(wanted)

    def watch(self, wanted: str) -> None:  # type: ignore[override]
        with self._cond:
            self.seen.pop(wanted, None)
            self._since[wanted] = self.log.end
            if wanted not in self._pending:
                self._pending.append(wanted)

    def text(self) -> str:
        with self._cond:
            return self.log.text

    def tail(self, chars: int = 600) -> str:
        return self.text()[-chars:]

    def problems(self) -> dict[str, int]:
        with self._cond:
            return dict(self.log.counts)

    def last(self, pattern: re.Pattern[str]) -> str | None:
        with self._cond:
            match = self.log.last(pattern)
        return None if match is None else match[0]


# ---------------------------------------------------------------------- the benchmark


@dataclass
class LoadRun:
    """One meeting with N terminals."""

    terminals: int
    changes: int
    first_paint_s: float  # spawn of all until the last one painted
    delays_s: list[float] = field(default_factory=list)  # per terminal per change; inf: lost
    delays_by_kind: dict[str, list[float]] = field(default_factory=dict)
    change_window_s: float = 0.0
    change_cpu_s: list[float] = field(default_factory=list)  # per terminal, schedstat
    change_cpu_stat_s: list[float] = field(default_factory=list)  # per terminal, /proc/PID/stat
    minimal_change_cpu_s: float = 0.0
    idle_window_s: float = 0.0
    idle_cpu_s: list[float] = field(default_factory=list)
    idle_cpu_stat_s: list[float] = field(default_factory=list)
    minimal_idle_cpu_s: float = 0.0
    minimal_idle_cpu_stat_s: float = 0.0
    problems: dict[str, int] = field(default_factory=dict)  # summed over the terminals
    driver_cpu_s: float = 0.0  # this process (the facilitator and the pty readers), changes window
    load_before: float = 0.0  # 1-minute load average when the run began, and when it ended
    load_after: float = 0.0
    final_up_next: str = ""
    same_up_next: int = 0
    countdown_expected: int | None = None
    countdowns: list[int | None] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return sum(1 for delay in self.delays_s if math.isinf(delay))

    @property
    def median_ms(self) -> float:
        return percentile(self.delays_s, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.delays_s, 99) * 1000

    def per_second(self, cpu: Sequence[float] | float, window: float) -> float:
        """Milliseconds of CPU per second of wall time (per terminal when given a list)."""
        value = statistics.fmean(cpu) if isinstance(cpu, Sequence) else cpu
        return value / window * 1000 if window else 0.0

    @property
    def idle_ratio(self) -> float:
        return _ratio(statistics.fmean(self.idle_cpu_s), self.minimal_idle_cpu_s)

    @property
    def change_ratio(self) -> float:
        return _ratio(statistics.fmean(self.change_cpu_s), self.minimal_change_cpu_s)

    @property
    def countdown_spread(self) -> int | None:
        values = [value for value in self.countdowns if value is not None]
        if len(values) != len(self.countdowns) or not values:
            return None
        return max(values) - min(values)


def _ratio(value: float, baseline: float) -> float:
    if baseline == 0:
        return 0.0 if value == 0 else float("inf")
    return value / baseline


class Propagation:
    def __init__(self, bench: Bench, args: argparse.Namespace) -> None:
        self.bench = bench
        self.args = args
        self.rng = random.Random(args.seed)
        self._heart: asyncio.Task[None] | None = None

    def log(self, message: str) -> None:
        if self.args.verbose:
            print(message, file=sys.stderr, flush=True)

    # -------------------------------------------------------------- data, through the CLI

    def cli(self, *argv: str) -> str:
        run = subprocess.run(
            [*self.bench.peertui, *argv, "--db", str(self.bench.db)],
            env=self.bench.env(), capture_output=True, text=True, timeout=60,
            cwd=self.bench.workdir,
        )
        if run.returncode != 0:
            raise BenchmarkError(f"peertui {' '.join(argv)} failed: {run.stderr.strip()}")
        return run.stdout

    def make_data(self) -> None:
        """The group (1-minute check-in turns) and its 16 members; the meeting starts later,
        in a copy of this database for each run."""
        self.cli("group", "add", GROUP, "--checkin-minutes", "1")
        for name in MEMBERS:
            self.cli("member", "add", GROUP, name)
        members = json.loads(self.cli("member", "list", GROUP, "--json"))
        if [m["name"] for m in members if m["active"]] != list(MEMBERS):
            raise BenchmarkError(f"the group's members are not the expected ones: {members}")

    # -------------------------------------------------------------- one meeting, N terminals

    def spawn(self, db: Path, name: str) -> Terminal:
        argv = [*self.bench.peertui, "meeting", GROUP, "--as", name, "--db", str(db)]
        return Terminal(argv, self.bench.env(COLUMNS, LINES), name, self.bench.workdir)

    async def measure(self, n: int) -> LoadRun:
        from peertui.core.agenda import preset
        from peertui.store import Store

        load_before = os.getloadavg()[0]
        db = self.bench.copy_db(f"load-{n}.db")
        store = await Store.open(db, actor="bench-facilitator")
        writing = asyncio.Lock()  # one transaction at a time on the driver's connection
        terminals: list[Terminal] = []
        minimal: PtyProcess | None = None
        self._heart = None
        try:
            group = await store.find_group(GROUP)
            members = await store.list_members(group.id, include_inactive=False)
            names = {member.id: member.name for member in members}
            meeting_id = await store.start_meeting(group.id, preset(AGENDA))
            # First to join facilitates: before any terminal is started.
            if not await store.join_meeting(meeting_id, members[0].id):
                raise BenchmarkError("the benchmark did not get the facilitator's role")
            self._heart = asyncio.create_task(self._heartbeat(store, writing))

            began = time.perf_counter()
            minimal = self.bench.launch("minimal", COLUMNS, LINES, tick=True)
            terminals = [self.spawn(db, member.name) for member in members[1 : n + 1]]
            await self._wait_painted(terminals, minimal)
            first_paint = max(t.seen[PEERTUI_MARKER] for t in terminals) - began
            self.log(f"N={n}: all {n} terminals painted in {first_paint:.1f} s")
            await self._wait_joined(store, meeting_id, n + 1)
            await asyncio.sleep(self.args.settle)

            result = LoadRun(terminals=n, changes=self.args.changes, first_paint_s=first_paint,
                             load_before=load_before)
            await self._changes(store, writing, meeting_id, names, terminals, minimal, result)
            await self._idle(store, writing, meeting_id, names, terminals, minimal, result)
            for terminal in terminals:
                if terminal.proc.poll() is not None:
                    raise BenchmarkError(f"terminal {terminal.label} ended during the run: "
                                         f"{terminal.tail()!r}")
        finally:
            if self._heart is not None:
                self._heart.cancel()
                try:
                    await self._heart
                except (asyncio.CancelledError, Exception):  # stopped, or already reported
                    pass
            for terminal in terminals:  # all quit at once, then wait for each
                try:
                    terminal.send(CTRL_Q)
                except OSError:
                    pass
            for process in [*terminals, *([minimal] if minimal else [])]:
                process.close()
            try:
                await store.leave_meetings()
            finally:
                await store.close()
        totals: dict[str, int] = {}
        for terminal in terminals:
            for word, count in terminal.problems().items():
                totals[word] = totals.get(word, 0) + count
        result.problems = totals
        result.load_after = os.getloadavg()[0]
        return result

    async def _heartbeat(self, store, writing: asyncio.Lock) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_EVERY_S)
            async with writing:
                await store.heartbeat()

    def _check_heart(self) -> None:
        """The facilitator must never look gone: a failed heartbeat ends the measurement."""
        heart = self._heart
        if heart is not None and heart.done() and not heart.cancelled():
            error = heart.exception()
            raise BenchmarkError(f"the facilitator's heartbeat stopped: {error}")

    async def _wait_painted(self, terminals: list[Terminal], minimal: PtyProcess) -> None:
        deadline = time.monotonic() + self.args.timeout
        while True:
            waiting = [t for t in terminals if PEERTUI_MARKER not in t.seen]
            for terminal in waiting:
                if terminal.eof or terminal.proc.poll() is not None:
                    raise BenchmarkError(f"terminal {terminal.label} ended before painting: "
                                         f"{terminal.tail()!r}")
            if not waiting and MINIMAL_MARKER in minimal.seen:
                return
            if time.monotonic() > deadline:
                who = ", ".join(t.label for t in waiting) or "the minimal app"
                raise BenchmarkError(f"not painted within {self.args.timeout:g} s: {who}")
            await asyncio.sleep(0.02)

    async def _wait_joined(self, store, meeting_id: int, sessions: int) -> None:
        deadline = time.monotonic() + self.args.timeout
        while True:
            here = len((await store.presence(meeting_id)).sessions)
            if here >= sessions:
                return
            if time.monotonic() > deadline:
                raise BenchmarkError(f"only {here} of {sessions} sessions joined the meeting")
            await asyncio.sleep(0.1)

    # The round operations, as the meeting screen's keys apply them (space, n, p).
    ROUND_OPERATIONS: dict[str, tuple[Callable, str]] = {
        "start": (lambda r, now: r.start_round(now), "start"),
        "next": (lambda r, now: r.next(now), "next"),
        "previous": (lambda r, now: r.previous(now), "previous"),
        "pause": (lambda r, now: r.toggle_pause(now), "toggle"),
    }

    async def _apply(self, store, writing: asyncio.Lock, meeting_id: int, change: Change) -> float:
        """Make the change; returns the moment its commit returned (perf_counter)."""
        from peertui.core.rules import InvalidInput
        from peertui.store import StoreError

        self._check_heart()
        async with writing:
            try:
                if change.kind in self.ROUND_OPERATIONS:
                    operation, what = self.ROUND_OPERATIONS[change.kind]
                    await store.change_round(meeting_id, "checkin", operation, what)
                elif change.kind == "move":
                    await store.move_in_round(meeting_id, "checkin", change.member_id, 1)
                elif change.kind in ("absent", "present"):
                    await store.set_attendance(meeting_id, change.member_id, change.kind)
                else:
                    raise ValueError(change.kind)
            except (StoreError, InvalidInput) as error:
                raise BenchmarkError(
                    f"the facilitator's change ({change.kind}) failed: {error}") from None
            return time.perf_counter()

    def _cpu(self, processes: Sequence[PtyProcess]) -> list[tuple[int, float]]:
        readings = []
        for process in processes:
            precise = read_threads_cpu_ns(process.pid)
            if precise is None:
                raise BenchmarkError(f"cannot read the CPU time of pid {process.pid}")
            readings.append((precise, read_cpu_seconds(process.pid)))
        return readings

    async def _changes(self, store, writing, meeting_id, names, terminals, minimal,
                       result: LoadRun) -> None:
        forward = True
        restore: int | None = None  # a member marked absent, to mark present again
        expected_after: int | None = None
        cpu_before = self._cpu([*terminals, minimal])
        driver_before = time.process_time()
        window_began = time.perf_counter()
        last_commit = 0.0
        for index in range(self.args.changes):
            if restore is not None:  # not measured: keeps the round from shrinking
                await self._gap(last_commit)
                last_commit = await self._apply(
                    store, writing, meeting_id, Change("present", restore, None, forward))
                restore = None
            state = await store.load_meeting(meeting_id)
            if expected_after is not None and state.checkin.up_next != expected_after:
                raise BenchmarkError(f"the round's next speaker is {state.checkin.up_next}, "
                                     f"the plan said {expected_after}")
            change = plan_change(state.checkin, index, forward, time.time())
            forward = change.forward
            if change.expect_id is None:
                marker = PAUSED_MARKER
            else:
                marker = f"Up next: {names[change.expect_id]}"
                if change.expect_id == state.checkin.up_next:
                    raise BenchmarkError(f"change {index} ({change.kind}) would not alter "
                                         f"what the terminals show")
            expected_after = change.expect_id if change.expect_id is not None else state.checkin.up_next
            await self._gap(last_commit)
            for terminal in terminals:
                terminal.watch(marker)
            t0 = last_commit = await self._apply(store, writing, meeting_id, change)
            delays = await self._collect(terminals, marker, t0)
            result.delays_s.extend(delays)
            result.delays_by_kind.setdefault(change.kind, []).extend(delays)
            if change.kind == "absent":
                restore = change.member_id
            shown = [d * 1000 for d in delays if not math.isinf(d)]
            self.log(f"  N={len(terminals)} #{index + 1:>2} {change.kind:8} {marker!r:22} "
                     f"median {statistics.median(shown) if shown else float('inf'):.0f} ms, "
                     f"max {max(shown, default=float('inf')):.0f} ms"
                     f"{'' if len(shown) == len(delays) else f', LOST {len(delays) - len(shown)}'}")
        result.change_window_s = time.perf_counter() - window_began
        result.driver_cpu_s = time.process_time() - driver_before
        cpu_after = self._cpu([*terminals, minimal])
        spent = [(a[0] - b[0]) / 1e9 for a, b in zip(cpu_after, cpu_before)]
        spent_stat = [a[1] - b[1] for a, b in zip(cpu_after, cpu_before)]
        result.change_cpu_s, result.minimal_change_cpu_s = spent[:-1], spent[-1]
        result.change_cpu_stat_s = spent_stat[:-1]
        if restore is not None:
            await self._apply(store, writing, meeting_id, Change("present", restore, None, forward))

    async def _gap(self, last_commit: float) -> None:
        """Changes come 0.5 to 1 s apart, at random so they do not lock onto any timer's phase."""
        wait = last_commit + self.rng.uniform(0.5, 1.0) - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _collect(self, terminals: list[Terminal], marker: str, t0: float) -> list[float]:
        """Seconds from t0 until `marker` reached each terminal; inf for those it never did."""
        deadline = t0 + LOST_AFTER_S
        while time.perf_counter() < deadline:
            if all(marker in t.seen for t in terminals):
                break
            await asyncio.sleep(0.01)
        return [t.seen[marker] - t0 if marker in t.seen else math.inf for t in terminals]

    async def _idle(self, store, writing, meeting_id, names, terminals, minimal,
                    result: LoadRun) -> None:
        """The meeting just runs (the speaker's clock counting down, heartbeats going): the
        terminals' CPU against the minimal app's; then are they all in step?"""
        state = await store.load_meeting(meeting_id)
        clock = state.checkin.current_clock
        if clock is not None and clock.is_paused:
            await self._apply(store, writing, meeting_id,
                              Change("pause", None, None, True))  # toggles: runs again
            state = await store.load_meeting(meeting_id)
        await asyncio.sleep(1.0)  # past the last change's repaint
        before = self._cpu([*terminals, minimal])
        began = time.perf_counter()
        await asyncio.sleep(self.args.idle_window)
        after = self._cpu([*terminals, minimal])
        result.idle_window_s = time.perf_counter() - began
        spent = [(a[0] - b[0]) / 1e9 for a, b in zip(after, before)]
        spent_stat = [a[1] - b[1] for a, b in zip(after, before)]
        result.idle_cpu_s, result.minimal_idle_cpu_s = spent[:-1], spent[-1]
        result.idle_cpu_stat_s, result.minimal_idle_cpu_stat_s = spent_stat[:-1], spent_stat[-1]
        self._check_heart()

        # In step: everyone's last "Up next" is the round's; the countdowns, read half-way
        # through a second (each terminal repaints as the second turns), all say the same.
        up_next = state.checkin.up_next
        result.final_up_next = f"Up next: {names[up_next]}" if up_next is not None else ""
        result.same_up_next = sum(1 for t in terminals if t.last(UP_NEXT) == result.final_up_next)
        clock = state.checkin.current_clock
        if clock is not None and clock.is_running:
            remaining = clock.remaining(time.time())
            await asyncio.sleep((remaining - 0.5) % 1.0)
            result.countdown_expected = math.ceil(clock.remaining(time.time()))
            result.countdowns = [countdown_seconds(t.last(COUNTDOWN_MARKER) or "")
                                 for t in terminals]


# ---------------------------------------------------------------------- the table


def _ms(value: float) -> str:
    return "never" if math.isinf(value) else f"{value:.0f} ms"


def table_rows(runs: Sequence[LoadRun]) -> tuple[list[str], list[list[str]], bool]:
    """(headers, rows, any target missed)."""
    headers = ["metric", *(f"N={run.terminals}" for run in runs), "target", "result"]
    rows: list[list[str]] = []
    missed = False

    def add(metric: str, values: list[str], target: str, passed: list[bool] | None) -> None:
        nonlocal missed
        if passed is None:
            verdict = "info"
        elif all(passed):
            verdict = "pass"
        else:
            missed = True
            failing = [f"N={run.terminals}" for run, ok in zip(runs, passed) if not ok]
            verdict = "MISS" if len(failing) == len(runs) else f"MISS ({', '.join(failing)})"
        rows.append([metric, *values, target, verdict])

    add("propagation median", [_ms(r.median_ms) for r in runs],
        f"<= {TARGET_MEDIAN_MS:g} ms", [r.median_ms <= TARGET_MEDIAN_MS for r in runs])
    add("propagation p99", [_ms(r.p99_ms) for r in runs],
        f"<= {TARGET_P99_MS:g} ms", [r.p99_ms <= TARGET_P99_MS for r in runs])
    add("propagation max", [_ms(max(r.delays_s) * 1000) for r in runs], "", None)
    add("samples (changes x terminals)", [f"{r.changes}x{r.terminals}" for r in runs], "", None)
    add(f"updates lost (not shown in {LOST_AFTER_S:g} s)", [str(r.lost) for r in runs], "0",
        [r.lost == 0 for r in runs])
    add("CPU/terminal, meeting running", [
        f"{r.per_second(r.idle_cpu_s, r.idle_window_s):.1f} ms/s = {r.idle_ratio:.2f}x"
        for r in runs], f"<= {TARGET_CPU_RATIO:g}x", [r.idle_ratio <= TARGET_CPU_RATIO for r in runs])
    add("  minimal app --tick, same window", [
        f"{r.per_second(r.minimal_idle_cpu_s, r.idle_window_s):.1f} ms/s" for r in runs], "", None)
    add("CPU/terminal, changes arriving", [
        f"{r.per_second(r.change_cpu_s, r.change_window_s):.1f} ms/s = {r.change_ratio:.1f}x"
        for r in runs], "", None)
    add("  minimal app --tick, same window", [
        f"{r.per_second(r.minimal_change_cpu_s, r.change_window_s):.1f} ms/s" for r in runs],
        "", None)
    add("CPU all terminals, changes arriving", [
        f"{sum(r.change_cpu_s):.2f} s in {r.change_window_s:.0f} s" for r in runs], "", None)
    add("  share of the machine", [
        f"{sum(r.change_cpu_s) / r.change_window_s / (os.cpu_count() or 1) * 100:.0f}% "
        f"of {os.cpu_count()} CPUs" for r in runs], "", None)
    add("CPU all terminals, meeting running", [
        f"{sum(r.idle_cpu_s):.2f} s in {r.idle_window_s:.0f} s" for r in runs], "", None)
    add('"locked" on any terminal', [str(r.problems.get("locked", 0)) for r in runs], "0",
        [r.problems.get("locked", 0) == 0 for r in runs])
    add("same Up next at the end", [f"{r.same_up_next}/{r.terminals}" for r in runs], "all",
        [r.same_up_next == r.terminals for r in runs])
    add("countdowns apart (mid-second)", [
        "n/a" if r.countdown_spread is None else f"{r.countdown_spread} s" for r in runs],
        "0 s", [r.countdown_spread == 0 for r in runs])
    add("first paint, all terminals", [f"{r.first_paint_s:.1f} s" for r in runs], "", None)
    return headers, rows, missed


def notes(runs: Sequence[LoadRun]) -> list[str]:
    lines = ["Propagation: from the driver's commit returning to the text reaching each pty."]
    for run in runs:
        kinds = ", ".join(
            f"{KIND_LABELS.get(kind, kind)} {_ms(percentile(delays, 50) * 1000)}"
            f"/{_ms(max(delays) * 1000)} ({len(delays) // run.terminals})"
            for kind, delays in run.delays_by_kind.items()
        )
        lines.append(f"N={run.terminals} median/max by change: {kinds}")
        stat_idle = statistics.fmean(run.idle_cpu_stat_s) if run.idle_cpu_stat_s else 0.0
        lines.append(
            f"N={run.terminals} CPU cross-check (/proc/PID/stat, 10 ms ticks), meeting running: "
            f"terminal {stat_idle * 1000:.0f} ms, minimal {run.minimal_idle_cpu_stat_s * 1000:.0f} ms"
            f" in {run.idle_window_s:.0f} s; per terminal (schedstat) "
            f"{min(run.idle_cpu_s) * 1000:.0f}..{max(run.idle_cpu_s) * 1000:.0f} ms"
        )
        lines.append(f"N={run.terminals} this script's own CPU while changes arrived (facilitator,"
                     f" pty readers): {run.driver_cpu_s:.2f} s in {run.change_window_s:.0f} s;"
                     f" load average {run.load_before:.1f} before, {run.load_after:.1f} after")
        others = {w: c for w, c in run.problems.items() if w != "locked" and c}
        if others:
            lines.append(f"N={run.terminals} other words seen on terminals: {others}")
        if run.countdown_spread != 0:
            lines.append(f"N={run.terminals} countdowns (s left, expected "
                         f"{run.countdown_expected}): {run.countdowns}")
        if run.same_up_next != run.terminals:
            lines.append(f"N={run.terminals} expected {run.final_up_next!r} on every terminal")
    lines.append("CPU figures: /proc/PID/task/*/schedstat (ns), summed over each process's threads")
    return lines


# ---------------------------------------------------------------------- main


def parse_terminals(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not values or any(not 1 <= value <= MAX_TERMINALS for value in values):
        raise argparse.ArgumentTypeError(f"terminals are 1 to {MAX_TERMINALS} each")
    return values


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=parse_terminals, default=[2, 15],
                        help=f"comma-separated terminal counts, 1..{MAX_TERMINALS} (default 2,15)")
    parser.add_argument("--changes", type=int,
                        help="measured changes per terminal count (default 30, 12 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="12 changes and a 4 s idle window (under ~60 s)")
    parser.add_argument("--idle-window", type=float,
                        help="seconds of CPU measurement while the meeting just runs (default 10)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds after every terminal joined before the first change")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds to wait for the terminals to paint and join (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the gaps between changes")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every change")
    args = parser.parse_args(argv)
    if args.changes is None:
        args.changes = 12 if args.quick else 30
    if args.idle_window is None:
        args.idle_window = 4.0 if args.quick else 10.0
    if args.changes < 1 or args.idle_window <= 0 or args.settle < 0:
        parser.error("--changes must be at least 1, --idle-window above 0, --settle not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path("/proc/self/stat").exists():
        print("benchmarks/propagation.py needs Linux (/proc)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="peertui-propagation-"))
    began = time.monotonic()
    runs: list[LoadRun] = []
    try:
        settings = Settings(repeats=1, cpu_window=args.idle_window, settle=0.0,
                            sizes=[(COLUMNS, LINES)], timeout=args.timeout)
        bench = Bench(workdir, settings, verbose=args.verbose)
        print(f"peertui propagation: terminals {','.join(map(str, args.terminals))}, "
              f"{args.changes} changes each, idle window {args.idle_window:g} s, "
              f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
        propagation = Propagation(bench, args)
        propagation.make_data()
        for n in args.terminals:
            runs.append(asyncio.run(propagation.measure(n)))
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    headers, rows, missed = table_rows(runs)
    print()
    print(format_table(headers, rows))
    print()
    for line in notes(runs):
        print(f"  {line}")
    print(f"\n({time.monotonic() - began:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(
            [asdict(run) | {"median_ms": run.median_ms, "p99_ms": run.p99_ms, "lost": run.lost,
                            "idle_ratio": run.idle_ratio, "change_ratio": run.change_ratio}
             for run in runs], indent=2, default=str))
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
