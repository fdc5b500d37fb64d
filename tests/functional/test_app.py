"""The real app on a real database file, driven by Textual's pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from peertui.store import Store
from peertui.ui.components.modals import FatalErrorScreen
from peertui.ui.components.group_form import GroupFormScreen
from peertui.ui.components.home import HomeScreen
from tests.conftest import make_app, screen_text, wait_for


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def seed(db_path: Path, name: str = "Circle", members=(("Ann", "ann"), ("Bob", None))):
    async with await Store.open(db_path) as store:
        return await store.create_group(name, members=members)


async def test_first_run_creates_a_group(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, GroupFormScreen)
        assert "Welcome to peertui" in screen_text(app)
        await type_into(pilot, "#group-name", "Deputies")
        await type_into(pilot, "#checkin-minutes", "3")
        await type_into(pilot, "#member-name", "Ann")
        await type_into(pilot, "#member-login", "ann")
        await pilot.press("enter")
        await type_into(pilot, "#member-name", "Bob")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Deputies" in text and "Ann" in text and "Bob" in text
    async with await Store.open(db_path) as store:
        (overview,) = await store.list_groups()
        assert overview.group.name == "Deputies"
        assert overview.group.checkin_minutes == 3
        members = await store.list_members(overview.group.id)
        assert [(m.name, m.login) for m in members] == [("Ann", "ann"), ("Bob", None)]


async def test_first_run_refuses_a_group_without_members(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "#group-name", "Lonely")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GroupFormScreen)
        assert "Add at least one member" in screen_text(app)
    async with await Store.open(db_path) as store:
        assert await store.group_count() == 0


async def test_roster_edits_persist(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("a")
        await type_into(pilot, "#name", "Chen Wei")
        await type_into(pilot, "#login", "chen")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        roster = app.screen.query_one("#roster", DataTable)
        # The new member is highlighted: rename them, then mark them as left.
        await pilot.press("e")
        await type_into(pilot, "#name", "Chen Wei-Ling")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert roster.row_count == 3
        assert "left (history kept)" in screen_text(app)
        # Ann moves below Bob.
        roster.move_cursor(row=0)
        await pilot.press("J")
        await pilot.pause()
    async with await Store.open(db_path) as store:
        (overview,) = await store.list_groups()
        members = await store.list_members(overview.group.id)
        assert [(m.name, m.login, m.active) for m in members] == [
            ("Bob", None, True),
            ("Ann", "ann", True),
            ("Chen Wei-Ling", "chen", False),
        ]


async def test_duplicate_member_is_refused_inline_and_nothing_typed_is_lost(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await type_into(pilot, "#name", "Ann")
        await pilot.press("enter")
        await pilot.pause()
        assert "already has a member named 'Ann'" in screen_text(app)
        assert app.screen.query_one("#name", Input).value == "Ann"


async def test_group_settings_are_saved(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await type_into(pilot, "#checkin", "7")
        await type_into(pilot, "#votes", "5")
        await type_into(pilot, "#budget", "40")
        await type_into(pilot, "#order", "quiet")
        await type_into(pilot, "#timeboxes", "5, 3")
        app.screen.query_one("#protocol").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Check-in 7 min each" in screen_text(app)
    async with await Store.open(db_path) as store:
        group = await store.find_group("Circle")
        assert (group.checkin_minutes, group.votes_per_member) == (7, 5)
        assert (group.checkin_budget_minutes, group.checkin_order) == (40, "quietest")
        assert (group.use_protocol, group.timeboxes) == (True, "5,3")


async def test_bad_settings_are_refused_inline_and_nothing_is_saved(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await type_into(pilot, "#checkin", "9")
        await type_into(pilot, "#timeboxes", "7,zero")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Timeboxes" in screen_text(app)
    async with await Store.open(db_path) as store:
        assert (await store.find_group("Circle")).checkin_minutes == 5


async def test_home_follows_changes_made_elsewhere(db_path: Path) -> None:
    group = await seed(db_path)
    app = make_app(db_path, feed_poll_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        async with await Store.open(db_path) as other:
            await other.add_member(group.id, "Dana", "dana")
            await other.create_group("Second circle")
        # The two writes may reach the screen in one poll or two.
        await wait_for(pilot, lambda: "Dana" in screen_text(app) and "Second circle" in screen_text(app))


async def test_bad_database_is_shown_and_the_app_quits(db_path: Path) -> None:
    db_path.write_text("not a database at all\n")
    before = db_path.read_bytes()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "not a peertui" in screen_text(app))
        assert isinstance(app.screen, FatalErrorScreen)
        assert "not a peertui (SQLite) database" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 2
    assert app.fatal_error and "not a peertui" in app.fatal_error
    assert db_path.read_bytes() == before


async def test_theme_choice_is_remembered(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "ansi-dark"
        await pilot.pause()
    again = make_app(db_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "ansi-dark"


async def test_a_terminal_too_small_gets_a_clear_view_and_loses_nothing(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "too small (40x12)" in text and "76x20" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert "too small (50x30)" in screen_text(app)


async def test_the_prompt_pool_is_edited_from_home(db_path: Path) -> None:
    await seed(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("P")
        await pilot.pause()
        area = app.screen.query_one("#prompts")
        assert "What's on top for you?" in area.text  # the built-in pool to start from
        area.load_text("What are you proud of?\n\n[bold]Your one word?\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    async with await Store.open(db_path) as store:
        group = await store.find_group("Circle")
        assert await store.prompts(group.id) == ["What are you proud of?", "[bold]Your one word?"]
