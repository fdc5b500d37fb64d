"""Helpers shared by the reliability tests: child processes and reading the database back."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

from peertui.core.timer import Round, SpeakerStatus
from peertui.store import Store
from peertui.store.notes import NoteDoc

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def seed() -> int:
    """One seed for every random choice of a test, so a failure can be replayed."""
    raw = os.environ.get("PEERTUI_RELIABILITY_SEED", "")
    return int(raw) if raw.isdigit() else 20_240_611


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: the store's real defaults (the test suite's
    autouse fixture shortens the busy timeout; children must run with the default, 5 s)."""
    env = {key: value for key, value in os.environ.items() if key != "PEERTUI_BUSY_TIMEOUT_MS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def script(name: str, *args: object) -> list[str]:
    return [sys.executable, str(HERE / name), *map(str, args)]


def create_group(db: Path, members: Iterable[str], *, name: str = "Circle") -> None:
    async def create() -> None:
        async with await Store.open(db) as store:
            await store.create_group(name, members=[(m, None) for m in members])

    asyncio.run(create())


def read_only(db: Path) -> sqlite3.Connection:
    """A connection that cannot write (so it never checkpoints): the next writer to open the
    file after a crash is the app itself."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    problems = []
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        problems.append(f"integrity_check: {result[:5]}")
    foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    if foreign:
        problems.append(f"foreign_key_check: {[tuple(row) for row in foreign[:5]]}")
    return problems


def note_text(conn: sqlite3.Connection, note_id: int) -> str:
    """A note's text as a terminal opening it would see: the merged state plus later edits."""
    row = conn.execute("SELECT body, crdt_state, crdt_seq FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        return ""
    doc = NoteDoc(row["crdt_state"])
    if row["crdt_state"] is None:
        doc.edit_to(row["body"])
    for (data,) in conn.execute(
        "SELECT data FROM note_updates WHERE note_id = ? AND id > ? ORDER BY id",
        (note_id, row["crdt_seq"]),
    ):
        doc.apply(bytes(data))
    return str(doc)


def meeting_problems(conn: sqlite3.Connection) -> list[str]:
    """Everything that must hold of the meetings whatever moment a process died at."""
    problems: list[str] = []
    for row in conn.execute(
        "SELECT group_id, count(*) FROM meetings WHERE ended_at IS NULL GROUP BY group_id"
        " HAVING count(*) > 1"
    ):
        problems.append(f"group {row[0]} has {row[1]} meetings in progress")
    # Rounds: the stored timer state validates its own layout, and the turn history
    # written with it matches it.
    for row in conn.execute("SELECT meeting_id, kind, state FROM rounds"):
        try:
            round_ = Round.from_dict(json.loads(row["state"]))
        except Exception as error:  # noqa: BLE001 - any failure to rebuild is the finding
            problems.append(f"meeting {row['meeting_id']} {row['kind']} round: {error!r}")
            continue
        expected = sum(
            1
            for turn in round_.turns
            if turn.status in (SpeakerStatus.DONE, SpeakerStatus.PASSED)
            or (turn.status is SpeakerStatus.SKIPPED and round_.is_finished and turn.clock.is_started)
        )
        written = conn.execute(
            "SELECT count(*) FROM turns WHERE meeting_id = ? AND round = ?",
            (row["meeting_id"], row["kind"]),
        ).fetchone()[0]
        if written != expected:
            problems.append(
                f"meeting {row['meeting_id']} {row['kind']}: {written} turn rows for {expected} turns"
            )
    for meeting in conn.execute(
        "SELECT m.id, m.ended_at, m.discussing_issue_id, m.phase_index, m.agenda FROM meetings m"
    ):
        open_ = conn.execute(
            "SELECT issue_id FROM discussions WHERE meeting_id = ? AND ended_at IS NULL",
            (meeting["id"],),
        ).fetchall()
        if len(open_) > 1:
            problems.append(f"meeting {meeting['id']} has {len(open_)} discussions open")
        discussing = meeting["discussing_issue_id"]
        if meeting["ended_at"] is not None and (open_ or discussing is not None):
            problems.append(f"meeting {meeting['id']} ended with a discussion open")
        if [r[0] for r in open_] != ([discussing] if discussing is not None else []):
            problems.append(
                f"meeting {meeting['id']} discusses {discussing} but its open discussions are"
                f" {[r[0] for r in open_]}"
            )
        phases = json.loads(meeting["agenda"])
        if not 0 <= meeting["phase_index"] < len(phases):
            problems.append(f"meeting {meeting['id']} is in phase {meeting['phase_index']}")
        elif phases[meeting["phase_index"]]["kind"] == "wrapup" and not conn.execute(
            "SELECT 1 FROM rounds WHERE meeting_id = ? AND kind = 'closing'", (meeting["id"],)
        ).fetchone():
            problems.append(f"meeting {meeting['id']} is in its wrap-up without a closing round")
    for row in conn.execute(
        "SELECT v.meeting_id, v.member_id, sum(v.count) AS used, g.votes_per_member FROM votes v"
        " JOIN meetings m ON m.id = v.meeting_id JOIN groups g ON g.id = m.group_id"
        " GROUP BY v.meeting_id, v.member_id HAVING used > g.votes_per_member"
    ):
        problems.append(
            f"member {row['member_id']} has {row['used']} votes in meeting {row['meeting_id']}"
            f" (at most {row['votes_per_member']})"
        )
    for row in conn.execute(
        "SELECT c.id, c.issue_id FROM commitments c WHERE c.issue_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.id = c.issue_id)"
    ):
        problems.append(f"commitment {row['id']} belongs to a missing issue {row['issue_id']}")
    for row in conn.execute(
        "SELECT i.id FROM issues i WHERE i.status = 'merged' AND (i.merged_into IS NULL"
        " OR EXISTS (SELECT 1 FROM votes v WHERE v.issue_id = i.id))"
    ):
        problems.append(f"issue {row[0]} is half merged")
    for row in conn.execute(
        "SELECT meeting_id, member_id FROM hands WHERE lowered_at IS NULL"
        " GROUP BY meeting_id, member_id HAVING count(*) > 1"
    ):
        problems.append(f"member {row[1]} has two hands up in meeting {row[0]}")
    # A note's stored text and merged document are written together.
    for row in conn.execute("SELECT id, body, crdt_state FROM notes WHERE crdt_state IS NOT NULL"):
        if str(NoteDoc(row["crdt_state"])) != row["body"]:
            problems.append(f"note {row['id']}: its text and its document differ")
    return problems
