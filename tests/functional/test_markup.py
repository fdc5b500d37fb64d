"""User text must render literally in every view: markup stays text, escapes stay inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from peertui.store import Store
from peertui.ui.components.home import HomeScreen
from tests.conftest import make_app, screen_text, wait_for

# (what a user typed, what the screen must show)
NASTY = [
    ("[bold]x", "[bold]x"),
    ("[/]", "[/]"),
    ("[link=file:///etc/passwd]x", "[link=file:///etc/passwd]x"),
    ("unclosed [b", "unclosed [b"),
    ("\x1b[31mred", "\u241b[31mred"),
]


async def seed_nasty(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        for index, (name, _) in enumerate(NASTY):
            await store.create_group(
                name, members=[(member, None) for member, _ in NASTY[index:] + NASTY[:index]]
            )


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_home_groups_and_roster_show_names_literally(db_path: Path, size) -> None:
    await seed_nasty(db_path)
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, HomeScreen)
        groups = app.screen.query_one("#groups", DataTable)
        for row in range(len(NASTY)):
            groups.move_cursor(row=row)
            await pilot.pause()
            text = screen_text(app)
            if size == (120, 40):
                for _, shown in NASTY:
                    assert shown in text
            assert "\x1b" not in text


async def test_edit_dialog_notifications_and_deactivation_show_names_literally(
    db_path: Path,
) -> None:
    await seed_nasty(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        roster = app.screen.query_one("#roster", DataTable)
        roster.focus()
        home = app.screen
        for _ in range(len(NASTY)):
            roster.move_cursor(row=0)  # members who left sink to the bottom
            name = home._highlighted_member().name
            await pilot.press("e")
            assert app.screen.query_one("#name", Input).value == name
            await pilot.press("escape")
            await pilot.press("d")
            await pilot.pause()
            shown = dict(NASTY)[name]
            assert shown in screen_text(app)  # in the roster and in the notification
            assert "\x1b" not in screen_text(app)
        notices = [str(n.message) for n in app._notifications]
        assert sorted(notices) == sorted(f"{shown} has left; their history is kept." for _, shown in NASTY)


async def test_first_run_member_list_shows_names_literally(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#group-name", Input).value = "[bold]Circle"
        for name, _ in NASTY:
            field = app.screen.query_one("#member-name", Input)
            field.focus()
            field.value = name
            await pilot.press("enter")
        text = screen_text(app)
        for _, shown in NASTY:
            assert shown in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "[bold]Circle" in screen_text(app)


async def test_fatal_error_message_shows_a_path_with_markup_literally(tmp_path: Path) -> None:
    folder = tmp_path / "[bold]odd [link=x]dir"
    folder.mkdir()
    db_path = folder / "group.db"
    db_path.write_text("garbage")
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "cannot use this database" in screen_text(app))
        # The long path wraps inside the dialog: read it back without the line breaks.
        joined = "".join(line.strip(" █") for line in screen_text(app).splitlines())
        assert "[bold]odd" in joined and "[link=x]dir/group.db" in joined
