"""Malformed search queries: the store says what to change (InvalidInput, one line) or finds
what it can; the command gives exit 2 and that line, or results; the review screen's search
box shows the message as you type. Never a traceback, never SQLite's syntax error."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from peertui.core.rules import InvalidInput
from peertui.store import Store
from peertui.ui.components.review import ReviewScreen
from tests.badinput.conftest import copy_db, no_raw_controls, one_line_error, run_async, shown
from tests.badinput.world import Clock, Texts, World, make_worlds
from tests.conftest import make_app, screen_text, wait_for

QUERIES = [
    '"unclosed', "AND", "foo*bar(", "NEAR(", ")", "*", "-", "", "   ",
    # more of the same family
    '"', '""', "OR OR", "NOT", "rota AND", "AND rota", "rota NOT NOT rota", "()", "((rota)",
    "rota)", "rota AND (", "*rota", "rota**", "^rota", "NEAR(rota summer)", "NEAR", "title:rota",
    "rota:summer", "{rota}", '"rota" "summer"', "-rota", "ro\"ta", "'", "\\", "%", "_",
    "rota;DROP TABLE issues", '"rota"*', "rota\x00", "rota\x1b[2J", "[bold]rota", "😀",
    "(" * 140 + "rota" + ")" * 140, "rota OR " * 37 + "rota", "a" * 301,
]
IDS = [repr(q) if len(q) < 30 else f"{q[:12]!r}...({len(q)})" for q in QUERIES]


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = tmp_path_factory.mktemp("search") / "template.db"
    return path, run_async(make_worlds(path, {"circle": Texts()}))["circle"]


@pytest.fixture
def db(searched, tmp_path: Path) -> Path:
    return copy_db(searched[0], tmp_path / "search.db")


async def store_answer(db: Path, group_id: int, query: str) -> str | list[str]:
    """The store's clear message for `query`, or the titles it found."""
    async with await Store.open(db) as store:
        try:
            result = await store.search(group_id, query)
        except InvalidInput as error:
            return str(error)
    return [hit.title for hit in result.hits]


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_the_store_and_the_command_agree_and_say_what_to_change(
    cli, db: Path, searched, cases, query: str
) -> None:
    world = searched[1]
    answer = run_async(store_answer(db, world.group_id, query))
    if query.startswith("-") and query != "-":
        # An option to the command line: one line, exit 2; after `--` it is the query.
        one_line_error(cli("search", str(world.group_id), query, "--db", str(db)))
        cases.tried()
        result = cli("search", "--db", str(db), str(world.group_id), "--", query)
    else:
        result = cli("search", str(world.group_id), query, "--db", str(db))
    cases.tried(2)
    if isinstance(answer, str):
        assert "\n" not in answer and answer.strip() == answer and len(answer) < 300
        assert "syntax error" not in answer, "SQLite's complaint, not what to change"
        line = one_line_error(result)
        assert line == f"peertui: {shown(answer)}"
    else:
        assert result.code == 0 and result.stderr == "", result
        assert no_raw_controls(result.stdout)
        if not answer:
            assert result.stdout.startswith("No matches for ")
        for title in answer:
            assert shown(title) in result.stdout


async def test_the_search_box_shows_each_message_and_keeps_going(db: Path, searched, cases) -> None:
    world = searched[1]
    answers = {q: await store_answer(db, world.group_id, q) for q in QUERIES}
    app = make_app(db, clock=Clock(world.now + 5), review_group=world.group_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.overview)
        screen = app.screen
        search = screen.query_one("#review-search", Input)
        hint = screen.query_one("#review-hint", Static)
        await pilot.press("slash")
        # Typed key by key, every prefix is a query of its own.
        for typed in ('"unclosed', "foo*bar(", "NEAR(", "rota AND ("):
            search.value = ""
            await pilot.press(*typed)
            assert "cannot be run" not in str(hint.content)
            cases.tried()
        for query, answer in answers.items():
            search.value = query
            await pilot.pause()
            shown_hint = hint.content.plain if hasattr(hint.content, "plain") else str(hint.content)
            if isinstance(answer, str):
                assert shown(answer) in shown_hint, (query, shown_hint)
            elif query.strip():
                assert screen.view == "results", query
            assert isinstance(app.screen, ReviewScreen)
            assert no_raw_controls(screen_text(app))
            cases.tried()
