#!/usr/bin/env python3
"""Regenerate the SVG screenshots in screenshots/ from the demo data.

    python scripts/export_screenshots.py [--out screenshots]

Everything runs in a throw-away directory: HOME, XDG_DATA_HOME and XDG_CONFIG_HOME point
into it and the settings file lives there, so the user's own groups and preferences are
never read or written. The output is deterministic: the demo data comes from a fixed seed
and end date, the app reads a fake clock that this script moves by hand, times are shown
in UTC, the database is shown under the same "~/..." path on every machine, the Unix login
is Priya Raman's (so "who am I" does not depend on who runs the script), and the text cursor
does not blink. Running the script twice gives byte-identical files.

The scenes: first run; home and the agenda picker; a live meeting (check-in, the issue
queue with dot votes, a discussion in the peer-forum protocol, its outcome dialog, two
terminals in one meeting with a raised hand, the notes pane, the wrap-up); review between
meetings (the meeting list, one meeting, one issue's life, group health, search); and the
notice shown when the terminal is too small.
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

from textual.widgets import DataTable, Input, TextArea

from peertui.core.agenda import preset
from peertui.core.demo import build_demo
from peertui.core.timer import Round
from peertui.store import Store
from peertui.store.notes import NoteDoc
from peertui.ui.app import PeerTuiApp
from peertui.ui.components.group_form import GroupFormScreen
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.line_table import LineTable
from peertui.ui.components.issue_dialogs import OutcomeModal
from peertui.ui.components.meeting import MeetingScreen
from peertui.ui.components.meeting_dialogs import StartMeetingModal
from peertui.ui.components.review import ReviewScreen
from peertui.ui.components.too_small import TooSmallScreen

DEMO_END = date(2026, 11, 1)  # the demo's last meeting is three days before: 2026-10-29
DEMO_YEARS = 1
# "Today" in the screenshots: the group's next meeting day (four weeks after the last one).
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=timezone.utc).timestamp()
# Shown in the header and on the first-run form; expanded against the throw-away HOME.
SHOWN_DB_PATH = Path("~/.local/share/peertui/peertui.db")
# The Unix login every terminal runs as: Priya Raman's, who facilitates. The second terminal
# says who it is with --as, like a member on a shared machine.
LOGIN = "priya"
MEMBER = "Tom Whitfield"
AGENDA = "Check-in, Issues, Wrap-up"
ABSENT, LATE = "Łukasz Nowak", "Daniel Mensah"
SMALL, HOME_HERO, PROJECTOR, TOO_SMALL = (80, 24), (100, 30), (120, 40), (40, 12)

# Dots placed in the issues phase: member -> (the start of an open issue's title, dots).
VOTES = {
    "Priya Raman": (("Lone working", 1), ("Pay freeze", 1)),
    "Tom Whitfield": (("Lone working", 2), ("Saying no", 1)),
    "Zoë Okafor": (("Pay freeze", 2), ("Lone working", 1)),
    "Siobhán Kelly": (("Saying no", 1), ("Cost-of-living", 1), ("Lone working", 1)),
    "Amara Hughes": (("Pay freeze", 1), ("Saying no", 2)),
}
DECISION = "Nobody visits alone after 6pm; pairs from next week"
ACTION = ("Draft a buddy rota for evening visits", "Tom")
MEETING_NOTES = """\
# Meeting 14 notes

- Apologies: **Łukasz**; Daniel joined late
- Lone working after dark: *pairs from next week*
- Pay freeze: carried to December

> Next meeting: 2026-12-24
"""
# The issue whose life the history screenshot shows: carried over twice, seven actions.
HISTORY_ISSUE = "Back from parental leave in February"
SEARCH = "agency"

EXPECTED = (
    "first-run.svg",
    "home.svg",
    "home-80x24.svg",
    "start-meeting.svg",
    "checkin.svg",
    "checkin-warning.svg",
    "overtime.svg",
    "checkin-120x40.svg",
    "queue.svg",
    "discussion.svg",
    "outcome.svg",
    "two-terminals.svg",
    "notes.svg",
    "wrapup.svg",
    "review.svg",
    "review-meeting.svg",
    "issue-history.svg",
    "health.svg",
    "search.svg",
    "too-small.svg",
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
    """Point HOME and the XDG folders at `home`, show times in UTC and run as LOGIN;
    restore everything on exit."""
    logins = ("LOGNAME", "USER", "LNAME", "USERNAME")  # what getpass.getuser() reads
    names = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "PEERTUI_DB", "TZ", "NO_COLOR", *logins)
    saved = {name: os.environ.get(name) for name in names}
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        TZ="UTC",
    )
    os.environ.update({name: LOGIN for name in logins})
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


def make_app(
    home: Path, clock: FakeClock, meeting_id: int | None = None, **options: object
) -> PeerTuiApp:
    return PeerTuiApp(
        SHOWN_DB_PATH,
        clock=clock,
        settings_path=home / ".config" / "peertui" / "settings.json",
        meeting_id=meeting_id,
        **options,
    )


def db_file() -> Path:
    return SHOWN_DB_PATH.expanduser()  # inside the sandbox's HOME


def screen_text(app: PeerTuiApp) -> str:
    """What a person would read on the app's terminal right now."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise RuntimeError("the app did not reach the expected state in time")
        await pilot.pause(0.02)


async def shoot(app: PeerTuiApp, pilot, out: Path, filename: str) -> Path:
    """Settle the app, stop any cursor blink, and save the current screen as `filename`.

    With two apps running, `app` must be the one whose run_test was entered last (Textual
    keeps the active app in a context variable, and setting a widget's state uses it).
    """
    await pilot.pause()
    errors = [n.message for n in app._notifications if n.severity == "error"]
    if errors:  # a scene that went wrong must not be published
        raise RuntimeError(f"{filename}: the app reported {errors[0]!r}")
    app.clear_notifications()  # toasts go away on a real-time timer: not in the pictures
    for field in app.screen.query(Input):
        field.cursor_blink = False  # shown steadily, so both runs catch the same frame
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()
    return Path(app.save_screenshot(filename=filename, path=str(out)))


async def type_text(app: PeerTuiApp, pilot, text: str) -> None:
    """Type `text` into the focused field in one go (the pilot's key by key is slow)."""
    field = app.focused
    assert isinstance(field, Input), f"typing {text!r} needs a text field, not {field!r}"
    field.insert_text_at_cursor(text)
    await pilot.pause()


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
        table = screen.query_one("#round", LineTable)
        table.move_cursor(row=table.get_row_index(str(current[1].speaker)))


def start_round(the_round: Round, now: float) -> Round:
    return the_round.start_round(now)


def next_speaker(the_round: Round, now: float) -> Round:
    return the_round.next(now)


async def import_demo(clock: FakeClock) -> int:
    async with await Store.open(db_file(), clock=clock) as store:
        group = await store.import_archive(build_demo(end=DEMO_END, years=DEMO_YEARS))
    return group.id


async def open_meeting(pilot, app: PeerTuiApp, mode: str = "") -> MeetingScreen:
    """Wait until the meeting screen is up (in `mode`, if given) and knows who is here."""

    def ready() -> bool:
        screen = app.screen
        return (
            isinstance(screen, MeetingScreen)
            and screen.joined  # its role, keys and presence line are known
            and (not mode or screen.mode == mode)
        )

    await wait_for(pilot, ready)
    return app.screen


# ---------------------------------------------------------------------- scenes


async def first_run(root: Path, out: Path) -> list[Path]:
    with sandbox(root / "first-run") as home:
        app = make_app(home, FakeClock(NOW))
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, GroupFormScreen))
            await type_text(app, pilot, "Deputy Managers Circle")
            await pilot.press("enter")  # to the minutes
            await pilot.press("enter")  # keep 5 minutes; on to the members
            for name, login in (("Priya Raman", "priya"), ("Tom Whitfield", "tom")):
                await type_text(app, pilot, name)
                await pilot.press("tab")
                await type_text(app, pilot, login)
                await pilot.press("enter")
            await wait_for(pilot, lambda: len(app.screen.roster) == 2)
            return [await shoot(app, pilot, out, "first-run.svg")]


async def home_and_review(root: Path, out: Path) -> list[Path]:
    """Home, the agenda picker, the history between meetings, and a terminal too small."""
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
        app = make_app(home, clock)
        async with app.run_test(size=SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
            shots += await review(app, pilot, out)
        app = make_app(home, clock)
        async with app.run_test(size=TOO_SMALL) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TooSmallScreen))
            shots.append(await shoot(app, pilot, out, "too-small.svg"))
        return shots


async def review(app: PeerTuiApp, pilot, out: Path) -> list[Path]:
    """From home, `r`: the meetings, the newest in detail, one issue's life, health, search."""
    shots = []
    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.overview)
    screen = app.screen
    await wait_for(pilot, lambda: screen.query_one("#rv-meetings", DataTable).row_count > 0)
    shots.append(await shoot(app, pilot, out, "review.svg"))

    await pilot.press("enter")  # the newest meeting
    await wait_for(pilot, lambda: screen.view == "meeting")
    shots.append(await shoot(app, pilot, out, "review-meeting.svg"))

    # An issue with a long life: raised, carried over twice, resolved with seven actions.
    await pilot.press("escape")
    await wait_for(pilot, lambda: screen.view == "meetings")
    issue_id = await issue_titled(app, HISTORY_ISSUE)
    number = next(
        m.number
        for m in reversed(screen.overview.meetings)
        if any(title.startswith(HISTORY_ISSUE) for title in m.titles)
    )
    row = next(i for i, m in enumerate(screen.overview.meetings) if m.number == number)
    await pilot.press(*["down"] * row, "enter")  # the first meeting that discussed it
    await wait_for(pilot, lambda: screen.view == "meeting" and screen.meeting is not None)
    issues = [issue.issue_id for issue in screen.meeting.issues]
    await pilot.press(*["down"] * issues.index(issue_id), "enter")
    await wait_for(pilot, lambda: screen.view == "issue")
    shots.append(await shoot(app, pilot, out, "issue-history.svg"))

    await pilot.press("h")
    await wait_for(pilot, lambda: screen.view == "health" and screen.health)
    shots.append(await shoot(app, pilot, out, "health.svg"))

    await pilot.press("l", "slash", *SEARCH)  # searched as it is typed
    await wait_for(
        pilot,
        lambda: screen.view == "results"
        and screen.results is not None
        and screen.results.query == SEARCH
        and " match" in screen_text(app),
    )
    shots.append(await shoot(app, pilot, out, "search.svg"))
    return shots


async def issue_titled(app: PeerTuiApp, start: str) -> int:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    statuses = ("open", "resolved", "parked", "carried", "merged")
    issues = await app.store.list_issues(screen.group_id, statuses=statuses)
    return next(issue.id for issue in issues if issue.title.startswith(start))


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
            await open_meeting(pilot, app)
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
            await open_meeting(pilot, app)
            highlight_speaker(app)
            await tick(app, pilot)
            shots.append(await shoot(app, pilot, out, "checkin-120x40.svg"))

        # The rest of the check-in, then the issues phase: everyone places their dots.
        async with await Store.open(db_file(), clock=clock) as store:
            # The second speaker (at 3:20 now) and the four after, the late arrival last.
            for spoken in (95, 4 * 60 + 41, 5 * 60 + 3, 3 * 60 + 28, 4 * 60 + 55, 2 * 60 + 47):
                clock.advance(spoken)
                await store.change_round(meeting_id, "checkin", next_speaker, "next")
            clock.advance(20)
            await store.set_phase(meeting_id, 1)  # Issues
            issues_started = clock()
            issues = await store.list_issues(group_id, meeting_id=meeting_id)
            for name, dots in VOTES.items():
                for start, count in dots:
                    issue = next(i for i in issues if i.title.startswith(start))
                    for _ in range(count):
                        clock.advance(3)
                        await store.vote(meeting_id, issue.id, ids[name], +1)
            clock.advance(40)
        shots += await issues_phase(home, clock, out, meeting_id, group_id)

        # The rest of the issues (59 minutes in all), then the wrap-up with its closing round.
        async with await Store.open(db_file(), clock=clock) as store:
            assert clock() < issues_started + 59 * 60
            clock.now = issues_started + 59 * 60
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
            await open_meeting(pilot, app)
            highlight_speaker(app)
            await tick(app, pilot)
            shots.append(await shoot(app, pilot, out, "wrapup.svg"))
        return shots


async def issues_phase(
    home: Path, clock: FakeClock, out: Path, meeting_id: int, group_id: int
) -> list[Path]:
    """The queue, a discussion in the peer-forum protocol, its outcome, two terminals, notes."""
    shots = []
    app = make_app(home, clock, meeting_id)
    async with app.run_test(size=SMALL) as pilot:
        await open_meeting(pilot, app, "queue")
        shots.append(await shoot(app, pilot, out, "queue.svg"))

    # The top issue, in the protocol's steps (its estimate shared out among them): the
    # presenter has had their say, and the clarifying questions are well under way.
    async with await Store.open(db_file(), clock=clock) as store:
        await store.update_group_issue_settings(group_id, use_protocol=True, timeboxes="7,5,3")
        top = (await store.list_issues(group_id, meeting_id=meeting_id))[0]
        await store.start_discussion(meeting_id, top.id)
        current = await store.current_discussion(meeting_id)
        assert current is not None
        present, questions = current[1].steps[:2]
        clock.advance(present.minutes * 60 + 5)
        await store.change_discussion(meeting_id, lambda d, now: d.next_step(now), "next_step")
        clock.advance(round(questions.minutes * 60 * 0.4))

    app = make_app(home, clock, meeting_id)
    async with app.run_test(size=SMALL) as pilot:
        await open_meeting(pilot, app, "discussion")
        shots.append(await shoot(app, pilot, out, "discussion.svg"))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OutcomeModal))
        text, owner = ACTION
        await type_text(app, pilot, DECISION)
        await pilot.press("enter")  # on to the actions
        await type_text(app, pilot, text)
        await pilot.press("tab")
        await type_text(app, pilot, owner)
        await pilot.press("enter")  # adds the action to the list
        await wait_for(pilot, lambda: app.screen.actions)
        shots.append(await shoot(app, pilot, out, "outcome.svg"))
        await pilot.press("escape")  # decided on the next screen, with the member's hand heard
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))

    # A member joins from their own terminal and raises a hand; shot on the member's side
    # once the facilitator's terminal shows it. The facilitator joins first: sessions are
    # listed in the order they joined.
    clock.advance(20)
    facilitator = make_app(home, clock, meeting_id, feed_poll_seconds=0.02)
    member = make_app(home, clock, meeting_id, identity=MEMBER, feed_poll_seconds=0.02)
    async with facilitator.run_test(size=SMALL) as pf:
        await open_meeting(pf, facilitator, "discussion")
        clock.advance(1)
        async with member.run_test(size=SMALL) as pm:
            await open_meeting(pm, member, "discussion")
            await wait_for(pf, lambda: f"· {MEMBER}" in screen_text(facilitator))
            await pm.press("h", "p")  # a new point
            await wait_for(pf, lambda: f"✋{MEMBER}" in screen_text(facilitator))
            await wait_for(pm, lambda: f"✋{MEMBER}" in screen_text(member))
            shots.append(await shoot(member, pm, out, "two-terminals.svg"))
            await pf.press("C")  # the facilitator gives Tom the floor: his hand comes down
            await wait_for(pm, lambda: "✋" not in screen_text(member))

    # The issue is closed with its decision and action; the scribe's meeting notes so far.
    async with await Store.open(db_file(), clock=clock) as store:
        clock.advance(5 * 60)
        due = await store.default_due_date(meeting_id)
        members = {m.login: m.id for m in await store.list_members(group_id)}
        await store.close_issue(
            meeting_id, top.id, "resolved", DECISION, [(ACTION[0], members["tom"], due.isoformat())]
        )
        snap = await store.open_note(meeting_id)
        update = NoteDoc(snap.state).edit_to(MEETING_NOTES)
        assert update is not None and snap.note_id is not None
        await store.save_note_update(snap.note_id, update)
        clock.advance(30)

    app = make_app(home, clock, meeting_id)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_meeting(pilot, app, "queue")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: screen.notes_open and screen.query_one(TextArea).text)
        shots.append(await shoot(app, pilot, out, "notes.svg"))
    return shots


async def export(out: Path) -> list[Path]:
    """Write every screenshot into `out` (created if needed); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="peertui-screenshots-") as folder:
        root = Path(folder)
        shots = await first_run(root, out)
        shots += await home_and_review(root, out)
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
