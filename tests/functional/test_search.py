"""Full-text search (SQLite FTS5): what it finds, in which group, what a bad query gets,
the index kept in step by triggers, the migration that fills it, and `peertui search`."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from peertui.core.rules import InvalidInput
from peertui.store import Store
from peertui.store.schema import MIGRATIONS
from peertui.store.search import fts_query
from tests.conftest import FakeClock
from tests.functional.test_cli import run  # noqa: F401 - a fixture
from tests.functional.test_review_screen import DEFAULT, add_note, seed_history
from tests.functional.test_store import query


async def hits(store: Store, group_id: int, text: str) -> list[tuple[str, str]]:
    """(kind, title) of each hit, best first."""
    result = await store.search(group_id, text)
    return [(hit.kind, hit.title) for hit in result.hits]


async def kinds(store: Store, group_id: int, text: str) -> set[str]:
    return {kind for kind, _ in await hits(store, group_id, text)}


def fts_consistent(db_path: Path) -> None:
    """FTS5's own check of each index against its content table."""
    db = sqlite3.connect(db_path)
    try:
        for table in ("issues_fts", "commitments_fts", "notes_fts"):
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    finally:
        db.close()


# ---------------------------------------------------------------------- what it finds


async def test_finds_titles_details_outcomes_actions_and_shared_notes(
    db_path: Path, clock: FakeClock
) -> None:
    seeded = await seed_history(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        g = seeded.group_id
        assert sorted(await hits(store, g, "summer")) == [
            ("commitment", "Draft the summer rota"),
            ("issue", "Rota for the summer"),
        ]
        assert await hits(store, g, "night shifts") == [("issue", "Rota for the summer")]  # details
        assert await hits(store, g, "august") == [("issue", "Rota for the summer")]  # the outcome
        assert await hits(store, g, "landlord") == [("commitment", "Ask the landlord for permits")]
        assert await hits(store, g, "fire drill") == [("note", "")]  # a meeting's note
        assert await hits(store, g, "overtime") == [("note", "Rota for the summer")]  # an issue's
        assert await hits(store, g, "worried") == []  # presenter-only notes are never returned
        result = await store.search(g, "landlord")
        [hit] = result.hits
        assert (hit.issue_id, hit.meeting_id, hit.meeting_number) == (seeded.parking, seeded.meetings[1], 2)
        assert (hit.who, hit.status, result.more) == ("Ann", "open", False)
        assert [text for text, marked in hit.snippet if marked] == ["landlord"]
        assert hit.snippet_text == "Ask the landlord for permits"


async def test_words_match_at_their_start_without_accents_phrases_and_operators(
    db_path: Path, clock: FakeClock
) -> None:
    seeded = await seed_history(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        g = seeded.group_id
        issue = await store.add_issue(g, "Zoë's budgeting for O'Brien", details="night-shift cover")
        assert await kinds(store, g, "budg") == {"issue"}  # the start of a word
        assert await kinds(store, g, "zoe") == {"issue"}  # without accents
        assert await kinds(store, g, "o'brien") == {"issue"}  # punctuation is text, not syntax
        assert await kinds(store, g, "night-shift") == {"issue"}
        assert await kinds(store, g, '"budg"') == set()  # quoted: the whole word only
        assert await kinds(store, g, '"summer rota"') == {"commitment"}  # a phrase
        assert await kinds(store, g, "temps NOT agency") == {"issue", "note"}
        assert await kinds(store, g, "landlord OR drill") == {"commitment", "note"}
        assert await kinds(store, g, "(landlord OR drill) permits") == {"commitment"}
        assert await kinds(store, g, "rota summer") == {"issue", "commitment"}  # all words
        assert (await store.search(g, "   ")).hits == []
        assert (await store.search(g, "- &")).hits == []  # nothing searchable in it
        assert (await store.search(g, "z", limit=1)).hits[0].issue_id == issue


async def test_search_stays_in_its_group(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        other = await store.create_group("Other", members=[("Zed", None)])
        (zed,) = [m.id for m in await store.list_members(other.id)]
        await store.add_issue(other.id, "Summer rota elsewhere", details="temps again")
        meeting = await store.start_meeting(other.id, DEFAULT)
        await add_note(store, other.id, meeting, None, "fire drill elsewhere")
        assert await hits(store, other.id, "drill") == [("note", "")]
        assert await hits(store, other.id, "summer") == [("issue", "Summer rota elsewhere")]
        assert await hits(store, seeded.group_id, "elsewhere") == []
        assert len(await hits(store, seeded.group_id, "drill")) == 1
        assert ("issue", "Summer rota elsewhere") not in await hits(store, seeded.group_id, "summer")
        assert zed


async def test_more_hits_than_the_limit(db_path: Path, clock: FakeClock) -> None:
    seeded = await seed_history(db_path, clock)
    async with await Store.open(db_path, clock=clock) as store:
        result = await store.search(seeded.group_id, "temps", limit=2)
        assert len(result.hits) == 2 and result.more
        result = await store.search(seeded.group_id, "temps", limit=3)
        assert len(result.hits) == 3 and not result.more


# ---------------------------------------------------------------------- bad queries


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ('"unclosed', "The quote is not closed"),
        ("AND", "AND needs words on both sides"),
        ("rota OR", "OR needs words on both sides"),
        ("NOT rota", "NOT needs words on both sides"),
        ("rota AND AND summer", "AND needs words on both sides"),
        ("foo*bar(", "a * goes once, at the end of a word"),
        ("*", "A * needs the start of a word"),
        ("budg**", "a * goes once"),
        ("(rota", "A bracket is not closed"),
        ("rota)", "A closing bracket ) has no opening one"),
        ("rota ()", "The brackets are empty"),
        ("(OR)", "OR needs words on both sides"),
        ("x" * 301, "The search is too long"),
    ],
)
async def test_a_malformed_query_is_invalid_input_with_a_clear_message(
    db_path: Path, clock: FakeClock, typed: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        fts_query(typed)
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group("Circle", members=[("Ann", None)])
        with pytest.raises(InvalidInput, match=r"\w"):
            await store.search(group.id, typed)


def test_queries_become_fts5_syntax() -> None:
    assert fts_query("rota budget") == '"rota"* AND "budget"*'
    assert fts_query('"exact words"') == '"exact words"'
    assert fts_query('"rota"*') == '"rota"*'
    assert fts_query("rota OR (budget NOT travel)") == '"rota"* OR ( "budget"* NOT "travel"* )'
    assert fts_query("(a OR b) c") == '( "a"* OR "b"* ) AND "c"*'  # FTS5 needs AND said here
    assert fts_query("O'Brien title:x") == '"O\'Brien"* AND "title:x"*'
    assert fts_query("and or not") == '"and"* AND "or"* AND "not"*'  # lower case: plain words
    assert fts_query(" - & ") == ""


async def test_sqlites_own_syntax_error_is_invalid_input_too(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import peertui.store.search as search

    monkeypatch.setattr(search, "fts_query", lambda raw: raw)  # no translation: raw FTS5
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group("Circle", members=[("Ann", None)])
        with pytest.raises(InvalidInput, match="That search cannot be run"):
            await store.search(group.id, "NOT rota")


# ---------------------------------------------------------------------- the index in step


async def test_the_index_follows_updates_closes_merges_and_deletes(
    db_path: Path, clock: FakeClock
) -> None:
    seeded = await seed_history(db_path, clock)
    g = seeded.group_id
    async with await Store.open(db_path, clock=clock) as store:
        meeting = await store.start_meeting(g, DEFAULT)
        # close_issue writes the outcome: its words are found at once, the issue's old ones stay.
        await store.start_discussion(meeting, seeded.parking)
        await store.close_issue(meeting, seeded.parking, "resolved", "Car share rota agreed",
                                [("Set up the car share list", seeded.members[2], "2027-02-01")])
        assert sorted(await hits(store, g, "car share")) == [
            ("commitment", "Set up the car share list"), ("issue", "Parking at the office")]
        # Merging writes the outcome of the one merged in.
        first = await store.add_issue(g, "Lunch budget")
        second = await store.add_issue(g, "Team lunches")
        await store.merge_issues(second, first)
        assert ("issue", "Team lunches") in await hits(store, g, "merged")
        # Direct updates and deletes (e.g. an edit or an import) keep it in step too.
        async with store.transaction() as tx:
            await tx.execute("UPDATE issues SET title = 'Canteen money' WHERE id = ?", (first,))
            await tx.execute("UPDATE commitments SET text = 'Phone the agency' WHERE text LIKE 'Call%'")
            await tx.execute("UPDATE notes SET body = 'Evacuation practice' WHERE body LIKE '%drill%'")
            await tx.execute("DELETE FROM notes WHERE body LIKE 'Options%'")
        assert await hits(store, g, "lunch") == [("issue", "Team lunches")]
        assert await hits(store, g, "canteen") == [("issue", "Canteen money")]
        assert await hits(store, g, "call") == []
        assert await hits(store, g, "phone") == [("commitment", "Phone the agency")]
        assert await hits(store, g, "drill") == []
        assert await hits(store, g, "evacuation") == [("note", "")]
        assert await hits(store, g, "overtime") == []
        # Columns the index does not hold change without touching it.
        await store.end_meeting(meeting)  # meetings_waited + 1 on every open issue
    fts_consistent(db_path)


async def test_the_migration_indexes_rows_written_before_it(db_path: Path, clock: FakeClock) -> None:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.executescript("PRAGMA journal_mode = WAL;" + "".join(MIGRATIONS[:4]))
    db.executescript(
        """
        INSERT INTO groups (name, created_at) VALUES ('Old timers', 1.0);
        INSERT INTO members (group_id, name, position, joined_at) VALUES (1, 'Ann', 1, 1.0);
        INSERT INTO meetings (group_id, number, started_at, ended_at) VALUES (1, 1, 1.0, 2.0);
        INSERT INTO issues (group_id, title, details, raised_at, status, outcome)
          VALUES (1, 'Succession planning', 'who takes over', 1.0, 'resolved', 'Mentor Bob');
        INSERT INTO commitments (group_id, issue_id, meeting_id, owner_id, text, due_on, created_at)
          VALUES (1, 1, 1, 1, 'Book the mentoring sessions', '2020-01-01', 1.0);
        INSERT INTO notes (meeting_id, issue_id, body, updated_at)
          VALUES (1, 1, 'Handover checklist drafted', 1.0);
        PRAGMA user_version = 4;
        """
    )
    db.close()
    async with await Store.open(db_path, clock=clock) as store:
        assert sorted(await hits(store, 1, "mentor")) == [
            ("commitment", "Book the mentoring sessions"), ("issue", "Succession planning")]
        assert await hits(store, 1, "takes") == [("issue", "Succession planning")]
        assert await hits(store, 1, "checklist") == [("note", "Succession planning")]
    assert query(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    fts_consistent(db_path)


# ---------------------------------------------------------------------- peertui search


async def test_cli_search_text_json_and_exit_codes(db_path: Path, clock: FakeClock, run) -> None:  # noqa: F811
    seeded = await seed_history(db_path, clock)
    db = str(db_path)
    result = run("search", "Circle", "summer", "--db", db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2 matches for 'summer' in 'Circle', best first"
    assert f"Issue {seeded.rota} · meeting 1 · 2027-01-15 · resolved · Bob" in lines
    assert "  Rota for the summer" in lines
    assert any(line.startswith("Action ") and "· open · Bob" in line for line in lines)

    result = run("search", str(seeded.group_id), "landlord", "--json", "--db", db)
    assert result.returncode == 0
    [hit] = json.loads(result.stdout)
    assert hit == {
        "kind": "commitment",
        "id": hit["id"],
        "issue_id": seeded.parking,
        "meeting_id": seeded.meetings[1],
        "meeting_number": 2,
        "date": "2027-01-22",
        "title": "Ask the landlord for permits",
        "status": "open",
        "who": "Ann",
        "snippet": "Ask the landlord for permits",
    }

    result = run("search", "Circle", "nothing-like-it", "--db", db)
    assert (result.returncode, result.stdout.strip()) == (0, "No matches for 'nothing-like-it' in 'Circle'.")
    assert json.loads(run("search", "Circle", "zzz", "--json", "--db", db).stdout) == []

    for bad, message in (('"unclosed', "The quote is not closed"), ("AND", "AND needs words"),
                         ("foo*bar(", "a * goes once")):
        result = run("search", "Circle", bad, "--db", db)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith("peertui: ") and message in result.stderr
        assert len(result.stderr.splitlines()) == 1
    result = run("search", "Nobody", "rota", "--db", db)
    assert result.returncode == 2 and "There is no group named 'Nobody'" in result.stderr
    result = run("search", "Circle", "rota", "--limit", "0", "--db", db)
    assert result.returncode == 2 and "--limit" in result.stderr
    result = run("review", "Nobody", "--db", db)  # checked before the app would open
    assert result.returncode == 2 and "There is no group named 'Nobody'" in result.stderr


async def test_cli_search_shows_control_characters_as_symbols(
    db_path: Path, clock: FakeClock, run  # noqa: F811
) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group("Circle", members=[("Ann", None)])
        await store.add_issue(group.id, "\x1b[31mred alert", details="[bold]x")
    result = run("search", "Circle", "alert", "--db", str(db_path))
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\u241b[31mred alert" in result.stdout
