"""Turning user text into renderables that show it literally: no markup, no escapes."""

from __future__ import annotations

from rich.text import Text

from peertui.core.text import visible


def literal(text: str, style: str = "", *, multiline: bool = False) -> Text:
    """User text as a Text object: `[bold]` stays `[bold]`, an ESC shows as ␛.

    With `multiline`, newlines and tabs are kept (for text that is several lines by design).
    """
    return Text(visible(text, keep_newlines=multiline), style=style, end="")


def fitted(text: str, width: int, style: str = "") -> Text:
    """User text cut to `width` cells with an ellipsis, so a table never hides that it was cut."""
    shown = literal(text, style=style)
    if shown.cell_len > width:
        shown.truncate(max(1, width - 1))
        shown.append("…", style=style)
    return shown
