"""A terminal too small for peertui (40x12, and smaller): every main screen gives way to the
clear "too small" view, keys do nothing meanwhile, and growing back restores the screen with
nothing lost, even when a dialog or the command palette was open over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from peertui.store import Store
from peertui.ui.components.group_form import GroupFormScreen
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.meeting import MeetingScreen
from peertui.ui.components.modals import FatalErrorScreen
from peertui.ui.components.review import ReviewScreen
from peertui.ui.components.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from tests.badinput.conftest import copy_db, run_async
from tests.badinput.world import Clock, Texts, World, make_worlds
from tests.conftest import make_app, screen_text, wait_for

SMALL = (40, 12)
BACK = (80, 24)


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = tmp_path_factory.mktemp("small") / "template.db"
    return path, run_async(make_worlds(path, {"circle": Texts()}))["circle"]


@pytest.fixture
def db(small_world, tmp_path: Path) -> Path:
    return copy_db(small_world[0], tmp_path / "small.db")


def says_too_small(app, size: tuple[int, int]) -> bool:
    text = " ".join(screen_text(app).split())  # the message may wrap on a tiny terminal
    return isinstance(app.screen, TooSmallScreen) and (
        f"too small ({size[0]}x{size[1]})" in text or size[0] < 30
    )


# Each main screen, started small: (what starts it, the screen it must come back as, a key
# that would change something there and must do nothing while the terminal is small).
STARTS = {
    "home": ({}, HomeScreen, "g"),
    "first-run": ({"empty": True}, GroupFormScreen, "ctrl+s"),
    "meeting": ({"meeting": True}, MeetingScreen, "space"),
    "review": ({"review": True}, ReviewScreen, "c"),
}
SIZES = [SMALL, (MIN_WIDTH - 1, MIN_HEIGHT), (MIN_WIDTH, MIN_HEIGHT - 1), (10, 3), (1, 1)]
CASES = [(name, SMALL) for name in STARTS] + [("meeting", size) for size in SIZES[1:]]


@pytest.mark.parametrize(("name", "size"), CASES, ids=[f"{n}-{w}x{h}" for n, (w, h) in CASES])
async def test_started_small_shows_the_clear_view_then_the_screen(
    db: Path, small_world, tmp_path: Path, cases, name: str, size: tuple[int, int]
) -> None:
    world = small_world[1]
    start, screen_type, key = STARTS[name]
    path = tmp_path / "empty.db" if start.get("empty") else db
    kwargs = {}
    if start.get("meeting"):
        kwargs["meeting_id"] = world.live
    if start.get("review"):
        kwargs["review_group"] = world.group_id
    app = make_app(path, clock=Clock(world.now + 5), **kwargs)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: says_too_small(app, size))
        if size == SMALL:
            text = " ".join(screen_text(app).split())
            assert f"peertui needs {MIN_WIDTH}x{MIN_HEIGHT}" in text and "Ctrl+Q quits" in text
        await pilot.press(key)  # goes nowhere: the covered screen does not act
        await pilot.pause()
        assert says_too_small(app, size)
        await pilot.resize_terminal(*BACK)
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type))
        await pilot.pause()
        assert "too small" not in screen_text(app)
        if name == "meeting":
            assert "Press space to start" in screen_text(app)  # the key did not start it
        if name == "review":
            assert app.screen.view == "meetings"
        await pilot.resize_terminal(*size)  # and small again
        await wait_for(pilot, lambda: says_too_small(app, size))
    cases.tried()
    if name == "first-run":
        async with await Store.open(path) as store:
            assert await store.group_count() == 0  # ctrl+s while small created nothing


async def test_a_dialog_open_when_the_terminal_shrinks_keeps_what_was_typed(db: Path, cases) -> None:
    app = make_app(db)
    async with app.run_test(size=BACK) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("a")  # add a member
        await wait_for(pilot, lambda: not isinstance(app.screen, HomeScreen))
        dialog = app.screen
        await pilot.press(*"Dana")
        await pilot.resize_terminal(*SMALL)
        await wait_for(pilot, lambda: says_too_small(app, SMALL))
        await pilot.resize_terminal(*BACK)
        await wait_for(pilot, lambda: app.screen is dialog)
        assert dialog.query_one("#name", Input).value == "Dana"
    cases.tried()


@pytest.mark.parametrize("opened", ["palette", "dialog"])
async def test_growing_while_something_covers_the_clear_view_still_restores_the_screen(
    db: Path, small_world, cases, opened: str
) -> None:
    """The command palette (ctrl+p works everywhere) or a dialog the meeting opens by itself
    may sit over the "too small" view when the terminal grows back."""
    world = small_world[1]
    app = make_app(db, clock=Clock(world.now + 5), meeting_id=world.live)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: says_too_small(app, SMALL))
        if opened == "palette":
            await pilot.press("ctrl+p")
        else:
            from peertui.ui.components.modals import ConfirmModal

            app.push_screen(ConfirmModal("Continue?"))
        await wait_for(pilot, lambda: not isinstance(app.screen, TooSmallScreen))
        await pilot.resize_terminal(*BACK)
        await pilot.pause()
        await pilot.press("escape")  # closes it
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        assert "too small" not in screen_text(app)
    cases.tried()


async def test_a_bad_database_on_a_small_terminal_says_so_once_there_is_room(
    tmp_path: Path, cases
) -> None:
    path = tmp_path / "bad.db"
    path.write_text("not a database\n" * 50)
    app = make_app(path)
    async with app.run_test(size=SMALL) as pilot:
        await wait_for(pilot, lambda: app.fatal_error is not None and says_too_small(app, SMALL))
        await pilot.resize_terminal(*BACK)
        await wait_for(pilot, lambda: isinstance(app.screen, FatalErrorScreen))
        assert "not a peertui" in " ".join(screen_text(app).split())
        await pilot.press("enter")
        await pilot.pause()
    cases.tried()
    assert app.return_code == 2 and "not a peertui" in (app.fatal_error or "")
