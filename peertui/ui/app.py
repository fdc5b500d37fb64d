"""The peertui Textual application."""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from peertui.core.text import visible
from peertui.settings import Settings
from peertui.store import (
    DatabaseCorrupt,
    NewerSchema,
    NotADatabase,
    Store,
    StoreError,
)
from peertui.store.feed import FeedWatcher
from peertui.store.store import Clock
from peertui.ui.messages import StoreChanged

FEED_POLL_SECONDS = 0.1
# Errors after which the database must not be used any further in this run.
FATAL_ERRORS = (DatabaseCorrupt, NotADatabase, NewerSchema)


class PeerTuiApp(App[int]):
    CSS_PATH = "peertui.tcss"
    TITLE = "peertui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, show=False)]

    def __init__(
        self,
        db_path: Path,
        *,
        clock: Clock = time.time,
        settings_path: Path | None = None,
        feed_poll_seconds: float = FEED_POLL_SECONDS,
        meeting_id: int | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.clock = clock
        self.settings_path = settings_path
        self.settings = Settings.load(settings_path)
        self.feed_poll_seconds = feed_poll_seconds
        self.fatal_error: str | None = None
        self.start_meeting_id = meeting_id
        self._store: Store | None = None
        self._watcher: FeedWatcher | None = None
        self.sub_title = visible(str(db_path))

    @property
    def store(self) -> Store:
        assert self._store is not None, "the store is opened on mount"
        return self._store

    async def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        try:
            self._store = await Store.open(self.db_path, clock=self.clock)
            self._watcher = FeedWatcher(self.store.path, await self.store.last_change())
            has_groups = await self.store.group_count() > 0
        except StoreError as error:
            self.fail(error)
            return
        self.set_interval(self.feed_poll_seconds, self._poll_feed, name="feed")
        from peertui.ui.components.group_form import GroupFormScreen
        from peertui.ui.components.home import HomeScreen

        if has_groups:
            await self.push_screen(HomeScreen())
            if self.start_meeting_id is not None:
                await self.open_meeting(self.start_meeting_id)
        else:
            await self.push_screen(GroupFormScreen(first_run=True))

    async def open_meeting(self, meeting_id: int) -> None:
        from peertui.ui.components.meeting import MeetingScreen

        await self.push_screen(MeetingScreen(meeting_id))

    def watch_theme(self, theme: str) -> None:
        if theme != self.settings.theme:
            self.settings.theme = theme
            self.settings.save(self.settings_path)

    def _poll_feed(self) -> None:
        if self._watcher is None:
            return
        try:
            changes = self._watcher.poll()
        except StoreError as error:
            self.report(error)
            return
        from_others = [change for change in changes if change.origin != self.store.origin]
        if from_others:
            self.screen.post_message(StoreChanged(from_others))

    def report(self, error: Exception) -> None:
        """Tell the user about a failed action; stop if the database cannot be trusted."""
        if isinstance(error, FATAL_ERRORS):
            self.fail(error)
        else:
            self.notify(visible(str(error)), severity="error", markup=False, timeout=8)

    def fail(self, error: Exception) -> None:
        """Show a database error that makes going on impossible, then quit cleanly."""
        from peertui.ui.components.modals import FatalErrorScreen

        self.fatal_error = str(error)
        self.push_screen(FatalErrorScreen(self.fatal_error), callback=lambda _: self.exit(return_code=2))

    async def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if self._store is not None:
            await self._store.close()
            self._store = None
