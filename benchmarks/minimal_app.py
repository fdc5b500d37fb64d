"""The baseline for the benchmarks: the smallest Textual app, one Label.

    python benchmarks/minimal_app.py          # one Label, nothing else
    python benchmarks/minimal_app.py --tick   # the same Label, updated once a second

Every figure in benchmarks/run.py is a ratio to this app measured in the same run, so the
numbers say what peertui adds on top of Textual itself, whatever the machine.
Ctrl+Q quits (Textual's own binding).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Label

# The text run.py waits for: it is on the terminal only once the screen is painted.
MARKER = "Minimal app ready"


class MinimalApp(App[None]):
    def __init__(self, tick: bool = False) -> None:
        super().__init__()
        self.tick = tick
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Label(MARKER, id="label")

    def on_mount(self) -> None:
        if self.tick:
            self.set_interval(1, self.update_label)

    def update_label(self) -> None:
        self.count += 1
        self.query_one("#label", Label).update(f"{MARKER} · tick {self.count}")


def main(argv: list[str]) -> None:
    MinimalApp(tick="--tick" in argv).run()


if __name__ == "__main__":
    main(sys.argv[1:])
