"""Shared fixtures: every test gets its own data, config and database files."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from peertui.ui.app import PeerTuiApp
from peertui.ui.components.meeting import MeetingScreen


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs at the test's tmp_path so no test touches the user's real files."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("PEERTUI_DB", raising=False)
    monkeypatch.setenv("PEERTUI_BUSY_TIMEOUT_MS", "300")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "group.db"


class PilotedApp(PeerTuiApp):
    """The app, whose pilot starts once its first screen is up, as a person starts typing
    once they see it; a meeting's once this terminal has joined it (its name is on the
    screen's presence line), so terminals started one after the other join in that order."""

    @asynccontextmanager
    async def run_test(self, *args: Any, **kwargs: Any) -> AsyncIterator[Pilot]:
        async with super().run_test(*args, **kwargs) as pilot:
            await wait_for(pilot, self._first_screen_is_up)
            yield pilot

    def _first_screen_is_up(self) -> bool:
        if not self._started:
            return False
        first = self.screen_stack[0] if self.screen_stack else None
        return not isinstance(first, MeetingScreen) or first.joined


def make_app(db_path: Path, **kwargs: object) -> PeerTuiApp:
    return PilotedApp(db_path, settings_path=db_path.parent / "settings.json", **kwargs)


def screen_text(app: PeerTuiApp) -> str:
    """What a person would read on the terminal right now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds: for work driven by the app's own timers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            try:
                shown = screen_text(pilot.app)
            except Exception as error:  # (no screen to read): say so instead
                shown = f"(unreadable: {error!r})"
            raise AssertionError(
                f"the app did not reach the expected state in time; its screen:\n{shown}"
            )
        await pilot.pause(0.02)


class FakeClock:
    """An injected clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
