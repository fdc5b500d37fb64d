"""A table drawn line by line, for the round: cheap to paint and to repaint.

Textual's DataTable renders each cell through Rich (padding, wrapping, cropping) and drops
every cached cell whenever any one cell changes, so each change in a meeting repainted the
whole table on every terminal. Here a row is a list of segments built once; a change
rebuilds only the rows that differ and repaints only their lines. It keeps to what the
round needs: fixed-width columns, a header, a row cursor, keys and the mouse to move it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from peertui.core.text import visible
from peertui.ui.components.base_style import BaseStyleCached

PADDING = 1  # on each side of each cell, as in DataTable


class Column(Struct, frozen=True):
    key: str
    label: str
    width: int


class LineTable(BaseStyleCached, ScrollView, can_focus=True):
    """Rows of cells (str: shown as is, never as markup; Text: with its styles), each row keyed."""

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .line-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[Column] = []
        self.keys: list[str] = []
        self.cells: list[tuple[Any, ...]] = []
        self.cursor_row = 0
        # Each row's line as last drawn (row -1: the header), with what it was drawn for.
        self._lines: dict[int, tuple[tuple[Any, ...], Strip]] = {}

    # ------------------------------------------------------------------ content

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._lines.clear()
        self._resize()
        self.refresh()

    def set_rows(self, rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Show `rows` (key, cells); repaint only the lines that changed. The cursor stays on
        its row's key when that row is still there."""
        keys = [key for key, _ in rows]
        cells = [tuple(values) for _, values in rows]
        old_key = self.cursor_key
        if keys == self.keys and len(cells) == len(self.cells):
            for index, (old, new) in enumerate(zip(self.cells, cells)):
                if _shown_as(old) != _shown_as(new):
                    self.cells[index] = new
                    self._lines.pop(index, None)
                    self.refresh_line(index + 1)
            return
        self.keys, self.cells = keys, cells
        self.cursor_row = self.keys.index(old_key) if old_key in self.keys else min(
            self.cursor_row, max(0, len(self.keys) - 1)
        )
        self._lines.clear()
        self._resize()
        self._scroll_to_cursor()
        self.refresh()

    def _resize(self) -> None:
        width = sum(column.width + 2 * PADDING for column in self.columns)
        self.virtual_size = Size(width, len(self.keys) + 1)

    # ------------------------------------------------------------------ cursor

    @property
    def row_count(self) -> int:
        return len(self.keys)

    @property
    def cursor_key(self) -> str | None:
        return self.keys[self.cursor_row] if 0 <= self.cursor_row < len(self.keys) else None

    def get_row_index(self, key: str) -> int:
        return self.keys.index(key)

    def move_cursor(self, *, row: int) -> None:
        if not self.keys:
            return
        row = max(0, min(row, len(self.keys) - 1))
        if row != self.cursor_row:
            old, self.cursor_row = self.cursor_row, row
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        shown = max(1, self.scrollable_content_region.height - 1)  # rows under the header
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + shown:
            self.scroll_to(y=self.cursor_row - shown + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 2)
        self.move_cursor(row=self.cursor_row + direction * page)

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(row=row if row >= 0 else len(self.keys) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # inside the border and padding
        if offset is None or offset.y < 1:  # the border, or the header
            return
        row = round(self.scroll_y) + offset.y - 1
        if row < len(self.keys):
            self.move_cursor(row=row)

    def on_focus(self) -> None:
        self.refresh_line(self.cursor_row + 1)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor_row + 1)

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        if y == 0:
            header = base + self.get_component_rich_style("line-table--header", partial=True)
            labels = tuple(column.label for column in self.columns)
            return self._line(-1, labels, header, width)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(self.cells):
            return Strip.blank(width, base)
        cells = self.cells[index]
        style = base
        on_cursor = index == self.cursor_row
        if on_cursor:
            style = base + self.get_component_rich_style("line-table--cursor", partial=True)
        return self._line(index, cells, style, width)

    def _line(self, index: int, cells: Sequence[Any], style: Style, width: int) -> Strip:
        drawn_for = (width, style)
        cached = self._lines.get(index)
        if cached is not None and cached[0] == drawn_for:
            strip = cached[1]
        else:
            segments: list[Segment] = []
            pad = Segment(" " * PADDING)
            for column, value in zip(self.columns, cells):
                # A str cell is shown as it is: never as markup, control characters visible.
                text = value if isinstance(value, Text) else Text(visible(str(value)), no_wrap=True)
                cell = Strip(text.render(self.app.console)).adjust_cell_length(column.width)
                segments.append(pad)
                segments.extend(cell)
                segments.append(pad)
            line = Strip(Segment.apply_style(segments, style))
            strip = line.adjust_cell_length(width, style)
            self._lines[index] = (drawn_for, strip)
        return strip


def _shown_as(cells: tuple[Any, ...]) -> tuple[Any, ...]:
    """What decides how a row looks (Text's own equality ignores its base style)."""
    return tuple(
        (cell.plain, str(cell.style), tuple(cell.spans)) if isinstance(cell, Text) else str(cell)
        for cell in cells
    )
