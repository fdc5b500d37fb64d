"""The round's table, drawn line by line: cursor, keys, mouse, scrolling, literal text, and
repainting only the rows that changed."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from peertui.ui.components.line_table import Column, LineTable

COLUMNS = [Column("mark", "", 1), Column("name", "Member", 12), Column("note", "Note", 6)]


class TableApp(App[None]):
    CSS = "LineTable { border: round white; }"  # as in the meeting's side panel

    def compose(self) -> ComposeResult:
        yield LineTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        table.set_columns(COLUMNS)
        table.focus()


def rows(names: list[str], note: str = "") -> list[tuple[str, tuple[object, ...]]]:
    return [(str(i), ("·", name, note)) for i, name in enumerate(names)]


def text_of(app: App) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_rows_show_under_the_header_literally_and_the_cursor_moves() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(LineTable)
        table.set_rows(rows(["Ann", "[bold]Bob[/]", "Chen [b"]))
        await pilot.pause()
        lines = text_of(app)[1:]  # inside the border
        assert "Member" in lines[0] and "Note" in lines[0]
        assert "Ann" in lines[1] and "[bold]Bob[/]" in lines[2] and "Chen [b" in lines[3]
        assert table.cursor_key == "0"
        await pilot.press("down", "down", "down")  # stops at the last row
        assert table.cursor_key == "2"
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == 2
        # Inside a border: its line 1 is the header, line 2 the first row, and so on.
        await pilot.click(LineTable, offset=(3, 3))
        assert table.cursor_key == "1"
        await pilot.click(LineTable, offset=(3, 1))  # the header: the cursor stays
        await pilot.click(LineTable, offset=(3, 6))  # below the last row: the same
        assert table.cursor_key == "1"
        table.set_rows([("x", ("·", "\x1b[2J Esc", ""))])
        await pilot.pause()
        assert "\x1b" not in "".join(text_of(app)) and "␛[2J" in text_of(app)[2]


async def test_the_cursor_stays_on_its_row_when_rows_move() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(LineTable)
        table.set_rows(rows(["Ann", "Bob", "Chen"]))
        table.move_cursor(row=table.get_row_index("1"))  # Bob
        table.set_rows([("2", ("·", "Chen", "")), ("1", ("·", "Bob", "")), ("0", ("·", "Ann", ""))])
        await pilot.pause()
        assert table.cursor_key == "1" and table.cursor_row == 1
        table.set_rows([("2", ("·", "Chen", ""))])  # Bob gone: the cursor stays in range
        assert table.cursor_row == 0 and table.cursor_key == "2"


async def test_a_change_redraws_only_the_rows_that_differ() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(LineTable)
        table.set_rows(rows(["Ann", "Bob", "Chen"]))
        await pilot.pause()
        drawn = dict(table._lines)
        assert set(drawn) == {-1, 0, 1, 2}
        table.set_rows([("0", ("·", "Ann", "")), ("1", ("▶", Text("Bob", style="bold"), "now")),
                        ("2", ("·", "Chen", ""))])
        assert set(table._lines) == {-1, 0, 2}  # Bob's line is to be drawn again
        await pilot.pause()
        assert table._lines[0] is drawn[0] and table._lines[2] is drawn[2]
        assert table._lines[1] is not drawn[1]
        assert "now" in text_of(app)[3]  # under the border and the header


async def test_a_long_round_scrolls_to_keep_the_cursor_in_view() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:  # border, header and five rows
        table = app.query_one(LineTable)
        table.set_rows(rows([f"Member {n}" for n in range(20)]))
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "19"
        assert any("Member 19" in line for line in text_of(app))
        assert "Member" in text_of(app)[1]  # the header stays
        await pilot.press("pageup")
        await pilot.pause()
        shown = "\n".join(text_of(app))
        assert f"Member {table.cursor_row}" in shown


async def test_a_change_of_style_alone_is_redrawn() -> None:
    """Text compares equal whatever its base style: the table must not miss bold coming on."""
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(LineTable)
        table.set_rows([("0", ("·", Text("Budget"), ""))])
        await pilot.pause()
        assert 0 in table._lines
        table.set_rows([("0", ("·", Text("Budget", style="bold"), ""))])
        assert 0 not in table._lines  # to be drawn again
        await pilot.pause()
        line = table._lines[0][1]
        assert any(segment.style and segment.style.bold and "Budget" in segment.text
                   for segment in line)
