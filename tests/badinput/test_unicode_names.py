"""Emoji, CJK and right-to-left names: stored exactly, listed, found by search, and shown at
80x24 with every table column where it belongs (wide characters take two cells)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Static

from peertui.store import Store
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.meeting import MeetingScreen
from peertui.ui.components.review import ReviewScreen
from tests.badinput.conftest import copy_db, run_async
from tests.badinput.world import Clock, Texts, World, build_world
from tests.conftest import make_app, screen_text, wait_for

NAMES = {"emoji": "Zoë 😀", "cjk": "王小明", "arabic": "مريم", "hebrew": "שרה"}
TEXTS = Texts(
    group=NAMES["emoji"],
    ann=NAMES["cjk"],
    bob=NAMES["arabic"],
    title=f"{NAMES['hebrew']}: 预算 and Zoë's rota 😀",
    queued=f"{NAMES['arabic']} 王小明 parking",
)
SIZE = (80, 24)


async def _seed(path: Path) -> tuple[World, dict[str, int]]:
    clock = Clock()
    async with await Store.open(path, actor="seed", clock=clock) as store:
        world = await build_world(store, TEXTS, clock)
        await store.add_member(world.group_id, NAMES["hebrew"])
        await store.add_member(world.group_id, NAMES["emoji"])
        groups = {NAMES["emoji"]: world.group_id}
        for key in ("cjk", "arabic", "hebrew"):
            group = await store.create_group(NAMES[key], members=[(n, None) for n in NAMES.values()])
            groups[NAMES[key]] = group.id
        return world, groups


@pytest.fixture(scope="module")
def unicode_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World, dict[str, int]]:
    path = tmp_path_factory.mktemp("unicode") / "template.db"
    world, groups = run_async(_seed(path))
    return path, world, groups


@pytest.fixture
def db(unicode_world, tmp_path: Path) -> Path:
    return copy_db(unicode_world[0], tmp_path / "unicode.db")


def offsets(lines: list[str], marker: str) -> set[int]:
    """The terminal cell where `marker` starts on each line that has it."""
    return {cell_len(line[: line.index(marker)]) for line in lines if marker in line}


# ---------------------------------------------------------------- store and search


async def test_names_and_titles_are_stored_exactly_and_found(db: Path, unicode_world, cases) -> None:
    _, world, groups = unicode_world
    async with await Store.open(db) as store:
        for name, group_id in groups.items():
            assert (await store.find_group(name)).id == group_id
            members = [m.name for m in await store.list_members(group_id)]
            assert set(NAMES.values()) <= set(members)
            found = await store.find_member(group_id, NAMES["cjk"])
            assert found.name == NAMES["cjk"]
            cases.tried(2)
        assert (await store.get_issue(world.issue)).title == TEXTS.title
        # Typed decomposed (e + combining diaeresis), kept composed: one name, not two.
        decomposed = unicodedata.normalize("NFD", "Zoë Two")
        assert decomposed != "Zoë Two"
        assert (await store.add_member(world.group_id, decomposed)).name == "Zoë Two"
        cases.tried()
        g = world.group_id
        for query, title in (
            (NAMES["hebrew"], TEXTS.title),  # right to left
            ("预算", TEXTS.title),  # CJK
            ("zoe", TEXTS.title),  # accents ignored
            (NAMES["arabic"], TEXTS.queued),
            ("王小明", TEXTS.queued),
        ):
            result = await store.search(g, query)
            assert title in [hit.title for hit in result.hits], query
            cases.tried()
        assert (await store.search(g, "😀")).hits == []  # nothing searchable in it: no error
        cases.tried()


# ---------------------------------------------------------------- the command


def test_the_command_lists_them_aligned_and_exact(cli, db: Path, unicode_world, cases) -> None:
    _, world, groups = unicode_world
    run = lambda *args: cli(*args, "--db", str(db))  # noqa: E731
    listed = run("group", "list")
    assert listed.code == 0, listed
    lines = listed.stdout.splitlines()
    for name in groups:
        assert any(name in line for line in lines), name
    # MEMBERS, the column after the names, starts in the same cell on every line.
    header = lines[0]
    column = cell_len(header[: header.index("MEMBERS")])
    for line in lines[1:]:
        name = next(n for n in groups if n in line)
        after = line[line.index(name) + len(name) :]
        rest = cell_len(line[: line.index(name) + len(name)]) + len(after) - len(after.lstrip())
        assert rest == column, (line, rest, column)
    assert {g["name"] for g in json.loads(run("group", "list", "--json").stdout)} == set(groups)
    members = run("member", "list", NAMES["cjk"])
    assert members.code == 0
    assert len(offsets(members.stdout.splitlines(), "active")) == 1, members.stdout
    issues = json.loads(run("issue", "list", NAMES["emoji"], "--all", "--json").stdout)
    assert {TEXTS.title, TEXTS.queued} <= {i["title"] for i in issues}
    found = run("search", NAMES["emoji"], NAMES["hebrew"])
    assert found.code == 0 and TEXTS.title in found.stdout
    cases.tried(5)


# ---------------------------------------------------------------- the app at 80x24


async def test_home_meeting_and_review_at_80x24(db: Path, unicode_world, cases) -> None:
    _, world, groups = unicode_world
    app = make_app(db, clock=Clock(world.now + 5))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        table = home.query_one("#groups", DataTable)
        for name, group_id in groups.items():
            table.move_cursor(row=table.get_row_index(str(group_id)))
            await pilot.pause()
            lines = screen_text(app).splitlines()
            assert all(cell_len(line) == SIZE[0] for line in lines)
            assert any(name in line for line in lines), name
            # The roster: the status column in one place whatever the width of the names.
            assert len(offsets(lines, "active")) == 1, "\n".join(lines)
            cases.tried()
        table.move_cursor(row=table.get_row_index(str(world.group_id)))
        await pilot.press("m")  # its meeting in progress
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen) and app.screen.state)
        screen = app.screen
        await pilot.press("space", "n", "n", "n", "n", "n")  # everyone speaks, no time passes
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert NAMES["cjk"] in "\n".join(lines) and NAMES["arabic"] in "\n".join(lines)
        assert len(offsets(lines, "0:00")) == 1, "\n".join(lines)  # the Time column
        await pilot.press("N")
        await wait_for(pilot, lambda: screen.mode == "queue")
        text = screen_text(app)
        assert "parking" in text and all(cell_len(line) == SIZE[0] for line in text.splitlines())
        cases.tried(2)
    app = make_app(db, clock=Clock(world.now + 5), review_group=world.group_id)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.overview)
        screen = app.screen
        meetings = screen.query_one("#rv-meetings", DataTable)
        meetings.move_cursor(row=meetings.get_row_index(str(world.ended)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.view == "meeting")
        body = screen.query_one("#rv-meeting-body", Static).content.plain.splitlines()
        attendance = [line for line in body if " present " in line or " absent " in line]
        assert len(attendance) >= 3 and len(offsets(attendance, "present")) == 1, body
        await pilot.press("slash", *"预算")
        await wait_for(pilot, lambda: screen.view == "results")
        assert TEXTS.title[:6] in screen_text(app)
        cases.tried(2)
