"""The peertui Textual application."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message
from textual.screen import Screen

from peertui.core.models import Change
from peertui.core.text import visible
from peertui.settings import Settings
from peertui.startup import resume_collector
from peertui.store import (
    DatabaseCorrupt,
    NewerSchema,
    NotADatabase,
    Store,
    StoreError,
)
from peertui.store.feed import BellWatch, FeedWatcher
from peertui.store.store import Clock
from peertui.ui.messages import StoreChanged

FEED_POLL_SECONDS = 0.1  # where the bell cannot be watched (not Linux): poll this often
# While the bell is watched, a slow poll all the same: for writers that do not ring.
SAFETY_POLL_SECONDS = 2.0
# The smallest terminal the app draws in; smaller, it shows TooSmallScreen instead.
MIN_WIDTH = 76
MIN_HEIGHT = 20
TEXTUAL_LINUX_DRIVER = "textual.drivers.linux_driver.LinuxDriver"  # Linux and macOS
# Errors after which the database must not be used any further in this run.
FATAL_ERRORS = (DatabaseCorrupt, NotADatabase, NewerSchema)


@dataclass
class FeedChanged(Message):
    """Posted from the feed thread: the database changed."""

    changes: list[Change]


@dataclass
class FeedFailed(Message):
    error: StoreError


class FeedThread(threading.Thread):
    """Follows the change feed off the event loop and tells the app only when it changed.

    It sleeps until a writer rings the database (peertui.store.feed), then reads the feed;
    where that cannot be watched it polls PRAGMA data_version every `interval`. Either way
    the event loop is not woken for nothing.
    """

    def __init__(
        self, app: App, watcher: FeedWatcher, interval: float, *, watch_bell: bool = True
    ) -> None:
        super().__init__(name="peertui-feed", daemon=True)
        self.app = app
        self.watcher = watcher
        self.interval = interval
        self.watch_bell = watch_bell
        self.bell: BellWatch | None = None
        self.stopping = threading.Event()
        self.listening = threading.Event()  # set once the first poll is done
        self._last_error = ""
        self._failures = 0

    def run(self) -> None:
        if self.watch_bell:
            try:
                bell = BellWatch(self.watcher.path)
            except OSError:
                pass  # no descriptors to spare: poll instead
            else:
                if bell.available:
                    self.bell = bell
                else:
                    bell.close()
        self._poll()  # whatever was committed before the bell was watched
        self.listening.set()
        while not self.stopping.is_set():
            self._sleep()
            if not self.stopping.is_set():
                self._poll()

    def _sleep(self) -> None:
        """Until the bell rings, or the next poll is due."""
        if self._failures:
            self.stopping.wait(1.0)
        elif self.bell is None:
            self.stopping.wait(self.interval)
        elif self.bell.watching:
            self.bell.wait(SAFETY_POLL_SECONDS)
        else:
            self.bell.wait(self.interval)  # the file was moved away: poll, and look for it

    def _poll(self) -> None:
        """One look at the feed."""
        try:
            changes = self.watcher.poll()
        except StoreError as error:
            # A busy moment passes by itself; say so only when it persists, and only once.
            self._failures += 1
            if self._failures >= 3 and str(error) != self._last_error:
                self._last_error = str(error)
                self.app.post_message(FeedFailed(error))
            return
        self._last_error, self._failures = "", 0
        if changes:
            self.app.post_message(FeedChanged(changes))

    def stop(self) -> None:
        self.stopping.set()
        if self.bell is not None:
            self.bell.interrupt()
        self.join(timeout=2)
        self.watcher.close()
        if self.bell is not None and not self.is_alive():
            self.bell.close()


class PeerTuiApp(App[int]):
    CSS_PATH = Path(__file__).parent / "peertui.tcss"  # absolute: subclasses live elsewhere
    TITLE = "peertui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, show=False)]

    def __init__(
        self,
        db_path: Path,
        *,
        clock: Clock = time.time,
        settings_path: Path | None = None,
        feed_poll_seconds: float = FEED_POLL_SECONDS,
        watch_bell: bool = True,
        meeting_id: int | None = None,
        review_group: int | None = None,
        identity: str | None = None,
        observe: bool = False,
        store: Store | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.clock = clock
        self.settings_path = settings_path
        self.settings = Settings.load(settings_path)
        self.feed_poll_seconds = feed_poll_seconds
        self.watch_bell = watch_bell  # False: hear of others' changes only by polling
        self.fatal_error: str | None = None
        self.start_meeting_id = meeting_id
        self.start_review_group = review_group  # `peertui review GROUP`: open on its review
        self.identity = identity  # --as NAME: who this terminal is, instead of the Unix login
        self.observe = observe
        self._store: Store | None = store  # opened already (by the CLI), or on mount
        self._feed: FeedThread | None = None
        # The feed is followed from this change on: read before any screen loads its data.
        self._feed_from: int | None = None
        # What on_load found out, before the first screen is built.
        self._load_error: StoreError | None = None
        self._has_groups = False
        self._exposure = ""
        self._started = False
        # Other connections to close on every exit path (aiosqlite threads keep a process alive).
        self.closing: list = []
        self.sub_title = visible(str(db_path))

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS, one whose input thread
        sleeps until there is input (see peertui.ui.driver)."""
        driver_class = super().get_driver_class()
        if f"{driver_class.__module__}.{driver_class.__qualname__}" == TEXTUAL_LINUX_DRIVER:
            from peertui.ui.driver import QuietLinuxDriver

            return QuietLinuxDriver
        return driver_class

    @property
    def store(self) -> Store:
        assert self._store is not None, "the store is opened on load"
        return self._store

    async def on_load(self) -> None:
        """Before the terminal is taken: open the store and read what the first screen needs,
        so that screen is the app's own first screen (Textual's blank one is never drawn)."""
        try:
            if self._store is None:
                self._store = await Store.open(self.db_path, clock=self.clock)
            self._store.observer = self.observe
            self._feed_from = await self.store.last_change()
            self._has_groups = (
                self.start_meeting_id is not None
                or self.start_review_group is not None
                or await self.store.group_count() > 0
            )
            self._exposure = await self.store.exposure_warning()
        except StoreError as error:
            self._load_error = error  # shown once the app runs (start)

    def get_default_screen(self) -> Screen:
        """The first screen: the meeting, the review, home, or the first-run form."""
        if self._load_error is not None or self._store is None:
            return super().get_default_screen()
        screen: Screen
        if self.start_meeting_id is not None:
            # Straight to the meeting: home is built only when the user goes there.
            from peertui.ui.components.meeting import MeetingScreen

            screen = MeetingScreen(self.start_meeting_id)
        elif self.start_review_group is not None:
            from peertui.ui.components.review import ReviewScreen

            screen = ReviewScreen(self.start_review_group)
        elif self._has_groups:
            from peertui.ui.components.home import HomeScreen

            screen = HomeScreen()
        else:
            from peertui.ui.components.group_form import GroupFormScreen

            screen = GroupFormScreen(first_run=True)
        # Textual's switch_screen takes a result callback off the screen it replaces, and
        # only pushed screens get one: this first screen needs one to be switched away from.
        screen._push_result_callback(self, None)
        return screen

    async def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.call_later(self.start)

    async def start(self) -> None:
        """Say what on_load found (an unusable database, files others can read); then cover
        the first screen if the terminal is too small."""
        try:
            if self._load_error is not None:
                self.fail(self._load_error)
            elif self._exposure:
                self.notify(visible(self._exposure), severity="warning", markup=False, timeout=12)
        finally:
            self._started = True
            if self.fatal_error is not None:
                self._show_fatal_error()
            self.check_size(self.size.width, self.size.height)
            self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What can wait until the first screen is on the terminal."""
        resume_collector()  # paused by the `peertui` command
        self.follow_feed()

    def follow_feed(self) -> None:
        """Hear of other terminals' changes from here on, starting after `_feed_from`: a
        change made while the first screen was drawn comes in with the first poll."""
        if self._feed is not None or self._feed_from is None or self._store is None:
            return
        try:
            watcher = FeedWatcher(self.store.path, self._feed_from)
        except StoreError as error:
            self.fail(error)
            return
        self._feed = FeedThread(self, watcher, self.feed_poll_seconds, watch_bell=self.watch_bell)
        self._feed.start()

    async def go_home(self) -> None:
        """Back to the home screen, building it if the app started elsewhere."""
        from peertui.ui.components.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, HomeScreen):
                await self.pop_screen()
        else:
            await self.switch_screen(HomeScreen())

    async def open_meeting(self, meeting_id: int) -> None:
        from peertui.ui.components.meeting import MeetingScreen

        await self.push_screen(MeetingScreen(meeting_id))

    def on_resize(self, event: events.Resize) -> None:
        if self._started:  # before, start() checks once its first screen is there
            self.check_size(event.size.width, event.size.height)

    def check_size(self, width: int, height: int) -> None:
        """Cover the app with a plain message while the terminal is too small for it."""
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if not small and type(self.screen).__name__ != "TooSmallScreen":
            return  # the usual case: not even the cover's module is needed
        from peertui.ui.components.too_small import TooSmallScreen

        covered = isinstance(self.screen, TooSmallScreen)
        if small and not covered:
            self.push_screen(TooSmallScreen())
        elif small and covered:
            self.screen.show(width, height)
        elif not small and covered:
            self.pop_screen()

    async def action_quit(self) -> None:
        """Let screens save what is pending (notes typed in the last moment), then quit."""
        for screen in self.screen_stack:
            before_quit = getattr(screen, "before_quit", None)
            if before_quit is not None:
                try:
                    await before_quit()
                except StoreError as error:
                    self.report(error)
        self.exit()

    def watch_theme(self, theme: str) -> None:
        if theme != self.settings.theme:
            self.settings.theme = theme
            self.settings.save(self.settings_path)

    def on_feed_changed(self, message: FeedChanged) -> None:
        if self._store is None:
            return
        from_others = [change for change in message.changes if change.origin != self.store.origin]
        # A poll may land while the app closes down and its screens are already gone.
        if from_others and self.screen_stack:
            self.screen.post_message(StoreChanged(from_others))

    def on_feed_failed(self, message: FeedFailed) -> None:
        if self._store is not None and self.screen_stack:  # not while closing down
            self.report(message.error)

    def report(self, error: Exception) -> None:
        """Tell the user about a failed action; stop if the database cannot be trusted."""
        if isinstance(error, FATAL_ERRORS):
            self.fail(error)
        else:
            self.notify(visible(str(error)), severity="error", markup=False, timeout=8)

    def fail(self, error: Exception) -> None:
        """Show a database error that makes going on impossible, then quit cleanly."""
        if self.fatal_error is not None:
            return  # the first such error is on the screen already
        self.fatal_error = str(error)
        if self._started:
            self._show_fatal_error()
        # else: the first screen is still being built (its data would not load); a screen
        # pushed now would not be laid out, so start() shows it once the app runs.

    def _show_fatal_error(self) -> None:
        from peertui.ui.components.modals import FatalErrorScreen

        assert self.fatal_error is not None
        self.push_screen(FatalErrorScreen(self.fatal_error), callback=lambda _: self.exit(return_code=2))

    async def on_unmount(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        for closable in self.closing:
            await closable.close()
        self.closing.clear()
        if self._store is not None:
            try:
                await self._store.leave_meetings()
            except StoreError:
                pass  # presence times out on its own
            await self._store.close()
            self._store = None
