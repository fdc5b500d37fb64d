"""Shown instead of a cramped, broken layout when the terminal is too small."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from peertui.ui.app import MIN_HEIGHT, MIN_WIDTH

__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "TooSmallScreen"]


class TooSmallScreen(Screen[None]):
    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
    }
    TooSmallScreen Static {
        width: auto;
        max-width: 100%;
        text-align: center;
    }
    """

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static("", id="too-small")

    def on_mount(self) -> None:
        self.show(self.app.size.width, self.app.size.height)

    def on_screen_resume(self) -> None:
        # Uncovered again (the command palette or a dialog opened over it has closed): the
        # terminal may have grown meanwhile, when this screen was not on top to be removed.
        self.app.check_size(self.app.size.width, self.app.size.height)

    def show(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(
            f"The terminal is too small ({width}x{height}).\n"
            f"peertui needs {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window.\n"
            "Nothing is lost meanwhile. Ctrl+Q quits."
        )
