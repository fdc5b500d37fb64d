"""Several real app instances on one database file: one meeting, many terminals."""

from __future__ import annotations

from pathlib import Path

import pytest

from peertui.core.agenda import preset
from peertui.store import Store
from peertui.store.presence import PRESENCE_TIMEOUT_S
from tests.conftest import FakeClock, make_app, screen_text, wait_for


async def seed(db_path: Path, clock: FakeClock) -> int:
    async with await Store.open(db_path, clock=clock) as store:
        group = await store.create_group(
            "Circle", checkin_minutes=1, members=[("Ann", "ann"), ("Bob", "bob"), ("Chen", "chen")]
        )
        await store.add_issue(group.id, "Budget cut")
        return await store.start_meeting(group.id, preset("Check-in, Issues, Wrap-up"))


def terminal(db_path: Path, clock: FakeClock, meeting_id: int, who: str, **kwargs):
    return make_app(
        db_path, clock=clock, meeting_id=meeting_id, identity=who, feed_poll_seconds=0.02, **kwargs
    )


async def test_facilitator_drives_and_members_follow(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await wait_for(pb, lambda: "★Ann" in screen_text(bob) and "Bob" in screen_text(bob))
        assert ann.screen.facilitating and not bob.screen.facilitating
        await pa.press("space")
        await wait_for(pb, lambda: "Up next: Bob" in screen_text(bob))
        await pa.press("n")
        await wait_for(pb, lambda: "Up next: Chen" in screen_text(bob))
        # A member's terminal cannot drive the timer: the key does nothing there...
        await pb.press("n")
        await pb.pause()
        assert "Up next: Chen" in screen_text(ann)
        assert "Start/pause" not in screen_text(bob)  # not offered in the footer either
        # ...and the store refuses it too.
        with pytest.raises(Exception, match="Ann is facilitating"):
            await bob.store.change_round(meeting_id, "checkin", lambda r, now: r.next(now), "n")


async def test_members_vote_raise_hands_and_the_facilitator_calls_them(
    db_path: Path, clock: FakeClock
) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await pa.press("N")  # the issues phase
        await wait_for(pb, lambda: "voting as Bob (3 left)" in screen_text(bob))
        await pb.press("v")
        await wait_for(pa, lambda: "●" in screen_text(ann))
        await pb.press("h", "q")
        await wait_for(pa, lambda: "✋Bob (clarifying question)" in screen_text(ann))
        await pa.press("C")
        await wait_for(pb, lambda: "✋Bob" not in screen_text(bob))
        notes = [str(n.message) for n in ann._notifications]
        assert "Bob has the floor: clarifying question." in notes


async def test_hand_over_and_take_over_when_the_facilitator_has_gone(
    db_path: Path, clock: FakeClock
) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await wait_for(pa, lambda: "Here: ★Ann · Bob" in screen_text(ann))
        await pa.press("H")
        await wait_for(pa, lambda: "Hand over facilitation" in screen_text(ann))
        await pa.press("enter")  # Bob is the only other member here
        await wait_for(pb, lambda: bob.screen.facilitating)
        await wait_for(pa, lambda: not ann.screen.facilitating)
        await pb.press("space")
        await wait_for(pa, lambda: "Up next: Bob" in screen_text(ann))
    # Bob's terminal disappears; Chen's terminal takes over after one confirmation.
    clock.advance(PRESENCE_TIMEOUT_S + 1)
    chen = terminal(db_path, clock, meeting_id, "Chen")
    async with chen.run_test(size=(80, 24)) as pc:
        await wait_for(pc, lambda: "has gone: T takes over" in screen_text(chen))
        assert not chen.screen.facilitating
        await pc.press("T")
        await wait_for(pc, lambda: "Take over as facilitator?" in screen_text(chen))
        await pc.press("y")
        await wait_for(pc, lambda: chen.screen.facilitating)
        await pc.press("n")
        await wait_for(pc, lambda: "Up next: Chen" in screen_text(chen))


async def test_an_observer_sees_everything_and_changes_nothing(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    watcher = terminal(db_path, clock, meeting_id, "Chen", observe=True)
    async with ann.run_test(size=(80, 24)) as pa, watcher.run_test(size=(80, 24)) as pw:
        await wait_for(pa, lambda: "Chen (observing)" in screen_text(ann))
        await pa.press("space")
        await wait_for(pw, lambda: "Up next: Bob" in screen_text(watcher))
        await pw.press("a", "v", "h", "T")
        await pw.pause()
        assert watcher.screen.__class__.__name__ == "MeetingScreen"  # no dialog opened
        with pytest.raises(Exception, match="observing"):
            await watcher.store.add_issue(1, "From an observer")


async def test_a_restarted_facilitator_takes_the_role_back(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    async with terminal(db_path, clock, meeting_id, "Ann").run_test(size=(80, 24)) as pa:
        await pa.press("space")
    again = terminal(db_path, clock, meeting_id, "Ann")
    async with again.run_test(size=(80, 24)) as pa:
        await wait_for(pa, lambda: again.screen.facilitating)
        await pa.press("n")
        await wait_for(pa, lambda: "Up next: Chen" in screen_text(again))


async def test_members_rate_the_meeting_themselves(db_path: Path, clock: FakeClock) -> None:
    meeting_id = await seed(db_path, clock)
    ann = terminal(db_path, clock, meeting_id, "Ann")
    bob = terminal(db_path, clock, meeting_id, "Bob")
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await wait_for(pb, lambda: "★Ann" in screen_text(bob))
        await pb.press("r")
        await wait_for(pb, lambda: "Rate this meeting" in screen_text(bob))
        text = screen_text(bob)
        assert "Bob" in text and "Chen" not in text  # only their own rating
        await pb.press("8", "enter")
        await wait_for(pb, lambda: "Rate this meeting" not in screen_text(bob))
        # Another member's rating is the facilitator's to enter, not Bob's.
        chen = (await bob.store.find_member(1, "Chen")).id
        with pytest.raises(Exception, match="Ann is facilitating"):
            await bob.store.set_rating(meeting_id, chen, 3)
    async with await Store.open(db_path, clock=clock) as store:
        state = await store.load_meeting(meeting_id)
        assert [a.rating for a in state.attendees] == [None, 8, None]
