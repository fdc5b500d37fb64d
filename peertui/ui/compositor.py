"""A compositor that repaints only the lines that changed, for screens that tick.

On a partial update (the countdown's next second), Textual's Compositor renders every widget
whose *container* overlaps the changed area, and each of them in full: the whole screen, the
whole side table, the footer... then keeps only the changed lines. On the meeting screen that
was ten widgets and some hundred lines rendered to change four. This one renders only the
widgets that overlap the change, and only its rows. What reaches the terminal is the same
(tests/functional/test_compositor.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class RowCroppedCompositor(Compositor):
    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        # A widget outside the update is skipped: the columns it covers are not written.
        # One inside is drawn across its whole width (only the update's rows): every cut of
        # its lines is then filled, as the chops need.
        rows = Region(0, crop.y, max(self.size.width, crop.right), crop.height)
        overlaps = crop.overlaps
        for widget, (region, clip) in self.visible_widgets.items():
            shown = region.intersection(clip)
            if not overlaps(shown):
                continue
            x, y, width, height = shown.intersection(rows)
            lines = widget.render_lines(Region(x - region.x, y - region.y, width, height))
            yield region, Region(x, y, width, height), lines
