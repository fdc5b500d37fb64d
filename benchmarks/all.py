#!/usr/bin/env python3
"""All of peertui's benchmarks in one run, and one table of their figures.

    python benchmarks/all.py             # full run of every script (about 4 minutes)
    python benchmarks/all.py --quick     # each script's --quick (about 3 minutes)
    python benchmarks/all.py --only run,startup --keep -v
    python benchmarks/all.py --startup   # only startup on 10 years of history vs an empty db

Runs, one after the other and each as its own process with `--json` into a temporary
directory: run.py (first paint, RSS, CPU while a turn counts down, against
benchmarks/minimal_app.py), propagation.py (2 and 15 terminals), notes_latency.py (1 MB
notes pane vs an empty one), review_scale.py (review and search, 10 years vs 1 year), and
the startup measurement of this file: `peertui --db DB` until the home screen shows the
group, on a database with 10 years of weekly meetings against one holding just the group
(`--startup`, run as a process of its own like the others). Then it prints one table:
metric, peertui, baseline, ratio, target, result.

The baseline differs by row, and its cell says which: the minimal Textual app measured in
the same run, the 1-year database, the empty database, the empty notes pane; propagation is
held to absolute times. Exit codes as the scripts': 0 whatever the figures (--strict: 1 when
a target is missed), 2 when a measurement could not be made (a script failed; its output's
tail is printed). Linux only (the scripts read /proc). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run.py sits next to this file
    sys.path.insert(0, str(HERE))

from run import (  # noqa: E402
    Bench,
    BenchmarkError,
    PtyProcess,
    Settings,
    alternate,
    format_table,
    ratio,
    verdict,
)

# The targets of the scripts whose JSON does not carry them (propagation.py) and of startup.
TARGET_PROPAGATION_MEDIAN_MS = 150.0
TARGET_PROPAGATION_P99_MS = 300.0
TARGET_TERMINAL_CPU = 1.5
TARGET_STARTUP = 1.1
# review_scale.py rows shown in the table (any other row is shown only when it misses).
REVIEW_ROWS = (
    "open review (data)",
    "search: common word",
    "search: phrase",
    "search: OR and NOT",
    "search: first keystroke",
    "review screen opens (UI)",
)

# Startup: both databases hold a group of this name, shown on the home screen once painted.
STARTUP_GROUP = "Deputy Managers Circle"  # the demo's group; the empty db's group is named alike
STARTUP_YEARS = 10

HEADERS = ["metric", "peertui", "baseline", "ratio", "target", "result"]


# ---------------------------------------------------------------------- the steps


@dataclass(frozen=True)
class Step:
    name: str  # also the key of its figures and the stem of its JSON and log files
    script: str  # in benchmarks/
    quick: tuple[str, ...]  # extra arguments with --quick
    full: tuple[str, ...] = ()


STEPS = (
    Step("run", "run.py", ("--quick",)),
    Step("propagation", "propagation.py", ("--quick",)),
    Step("notes", "notes_latency.py", ("--quick",)),
    Step("review", "review_scale.py", ("--repeats", "5")),
    Step("startup", "all.py", ("--startup", "--repeats", "7"), ("--startup", "--repeats", "15")),
)
STEP_NAMES = tuple(step.name for step in STEPS)


@dataclass
class Outcome:
    """How one script's process went."""

    step: str
    command: list[str]
    returncode: int | None  # None: killed after the timeout
    seconds: float
    log: Path


def run_step(step: Step, quick: bool, folder: Path, timeout: float) -> Outcome:
    """The step's script as a process of its own, its output in folder/NAME.log."""
    json_path = folder / f"{step.name}.json"
    log = folder / f"{step.name}.log"
    command = [sys.executable, str(HERE / step.script), *(step.quick if quick else step.full),
               "--json", str(json_path)]
    began = time.monotonic()
    with log.open("w") as out:
        try:
            returncode: int | None = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=HERE.parent, timeout=timeout,
            ).returncode
        except subprocess.TimeoutExpired:
            returncode = None
    return Outcome(step.name, command, returncode, time.monotonic() - began, log)


def load_figures(outcome: Outcome, folder: Path) -> Any | None:
    """The step's JSON when it ran to the end (exit 0 or 1), else None."""
    path = folder / f"{outcome.step}.json"
    if outcome.returncode not in (0, 1) or not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


# ---------------------------------------------------------------------- table merging (pure)


@dataclass
class Row:
    metric: str
    peertui: str
    baseline: str
    ratio: str
    target: str
    result: str  # pass | MISS | info | FAILED | ?

    def cells(self) -> list[str]:
        return [self.metric, self.peertui, self.baseline, self.ratio, self.target, self.result]


def _ms(value: float, digits: int = 0) -> str:
    return "never" if math.isinf(value) else f"{value:.{digits}f} ms"


def _value(value: float, unit: str) -> str:
    """A figure of run.py's JSON in its unit: s, cpu-s (over the window) or KiB."""
    if unit == "s":
        return f"{value * 1000:.0f} ms"
    if unit == "cpu-s":
        return f"{value * 1000:.1f} ms CPU"
    if unit == "KiB":
        return f"{value / 1024:.1f} MiB"
    return f"{value:g} {unit}"


def _missing(metric: str, why: str = "not in the output") -> Row:
    return Row(metric, why, "", "", "", "?")


def rows_from_run(figures: list[dict[str, Any]]) -> list[Row]:
    """run.py: first paint and RSS at 80x24 and 200x50, CPU while a turn counts down."""
    rows = []
    wanted = ("first paint 80x24", "first paint 200x50", "RSS after first paint 80x24",
              "RSS after first paint 200x50", "CPU, turn counting down")
    for prefix in wanted:
        found = next((f for f in figures if str(f.get("metric", "")).startswith(prefix)), None)
        if found is None:
            rows.append(_missing(prefix))
            continue
        unit, target = found["unit"], float(found["target"])
        value_ratio = float(found.get("ratio", ratio(found["peertui"], found["minimal"])))
        rows.append(Row(
            found["metric"], _value(found["peertui"], unit),
            f"minimal {_value(found['minimal'], unit)}", f"{value_ratio:.2f}x",
            f"<= {target:g}x", found.get("result") or verdict(value_ratio, target),
        ))
    return rows


def rows_from_propagation(runs: list[dict[str, Any]]) -> list[Row]:
    """propagation.py: median and p99 per terminal count, lost updates, CPU per terminal."""
    rows = []
    for run in runs:
        n = run["terminals"]
        for label, key, target in (("median", "median_ms", TARGET_PROPAGATION_MEDIAN_MS),
                                   ("p99", "p99_ms", TARGET_PROPAGATION_P99_MS)):
            value = float(run[key])
            rows.append(Row(f"propagation {label}, {n} terminals", _ms(value), "", "",
                            f"<= {target:g} ms", "pass" if value <= target else "MISS"))
    if runs:
        lost = [int(run.get("lost", 0)) for run in runs]
        rows.append(Row(
            "propagation updates lost, " + " / ".join(f"{r['terminals']}" for r in runs)
            + " terminals", " / ".join(map(str, lost)), "", "", "0",
            "pass" if not any(lost) else "MISS"))
    for run in runs:
        window = float(run.get("idle_window_s") or 0)
        per_terminal = statistics.fmean(run["idle_cpu_s"]) if run.get("idle_cpu_s") else 0.0
        minimal = float(run.get("minimal_idle_cpu_s", 0))
        value_ratio = float(run.get("idle_ratio", ratio(per_terminal, minimal)))
        rows.append(Row(
            f"CPU per terminal, meeting running, {run['terminals']} terminals",
            f"{per_terminal / window * 1000:.1f} ms/s" if window else "?",
            f"minimal {minimal / window * 1000:.1f} ms/s" if window else "?",
            f"{value_ratio:.2f}x", f"<= {TARGET_TERMINAL_CPU:g}x",
            verdict(value_ratio, TARGET_TERMINAL_CPU)))
    return rows


def rows_from_review(figures: dict[str, Any]) -> list[Row]:
    """review_scale.py: review open and searches at 10 years, against 1 year."""
    by_name = {row["figure"]: row for row in figures.get("rows", [])}
    rows = []
    names = [*REVIEW_ROWS,
             *(name for name, row in by_name.items()
               if name not in REVIEW_ROWS and row.get("result") == "MISS")]
    for name in names:
        row = by_name.get(name)
        if row is None:
            rows.append(_missing(f"review 10 y: {name}"))
            continue
        rows.append(Row(
            f"review 10 y: {name}", _ms(row["ten_years_ms"], 1),
            f"1 y {_ms(row['one_year_ms'], 1)}", f"{row['ratio']:.1f}x",
            f"< {row['target_ms']:g} ms", row["result"]))
    return rows


def rows_from_notes(figures: dict[str, Any]) -> list[Row]:
    """notes_latency.py: its own rows, keystroke latency (and the saved-note check)."""
    rows = []
    for row in figures.get("rows", []):
        metric = str(row.get("metric", ""))
        if metric.startswith("keystroke to screen"):
            detail = metric.removeprefix("keystroke to screen").lstrip(", ")
            label = f"notes 1 MB: keystroke, {detail}"
            empty = f"empty {row.get('empty', '')}"
        elif metric.startswith("saved note"):
            label = f"notes: {metric}"
            empty = str(row.get("empty", ""))
        else:
            continue
        rows.append(Row(label, str(row.get("full", "")), empty,
                        str(row.get("ratio", "")), str(row.get("target", "")),
                        str(row.get("result", "?"))))
    return rows or [_missing("notes 1 MB: keystroke")]


def rows_from_startup(figures: dict[str, Any]) -> list[Row]:
    """This file's --startup: home screen on 10 years of history against an empty database."""
    ten = statistics.median(figures["ten_years_s"])
    empty = statistics.median(figures["empty_s"])
    value_ratio = ratio(ten, empty)
    target = float(figures.get("target", TARGET_STARTUP))
    return [Row(f"startup to home, {figures.get('years', STARTUP_YEARS):g} years vs empty db "
                f"(median of {len(figures['ten_years_s'])})",
                f"{ten * 1000:.0f} ms", f"empty {empty * 1000:.0f} ms", f"{value_ratio:.2f}x",
                f"<= {target:g}x", verdict(value_ratio, target))]


ROW_MAKERS: dict[str, Callable[[Any], list[Row]]] = {
    "run": rows_from_run,
    "propagation": rows_from_propagation,
    "review": rows_from_review,
    "startup": rows_from_startup,
    "notes": rows_from_notes,
}
# The table's order: run.py's rows, startup, propagation, review, notes.
TABLE_ORDER = ("run", "startup", "propagation", "review", "notes")


def merge(figures: dict[str, Any | None], why_not: dict[str, str] | None = None) -> list[Row]:
    """One table from each step's JSON (None: the step failed; why_not[step] says how).

    Steps absent from `figures` were not run and have no rows. A step whose JSON is not what
    was expected gets one '?' row instead of stopping the whole report.
    """
    why_not = why_not or {}
    rows: list[Row] = []
    for step in TABLE_ORDER:
        if step not in figures:
            continue
        data = figures[step]
        if data is None:
            rows.append(Row(f"{step}: no figures", why_not.get(step, "failed"), "", "", "",
                            "FAILED"))
            continue
        try:
            rows.extend(ROW_MAKERS[step](data))
        except (KeyError, TypeError, ValueError, AttributeError, statistics.StatisticsError) as error:
            rows.append(_missing(f"{step}: figures unreadable", f"{type(error).__name__}: {error}"))
    return rows


def exit_code(rows: Sequence[Row], strict: bool) -> int:
    """2 when a measurement could not be made, 1 on a missed target with --strict, else 0."""
    if any(row.result in ("FAILED", "?") for row in rows):
        return 2
    if strict and any(row.result == "MISS" for row in rows):
        return 1
    return 0


def table(rows: Sequence[Row]) -> str:
    return format_table(HEADERS, [row.cells() for row in rows])


# ---------------------------------------------------------------------- startup


def measure_startup(repeats: int, timeout: float, verbose: bool, keep: bool) -> dict[str, Any]:
    """`peertui --db DB` until the home screen shows the group: 10 years vs an empty db.

    Both databases are made with the real commands; both open on the home screen (no meeting
    in progress, one group). Each app is launched once untimed first (byte-code caches, any
    migration), then `repeats` times each, alternating which goes first.
    """
    workdir = Path(tempfile.mkdtemp(prefix="peertui-startup-"))
    try:
        settings = Settings(repeats=repeats, cpu_window=0, settle=0, sizes=[(80, 24)],
                            timeout=timeout)
        bench = Bench(workdir, settings, verbose=verbose)
        dbs = {"ten_years": workdir / "ten-years.db", "empty": workdir / "empty.db"}

        def cli(*argv: str) -> str:
            run = subprocess.run([*bench.peertui, *argv], env=bench.env(), capture_output=True,
                                 text=True, timeout=300)
            if run.returncode != 0:
                raise BenchmarkError(f"peertui {' '.join(argv)} failed: {run.stderr.strip()}")
            return run.stdout.strip()

        wrote = cli("demo", "--db", str(dbs["ten_years"]), "--years", str(STARTUP_YEARS),
                    "--cadence", "weekly", "--no-open")
        cli("group", "add", STARTUP_GROUP, "--db", str(dbs["empty"]))

        def launch(which: str) -> float:
            argv = [*bench.peertui, "--db", str(dbs[which])]
            with PtyProcess(argv, bench.env(80, 24), 80, 24, watch=[STARTUP_GROUP],
                            cwd=workdir) as process:
                seconds = process.wait_for(STARTUP_GROUP, timeout)
            bench.log(f"  {which:9} first paint of home {seconds * 1000:.0f} ms")
            return seconds

        for which in dbs:  # untimed
            launch(which)
        times: dict[str, list[float]] = {name: [] for name in dbs}
        for index in range(repeats):
            for which in alternate(index, "ten_years", "empty"):
                times[which].append(launch(which))
        return {
            "years": STARTUP_YEARS, "group": STARTUP_GROUP, "target": TARGET_STARTUP,
            "demo": wrote, "ten_years_s": times["ten_years"], "empty_s": times["empty"],
            "db_bytes": {name: path.stat().st_size for name, path in dbs.items()},
        }
    finally:
        if keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def startup_main(args: argparse.Namespace) -> int:
    repeats = args.repeats or (7 if args.quick else 15)
    print(f"peertui startup: {STARTUP_YEARS} years of weekly meetings vs an empty database, "
          f"{repeats} launches each, 80x24, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs", flush=True)
    try:
        figures = measure_startup(repeats, args.timeout, args.verbose, args.keep)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    rows = rows_from_startup(figures)
    print()
    print(table(rows))
    print()
    for key, label in (("ten_years_s", f"{STARTUP_YEARS} years"), ("empty_s", "empty")):
        print(f"  {label}: {min(figures[key]) * 1000:.0f}..{max(figures[key]) * 1000:.0f} ms")
    print(f"  {figures['demo']}; database sizes: "
          + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in figures["db_bytes"].items()))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return exit_code(rows, args.strict)


# ---------------------------------------------------------------------- main


def parse_steps(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in STEP_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"steps are {', '.join(STEP_NAMES)} (comma-separated), not {text!r}")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="each script's --quick, fewer repeats (about 3 minutes)")
    parser.add_argument("--only", type=parse_steps, default=list(STEP_NAMES),
                        help=f"comma-separated steps to run (default all: {','.join(STEP_NAMES)})")
    parser.add_argument("--startup", action="store_true",
                        help="only measure startup, 10 years vs an empty database, and print it")
    parser.add_argument("--repeats", type=int,
                        help="with --startup: launches per database (default 15, 7 with --quick)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="with --startup: seconds to wait for the home screen (default 30)")
    parser.add_argument("--step-timeout", type=float, default=1200.0,
                        help="seconds before a script is given up on (default 1200)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (each script's JSON and output)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each script's own output once it has run")
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path("/proc/self/stat").exists():
        print("benchmarks/all.py needs Linux (/proc)", file=sys.stderr)
        return 2
    if args.startup:
        return startup_main(args)

    folder = Path(tempfile.mkdtemp(prefix="peertui-all-bench-"))
    began = time.monotonic()
    load_before = os.getloadavg()
    steps = [step for step in STEPS if step.name in args.only]
    print(f"peertui benchmarks{' (quick)' if args.quick else ''}: "
          f"{', '.join(step.script for step in steps)}; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f}", flush=True)
    figures: dict[str, Any | None] = {}
    why_not: dict[str, str] = {}
    outcomes: list[Outcome] = []
    try:
        for number, step in enumerate(steps, start=1):
            print(f"[{number}/{len(steps)}] {step.script} "
                  f"{' '.join(step.quick if args.quick else step.full)}".rstrip()
                  + " ...", end="", flush=True)
            outcome = run_step(step, args.quick, folder, args.step_timeout)
            outcomes.append(outcome)
            figures[step.name] = load_figures(outcome, folder)
            status = ("timed out" if outcome.returncode is None
                      else f"exit {outcome.returncode}")
            print(f" {outcome.seconds:.0f} s, {status}", flush=True)
            if figures[step.name] is None:
                why_not[step.name] = f"{step.script} {status}"
            if args.verbose or figures[step.name] is None:
                output = outcome.log.read_text(errors="replace")
                if figures[step.name] is not None:
                    print(output, file=sys.stderr)
                else:
                    print("\n".join(output.splitlines()[-15:]), file=sys.stderr)
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)

    rows = merge(figures, why_not)
    print()
    print(table(rows))
    print()
    print("  baseline: 'minimal' = benchmarks/minimal_app.py in the same run (--tick for CPU);"
          " '1 y' = the same figure on 1 year of weekly meetings (ratio 10 y / 1 y, for"
          " information); 'empty' = an empty database (startup) or notes pane")
    load_after = os.getloadavg()
    print(f"  load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after "
          f"({os.cpu_count()} CPUs); other work on the machine shows in every figure")
    print(f"\n({time.monotonic() - began:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps({
            "quick": args.quick,
            "rows": [asdict(row) for row in rows],
            "steps": [{"step": o.step, "returncode": o.returncode, "seconds": o.seconds}
                      for o in outcomes],
            "figures": figures,
            "load_average": [load_before[0], load_after[0]],
        }, indent=2, default=str))
    return exit_code(rows, args.strict)


if __name__ == "__main__":
    sys.exit(main())
