"""The bad-input suite: the count of cases tried, and what its modules share.

Every test here feeds bad input through a real part of peertui (the store, the `peertui`
command, the app through Textual's pilot) and calls `cases.tried()` once per input it fed
to one part. The total ends the run as one line: "bad-input cases tried: N".

Getting that line into the output of `pytest -n 2` takes some care: with xdist the tests run
(and count) in worker processes, and the controller process, which prints the summary, never
loads this conftest (it collects nothing, so it only loads conftest files of the paths on its
command line and of `tests/test*/`). So:

- without xdist, `pytest_terminal_summary` prints the line;
- with xdist and `tests/badinput` on the command line, the controller loads this file too:
  the workers put their counts in `workeroutput`, the controller adds them up in
  `pytest_testnodedown` and prints the line in its terminal summary;
- with xdist from the top (`pytest -n 2`, as CI runs it), each worker adds its count to a
  file of the run (named by xdist's `testrunuid`); the last worker to finish reads the total
  and reports it as a `BadInputSummary` warning, which xdist forwards to the controller: the
  line shows in the run's "warnings summary".
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

SUMMARY = "bad-input cases tried: {count}"
COUNT_KEY = "peertui_badinput_cases"
CONTROLLER_COUNTS = "peertui_badinput_controller_counts"


class BadInputSummary(UserWarning):
    """Not a problem: the channel that brings the bad-input count to the xdist controller."""


class Cases:
    """How many bad inputs this process fed through a real part of peertui."""

    def __init__(self) -> None:
        self.count = 0

    def tried(self, count: int = 1) -> None:
        self.count += count


CASES = pytest.StashKey[Cases]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[CASES] = Cases()


@pytest.fixture(scope="session")
def cases(pytestconfig: pytest.Config) -> Cases:
    return pytestconfig.stash[CASES]


# ---------------------------------------------------------------- xdist controller (if loaded)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput[CONTROLLER_COUNTS] = True  # this controller adds the counts up itself


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    count = getattr(node, "workeroutput", {}).get(COUNT_KEY, 0)
    node.config.stash[CASES].tried(count)


# ---------------------------------------------------------------- xdist workers


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        return
    count = config.stash[CASES].count
    config.workeroutput[COUNT_KEY] = count
    if workerinput.get(CONTROLLER_COUNTS):
        return
    total = _add_to_run_total(workerinput, count)
    if total is not None:
        with warnings.catch_warnings():
            # Never an error, whatever -W says: it is a report, not a problem.
            warnings.simplefilter("always", BadInputSummary)
            # Placed on the suite's folder, so the summary shows no source line beneath it.
            warnings.warn_explicit(
                BadInputSummary(SUMMARY.format(count=total)),
                BadInputSummary,
                filename=str(Path(__file__).parent),
                lineno=0,
            )


def _add_to_run_total(workerinput: dict, count: int) -> int | None:
    """Add this worker's count to the run's file; the run's total if this worker is the last."""
    import fcntl

    folder = Path(tempfile.gettempdir()) / f"peertui-badinput-{workerinput['testrunuid']}"
    folder.mkdir(exist_ok=True)
    with open(folder / "counts", "a+", encoding="ascii") as counts:
        fcntl.flock(counts, fcntl.LOCK_EX)
        counts.write(f"{workerinput['workerid']} {count}\n")
        counts.flush()
        counts.seek(0)
        lines = counts.read().split()
    finished = dict(zip(lines[::2], lines[1::2]))
    if len(finished) < int(workerinput["workercount"]):
        return None
    shutil.rmtree(folder, ignore_errors=True)
    return sum(int(value) for value in finished.values())


# ---------------------------------------------------------------- without xdist, or its controller


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    terminalreporter.write_sep("-", SUMMARY.format(count=config.stash[CASES].count))


# ---------------------------------------------------------------- bad text, shown literally

# What users type that must never be interpreted: Rich/Textual markup, and control
# characters that would drive a terminal (ESC, BEL), move its cursor (CR) or cut C strings
# (NUL). Each sits inside a word, so it survives the trimming of names.
NASTY = {
    "bold": "[bold]x",
    "close": "[/]",
    "link": "[link=file:///etc/passwd]x",
    "unclosed": "unclosed [b",
    "esc": "\x1b[31mred",
    "bel": "ring\x07",
    "cr": "over\rwrite",
    "nul": "nul\x00byte",
}
# Characters that must never reach a terminal raw from peertui's output.
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\r", "\x9b")


def shown(text: str) -> str:
    """How peertui shows user text on one line: control characters as visible symbols."""
    from peertui.core.text import visible

    return visible(text)


def no_raw_controls(text: str) -> bool:
    return not any(char in text for char in RAW_CONTROLS)


# ---------------------------------------------------------------- the `peertui` command


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str
    apps: list[dict]  # the app runs the command asked for (not started in-process)


def one_line_error(result: CliResult) -> str:
    """Exit 2 and exactly one `peertui: ...` line on stderr, nothing on stdout; the line."""
    assert result.code == 2, result
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("peertui: "), lines[0]
    assert no_raw_controls(result.stderr), repr(result.stderr)
    assert result.stdout == "" and not result.apps, result
    return lines[0]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run `peertui ARGS` in this process: the real argument parsing, store and output.

    The app is not started: a command that would open it records the call instead (so a bad
    input that wrongly gets that far fails the test rather than taking over the terminal).
    """
    import peertui.cli

    monkeypatch.delenv("PEERTUI_DEBUG", raising=False)
    apps: list[dict] = []

    async def run_ui(db: Path, *, store, **kwargs: object) -> int:
        # Everything up to the app runs for real (the store opened, the arguments checked).
        apps.append({"db": db, **kwargs})
        if store is not None:
            await store.close()
        return 0

    monkeypatch.setattr(peertui.cli, "run_ui", run_ui)

    def run(*args: str) -> CliResult:
        apps.clear()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = peertui.cli.main(list(args))
        return CliResult(code, out.getvalue(), err.getvalue(), list(apps))

    return run


@pytest.fixture
def subprocess_cli(tmp_path: Path):
    """Run the real `python -m peertui ARGS` (for the cases that must prove the entry point)."""
    import subprocess
    import sys

    def run(*args: str) -> CliResult:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PEERTUI_")}
        env.update(
            HOME=str(tmp_path / "home"),
            XDG_DATA_HOME=str(tmp_path / "xdg-data"),
            XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
            PEERTUI_BUSY_TIMEOUT_MS="200",
        )
        done = subprocess.run(
            [sys.executable, "-m", "peertui", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        return CliResult(done.returncode, done.stdout, done.stderr, [])

    return run


# ---------------------------------------------------------------- databases


def run_async(coroutine) -> object:
    """Run a coroutine to the end off the current thread (sync fixtures in async tests)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def copy_db(template: Path, target: Path) -> Path:
    """A private copy of a module's seeded database for one test."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target

