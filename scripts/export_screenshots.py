#!/usr/bin/env python3
"""Regenerate the SVG screenshots in screenshots/ from the demo data.

    python scripts/export_screenshots.py [--out screenshots]

Everything runs in a throw-away directory: HOME, XDG_DATA_HOME and XDG_CONFIG_HOME point
into it and the settings file lives there, so the user's own groups and preferences are
never read or written. The output is deterministic: the demo data comes from a fixed seed
and end date, the app reads a fake clock that this script moves by hand, times are shown
in UTC, the database is shown under the same "~/..." path on every machine, and the text
cursor does not blink. Running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from textual.widgets import DataTable, Input

from peertui.core.agenda import preset
from peertui.core.demo import build_demo
from peertui.core.timer import Round
from peertui.store import Store
from peertui.ui.app import PeerTuiApp
from peertui.ui.components.group_form import GroupFormScreen
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.meeting import MeetingScreen
from peertui.ui.components.meeting_dialogs import StartMeetingModal

DEMO_END = date(2026, 11, 1)  # the demo's last meeting is three days before: 2026-10-29
# "Today" in the screenshots: the group's next meeting day (four weeks after the last one).
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=timezone.utc).timestamp()
# Shown in the header and on the first-run form; expanded against the throw-away HOME.
SHOWN_DB_PATH = Path("~/.local/share/peertui/peertui.db")
AGENDA = "Check-in, Issues, Wrap-up"
ABSENT, LATE = "Łukasz Nowak", "Daniel Mensah"
SMALL, HOME_HERO, PROJECTOR = (80, 24), (100, 30), (120, 40)

EXPECTED = (
    "first-run.svg",
    "home.svg",
    "home-80x24.svg",
    "start-meeting.svg",
    "checkin.svg",
    "checkin-warning.svg",
    "overtime.svg",
    "checkin-120x40.svg",
    "wrapup.svg",
)


class FakeClock:
    """The app's clock: a fixed epoch that only moves when told to."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---------------------------------------------------------------------- sandbox


@contextmanager
def sandbox(home: Path) -> Iterator[Path]:
    """Point HOME and the XDG folders at `home` and show times in UTC; restore on exit."""
    names = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "PEERTUI_DB", "TZ", "NO_COLOR")
    saved = {name: os.environ.get(name) for name in names}
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        TZ="UTC",
    )
    os.environ.pop("PEERTUI_DB", None)
    os.environ.pop("NO_COLOR", None)  # screenshots are in colour whatever the terminal says
    _tzset()
    try:
        yield home
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _tzset()


def _tzset() -> None:
    if hasattr(time, "tzset"):  # not on Windows
        time.tzset()


def make_app(home: Path, clock: FakeClock, meeting_id: int | None = None) -> PeerTuiApp:
    return PeerTuiApp(
        SHOWN_DB_PATH,
        clock=clock,
        settings_path=home / ".config" / "peertui" / "settings.json",
        meeting_id=meeting_id,
    )


def db_file() -> Path:
    return SHOWN_DB_PATH.expanduser()  # inside the sandbox's HOME


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise RuntimeError("the app did not reach the expected state in time")
        await pilot.pause(0.02)


async def shoot(app: PeerTuiApp, pilot, out: Path, filename: str) -> Path:
    """Settle the app, stop any cursor blink, and save the current screen as `filename`."""
    await pilot.pause()
    for field in app.screen.query(Input):
        field.cursor_blink = False  # shown steadily, so both runs catch the same frame
    await pilot.pause()
    return Path(app.save_screenshot(filename=filename, path=str(out)))


async def tick(app: PeerTuiApp, pilot) -> None:
    """Repaint the countdown for the moved clock (the app's own timer does this each second)."""
    await pilot.pause()
    app.screen.render_clock()
    await pilot.pause()


def highlight_speaker(app: PeerTuiApp) -> None:
    """Put the round table's cursor on whoever is speaking, as a facilitator would."""
    screen = app.screen
    assert isinstance(screen, MeetingScreen)
    current = screen.current_round()
    if current is not None and current[1].speaker is not None:
        table = screen.query_one("#round", DataTable)
        table.move_cursor(row=table.get_row_index(str(current[1].speaker)))


def start_round(the_round: Round, now: float) -> Round:
    return the_round.start_round(now)


def next_speaker(the_round: Round, now: float) -> Round:
    return the_round.next(now)


async def import_demo(clock: FakeClock) -> int:
    async with await Store.open(db_file(), clock=clock) as store:
        group = await store.import_archive(build_demo(end=DEMO_END))
    return group.id


# ---------------------------------------------------------------------- scenes


async def first_run(root: Path, out: Path) -> list[Path]:
    with sandbox(root / "first-run") as home:
        app = make_app(home, FakeClock(NOW))
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, GroupFormScreen))
            await pilot.press(*"Deputy Managers Circle", "enter")  # to the minutes
            await pilot.press("enter")  # keep 5 minutes; on to the members
            for name, login in (("Priya Raman", "priya"), ("Tom Whitfield", "tom")):
                await pilot.press(*name, "tab", *login, "enter")
            await wait_for(pilot, lambda: len(app.screen.roster) == 2)
            return [await shoot(app, pilot, out, "first-run.svg")]


async def home_and_picker(root: Path, out: Path) -> list[Path]:
    with sandbox(root / "home") as home:
        clock = FakeClock(NOW)
        await import_demo(clock)
        shots = []
        app = make_app(home, clock)
        async with app.run_test(size=HOME_HERO) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
            shots.append(await shoot(app, pilot, out, "home.svg"))
        app = make_app(home, clock)
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
            shots.append(await shoot(app, pilot, out, "home-80x24.svg"))
            await pilot.press("m")
            await wait_for(pilot, lambda: isinstance(app.screen, StartMeetingModal))
            shots.append(await shoot(app, pilot, out, "start-meeting.svg"))
        return shots


async def meeting(root: Path, out: Path) -> list[Path]:
    with sandbox(root / "meeting") as home:
        clock = FakeClock(NOW)
        group_id = await import_demo(clock)
        async with await Store.open(db_file(), clock=clock) as store:
            meeting_id = await store.start_meeting(group_id, preset(AGENDA))
            ids = {m.name: m.id for m in await store.list_members(group_id)}
            clock.advance(60)  # one has sent apologies, one has not arrived yet
            await store.set_attendance(meeting_id, ids[ABSENT], "absent")
            await store.set_attendance(meeting_id, ids[LATE], "absent")
            clock.advance(30)
            await store.change_round(meeting_id, "checkin", start_round, "start")
            clock.advance(4 * 60 + 12)  # the first speaker takes 4:12
            await store.change_round(meeting_id, "checkin", next_speaker, "next")
            second_started = clock()
            clock.advance(45)
            await store.set_attendance(meeting_id, ids[LATE], "late")  # joins the end of the order

        shots = []
        app = make_app(home, clock, meeting_id)
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
            highlight_speaker(app)
            # 1:40 left, 0:20 left (the warning colour), then 0:35 over, of a 5:00 turn.
            for elapsed, filename in (
                (200, "checkin.svg"),
                (280, "checkin-warning.svg"),
                (335, "overtime.svg"),
            ):
                clock.now = second_started + elapsed
                await tick(app, pilot)
                shots.append(await shoot(app, pilot, out, filename))

        clock.now = second_started + 200
        app = make_app(home, clock, meeting_id)
        async with app.run_test(size=PROJECTOR) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
            highlight_speaker(app)
            await tick(app, pilot)
            shots.append(await shoot(app, pilot, out, "checkin-120x40.svg"))

        # The rest of the check-in, the issues, then the wrap-up with its closing round.
        async with await Store.open(db_file(), clock=clock) as store:
            # The second speaker (at 3:20 now) and the four after, the late arrival last.
            for spoken in (95, 4 * 60 + 41, 5 * 60 + 3, 3 * 60 + 28, 4 * 60 + 55, 2 * 60 + 47):
                clock.advance(spoken)
                await store.change_round(meeting_id, "checkin", next_speaker, "next")
            clock.advance(20)
            await store.set_phase(meeting_id, 1)  # Issues
            clock.advance(59 * 60)
            await store.set_phase(meeting_id, 2)  # Wrap-up
            clock.advance(90)
            await store.change_round(meeting_id, "closing", start_round, "start")
            state = await store.load_meeting(meeting_id)
            assert state.closing is not None
            for member_id, rating, word in zip(state.closing.order, (8, 9), ("calm", "ready")):
                clock.advance(37)
                await store.set_rating(meeting_id, member_id, rating)
                await store.set_closing_word(meeting_id, member_id, word)
                await store.change_round(meeting_id, "closing", next_speaker, "next")
            clock.advance(14)

        app = make_app(home, clock, meeting_id)
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
            highlight_speaker(app)
            await tick(app, pilot)
            shots.append(await shoot(app, pilot, out, "wrapup.svg"))
        return shots


async def export(out: Path) -> list[Path]:
    """Write every screenshot into `out` (created if needed); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peertui-screenshots-") as folder:
        root = Path(folder)
        shots = await first_run(root, out)
        shots += await home_and_picker(root, out)
        shots += await meeting(root, out)
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "screenshots",
        help="folder for the SVG files (default: screenshots/ in the repository)",
    )
    args = parser.parse_args(argv)
    for path in asyncio.run(export(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
