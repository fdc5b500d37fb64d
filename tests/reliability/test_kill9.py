"""kill -9 at random moments of a meeting played as fast as possible: nothing committed is lost.

A driver process (meeting_driver.py) plays a meeting from the store, reporting each action
once it has committed; the test kills it after a random delay, checks the file, and starts the
next driver on the same file, which resumes the meeting where the database says it is.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.support import (
    child_env,
    create_group,
    integrity_problems,
    meeting_problems,
    note_text,
    read_only,
    script,
    seed,
)

ITERATIONS = 50
MAX_DELAY_S = 0.3  # from the driver's READY: imports done, the store not yet open
MEMBERS = ("Ann", "Bob", "Chen", "Dara", "Eli")


@dataclass
class Done:
    n: int
    seq: int
    entity: str
    kind: str
    detail: dict


@dataclass
class Run:
    delay: float
    done: list[Done] = field(default_factory=list)
    refused: int = 0


def run_and_kill(db: Path, log: Path, run_seed: int, delay: float) -> Run:
    with log.open("w") as out:
        child = subprocess.Popen(
            script("meeting_driver.py", db, run_seed),
            stdout=out,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
    try:
        deadline = time.monotonic() + 20
        while not log.read_text().startswith("READY\n"):
            if child.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the driver did not start: {child.stderr.read().decode()}")
            time.sleep(0.002)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
        stderr = child.stderr.read().decode()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL, f"the driver died by itself:\n{stderr}"
    run = Run(delay)
    text = log.read_text()
    # Only whole lines: the kill may land in the middle of one.
    for line in text.splitlines(keepends=True)[1:]:
        if not line.endswith("\n"):
            break
        if line.startswith("REFUSED"):
            run.refused += 1
            continue
        _, n, seq, entity, kind, detail = line.rstrip("\n").split(" ", 5)
        run.done.append(Done(int(n), int(seq), entity, kind, json.loads(detail)))
    assert [d.n for d in run.done] == list(range(1, len(run.done) + 1))
    return run


def lost_actions(conn: sqlite3.Connection, done: list[Done], baseline: int) -> list[str]:
    """Every action a driver reported is in the file, exactly as reported."""
    problems = []
    changes = conn.execute("SELECT count(*) FROM changes").fetchone()[0] - baseline
    if changes < len(done):
        problems.append(f"{len(done)} actions reported but only {changes} changes in the feed")
    for action in done:
        row = conn.execute("SELECT entity, kind FROM changes WHERE seq = ?", (action.seq,)).fetchone()
        if row is None or (row["entity"], row["kind"]) != (action.entity, action.kind):
            problems.append(f"action {action} has change {row and tuple(row)}")
            continue
        detail = action.detail
        if (action.entity, action.kind) == ("issue", "raised") and not conn.execute(
            "SELECT 1 FROM issues WHERE id = ? AND title = ?", (detail["issue"], detail["title"])
        ).fetchone():
            problems.append(f"issue {detail['title']!r} is missing")
        if (action.entity, action.kind) == ("issue", "merged") and not conn.execute(
            "SELECT 1 FROM issues WHERE id = ? AND status = 'merged' AND merged_into = ?",
            (detail["issue"], detail["into"]),
        ).fetchone():
            problems.append(f"issue {detail['issue']} is not merged into {detail['into']}")
        if action.entity == "issue" and action.kind in ("resolved", "parked", "carried"):
            if not conn.execute(
                "SELECT 1 FROM discussions WHERE meeting_id = ? AND issue_id = ? AND outcome = ?"
                " AND ended_at IS NOT NULL",
                (detail["meeting"], detail["issue"], action.kind),
            ).fetchone():
                problems.append(f"the discussion closed by {action} is not closed")
            for text in detail["actions"]:
                if not conn.execute(
                    "SELECT 1 FROM commitments WHERE issue_id = ? AND text = ?", (detail["issue"], text)
                ).fetchone():
                    problems.append(f"the action {text!r} of issue {detail['issue']} is missing")
        if (action.entity, action.kind) == ("meeting", "ended") and conn.execute(
            "SELECT ended_at FROM meetings WHERE id = ?", (detail["meeting"],)
        ).fetchone()[0] is None:
            problems.append(f"meeting {detail['meeting']} was ended but is in progress")
    notes: dict[int, str] = {}
    for action in done:
        if action.entity == "note":
            note = action.detail["note"]
            if note not in notes:
                notes[note] = note_text(conn, note)
            if action.detail["token"] not in notes[note]:
                problems.append(f"note {note} lost the edit {action.detail['token']}")
    return problems


def in_progress(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT id FROM meetings WHERE ended_at IS NULL").fetchone()
    return row[0] if row else None


def test_kill_9_at_random_moments_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "kill9.db"
    create_group(db, MEMBERS)
    conn = read_only(db)
    try:
        baseline = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    finally:
        conn.close()
    rng = random.Random(seed())
    done: list[Done] = []
    runs: list[Run] = []
    started = time.monotonic()
    for iteration in range(ITERATIONS):
        # One kill in five lands early: in Store.open, or rejoining the meeting.
        delay = rng.uniform(0.0, 0.015) if rng.random() < 0.2 else rng.uniform(0.015, MAX_DELAY_S)
        run_seed = rng.randrange(2**31)
        conn = read_only(db)
        try:
            resumed = in_progress(conn)
        finally:
            conn.close()
        run = run_and_kill(db, tmp_path / f"driver-{iteration}.log", run_seed, delay)
        runs.append(run)
        done += run.done
        where = f"iteration {iteration} (PEERTUI_RELIABILITY_SEED={seed()}, killed {delay:.3f} s in)"
        if run.done and resumed is not None:
            # It resumed the meeting in progress: its first action is to rejoin it.
            first = run.done[0]
            assert (first.entity, first.detail.get("meeting")) == ("presence", resumed), where
        conn = read_only(db)
        try:
            problems = integrity_problems(conn) + meeting_problems(conn)
            problems += lost_actions(conn, done, baseline)
            meetings = conn.execute("SELECT count(*), count(ended_at) FROM meetings").fetchone()
        finally:
            conn.close()
        assert not problems, f"{where}:\n" + "\n".join(problems[:20])
    elapsed = time.monotonic() - started
    print(
        f"\nkill -9: {ITERATIONS} kills in {elapsed:.1f} s, {len(done)} actions reported committed,"
        f" {sum(not r.done for r in runs)} kills before the first action,"
        f" {sum(r.refused for r in runs)} actions refused by the rules;"
        f" {meetings[0]} meetings, {meetings[1]} ended"
    )
    # The meeting kept going across the kills.
    assert meetings[1] >= 1
    assert len(done) >= ITERATIONS
