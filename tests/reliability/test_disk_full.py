"""A write when the database cannot grow: one clear line, and the file intact afterwards.

The child processes run with RLIMIT_FSIZE just above the database's current size (and
SIGXFSZ ignored), so SQLite's writes past it fail with EFBIG, which SQLite reports as
SQLITE_IOERR_WRITE, "disk I/O error" (ENOSPC, a full disk, is SQLITE_FULL, "database or
disk is full"); the store must say DiskFull in its one line either way.

Through the Store (one long connection) the WAL is what cannot grow. Through the CLI each
process checkpoints into the database file as it closes, so the file hits the limit first
(a failed checkpoint, which SQLite leaves for later), then the WAL.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from peertui.store import DiskFull, Store
from peertui.store.errors import translate
from tests.reliability.diskfull_driver import details
from tests.reliability.support import child_env, create_group, integrity_problems, script

HEADROOM = 256 * 1024
# Run a command with no file allowed past sys.argv[1] bytes, SIGXFSZ ignored.
LIMITED = (
    "import os, resource, signal, sys; limit = int(sys.argv[1]);"
    " signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    " resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit));"
    " os.execv(sys.argv[2], sys.argv[2:])"
)


def message(db: Path) -> str:
    return f"{db}: the disk is full or the file cannot grow; nothing was saved from the last action."


def file_limit(db: Path) -> int:
    """Just above what the database takes now, its WAL included."""
    wal = db.with_name(db.name + "-wal")
    return db.stat().st_size + (wal.stat().st_size if wal.exists() else 0) + HEADROOM


def check_intact(db: Path, saved: dict[int, str]) -> None:
    conn = sqlite3.connect(db)
    try:
        assert integrity_problems(conn) == []
        issues = {row[0]: row[1] for row in conn.execute("SELECT id, title FROM issues")}
        assert {i: issues.get(i) for i in saved} == saved, "a write that reported success is gone"
        assert len(issues) == len(saved), "a write that reported failure was saved"
    finally:
        conn.close()


def test_translate_says_disk_full_for_both_ways_sqlite_reports_it(tmp_path: Path) -> None:
    for text in ("disk I/O error", "database or disk is full"):
        error = translate(sqlite3.OperationalError(text), tmp_path / "g.db")
        assert isinstance(error, DiskFull) and str(error) == message(tmp_path / "g.db")


def test_a_store_write_past_the_file_limit_fails_cleanly_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    create_group(db, ["Ann", "Bob"])
    child = subprocess.run(
        script("diskfull_driver.py", db, file_limit(db)),
        capture_output=True, text=True, env=child_env(), timeout=100,
    )
    assert child.returncode == 0 and child.stderr == "", child.stderr
    lines = child.stdout.splitlines()
    saved = {int(line.split()[1]): line.split(" ", 2)[2] for line in lines if line.startswith("OK")}
    failures = [line for line in lines if line.startswith("FAIL")]
    assert saved and failures, child.stdout
    # The first failure is the one clear line, and the next big write fails the same way.
    assert failures[0] == f"FAIL DiskFull {message(db)}"
    assert all(line == failures[0] for line in failures)
    # What SQLite said (here SQLITE_IOERR_WRITE: EFBIG is a failed write, not a full disk).
    causes = {tuple(line.split(" ", 2)[1:]) for line in lines if line.startswith("CAUSE")}
    assert causes and all(
        name.startswith("SQLITE_IOERR") or name == "SQLITE_FULL" for name, _ in causes
    ), causes
    assert lines[-1] == f"READ {len(saved)}"  # reading still works, from the same connection
    check_intact(db, saved)

    async def write_again() -> int:  # without the limit, the next write goes through
        async with await Store.open(db) as store:
            group = await store.find_group("Circle")
            return await store.add_issue(group.id, "After", details=details(random.Random(1)))

    saved[asyncio.run(write_again())] = "After"
    check_intact(db, saved)


def test_the_cli_says_so_in_one_line_with_exit_code_2(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    create_group(db, ["Ann", "Bob"])
    limit = file_limit(db)

    def issue_add(title: str, text: str, limited: bool = True) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "peertui", "issue", "add", "Circle", title,
                   "--details", text, "--db", str(db)]
        if limited:  # the limit and the ignored signal outlive exec: they hold for peertui
            command = [sys.executable, "-c", LIMITED, str(limit), *command]
        return subprocess.run(command, capture_output=True, text=True, env=child_env(), timeout=60)

    rng = random.Random(7)
    saved: dict[int, str] = {}
    for i in range(100):
        result = issue_add(f"Big {i}", details(rng))
        if result.returncode != 0:
            break
        issue_id = int(result.stdout.split()[2].rstrip(":"))
        saved[issue_id] = f"Big {i}"
    else:
        raise AssertionError("100 writes of 19 KB went through a 256 KB limit")
    assert saved, "the first write already failed"
    assert result.returncode == 2
    assert result.stderr == f"peertui: {message(db)}\n"
    assert result.stdout == ""
    check_intact(db, saved)
    again = issue_add("After", "no limit now", limited=False)
    assert again.returncode == 0, again.stderr
    saved[int(again.stdout.split()[2].rstrip(":"))] = "After"
    check_intact(db, saved)
