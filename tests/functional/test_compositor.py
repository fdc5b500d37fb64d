"""The meeting screen's compositor repaints only the changed lines, and what it sends to the
terminal is exactly what Textual's own compositor sends."""

from __future__ import annotations

import types
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.widget import Widget

from peertui.ui.compositor import RowCroppedCompositor
from tests.conftest import FakeClock, wait_for
from tests.functional.test_meeting_screen import meeting_app, seed_meeting, tick


def update_text(compositor: Compositor, crop: Region, stock: bool) -> str:
    """The escape codes a partial update of `crop` writes, by either compositor's renders."""
    if stock:  # Textual's own renders, on the same map
        compositor._get_renders = types.MethodType(Compositor._get_renders, compositor)
    try:
        chops = compositor._render_chops(crop, lambda y: True)
    finally:
        compositor.__dict__.pop("_get_renders", None)
    spans = [(y, crop.x, crop.right) for y in crop.line_range]
    update = ChopsUpdate(chops, spans, [cut_set[1:] for cut_set in compositor.cuts])
    console = Console(width=compositor.size.width, color_system="truecolor", force_terminal=True)
    return update.render_segments(console)


CROPS = [
    Region(3, 9, 12, 3),  # the countdown
    Region(3, 14, 32, 1),  # the status line under the bar
    Region(40, 5, 30, 1),  # a row of the round's table
    Region(0, 0, 80, 2),  # the meeting bar and who is here
    Region(10, 8, 50, 6),  # across the stage and the side table
    Region(79, 23, 1, 1),  # one cell in a corner
    Region(0, 0, 80, 24),  # everything
]


@pytest.mark.parametrize("crop", CROPS, ids=str)
async def test_a_partial_update_writes_what_textual_would(
    db_path: Path, clock: FakeClock, crop: Region
) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        progress = app.screen.query_one("#progress")
        await wait_for(pilot, lambda: "left of 1:00" in progress.status)
        for seconds in (0, 31, 30):  # running, then in the warning colours, then overtime
            clock.advance(seconds)
            tick(app)
            await pilot.pause()
            compositor = app.screen._compositor
            assert isinstance(compositor, RowCroppedCompositor)
            ours = update_text(compositor, crop, stock=False)
            assert ours == update_text(compositor, crop, stock=True)
            assert ours  # something was written


async def test_a_tick_renders_only_the_widgets_it_changes(
    db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    rendered: Counter[str] = Counter()
    render_lines = Widget.render_lines

    def counting(self: Widget, crop: Region):
        rendered[self.id or type(self).__name__] += crop.height
        return render_lines(self, crop)

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        monkeypatch.setattr(Widget, "render_lines", counting)
        clock.advance(1)
        tick(app)
        await wait_for(pilot, lambda: rendered["countdown"] > 0)
    # The side table, the bars at the top and the footer are not touched; the containers
    # around the clock give only the changed rows (Textual's: all of their lines, 24 + 21...).
    assert not {"round", "side", "meeting-top", "Footer"} & set(rendered)
    assert set(rendered) <= {"MeetingScreen", "meeting-body", "stage", "countdown", "progress"}
    assert max(rendered.values()) <= 6


async def test_the_clock_takes_its_colours_from_the_stage_as_they_change(
    db_path: Path, clock: FakeClock
) -> None:
    """The countdown and the bar keep their base style between repaints: a new class on the
    stage (the warning, overtime) must still reach them at once."""
    meeting_id = await seed_meeting(db_path, clock)
    app = meeting_app(db_path, clock, meeting_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        countdown = app.screen.query_one("#countdown")
        progress = app.screen.query_one("#progress")

        def drawn() -> tuple[object, object]:
            digit = next(s.style for s in countdown.render_line(0) if s.text.strip())
            status = next(s.style for s in progress.render_line(1) if s.text.strip())
            return digit.color, status.color

        calm = drawn()
        assert calm == (countdown.rich_style.color, progress.rich_style.color)
        clock.advance(31)  # the last 30 seconds: the warning colour
        tick(app)
        await pilot.pause()
        warned = drawn()
        assert warned[0] != calm[0] and warned[0] == countdown.rich_style.color
        clock.advance(30)  # overtime
        tick(app)
        await pilot.pause()
        over = drawn()
        assert over[0] != warned[0]
        assert over == (countdown.rich_style.color, progress.rich_style.color)
