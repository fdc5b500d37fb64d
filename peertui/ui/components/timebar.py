"""A one-line bar of time used. Textual's ProgressBar runs its own 1 Hz timer for its ETA
even when the ETA is hidden; this bar repaints only when a cell changes."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TimeBar(Widget):
    DEFAULT_CSS = """
    TimeBar {
        height: 1;
        color: $accent;
    }
    """

    fraction: reactive[float] = reactive(0.0, layout=False)

    def set_fraction(self, fraction: float) -> None:
        """Set the share of time used (0..1); repaint only if a cell would change."""
        fraction = min(1.0, max(0.0, fraction))
        width = max(1, self.size.width)
        if round(fraction * width) != round(self.fraction * width):
            self.fraction = fraction
        else:
            self.set_reactive(TimeBar.fraction, fraction)

    def render(self) -> Text:
        width = max(1, self.size.width)
        filled = round(self.fraction * width)
        return Text.assemble(("━" * filled, ""), ("━" * (width - filled), "dim"))
