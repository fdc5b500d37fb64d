"""Writes through the Store until the file cannot grow (run as a script).

    python diskfull_driver.py DB LIMIT_BYTES

No file of this process may grow past LIMIT_BYTES (RLIMIT_FSIZE, with SIGXFSZ ignored so a
write past it fails with EFBIG instead of killing the process). It raises issues with long
details until one fails, then tries one more, then reads. Prints one line per outcome:

    OK <issue id> <title>          a write that reported success
    FAIL <error class> <message>   a write that failed (the StoreError's one line)
    CAUSE <SQLite error> <text>    the sqlite3 error the store translated
    READ <open issues>             reading still works after the failure
"""

from __future__ import annotations

import asyncio
import random
import resource
import signal
import sys

from peertui.store import Store, StoreError

MAX_WRITES = 400


def details(rng: random.Random) -> str:
    """About 19 KB of words (an issue's details take at most 20 000 characters)."""
    words = []
    size = 0
    while size < 19_000:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:19_000]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def main(db: str, limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    rng = random.Random(limit)
    store = await Store.open(db)
    try:
        group = await store.find_group("Circle")
        failures = 0
        for i in range(MAX_WRITES):
            title = f"Big {i}"
            try:
                issue_id = await store.add_issue(group.id, title, details=details(rng))
            except StoreError as error:
                say(f"FAIL {error.__class__.__name__} {error}")
                cause = error.__context__  # what SQLite said, behind the one line
                say(f"CAUSE {getattr(cause, 'sqlite_errorname', None)} {cause}")
                failures += 1
                if failures == 2:
                    break
                continue
            if failures:
                say(f"OK-AFTER-FAIL {issue_id} {title}")
                break
            say(f"OK {issue_id} {title}")
        say(f"READ {len(await store.list_issues(group.id))}")
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
