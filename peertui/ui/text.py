"""Turning user text into renderables that show it literally: no markup, no escapes."""

from __future__ import annotations

from rich.text import Text

from peertui.core.text import visible


def literal(text: str, style: str = "") -> Text:
    """User text as a Text object: `[bold]` stays `[bold]`, an ESC shows as ␛."""
    return Text(visible(text), style=style, end="")
