"""The live meeting screen, driven by the pilot on a real database with an injected clock."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual import events

from peertui.core.agenda import preset
from peertui.store import Store
from peertui.ui.commands import ScreenActions
from peertui.ui.components.home import HomeScreen
from peertui.ui.components.line_table import LineTable
from peertui.ui.components.meeting import MeetingScreen
from tests.conftest import FakeClock, make_app, screen_text, wait_for

SIZES = [(80, 24), (120, 40)]


async def seed_meeting(db_path: Path, clock: FakeClock, members=("Ann", "Bob", "Chen")) -> int:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group(
            "Circle", checkin_minutes=1, members=[(m, None) for m in members]
        )
        return await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))


def meeting_app(db_path: Path, clock: FakeClock, meeting_id: int):
    return make_app(db_path, clock=clock, meeting_id=meeting_id)


def tick(app) -> None:
    """Repaint the time-dependent parts now (the app's own timer does this each second)."""
    app.screen.render_clock()


@pytest.mark.parametrize("size", SIZES)
async def test_check_in_round_keys(db_path: Path, clock: FakeClock, size) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert screen.query_one("#round", LineTable).has_focus
        text = screen_text(app)
        assert "Up next: Ann" in text and "Press space to start" in text
        await pilot.press("space")
        assert "Up next: Bob" in screen_text(app)
        clock.advance(20)
        tick(app)
        assert "0:40 left of 1:00" in screen_text(app)
        await pilot.press("plus")
        tick(app)
        assert "1:40 left of 2:00" in screen_text(app)
        await pilot.press("minus", "minus")
        tick(app)
        assert "OVERTIME" in screen_text(app)
        await pilot.press("n")
        text = screen_text(app)
        assert "Up next: Chen" in text
        await pilot.press("s")  # Bob is skipped: Chen speaks, Bob comes back at the end
        text = screen_text(app)
        assert "Up next: Bob" in text and "skipped" in text
        await pilot.press("x")  # Chen passes
        assert "Up next: nobody" in screen_text(app)
        await pilot.press("p")  # back to Chen after all
        assert "Up next: Bob" in screen_text(app)
        await pilot.press("e")
        text = screen_text(app)
        assert "Round complete" in text
        assert "█" in text  # airtime bars once the round is over


async def test_a_key_typed_as_the_meeting_appears_waits_for_the_join(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This terminal joins (a write) while the first frame is drawn, and only then is its
    role known: a facilitator's key typed before that waits for it instead of being refused."""
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    shown = MeetingScreen.on_mount

    async def shown_then_typed_at(screen: MeetingScreen) -> None:
        await shown(screen)
        assert not screen.facilitating  # not joined yet
        key = events.Key("space", " ")
        key.set_sender(screen.app)  # as the terminal's input thread sends it: to the app first
        screen.app.post_message(key)

    monkeypatch.setattr(MeetingScreen, "on_mount", shown_then_typed_at)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Up next: Bob" in screen_text(app))
        assert app.screen.facilitating
        assert "Here: ★" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_first_showing_looks_as_a_full_restyle_draws_it(
    db_path: Path, clock: FakeClock, size
) -> None:
    """The meeting skips Textual's restyle of the whole screen when it is first shown (each
    widget was styled as it mounted): what it draws must be what the restyle would draw."""
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: "Here: ★" in screen_text(app))
        await pilot.pause()
        first = app.export_screenshot()
        app.screen.update_node_styles(animate=False)
        app.screen.refresh(layout=True)
        await pilot.pause()
        assert app.export_screenshot() == first


async def test_the_footer_shows_the_facilitators_keys_however_long_the_join_takes(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The footer mounts a frame after the meeting; the join (a write) may end after it, on a
    busy file: the footer must then change to the facilitator's keys."""
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    join = Store.join_meeting

    async def slow_join(store: Store, *args, **kwargs) -> bool:
        await asyncio.sleep(0.3)  # another terminal holds the write lock, a slow fsync
        return await join(store, *args, **kwargs)

    monkeypatch.setattr(Store, "join_meeting", slow_join)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.screen.facilitating)
        await pilot.pause()
        assert "Start/pause" in screen_text(app).splitlines()[-1]


async def test_space_pauses_and_resumes(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        clock.advance(10)
        await pilot.press("space")
        clock.advance(100)
        tick(app)
        assert "Paused · 0:50 left of 1:00" in screen_text(app)
        await pilot.press("space")
        clock.advance(5)
        tick(app)
        assert "0:45 left of 1:00" in screen_text(app)


async def test_warning_colour_then_bell_flash_and_overtime(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    bells = []
    app.bell = lambda: bells.append(clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        stage = app.screen.query_one("#stage")
        clock.advance(29)
        tick(app)
        assert not stage.has_class("-warning")
        clock.advance(2)
        tick(app)
        assert stage.has_class("-warning") and not stage.has_class("-overtime")
        clock.advance(29.5)
        tick(app)
        assert stage.has_class("-overtime") and stage.has_class("-flash")
        assert bells == [clock()]
        assert "OVERTIME +0:00" in screen_text(app)
        clock.advance(83)
        tick(app)
        assert "OVERTIME +1:23" in screen_text(app)
        assert len(bells) == 1  # once per turn


async def test_attendance_keys_absent_and_late(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#round", LineTable)
        table.move_cursor(row=1)  # Bob
        await pilot.press("A")
        assert "absent" in screen_text(app)
        await pilot.press("space")
        assert "Up next: Chen" in screen_text(app)
        table.move_cursor(row=table.get_row_index(str(app.screen.state.attendees[1].member.id)))
        await pilot.press("L")  # Bob arrives late and joins the end
        text = screen_text(app)
        assert "late" in text
        assert app.screen.state.checkin.order[-1] == app.screen.state.attendees[1].member.id
        assert "Up next: Chen" in text  # the speaker is not disturbed


async def test_restart_reopens_on_the_same_speaker_with_the_right_time(
    db_path: Path, clock: FakeClock
) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "n")
        clock.advance(17)
    clock.advance(3)  # down for three seconds
    again = meeting_app(db_path, clock, meeting_id)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(again)
        assert "Up next: Chen" in text
        assert "0:40 left of 1:00" in text


async def test_phases_wrap_up_ratings_and_end(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("N")
        assert "Issues (2/3)" in screen_text(app)
        await pilot.press("N")
        assert "Wrap-up (3/3)" in screen_text(app)
        await pilot.press("space", "w")
        await pilot.press(*"calm", "enter")
        await pilot.press("r")
        await pilot.press("8", "tab", "9", "tab", "7", "enter")
        await pilot.pause()
        assert "8 calm" in screen_text(app)
        await pilot.press("E")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert [type(screen) for screen in app.screen_stack] == [HomeScreen]  # meeting closed
    async with await Store.open(db_path, clock=clock) as store:
        state = await store.load_meeting(meeting_id)
        assert state.ended_at is not None
        assert [a.rating for a in state.attendees] == [8, 9, 7]
        assert state.attendees[0].closing_word == "calm"


async def test_escape_from_the_first_screen_goes_home_and_back_to_one_meeting(
    db_path: Path, clock: FakeClock
) -> None:
    """`peertui meeting` opens on the meeting itself; home replaces it (the meeting screen
    closes, its heartbeat with it) and opening the meeting again makes one meeting screen."""
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        first = app.screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert [type(screen) for screen in app.screen_stack] == [HomeScreen]
        assert not first.is_attached
        await pilot.press("enter")  # the group's meeting in progress
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        assert [type(screen) for screen in app.screen_stack] == [HomeScreen, MeetingScreen]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert [type(screen) for screen in app.screen_stack] == [HomeScreen]


async def test_every_round_key_is_a_palette_command_starting_with_its_verb() -> None:
    titles = {action: title for title, _, action in MeetingScreen.PALETTE}
    for key, verb in [
        ("toggle", "Start"),
        ("next_speaker", "Next"),
        ("previous_speaker", "Previous"),
        ("skip", "Skip"),
        ("pass_turn", "Pass"),
        ("more_time", "Add"),
        ("less_time", "Remove"),
        ("end_round", "End"),
    ]:
        assert titles[key].startswith(verb)
    assert ScreenActions in MeetingScreen.COMMANDS


async def test_palette_runs_a_round_command(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Start or pause")
        await wait_for(pilot, lambda: "Start or pause the timer" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Up next: Bob" in screen_text(app))


async def test_a_second_terminal_follows_the_round(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = make_app(db_path, clock=clock, meeting_id=meeting_id, feed_poll_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        async with await Store.open(db_path, clock=clock) as other:
            await other.join_meeting(meeting_id, None)
            await app.store.hand_over(meeting_id, other.origin)
            await other.change_round(meeting_id, "checkin", lambda r, now: r.start_round(now), "s")
            await other.change_round(meeting_id, "checkin", lambda r, now: r.next(now), "n")
        await wait_for(pilot, lambda: "Up next: Chen" in screen_text(app))


async def test_meeting_from_home_picks_an_agenda(db_path: Path, clock: FakeClock) -> None:
    async with await Store.open(db_path, clock=clock) as store:
        await store.create_group("Circle", members=[("Ann", None)])
    app = make_app(db_path, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await wait_for(pilot, lambda: "EOS Level 10" in screen_text(app))
        await pilot.press("down", "down", "enter")  # EOS Level 10
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        assert "Segue (1/4)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "in progress" in screen_text(app)
        await pilot.press("m")  # reopens the same meeting
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingScreen))
        assert "Segue (1/4)" in screen_text(app)


async def test_notes_that_cannot_open_leave_the_round_in_view(
    db_path: Path, clock: FakeClock
) -> None:
    from peertui.store import StoreError

    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        async def broken(*args: object, **kwargs: object) -> None:
            raise StoreError("the disk is gone")

        app.store.open_note = broken  # type: ignore[method-assign]
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app._notifications)
        screen = app.screen
        assert screen.query_one("#round", LineTable).display
        assert screen.notes_pane is not None and not screen.notes_pane.display
        assert not screen.notes_open
        assert "Member" in screen_text(app)
        assert any("the disk is gone" in str(n.message) for n in app._notifications)
