"""`peertui issue add|list` and `peertui followup`, run as a real subprocess against real files."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from peertui.core.agenda import preset
from peertui.store import Store
from tests.functional.test_cli import Run, ok, one_line_error, run, seeded  # noqa: F401 - fixtures
from tests.functional.test_store import file_state, query

NOW = 1_700_000_000.0
PAST = "2020-01-01"
PAST_TOO = "2020-02-01"
FUTURE = "2099-12-01"


def in_thread(build: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run a Store coroutine to completion off the test's (possible) event-loop thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, build(*args)).result()


def table(out: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line) for line in out.splitlines()]


async def build_history(path: Path) -> dict[str, int]:
    """Tuesday Circle (Ann/ann, Bob/bob, Chen) after one meeting: votes, a parked issue,
    a resolved one with three actions (one not done at the meeting), and issues still open."""
    ticks = itertools.count()
    async with await Store.open(path, actor="test", clock=lambda: NOW + 60 * next(ticks)) as store:
        group = await store.create_group(
            "Tuesday Circle", members=[("Ann", "ann"), ("Bob", "bob"), ("Chen", None)]
        )
        ann, bob, chen = await store.list_members(group.id)
        ids = {
            "rota": await store.add_issue(group.id, "Summer rota", raised_by=ann.id, urgency="A"),
            "venue": await store.add_issue(group.id, "Find a new venue", raised_by=bob.id),
            "news": await store.add_issue(group.id, "Newsletter", raised_by=chen.id, urgency="C"),
            "budget": await store.add_issue(group.id, "Budget", minutes=30),
        }
        meeting = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
        await store.vote(meeting, ids["rota"], ann.id, 1)
        await store.vote(meeting, ids["rota"], bob.id, 1)
        await store.vote(meeting, ids["budget"], chen.id, 1)
        await store.start_discussion(meeting, ids["venue"])
        await store.close_issue(meeting, ids["venue"], "parked", "later")
        await store.start_discussion(meeting, ids["news"])
        await store.close_issue(
            meeting,
            ids["news"],
            "resolved",
            "decided X",
            actions=[
                ("Draft the rota", ann.id, FUTURE),
                ("Book the hall", bob.id, PAST),
                ("Send the minutes", ann.id, PAST_TOO),
            ],
        )
        hall = next(c for c in await store.commitments(group.id) if c.text == "Book the hall")
        await store.review_commitment(meeting, hall.id, "not_done")
        await store.end_meeting(meeting)
        ids["late"] = await store.add_issue(group.id, "Late idea", raised_by=chen.id)
    return ids


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.db"
    in_thread(build_history, path)
    return path


# ---------------------------------------------------------------- issue add / list


def test_add_with_all_options_then_list_as_text_and_json(run: Run, seeded: Path) -> None:
    db = ("--db", str(seeded))
    added = run(
        "issue", "add", "Tuesday Circle", "Rota for summer", "--by", "Ann",
        "--details", "Who hosts in August?", "--urgency", "A", "--minutes", "25", *db,
    )  # fmt: skip
    assert ok(added) == "Raised issue 1: 'Rota for summer' in 'Tuesday Circle'.\n"
    snacks = ok(run("issue", "add", "1", "Snacks", *db))
    assert snacks == "Raised issue 2: 'Snacks' in 'Tuesday Circle'.\n"

    assert table(ok(run("issue", "list", "Tuesday Circle", *db))) == [
        ["ID", "VOTES", "URG", "WAITED", "BY", "STATUS", "TITLE"],
        ["1", "0", "A", "0", "Ann", "open", "Rota for summer"],
        ["2", "0", "B", "0", "—", "open", "Snacks"],
    ]
    first, second = json.loads(ok(run("issue", "list", "tuesday circle", "--json", *db)))
    assert datetime.fromisoformat(first.pop("raised_at")).utcoffset().total_seconds() == 0
    assert first == {
        "id": 1,
        "title": "Rota for summer",
        "details": "Who hosts in August?",
        "raised_by": "Ann",
        "urgency": "A",
        "estimate_minutes": 25,
        "status": "open",
        "outcome": None,
        "meetings_waited": 0,
        "votes": 0,
    }
    assert (second["raised_by"], second["urgency"], second["estimate_minutes"]) == (None, "B", 10)
    assert second["details"] == ""


def test_raised_by_login_and_lowercase_urgency(run: Run, seeded: Path) -> None:
    db = ("--db", str(seeded))
    ok(run("issue", "add", "Tuesday Circle", "Hosting", "--by", "ann", "--urgency", "c", *db))
    assert query(seeded, "SELECT title, raised_by, urgency, estimate_minutes FROM issues") == [
        ("Hosting", 1, "C", 10.0)
    ]


def test_empty_queue(run: Run, seeded: Path) -> None:
    out = ok(run("issue", "list", "Tuesday Circle", "--db", str(seeded)))
    assert out.startswith("No open issues in 'Tuesday Circle'.")
    assert json.loads(ok(run("issue", "list", "1", "--json", "--all", "--db", str(seeded)))) == []


def test_queue_order_total_votes_and_meetings_waited(run: Run, history: Path) -> None:
    assert table(ok(run("issue", "list", "Tuesday Circle", "--db", str(history)))) == [
        ["ID", "VOTES", "URG", "WAITED", "BY", "STATUS", "TITLE"],
        ["1", "2", "A", "1", "Ann", "open", "Summer rota"],
        ["4", "1", "B", "1", "—", "open", "Budget"],
        ["5", "0", "B", "0", "Chen", "open", "Late idea"],
    ]


def test_all_adds_parked_and_resolved_after_the_open_ones_newest_first(
    run: Run, history: Path
) -> None:
    rows = table(ok(run("issue", "list", "Tuesday Circle", "--all", "--db", str(history))))
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [
        ("1", "open", "Summer rota"),
        ("4", "open", "Budget"),
        ("5", "open", "Late idea"),
        ("3", "resolved", "Newsletter"),
        ("2", "parked", "Find a new venue"),
    ]
    listed = json.loads(ok(run("issue", "list", "1", "--all", "--json", "--db", str(history))))
    by_id = {i["id"]: i for i in listed}
    assert (by_id[2]["status"], by_id[2]["outcome"]) == ("parked", "later")
    assert (by_id[3]["status"], by_id[3]["outcome"]) == ("resolved", "decided X")
    open_only = json.loads(ok(run("issue", "list", "1", "--json", "--db", str(history))))
    assert [i["id"] for i in open_only] == [1, 4, 5]


# ---------------------------------------------------------------- followup


def test_followup_text_groups_by_owner_with_due_dates(run: Run, history: Path) -> None:
    out = ok(run("followup", "Tuesday Circle", "--db", str(history)))
    assert out == (
        f"Open commitments in Tuesday Circle (as of {date.today().isoformat()})\n"
        "\n"
        "Ann\n"
        f"  - Send the minutes (due {PAST_TOO}, OVERDUE)  [from: Newsletter]\n"
        f"  - Draft the rota (due {FUTURE})  [from: Newsletter]\n"
        "\n"
        "Bob\n"
        f"  - Book the hall (due {PAST}, OVERDUE, not done at the last meeting)"
        "  [from: Newsletter]\n"
    )


def test_followup_json(run: Run, history: Path) -> None:
    listed = json.loads(ok(run("followup", "1", "--json", "--db", str(history))))
    for item in listed:
        assert isinstance(item.pop("id"), int)
    assert listed == [
        {"owner": "Ann", "text": "Send the minutes", "due_on": PAST_TOO, "overdue": True,
         "issue": "Newsletter", "last_review": None},
        {"owner": "Ann", "text": "Draft the rota", "due_on": FUTURE, "overdue": False,
         "issue": "Newsletter", "last_review": None},
        {"owner": "Bob", "text": "Book the hall", "due_on": PAST, "overdue": True,
         "issue": "Newsletter", "last_review": "not_done"},
    ]  # fmt: skip


def test_followup_for_one_member_by_name_or_login(run: Run, history: Path) -> None:
    db = ("--db", str(history))
    by_login = json.loads(ok(run("followup", "Tuesday Circle", "--member", "bob", "--json", *db)))
    assert [(c["owner"], c["text"]) for c in by_login] == [("Bob", "Book the hall")]
    text = ok(run("followup", "Tuesday Circle", "--member", "Ann", *db))
    assert "Draft the rota" in text and "Send the minutes" in text and "Bob" not in text
    nothing = ok(run("followup", "Tuesday Circle", "--member", "Chen", *db))
    assert nothing == "No open commitments.\n"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["issue", "add", "Nope", "X"], "There is no group named 'Nope'"),
        (["issue", "list", "Nope"], "There is no group named 'Nope'"),
        (["followup", "Nope"], "There is no group named 'Nope'"),
        (["issue", "add", "1", "X", "--by", "Zed"], "There is no member named 'Zed'"),
        (["followup", "1", "--member", "zed"], "There is no member named 'zed'"),
        (["issue", "add", "1", "X", "--urgency", "D"], "invalid choice: 'D'"),
        (["issue", "add", "1", "X", "--minutes", "0"], "The estimate is from 1 to 240 minutes"),
        (["issue", "add", "1", "   "], "An issue needs a title"),
    ],
    ids=[
        "add-unknown-group",
        "list-unknown-group",
        "followup-unknown-group",
        "unknown-raiser",
        "unknown-owner",
        "bad-urgency",
        "bad-minutes",
        "empty-title",
    ],
)
def test_errors_are_one_line_exit_2_and_write_nothing(
    run: Run, seeded: Path, args: list[str], message: str
) -> None:
    before = file_state(seeded)
    line = one_line_error(run(*args, "--db", str(seeded)))
    assert message in line
    assert file_state(seeded) == before
    assert query(seeded, "SELECT count(*) FROM issues") == [(0,)]


# ---------------------------------------------------------------- hostile text


async def add_hostile_commitment(path: Path, title: str, text: str) -> None:
    async with await Store.open(path, actor="test") as store:
        group = await store.find_group("Tuesday Circle")
        ann = await store.find_member(group.id, "ann")
        issue = await store.add_issue(group.id, title, raised_by=ann.id)
        meeting = await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))
        await store.close_issue(meeting, issue, "resolved", "ok", actions=[(text, ann.id, PAST)])


def test_markup_and_escapes_stay_literal_in_json_and_inert_in_text(run: Run, seeded: Path) -> None:
    db = ("--db", str(seeded))
    title = "\x1b[31mRed [bold]alert[/bold]\x07"
    action = "[link=file:///etc/passwd]Click[/link] \x1b]0;owned\x07"
    shown_title = "\u241b[31mRed [bold]alert[/bold]\u2407"

    added = ok(run("issue", "add", "Tuesday Circle", title, "--by", "ann", *db))
    assert added == f"Raised issue 1: {shown_title!r} in 'Tuesday Circle'.\n"
    assert json.loads(ok(run("issue", "list", "1", "--json", *db)))[0]["title"] == title
    listed = ok(run("issue", "list", "1", *db))
    assert listed.splitlines()[1].endswith(shown_title)

    in_thread(add_hostile_commitment, seeded, title, action)
    followup = ok(run("followup", "1", *db))
    assert "[link=file:///etc/passwd]Click[/link] \u241b]0;owned\u2407" in followup
    assert f"[from: {shown_title}]" in followup
    assert json.loads(ok(run("followup", "1", "--json", *db)))[0]["text"] == action
    everything = ok(run("issue", "list", "1", "--all", *db))
    for out in (added, listed, followup, everything):
        assert "\x1b" not in out and "\x07" not in out
