"""The base style of a widget drawn line by line, worked out once per repaint.

Textual's `rich_style` walks every ancestor and blends their colours; a widget that asks
for it on each line it draws (the countdown: three lines every second) pays that walk again
and again for the same answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.style import Style

if TYPE_CHECKING:
    from textual.widget import Widget

    _Mixin = Widget
else:
    # Not a DOMNode subclass: Textual takes a widget's default CSS along its first DOMNode
    # base, which must stay the Textual widget this is mixed into.
    _Mixin = object


class BaseStyleCached(_Mixin):
    """Mixed in before the widget class: `class Countdown(BaseStyleCached, Digits)`."""

    _base_style: Style | None = None

    @property
    def base_style(self) -> Style:
        style = self._base_style
        if style is None:
            style = self._base_style = self.rich_style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None

    def refresh(self, *regions: Any, **options: Any) -> Any:
        self._base_style = None  # as Textual drops its own cached styles on a repaint
        return super().refresh(*regions, **options)
