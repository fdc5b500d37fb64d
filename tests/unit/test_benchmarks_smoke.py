"""The benchmark script's pure helpers on small inputs (no app is launched, nothing is timed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("peertui_benchmarks_run", RUN_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_proc_stat_fields_are_counted_from_the_last_parenthesis(bench) -> None:
    # comm holds a space and a ')' of its own; utime=1234 and stime=56 are fields 14 and 15.
    fields = "S 1 2 3 0 -1 4194560 100 0 0 0 1234 56 7 8 20 0 3 0 123 4567 89"
    text = f"4242 (odd) name) {fields}\n"
    assert bench.parse_proc_stat(text) == (1234, 56)
    assert bench.cpu_seconds(text, 100) == pytest.approx(12.90)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_this_process_own_proc_files_parse(bench) -> None:
    utime, stime = bench.parse_proc_stat(Path("/proc/self/stat").read_text())
    assert utime >= 0 and stime >= 0
    assert bench.parse_vmrss_kib(Path("/proc/self/status").read_text()) > 0


def test_vmrss_is_read_in_kib(bench) -> None:
    status = "Name:\tpython\nVmPeak:\t  90000 kB\nVmRSS:\t   44652 kB\nThreads:\t3\n"
    assert bench.parse_vmrss_kib(status) == 44652
    with pytest.raises(ValueError):
        bench.parse_vmrss_kib("Name:\tzombie\nState:\tZ (zombie)\n")


def test_schedstat_gives_nanoseconds_on_the_cpu(bench) -> None:
    assert bench.parse_schedstat_ns("123456789 2345 67\n") == 123456789


def test_ratio_and_verdict(bench) -> None:
    assert bench.ratio(26, 20) == pytest.approx(1.3)
    assert bench.verdict(bench.ratio(26, 20), 1.3) == "pass"
    assert bench.verdict(1.31, 1.3) == "MISS"
    assert bench.ratio(0, 0) == 0.0
    assert bench.ratio(5, 0) == float("inf")


def test_table_has_one_line_per_figure_and_aligned_columns(bench) -> None:
    results = [
        bench.Result("first paint 80x24", 0.260, 0.200, "s", 1.3),
        bench.Result("CPU (10 s)", 0.090, 0.030, "cpu-s", 1.5),
        bench.Result("RSS", 45 * 1024, 32 * 1024, "KiB", 1.5),
    ]
    lines = bench.results_table(results).splitlines()
    assert lines[0].split() == ["metric", "peertui", "minimal", "app", "ratio", "target", "result"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert len(lines) == 2 + len(results)
    assert "260 ms" in lines[2] and "200 ms" in lines[2] and "1.30x" in lines[2]
    assert lines[2].endswith("pass")
    assert "90.0 ms CPU" in lines[3] and "3.00x" in lines[3] and lines[3].endswith("MISS")
    assert "45.0 MiB" in lines[4] and "1.41x" in lines[4]
    assert len({len(line) for line in lines[:2]}) == 1  # header as wide as the rule


def test_strip_ansi_keeps_only_the_text(bench) -> None:
    raw = "\x1b[?1049h\x1b]22;default\x07\x1b[3;1H\x1b[1;38;5;253mUp \x1b[0mnext:\x1b(B Priya"
    assert bench.strip_ansi(raw) == "Up next: Priya"
    assert bench.COUNTDOWN_MARKER.search(bench.strip_ansi("\x1b[7;3H4:59 left of 5:00"))


def test_runs_alternate_which_app_goes_first(bench) -> None:
    assert [bench.alternate(i, "a", "b") for i in range(3)] == [("a", "b"), ("b", "a"), ("a", "b")]


def test_environment_is_private_and_sized(bench, tmp_path: Path) -> None:
    env = bench.bench_env(tmp_path, 200, 50, "/usr/bin")
    assert env["HOME"] == str(tmp_path)
    assert env["XDG_DATA_HOME"].startswith(str(tmp_path))
    assert env["XDG_CONFIG_HOME"].startswith(str(tmp_path))
    assert (env["TERM"], env["COLUMNS"], env["LINES"]) == ("xterm-256color", "200", "50")
    assert not any(key.startswith("TEXTUAL") for key in env)
