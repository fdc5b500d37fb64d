#!/usr/bin/env python3
"""peertui benchmarks: first paint, CPU during a countdown, and memory, each as a ratio.

    python benchmarks/run.py            # full run, a minute or two
    python benchmarks/run.py --quick    # fewer repeats and a shorter CPU window, under ~40 s

Every figure is a ratio to the minimal Textual app in benchmarks/minimal_app.py, measured in
the same run on the same machine, so the targets hold on a fast laptop and a slow CI box alike.
Both apps run as real processes on a real pseudo-terminal (stdlib pty, no extra dependency).
See benchmarks/README.md for what each figure measures. Linux only (reads /proc).

This is a script, not a test: it prints a table and exits 0 whatever the figures are, unless
--strict is given (then 1 when a target is missed) or the measurement itself fails (2).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINIMAL_APP = HERE / "minimal_app.py"
GROUP = "Deputy Managers Circle"
GROUP_SIZE = 8

# Texts that reach the terminal only once the screen is painted.
PEERTUI_MARKER = "Up next:"
MINIMAL_MARKER = "Minimal app ready"  # the Label of benchmarks/minimal_app.py
# The meeting screen's state line once a speaker's clock runs ("4:59 left of 5:00").
COUNTDOWN_MARKER = re.compile(r"\d+:\d\d left of \d+:\d\d")

CTRL_Q = b"\x11"
SPACE = b" "

TARGET_FIRST_PAINT = 1.3
TARGET_CPU = 1.5
TARGET_RSS = 1.5


# ---------------------------------------------------------------------- pure helpers

# CSI (colours, cursor moves, modes), OSC (title, clipboard...), DCS/APC/PM/SOS strings,
# and the two-byte escapes (charset selection, keypad modes...).
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
)


def strip_ansi(text: str) -> str:
    """The printable text of terminal output, escape sequences removed."""
    return _ANSI.sub("", text)


def parse_proc_stat(text: str) -> tuple[int, int]:
    """(utime, stime) in clock ticks from the text of /proc/PID/stat.

    The command name (field 2) is in parentheses and may itself hold spaces or ')', so the
    fields are counted from the last ')'. utime and stime are fields 14 and 15; they cover
    every thread of the process, including threads that have already ended.
    """
    end = text.rindex(")")
    fields = text[end + 2 :].split()
    # fields[0] is field 3 (state), so field N is fields[N - 3].
    return int(fields[14 - 3]), int(fields[15 - 3])


def cpu_seconds(stat_text: str, ticks_per_second: int) -> float:
    """User plus system CPU time, in seconds, from the text of /proc/PID/stat."""
    utime, stime = parse_proc_stat(stat_text)
    return (utime + stime) / ticks_per_second


def parse_schedstat_ns(text: str) -> int:
    """Time on the CPU, in nanoseconds, from the text of /proc/PID/task/TID/schedstat."""
    return int(text.split()[0])


def parse_vmrss_kib(status_text: str) -> int:
    """VmRSS in KiB from the text of /proc/PID/status."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            value, unit = line.split()[1:3]
            if unit.lower() != "kb":
                raise ValueError(f"unexpected VmRSS unit: {unit!r}")
            return int(value)
    raise ValueError("no VmRSS line (is the process a zombie?)")


def ratio(value: float, baseline: float) -> float:
    """value / baseline; inf when the baseline is zero but the value is not."""
    if baseline == 0:
        return 0.0 if value == 0 else float("inf")
    return value / baseline


def verdict(value_ratio: float, target: float) -> str:
    return "pass" if value_ratio <= target else "MISS"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(cell).ljust(width) if index == 0 else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


@dataclass
class Result:
    """One line of the table: a figure for peertui and for the minimal app."""

    metric: str
    peertui: float
    minimal: float
    unit: str
    target: float
    samples_peertui: list[float] = field(default_factory=list)
    samples_minimal: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return ratio(self.peertui, self.minimal)

    @property
    def verdict(self) -> str:
        return verdict(self.ratio, self.target)

    def row(self) -> list[str]:
        return [
            self.metric,
            format_value(self.peertui, self.unit),
            format_value(self.minimal, self.unit),
            f"{self.ratio:.2f}x",
            f"<= {self.target:g}x",
            self.verdict,
        ]


def format_value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms"
    if unit == "cpu-s":
        return f"{value * 1000:.1f} ms CPU"
    if unit == "KiB":
        return f"{value / 1024:.1f} MiB"
    return f"{value:g} {unit}"


def results_table(results: Sequence[Result]) -> str:
    headers = ["metric", "peertui", "minimal app", "ratio", "target", "result"]
    return format_table(headers, [result.row() for result in results])


def alternate(index: int, first: str, second: str) -> tuple[str, str]:
    """The order of the two apps in repeat `index`: swapped every other repeat."""
    return (first, second) if index % 2 == 0 else (second, first)


def bench_env(home: Path, columns: int, lines: int, path: str) -> dict[str, str]:
    """A clean environment: private HOME and XDG dirs, a known terminal, nothing inherited
    that could change how Textual behaves (TEXTUAL_*, NO_COLOR, COLORTERM...)."""
    return {
        "PATH": path,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "COLUMNS": str(columns),
        "LINES": str(lines),
    }


# ---------------------------------------------------------------------- processes on a pty


def read_cpu_seconds(pid: int) -> float:
    return cpu_seconds(Path(f"/proc/{pid}/stat").read_text(), os.sysconf("SC_CLK_TCK"))


def read_threads_cpu_ns(pid: int) -> int | None:
    """CPU time of the process's live threads in ns (schedstat), None where the kernel has none.

    A precise cross-check of read_cpu_seconds, whose clock ticks (10 ms) are coarse next to the
    minimal app's few tens of ms in a window; it misses threads that end within the window.
    """
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += parse_schedstat_ns((task / "schedstat").read_text())
            except (FileNotFoundError, ProcessLookupError):
                continue  # the thread ended meanwhile
    except OSError:
        return None
    return total


def read_rss_kib(pid: int) -> int:
    return parse_vmrss_kib(Path(f"/proc/{pid}/status").read_text())


def set_winsize(fd: int, columns: int, lines: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))


def _controlling_tty() -> None:  # runs in the child, after setsid, before exec
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyProcess:
    """A command on its own pseudo-terminal, its output drained by a thread.

    The reader thread notes the moment each watched text first appears on the (escape-
    stripped) output, so a timestamp is when the bytes arrived, not when anyone looked.
    Reading all the time also matters for CPU: an app whose terminal is full blocks.
    """

    KEEP_BYTES = 256 * 1024

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        columns: int,
        lines: int,
        watch: Sequence[str | re.Pattern[str]] = (),
        cwd: Path | None = None,
    ) -> None:
        self._cond = threading.Condition()
        self._raw = bytearray()
        self._pending: list[str | re.Pattern[str]] = list(watch)
        self.seen: dict[str | re.Pattern[str], float] = {}
        self.eof = False
        master, slave = os.openpty()
        set_winsize(slave, columns, lines)
        self.started = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_controlling_tty,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self.master = master
        self._thread = threading.Thread(target=self._read, name=f"pty-{self.proc.pid}", daemon=True)
        self._thread.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
            except (OSError, ValueError):
                break
            if not ready:
                if self.proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            now = time.perf_counter()
            with self._cond:
                self._raw += chunk
                if self._pending:
                    self._check(now)
                elif len(self._raw) > self.KEEP_BYTES:
                    del self._raw[: -self.KEEP_BYTES // 2]
                self._cond.notify_all()
        with self._cond:
            self.eof = True
            self._cond.notify_all()

    def _check(self, now: float) -> None:
        text = strip_ansi(self._raw.decode("utf-8", errors="replace"))
        for wanted in list(self._pending):
            found = wanted.search(text) if isinstance(wanted, re.Pattern) else wanted in text
            if found:
                self.seen[wanted] = now
                self._pending.remove(wanted)

    def text(self) -> str:
        with self._cond:
            return strip_ansi(self._raw.decode("utf-8", errors="replace"))

    def clear(self) -> None:
        """Forget the output so far (text() then shows only what comes next)."""
        with self._cond:
            self._raw.clear()

    def watch(self, wanted: str | re.Pattern[str]) -> None:
        """Watch for a text from the next output on (what is already there does not count)."""
        with self._cond:
            self._raw.clear()
            self._pending.append(wanted)

    def wait_for(self, wanted: str | re.Pattern[str], timeout: float) -> float:
        """Seconds from spawn until `wanted` appeared (it must have been watched)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while wanted not in self.seen:
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    tail = strip_ansi(self._raw[-2000:].decode("utf-8", errors="replace"))
                    why = "the process ended" if self.eof else f"not within {timeout:g} s"
                    raise BenchmarkError(
                        f"{' '.join(self.proc.args)}: {wanted!r} never appeared ({why}); "
                        f"last output: {tail[-600:]!r}"
                    )
                self._cond.wait(min(left, 0.1))
            return self.seen[wanted] - self.started

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self, quit_timeout: float = 3.0) -> None:
        """Ctrl+Q, then SIGKILL if the app has not quit in time."""
        try:
            if self.proc.poll() is None:
                try:
                    self.send(CTRL_Q)
                except OSError:
                    pass
                try:
                    self.proc.wait(quit_timeout)
                except subprocess.TimeoutExpired:
                    self.proc.send_signal(signal.SIGKILL)
                    self.proc.wait(5)
        finally:
            self._thread.join(2)
            try:
                os.close(self.master)
            except OSError:
                pass

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BenchmarkError(Exception):
    """The measurement itself failed (an app did not start, did not paint...)."""


# ---------------------------------------------------------------------- the benchmark


@dataclass
class Settings:
    repeats: int
    cpu_window: float
    settle: float
    sizes: list[tuple[int, int]]
    timeout: float
    cpu_from: str = "schedstat"


class Bench:
    def __init__(self, workdir: Path, settings: Settings, verbose: bool = False) -> None:
        self.workdir = workdir
        self.settings = settings
        self.verbose = verbose
        self.home = workdir / "home"
        self.home.mkdir()
        self.db = workdir / "bench.db"
        self.peertui = self._peertui_command()
        self.path = os.environ.get("PATH", "/usr/bin:/bin")
        self.notes: list[str] = []

    @staticmethod
    def _peertui_command() -> list[str]:
        script = Path(sys.executable).parent / "peertui"
        if script.exists():
            return [str(script)]
        found = shutil.which("peertui")
        return [found] if found else [sys.executable, "-m", "peertui"]

    def log(self, message: str) -> None:
        if self.verbose:
            print(message, file=sys.stderr, flush=True)

    def env(self, columns: int = 80, lines: int = 24) -> dict[str, str]:
        return bench_env(self.home, columns, lines, self.path)

    def command(self, app: str, db: Path | None = None) -> tuple[list[str], str]:
        if app == "peertui":
            return [*self.peertui, "meeting", GROUP, "--db", str(db or self.db)], PEERTUI_MARKER
        return [sys.executable, str(MINIMAL_APP)], MINIMAL_MARKER

    # -------------------------------------------------------------- data

    def make_data(self) -> None:
        """The demo group (8 active members) in a fresh database."""
        run = subprocess.run(
            [*self.peertui, "demo", "--db", str(self.db), "--years", "1", "--no-open"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if run.returncode != 0:
            raise BenchmarkError(f"peertui demo failed: {run.stderr.strip()}")
        listing = subprocess.run(
            [*self.peertui, "member", "list", GROUP, "--json", "--db", str(self.db)],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if listing.returncode != 0:
            raise BenchmarkError(f"peertui member list failed: {listing.stderr.strip()}")
        active = sum(1 for member in json.loads(listing.stdout) if member["active"])
        if active != GROUP_SIZE:
            raise BenchmarkError(f"the demo group has {active} active members, not {GROUP_SIZE}")

    def copy_db(self, name: str) -> Path:
        """A consistent copy of the database (WAL included), through SQLite's backup API."""
        target = self.workdir / name
        source = sqlite3.connect(self.db)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target

    # -------------------------------------------------------------- one launch

    def launch(self, app: str, columns: int, lines: int, db: Path | None = None,
               tick: bool = False, extra_watch: Sequence[str | re.Pattern[str]] = ()) -> PtyProcess:
        argv, marker = self.command(app, db)
        if tick:
            argv.append("--tick")
        return PtyProcess(argv, self.env(columns, lines), columns, lines,
                          watch=[marker, *extra_watch], cwd=self.workdir)

    def first_paint(self, app: str, columns: int, lines: int) -> tuple[float, int]:
        """(seconds from spawn to the marker on the terminal, VmRSS in KiB after the paint)."""
        _, marker = self.command(app)
        with self.launch(app, columns, lines) as process:
            seconds = process.wait_for(marker, self.settings.timeout)
            time.sleep(self.settings.settle)
            rss = read_rss_kib(process.pid)
        self.log(f"  {app:8} {columns}x{lines}: first paint {seconds * 1000:.0f} ms, "
                 f"RSS {rss / 1024:.1f} MiB")
        return seconds, rss

    # -------------------------------------------------------------- the three measures

    def warm_up(self) -> None:
        """One untimed launch of each: byte-code caches written, the meeting created."""
        for app in ("peertui", "minimal"):
            self.first_paint(app, 80, 24)

    def measure_first_paint(self) -> list[Result]:
        results: list[Result] = []
        for columns, lines in self.settings.sizes:
            times: dict[str, list[float]] = {"peertui": [], "minimal": []}
            rss: dict[str, list[float]] = {"peertui": [], "minimal": []}
            for index in range(self.settings.repeats):
                for app in alternate(index, "peertui", "minimal"):
                    seconds, kib = self.first_paint(app, columns, lines)
                    times[app].append(seconds)
                    rss[app].append(kib)
            size = f"{columns}x{lines}"
            n = self.settings.repeats
            results.append(Result(
                f"first paint {size} (median of {n})",
                statistics.median(times["peertui"]), statistics.median(times["minimal"]),
                "s", TARGET_FIRST_PAINT, times["peertui"], times["minimal"],
            ))
            results.append(Result(
                f"RSS after first paint {size}",
                statistics.median(rss["peertui"]), statistics.median(rss["minimal"]),
                "KiB", TARGET_RSS, rss["peertui"], rss["minimal"],
            ))
        # RSS rows after the first-paint rows, in the order of the sizes.
        return [r for r in results if r.unit == "s"] + [r for r in results if r.unit == "KiB"]

    def measure_cpu(self) -> Result:
        """CPU time over the same wall-clock window: peertui counting down a turn, and the
        minimal app updating its Label once a second. Both run at once, each on its own pty."""
        window = self.settings.cpu_window
        db = self.copy_db("cpu.db")  # the round starts here, not in the first-paint database
        peertui = self.launch("peertui", 80, 24, db=db)
        minimal = self.launch("minimal", 80, 24, tick=True)
        try:
            peertui.wait_for(PEERTUI_MARKER, self.settings.timeout)
            minimal.wait_for(MINIMAL_MARKER, self.settings.timeout)
            peertui.watch(COUNTDOWN_MARKER)
            peertui.send(SPACE)  # start the round: the first speaker's clock runs
            peertui.wait_for(COUNTDOWN_MARKER, self.settings.timeout)
            time.sleep(max(self.settings.settle, 1.0))  # past the start-up and the write
            peertui.clear()
            before = read_cpu_seconds(peertui.pid), read_cpu_seconds(minimal.pid)
            precise_before = read_threads_cpu_ns(peertui.pid), read_threads_cpu_ns(minimal.pid)
            time.sleep(window)
            after = read_cpu_seconds(peertui.pid), read_cpu_seconds(minimal.pid)
            precise_after = read_threads_cpu_ns(peertui.pid), read_threads_cpu_ns(minimal.pid)
            still = peertui.text()
            if not COUNTDOWN_MARKER.search(still) or "Paused" in still:
                raise BenchmarkError("peertui's countdown was not running during the CPU window")
        finally:
            peertui.close()
            minimal.close()
        tick_ms = 1000 // os.sysconf("SC_CLK_TCK")
        sources = {"stat": ((after[0] - before[0], after[1] - before[1]),
                            f"/proc/PID/stat utime+stime ({tick_ms} ms ticks)")}
        if None not in precise_before and None not in precise_after:
            sources["schedstat"] = (
                ((precise_after[0] - precise_before[0]) / 1e9,
                 (precise_after[1] - precise_before[1]) / 1e9),
                "/proc/PID/task/*/schedstat (ns)",
            )
        chosen = self.settings.cpu_from if self.settings.cpu_from in sources else "stat"
        used, source = sources[chosen]
        self.notes.insert(0, f"CPU figures above: {source}")
        for key, ((p_s, m_s), name) in sources.items():
            if key != chosen:
                self.notes.append(f"CPU cross-check, {name}: peertui {p_s * 1000:.1f} ms, "
                                  f"minimal {m_s * 1000:.1f} ms, ratio {ratio(p_s, m_s):.2f}x")
        self.log(f"  CPU over {window:g} s: peertui {used[0] * 1000:.1f} ms, "
                 f"minimal {used[1] * 1000:.1f} ms ({source})")
        return Result(f"CPU, turn counting down ({window:g} s)", used[0], used[1],
                      "cpu-s", TARGET_CPU, [used[0]], [used[1]])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 repeats, a 5 s CPU window, 80x24 and 200x50 (under ~40 s)")
    parser.add_argument("--repeats", type=int, help="launches per app and size (default 7)")
    parser.add_argument("--cpu-window", type=float, help="seconds of CPU measurement (default 10)")
    parser.add_argument("--cpu-from", choices=["schedstat", "stat"], default="schedstat",
                        help="CPU time from the threads' /proc/PID/task/*/schedstat (ns, default)"
                        " or from /proc/PID/stat utime+stime (10 ms ticks); the other is shown"
                        " as a cross-check")
    parser.add_argument("--settle", type=float,
                        help="seconds after first paint before reading RSS (default 0.5)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for a screen before giving up (default 30)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every launch")
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 7
    if args.cpu_window is None:
        args.cpu_window = 5.0 if args.quick else 10.0
    if args.settle is None:
        args.settle = 0.3 if args.quick else 0.5
    if args.repeats < 1 or args.cpu_window <= 0 or args.settle < 0:
        parser.error("--repeats must be at least 1, --cpu-window above 0, --settle not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path("/proc/self/stat").exists():
        print("benchmarks/run.py needs Linux (/proc)", file=sys.stderr)
        return 2
    settings = Settings(repeats=args.repeats, cpu_window=args.cpu_window, settle=args.settle,
                        sizes=[(80, 24), (200, 50)], timeout=args.timeout,
                        cpu_from=args.cpu_from)
    workdir = Path(tempfile.mkdtemp(prefix="peertui-bench-"))
    began = time.monotonic()
    try:
        bench = Bench(workdir, settings, verbose=args.verbose)
        print(f"peertui benchmarks: {settings.repeats} repeats, "
              f"CPU window {settings.cpu_window:g} s, python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs", flush=True)
        bench.make_data()
        bench.warm_up()
        results = bench.measure_first_paint()
        results.insert(len(settings.sizes), bench.measure_cpu())  # after first paint
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(results_table(results))
    print()
    for result in results:
        if result.unit != "cpu-s" and len(result.samples_peertui) > 1:
            low = format_value(min(result.samples_peertui), result.unit)
            high = format_value(max(result.samples_peertui), result.unit)
            low_m = format_value(min(result.samples_minimal), result.unit)
            high_m = format_value(max(result.samples_minimal), result.unit)
            print(f"  {result.metric}: peertui {low}..{high}, minimal {low_m}..{high_m}")
    for note in bench.notes:
        print(f"  {note}")
    print(f"\n({time.monotonic() - began:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(
            [asdict(result) | {"ratio": result.ratio, "result": result.verdict}
             for result in results], indent=2))
    missed = [result for result in results if result.verdict != "pass"]
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
