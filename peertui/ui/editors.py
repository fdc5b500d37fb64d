"""Editors for user text (inputs, text areas) that never put its control characters raw on
the terminal. Apart from peertui.ui.text so that showing text does not load the editors."""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual.widgets import Input, TextArea

from peertui.core.text import visible


class ControlPictures(Highlighter):
    """Shows the control characters of an Input's value as visible symbols, never raw."""

    def highlight(self, text: Text) -> None:
        shown = visible(text.plain, keep_newlines=True)
        if shown != text.plain:
            text.plain = shown  # one symbol per character: cursor and selection stay put


class LiteralInput(Input):
    """An Input for user text: an ESC in what it holds (a stored name, a paste) shows as ␛."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("highlighter", ControlPictures())
        super().__init__(*args, **kwargs)


# visible() as one str.translate: a TextArea line is shown again at every repaint, and a
# pasted line may be long.
_LINE_PICTURES = {
    code: visible(chr(code)) for code in (*range(0x20), *range(0x7F, 0xA0)) if chr(code) != "\t"
}


class LiteralTextArea(TextArea):
    """A TextArea for user text (shared notes, prompts): control characters, which another
    terminal or an imported file may have put there, show as visible symbols, never raw.
    The document keeps the text exactly; only its display changes."""

    def get_line(self, line_index: int) -> Text:
        line = self.document.get_line(line_index).translate(_LINE_PICTURES)
        return Text(line, end="", no_wrap=True)
