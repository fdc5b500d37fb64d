"""The countdown, and the bar of time used with the status line under it.

One widget drawn line by line (Textual's line API): a ticking second rebuilds at most two
strips of plain segments and repaints only the line that changed, with no Rich rendering
on the way. (Textual's ProgressBar also runs its own 1 Hz timer for its ETA, even when the
ETA is hidden.)
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Digits

from peertui.ui.components.base_style import BaseStyleCached

DIM = Style(dim=True)


class TimeBar(BaseStyleCached, Widget):
    DEFAULT_CSS = """
    TimeBar {
        height: 2;
    }
    """
    COMPONENT_CLASSES = {"timebar--bar"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fraction = 0.0
        self.status = ""

    def show(self, fraction: float, status: str) -> None:
        """Set the share of time used (0..1) and the status; repaint only what visibly changed."""
        fraction = min(1.0, max(0.0, fraction))
        width = max(1, self.size.width)
        bar_changed = round(fraction * width) != round(self.fraction * width)
        status_changed = status != self.status
        self.fraction, self.status = fraction, status
        if bar_changed:
            self.refresh(Region(0, 0, width, 1))
        if status_changed:
            self.refresh(Region(0, 1, width, 1))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        if y == 0:
            filled = round(self.fraction * width)
            bar = base + self.get_component_rich_style("timebar--bar", partial=True)
            strip = Strip([Segment("━" * filled, bar), Segment("━" * (width - filled), base + DIM)])
        elif y == 1:
            strip = Strip([Segment(self.status, base)])
        else:
            strip = Strip([])
        return strip.adjust_cell_length(width, base)


class Countdown(BaseStyleCached, Digits):
    """Textual's Digits, drawn line by line: the three strips of a value are built once, with
    no Rich layout (Align, measuring, cropping) on every tick of the clock."""

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value, id=id)
        self._strips: tuple[tuple[str, Style], list[Strip]] | None = None

    def render_line(self, y: int) -> Strip:
        style = self.base_style
        key = (self.value, style)
        if self._strips is None or self._strips[0] != key:
            segments = DigitsRenderable(self.value).render(style)
            lines = [Strip(line) for line in Segment.split_lines(segments)]
            self._strips = (key, lines)
        lines = self._strips[1]
        strip = lines[y] if 0 <= y < len(lines) else Strip([])
        return strip.adjust_cell_length(self.size.width, style)
