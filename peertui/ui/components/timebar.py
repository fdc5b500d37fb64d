"""The bar of time used and the status line under the countdown, drawn as one widget so a
ticking second costs one repaint. (Textual's ProgressBar also runs its own 1 Hz timer for
its ETA, even when the ETA is hidden.)"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class TimeBar(Widget):
    DEFAULT_CSS = """
    TimeBar {
        height: 2;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fraction = 0.0
        self.status = ""

    def show(self, fraction: float, status: str) -> None:
        """Set the share of time used (0..1) and the status; repaint only on a visible change."""
        fraction = min(1.0, max(0.0, fraction))
        width = max(1, self.size.width)
        changed = status != self.status or round(fraction * width) != round(self.fraction * width)
        self.fraction, self.status = fraction, status
        if changed:
            self.refresh()

    def render(self) -> Text:
        width = max(1, self.size.width)
        filled = round(self.fraction * width)
        bar_style = self.get_component_rich_style("timebar--bar", partial=True)
        return Text.assemble(
            ("━" * filled, bar_style),
            ("━" * (width - filled), "dim"),
            "\n",
            self.status,
        )

    COMPONENT_CLASSES = {"timebar--bar"}
