"""benchmarks/all.py's table merging on made-up figures (no script is run, nothing is timed)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

ALL_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "all.py"


@pytest.fixture(scope="module")
def bench_all():
    saved_path = list(sys.path)
    had_run = "run" in sys.modules
    spec = importlib.util.spec_from_file_location("peertui_benchmarks_all", ALL_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)
        if not had_run:
            sys.modules.pop("run", None)  # benchmarks/run.py, imported by all.py
        sys.path[:] = saved_path


def run_figures() -> list[dict]:
    """What run.py --json writes (asdict(Result) | ratio, result), trimmed of samples."""

    def result(metric, peertui, minimal, unit, target):
        value = peertui / minimal
        return {"metric": metric, "peertui": peertui, "minimal": minimal, "unit": unit,
                "target": target, "samples_peertui": [], "samples_minimal": [],
                "ratio": value, "result": "pass" if value <= target else "MISS"}

    return [
        result("first paint 80x24 (median of 7)", 0.520, 0.400, "s", 1.3),
        result("first paint 200x50 (median of 7)", 0.600, 0.400, "s", 1.3),
        result("CPU, turn counting down (10 s)", 0.090, 0.030, "cpu-s", 1.5),
        result("RSS after first paint 80x24", 61440, 40960, "KiB", 1.5),
        result("RSS after first paint 200x50", 65536, 40960, "KiB", 1.5),
    ]


def propagation_figures() -> list[dict]:
    def load_run(n, median, p99, delays, idle, minimal):
        return {"terminals": n, "changes": 30, "median_ms": median, "p99_ms": p99,
                "delays_s": delays, "lost": sum(1 for d in delays if math.isinf(d)),
                "idle_window_s": 10.0, "idle_cpu_s": idle, "minimal_idle_cpu_s": minimal,
                "idle_ratio": (sum(idle) / len(idle)) / minimal, "change_ratio": 3.0}

    return [load_run(2, 60.0, 120.0, [0.06, 0.12], [0.04, 0.05], 0.03),
            load_run(15, 180.0, math.inf, [0.18, math.inf], [0.09] * 15, 0.03)]


def review_figures() -> dict:
    def row(figure, one, ten, result="pass"):
        return {"figure": figure, "one_year_ms": one, "ten_years_ms": ten, "ratio": ten / one,
                "cold_10y_ms": ten, "max_10y_ms": ten, "target_ms": 100.0, "result": result}

    return {"repeats": 15, "rows": [
        row("open review (data)", 0.7, 7.0),
        row("group health", 1.8, 140.0, "MISS"),  # not a row of the table, but it misses
        row("one meeting in detail", 0.6, 1.9),  # neither: left out
        row("search: common word", 1.2, 3.6),
        row("search: phrase", 0.7, 4.2),
        row("search: OR and NOT", 3.2, 6.8),
        row("search: first keystroke", 2.8, 7.2),
        row("review screen opens (UI)", 48.0, 66.0, "info"),
    ]}


def notes_figures() -> dict:
    def row(metric, empty, full, ratio, target, result):
        return {"metric": metric, "empty": empty, "full": full, "ratio": ratio,
                "target": target, "result": result}

    return {"rows": [
        row("keystroke to screen, typing at the start, median (n=150)", "10.0 ms", "30.0 ms",
            "3.00x", "<= 2x", "MISS"),
        row("keystroke to screen, typing at the start, p95 (n=150)", "14.0 ms", "20.0 ms",
            "1.43x", "<= 2x", "pass"),
        row("CPU per keystroke, typing at the start", "5.0 ms", "9.0 ms", "1.80x", "-", "info"),
        row("saved note is what was typed", "yes", "yes", "", "yes", "pass"),
    ], "cases": []}


def startup_figures() -> dict:
    return {"years": 10, "target": 1.1, "ten_years_s": [0.40, 0.36, 0.38],
            "empty_s": [0.35, 0.34, 0.36]}


def everything() -> dict:
    # Through JSON and back, as the scripts' files are read (inf becomes Infinity and back).
    figures = {"run": run_figures(), "propagation": propagation_figures(),
               "notes": notes_figures(), "review": review_figures(),
               "startup": startup_figures()}
    return json.loads(json.dumps(figures))


def by_metric(rows) -> dict:
    return {row.metric: row for row in rows}


def test_every_step_gives_its_rows_in_the_table_order(bench_all) -> None:
    rows = bench_all.merge(everything())
    metrics = [row.metric for row in rows]
    assert metrics[:5] == [
        "first paint 80x24 (median of 7)", "first paint 200x50 (median of 7)",
        "RSS after first paint 80x24", "RSS after first paint 200x50",
        "CPU, turn counting down (10 s)",
    ]
    assert metrics[5] == "startup to home, 10 years vs empty db (median of 3)"
    assert metrics[6:11] == [
        "propagation median, 2 terminals", "propagation p99, 2 terminals",
        "propagation median, 15 terminals", "propagation p99, 15 terminals",
        "propagation updates lost, 2 / 15 terminals",
    ]
    assert "review 10 y: group health" in metrics  # a miss is always shown
    assert "review 10 y: one meeting in detail" not in metrics
    assert metrics[-1] == "notes: saved note is what was typed"
    assert all(len(row.cells()) == len(bench_all.HEADERS) for row in rows)


def test_ratios_baselines_and_verdicts(bench_all) -> None:
    rows = by_metric(bench_all.merge(everything()))
    paint = rows["first paint 80x24 (median of 7)"]
    assert (paint.peertui, paint.baseline, paint.ratio, paint.target, paint.result) == (
        "520 ms", "minimal 400 ms", "1.30x", "<= 1.3x", "pass")
    assert rows["first paint 200x50 (median of 7)"].result == "MISS"
    assert rows["RSS after first paint 80x24"].peertui == "60.0 MiB"
    cpu = rows["CPU, turn counting down (10 s)"]
    assert (cpu.peertui, cpu.baseline, cpu.ratio, cpu.result) == (
        "90.0 ms CPU", "minimal 30.0 ms CPU", "3.00x", "MISS")

    startup = rows["startup to home, 10 years vs empty db (median of 3)"]
    assert (startup.peertui, startup.baseline, startup.ratio, startup.target, startup.result) == (
        "380 ms", "empty 350 ms", "1.09x", "<= 1.1x", "pass")

    assert rows["propagation median, 2 terminals"].result == "pass"
    assert rows["propagation median, 15 terminals"].result == "MISS"
    lost_p99 = rows["propagation p99, 15 terminals"]
    assert (lost_p99.peertui, lost_p99.result) == ("never", "MISS")
    lost = rows["propagation updates lost, 2 / 15 terminals"]
    assert (lost.peertui, lost.result) == ("0 / 1", "MISS")
    two = rows["CPU per terminal, meeting running, 2 terminals"]
    assert (two.peertui, two.baseline, two.ratio, two.result) == (
        "4.5 ms/s", "minimal 3.0 ms/s", "1.50x", "pass")
    assert rows["CPU per terminal, meeting running, 15 terminals"].result == "MISS"

    review = rows["review 10 y: open review (data)"]
    assert (review.peertui, review.baseline, review.ratio, review.target, review.result) == (
        "7.0 ms", "1 y 0.7 ms", "10.0x", "< 100 ms", "pass")
    assert rows["review 10 y: review screen opens (UI)"].result == "info"

    start = rows["notes 1 MB: keystroke, typing at the start, median (n=150)"]
    assert (start.peertui, start.baseline, start.ratio, start.result) == (
        "30.0 ms", "empty 10.0 ms", "3.00x", "MISS")
    p95 = rows["notes 1 MB: keystroke, typing at the start, p95 (n=150)"]
    assert (p95.peertui, p95.result) == ("20.0 ms", "pass")
    saved = rows["notes: saved note is what was typed"]
    assert (saved.peertui, saved.baseline, saved.result) == ("yes", "yes", "pass")


def test_failed_unreadable_and_skipped_steps(bench_all) -> None:
    figures = everything()
    figures["propagation"] = None  # the script exited 2
    figures["review"] = {"rows": [{"figure": "open review (data)"}]}  # fields missing
    del figures["notes"]  # not run (--only)
    rows = bench_all.merge(figures, {"propagation": "propagation.py exit 2"})
    found = by_metric(rows)
    failed = found["propagation: no figures"]
    assert (failed.peertui, failed.result) == ("propagation.py exit 2", "FAILED")
    assert found["review: figures unreadable"].result == "?"
    assert not any(row.metric.startswith("notes") for row in rows)
    assert not any(row.metric.startswith("propagation ") for row in rows)
    assert bench_all.exit_code(rows, strict=False) == 2


def test_exit_codes(bench_all) -> None:
    rows = bench_all.merge(everything())  # it has misses
    assert bench_all.exit_code(rows, strict=False) == 0
    assert bench_all.exit_code(rows, strict=True) == 1
    passing = [row for row in rows if row.result != "MISS"]
    assert bench_all.exit_code(passing, strict=True) == 0


def test_the_table_is_one_aligned_block(bench_all) -> None:
    text = bench_all.table(bench_all.merge(everything()))
    lines = text.splitlines()
    assert lines[0].split() == bench_all.HEADERS
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(bench_all.merge(everything()))


def test_steps_and_the_only_option(bench_all) -> None:
    assert bench_all.STEP_NAMES == ("run", "propagation", "notes", "review", "startup")
    assert bench_all.parse_steps("run, startup") == ["run", "startup"]
    with pytest.raises(argparse.ArgumentTypeError):
        bench_all.parse_steps("nope")
    for step in bench_all.STEPS:
        assert (ALL_PY.parent / step.script).exists()
