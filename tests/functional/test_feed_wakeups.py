"""Hearing other terminals' commits: the bell wakes the feed at once, and idles at zero."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from peertui.store import Store
from peertui.store.feed import BellWatch, FeedWatcher, ring
from peertui.ui.app import FeedChanged, FeedThread
from tests.conftest import make_app, screen_text, wait_for

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def commit_elsewhere(db_path: Path) -> None:
    """A commit from another program, which does not ring."""
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO settings (key, value) VALUES ('poke', '1')"
                      " ON CONFLICT (key) DO UPDATE SET value = value + 1")
        other.execute("COMMIT")
    finally:
        other.close()


@linux_only
async def test_the_bell_wakes_on_a_ring_and_sleeps_otherwise(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.create_group("Circle")
        watch = BellWatch(db_path)
        try:
            assert watch.available and watch.watching
            assert watch.wait(0.05) is False  # nothing rung: a quiet timeout
            await store.heartbeat()  # a write without news does not ring...
            commit_elsewhere(db_path)  # ...nor does another program's
            assert watch.wait(0.05) is False
            await store.create_group("Second")  # news: the writer rings
            assert watch.wait(2.0) is True
            assert watch.wait(0.05) is False  # once
            # An interrupt ends a long wait at once.
            threading.Timer(0.05, watch.interrupt).start()
            started = time.monotonic()
            assert watch.wait(10.0) is False
            assert time.monotonic() - started < 2.0
        finally:
            watch.close()


@linux_only
async def test_the_bell_is_found_again_when_the_file_comes_back(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.create_group("Circle")
    watch = BellWatch(db_path)
    try:
        moved = db_path.with_name("moved.db")
        db_path.rename(moved)
        assert watch.wait(1.0) is True  # moved away
        assert not watch.watching
        assert watch.wait(0.02) is False  # nothing at the path
        moved.rename(db_path)
        assert watch.wait(0.02) is True  # back: look again
        assert watch.watching
        ring(db_path)
        assert watch.wait(2.0) is True
    finally:
        watch.close()


class Recorder:
    """Stands in for the app: keeps what the feed thread posts."""

    def __init__(self) -> None:
        self.posted: list[FeedChanged] = []

    def post_message(self, message: object) -> None:
        if isinstance(message, FeedChanged):
            self.posted.append(message)


@linux_only
async def test_the_feed_thread_hears_a_commit_without_polling(db_path: Path) -> None:
    """An hour between polls: a change still arrives at once, woken by the bell."""
    recorder = Recorder()
    posted = recorder.posted
    async with await Store.open(db_path) as store:
        watcher = FeedWatcher(db_path, await store.last_change())
        thread = FeedThread(recorder, watcher, interval=3600)  # type: ignore[arg-type]
        thread.start()
        try:
            deadline = time.monotonic() + 2
            while thread.bell is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.05)  # the thread is asleep on the bell now
            async with await Store.open(db_path) as other:
                started = time.monotonic()
                await other.create_group("Circle")
            while not posted and time.monotonic() - started < 2:
                time.sleep(0.005)
            assert posted, "the commit was not heard"
            assert time.monotonic() - started < 1.0
            assert [c.entity for c in posted[0].changes] == ["group"]
        finally:
            thread.stop()
        assert not thread.is_alive()


async def test_without_the_watch_a_terminal_hears_only_by_polling(db_path: Path) -> None:
    """watch_bell=False and a slow poll: another terminal's change is not seen meanwhile."""
    async with await Store.open(db_path) as store:
        await store.create_group("Circle")
    app = make_app(db_path, feed_poll_seconds=3600, watch_bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Circle" in screen_text(app))
        # The feed is followed from just after the first paint, starting with one poll.
        await wait_for(pilot, lambda: app._feed is not None and app._feed.listening.is_set())
        async with await Store.open(db_path) as other:
            await other.create_group("Elsewhere")
        await pilot.pause(0.5)
        assert "Elsewhere" not in screen_text(app)
    app = make_app(db_path, feed_poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Elsewhere" in screen_text(app))
        async with await Store.open(db_path) as other:
            await other.create_group("Third")
        if sys.platform.startswith("linux"):
            await wait_for(pilot, lambda: "Third" in screen_text(app), timeout=2)


async def test_a_change_made_before_the_thread_watched_is_read_at_once(db_path: Path) -> None:
    """Committed (and rung) after the feed's starting point, before the bell was watched:
    the thread's first look finds it, without waiting for the slow safety poll."""
    recorder = Recorder()
    posted = recorder.posted
    async with await Store.open(db_path) as store:
        watcher = FeedWatcher(db_path, await store.last_change())
        async with await Store.open(db_path) as other:
            await other.create_group("Early")
        thread = FeedThread(recorder, watcher, interval=3600)  # type: ignore[arg-type]
        started = time.monotonic()
        thread.start()
        try:
            while not posted and time.monotonic() - started < 3:
                time.sleep(0.005)
            assert posted and time.monotonic() - started < 1.0
            assert [c.entity for c in posted[0].changes] == ["group"]
        finally:
            thread.stop()
