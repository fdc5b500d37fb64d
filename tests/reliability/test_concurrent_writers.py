"""Sixteen processes writing to one database at once, each through its own Store.

Every write waits its turn through SQLite's busy timeout (the store's default, 5 s): none
may fail with "database is locked", none may be lost, and the change feed holds exactly one
row per write, from the process that made it.

PEERTUI_RELIABILITY_SECONDS sets how long they write (default 30).
PEERTUI_RELIABILITY_MAX_PAUSE_MS sets each writer's longest pause between two writes
(default 50: about 430 writes a second in all on 2 cores, a third of what the file takes).
At 0 the writers saturate the file: then the slowest write waits seconds (up to 5.0 s seen
on 2 cores), right at the busy timeout, and a lock error becomes a matter of luck.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from peertui.core.agenda import preset
from peertui.store import Store
from tests.reliability.support import child_env, integrity_problems, note_text, script, seed

WRITERS = 16
SECONDS = float(os.environ.get("PEERTUI_RELIABILITY_SECONDS", "") or 30)
MAX_PAUSE_S = float(os.environ.get("PEERTUI_RELIABILITY_MAX_PAUSE_MS", "") or 50) / 1000
MEMBERS = ("Ann", "Bob", "Chen", "Dara", "Eli", "Fay", "Gus", "Hal")


def set_up(db: Path) -> int:
    """The group, its meeting in progress and the meeting's shared note; the last change."""

    async def create() -> int:
        async with await Store.open(db) as store:
            group = await store.create_group(
                "Circle", members=[(m, None) for m in MEMBERS], votes_per_member=20
            )
            meeting_id = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
            await store.open_note(meeting_id)
            return await store.last_change()

    return asyncio.run(create())


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.timeout(SECONDS + 150)
def test_sixteen_writers_lose_nothing_and_never_see_a_lock(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    setup_seq = set_up(db)
    go = tmp_path / "go"
    logs = [tmp_path / f"writer-{i}.log" for i in range(WRITERS)]
    errs = [tmp_path / f"writer-{i}.err" for i in range(WRITERS)]
    rng = random.Random(seed())
    children = []
    try:
        for i in range(WRITERS):
            with errs[i].open("w") as err:
                children.append(
                    subprocess.Popen(
                        script(
                            "writer_driver.py", db, i, SECONDS, go, logs[i],
                            rng.randrange(2**31), MAX_PAUSE_S,
                        ),
                        stdout=subprocess.DEVNULL,
                        stderr=err,
                        env=child_env(),
                    )
                )
        deadline = time.monotonic() + 60
        while not all(log.exists() and log.read_text().startswith('{"ready"') for log in logs):
            failed = [c.args for c in children if c.poll() is not None]
            assert not failed and time.monotonic() < deadline, (
                "writers did not start:\n" + "\n".join(e.read_text() for e in errs)
            )
            time.sleep(0.02)
        go.touch()
        started = time.monotonic()
        codes = [child.wait(timeout=SECONDS + 60) for child in children]
        elapsed = time.monotonic() - started
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    stderr = "\n".join(e.read_text() for e in errs)
    assert codes == [0] * WRITERS and not stderr.strip(), stderr

    entries = [read_log(log) for log in logs]
    heads = [log[0] for log in entries]
    assert {head["busy_timeout_ms"] for head in heads} == {5000}
    assert all(log[-1] == {"end": True} for log in entries), "a writer did not finish"
    errors = [entry for log in entries for entry in log if "error" in entry]
    locked = [e for e in errors if e["error"] == "DatabaseLocked" or "locked" in e["message"]]
    assert not locked, f"{len(locked)} writes saw a lock error, e.g. {locked[:3]}"
    assert not errors, f"{len(errors)} writes failed, e.g. {errors[:3]}"
    writes = {head["origin"]: [e for e in log if "write" in e] for head, log in zip(heads, entries)}
    total = sum(len(w) for w in writes.values())

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        assert integrity_problems(conn) == []
        # The change feed: exactly one row per write, from the process that made it.
        feed: dict[str, Counter] = {}
        for row in conn.execute(
            "SELECT origin, entity, entity_id, kind FROM changes WHERE seq > ?", (setup_seq,)
        ):
            feed.setdefault(row["origin"], Counter())[(row["entity"], row["entity_id"], row["kind"])] += 1
        assert set(feed) <= set(writes), "changes from no writer"
        for origin, made in writes.items():
            expected = Counter((w["write"]["entity"], w["write"]["id"], w["write"]["kind"]) for w in made)
            got = feed.get(origin, Counter())
            assert got == expected, (
                f"writer {origin}: missing {expected - got}, unexpected {got - expected}"
            )
        # No lost write: each one's rows are there.
        made = [w["write"] for log in writes.values() for w in log]
        issues = {row[0]: row[1] for row in conn.execute("SELECT id, title FROM issues")}
        members = {row[0]: row[1] for row in conn.execute("SELECT id, name FROM members")}
        lost = [w for w in made if w["entity"] == "issue" and issues.get(w["id"]) != w["title"]]
        lost += [w for w in made if w["entity"] == "member" and members.get(w["id"]) != w["name"]]
        notes = {w["id"] for w in made if w["entity"] == "note"}
        texts = {note: note_text(conn, note) for note in notes}
        lost += [w for w in made if w["entity"] == "note" and w["token"] not in texts[w["id"]]]
        assert not lost, f"{len(lost)} writes lost, e.g. {lost[:3]}"
        votes = conn.execute("SELECT coalesce(sum(count), 0) FROM votes").fetchone()[0]
        assert votes == sum(w["delta"] for w in made if w["entity"] == "vote")
    finally:
        conn.close()

    took = sorted(w["took_s"] for log in writes.values() for w in log)
    kinds = Counter(w["entity"] for w in made)
    print(
        f"\n{WRITERS} writers for {SECONDS:g} s ({elapsed:.1f} s in all): {total} writes"
        f" ({total / SECONDS:.0f}/s; {dict(kinds)}), none lost, no lock error;"
        f" write latency median {took[len(took) // 2] * 1000:.0f} ms,"
        f" p99 {took[int(len(took) * 0.99)] * 1000:.0f} ms, max {took[-1] * 1000:.0f} ms"
        " (busy timeout 5000 ms)"
    )
    assert total >= WRITERS * SECONDS  # they did write, and kept writing
