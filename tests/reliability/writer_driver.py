"""One of many concurrent writers on one database (run as a script).

    python writer_driver.py DB INDEX SECONDS GO_FILE LOG SEED MAX_PAUSE_S

Opens the Store on DB with the default busy timeout, writes "ready" to LOG, waits for GO_FILE
(so every writer starts at once), then for SECONDS makes random writes, pausing up to
MAX_PAUSE_S between two: issues (unique titles), dot votes and unvotes, members (unique
names), edits of the meeting's shared note. Every write it believes committed is one JSON line in
LOG, flushed; every error too. Refusals by the rules (no votes left) are not writes.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

from peertui.core.rules import InvalidInput
from peertui.store import Store, StoreError
from peertui.store.notes import NoteDoc


async def main(
    db: str, index: int, seconds: float, go_file: Path, log_path: Path, seed: int, max_pause: float
) -> None:
    rng = random.Random(seed)
    log = log_path.open("a", buffering=1)

    def record(**entry: object) -> None:
        log.write(json.dumps(entry) + "\n")
        log.flush()

    store = await Store.open(db)
    try:
        busy = (await store._rows("PRAGMA busy_timeout"))[0][0]
        group = await store.find_group("Circle")
        meeting_id = await store.meeting_in_progress(group.id)
        members = [m.id for m in await store.list_members(group.id)]
        snapshot = await store.open_note(meeting_id)
        doc = NoteDoc(snapshot.state)
        record(ready=True, origin=store.origin, busy_timeout_ms=busy, pid=os.getpid())
        while not go_file.exists():
            await asyncio.sleep(0.005)
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(0, max_pause))
            n += 1
            tag = f"w{index}-{n}"
            action = rng.choices(["issue", "vote", "member", "note"], [3, 3, 1, 2])[0]
            began = time.monotonic()
            try:
                if action == "issue":
                    title = f"Issue {tag}"
                    issue_id = await store.add_issue(group.id, title, raised_by=rng.choice(members))
                    entry = dict(entity="issue", id=issue_id, kind="raised", title=title)
                elif action == "vote":
                    issue_id = rng.randint(1, 1 + 4 * n)  # refused if not an open issue (yet)
                    delta = 1 if rng.random() < 0.7 else -1
                    member = rng.choice(members)
                    await store.vote(meeting_id, issue_id, member, delta)
                    entry = dict(
                        entity="vote", id=issue_id, kind="cast" if delta > 0 else "taken",
                        member=member, delta=delta,
                    )
                elif action == "member":
                    name = f"Member {tag}"
                    member = await store.add_member(group.id, name)
                    members.append(member.id)
                    entry = dict(entity="member", id=member.id, kind="created", name=name)
                else:
                    token = f"[{tag}]"
                    update = doc.edit_to(f"{doc} {token}")
                    await store.save_note_update(snapshot.note_id, update)
                    entry = dict(entity="note", id=snapshot.note_id, kind="edited", token=token)
            except InvalidInput:
                continue  # refused by the rules: nothing written
            except StoreError as error:
                record(error=error.__class__.__name__, message=str(error), action=action,
                       waited_s=time.monotonic() - began)
                continue
            record(write=entry, took_s=time.monotonic() - began)
        record(end=True)
    finally:
        await store.close()
        log.close()


if __name__ == "__main__":
    db, index, seconds, go_file, log, seed, max_pause = sys.argv[1:]
    asyncio.run(
        main(db, int(index), float(seconds), Path(go_file), Path(log), int(seed), float(max_pause))
    )
