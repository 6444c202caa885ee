"""The story table: one row per fact the outlets share, a column per outlet, then what only one reports.

``enter`` on a row opens the compare view at that group (or, on an "only in" row, with
that passage selected); ``E`` writes the table as Markdown next to the annotation DB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.core.story import MISSING, Cell, excerpt, outlet_names, rows

if TYPE_CHECKING:
    from tui.core.alignment import Alignment

ROW_HEIGHT = 3
NUMBER_WIDTH = 4
FIGURES_WIDTH = 30


def cell_text(cell: Cell | None) -> Text:
    """A cell as Rich Text (DataTable measures Content cells one character wide), figures marked."""
    if cell is None:
        return Text(MISSING, style="dim")
    text = Text()
    for piece in cell.pieces:
        text.append(piece.text, style="bold reverse red" if piece.figure else "")
    if cell.cut:
        text.append("…")
    return text


class StoryScreen(Screen[None]):
    """The story table over an Alignment; the app opens the compare view and writes the export."""

    BINDINGS = [
        Binding("enter", "open", "Compare at this row"),
        Binding("E", "export", "Export as Markdown"),
        Binding("escape", "back", "Back"),
        Binding("j", "row(1)", "Next row", show=False),  # as everywhere else in the app
        Binding("k", "row(-1)", "Previous row", show=False),
    ]

    class CompareRequested(Message):
        """Open the compare view at a group, or with one outlet's "only in" passage selected."""

        def __init__(self, alignment: Alignment, group: int | None, unique: tuple[int, int] | None) -> None:
            super().__init__()
            self.alignment = alignment
            self.group = group
            self.unique = unique

    class ExportRequested(Message):
        """Write the story table as Markdown."""

        def __init__(self, alignment: Alignment) -> None:
            super().__init__()
            self.alignment = alignment

    def __init__(self, alignment: Alignment) -> None:
        super().__init__()
        self.alignment = alignment
        self._targets: list[tuple[int | None, tuple[int, int] | None]] = []

    def compose(self) -> ComposeResult:
        groups = len(self.alignment.groups)
        only = sum(len(u) for u in self.alignment.unique)
        yield Static(
            Content.assemble(
                ("Story table", "bold"),
                f" · {groups} shared facts, {only} passages only one outlet has",
                ("  enter compares at the row · E exports Markdown · esc back", "$text-muted"),
            ),
            id="story-summary",
        )
        yield DataTable(id="story-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def action_row(self, step: int) -> None:
        (self.table.action_cursor_down if step > 0 else self.table.action_cursor_up)()

    @property
    def table(self) -> DataTable:
        return self.query_one("#story-table", DataTable)

    def on_mount(self) -> None:
        names = outlet_names(self.alignment)
        width = max((self.app.size.width - NUMBER_WIDTH - FIGURES_WIDTH - 4 * (len(names) + 2)) // len(names), 16)
        table = self.table
        table.add_column(Text("#"), width=NUMBER_WIDTH)
        for name in names:
            table.add_column(Text(name), width=width)
        table.add_column(Text("figures that differ"), width=FIGURES_WIDTH)
        for row in rows(self.alignment):
            differs = Text("; ".join(row.differences) or MISSING, style="bold red" if row.differences else "dim")
            table.add_row(Text(str(row.group + 1)), *(cell_text(c) for c in row.cells), differs, height=ROW_HEIGHT)
            self._targets.append((row.group, None))
        for number, unique in enumerate(self.alignment.unique):
            for index, passage in enumerate(unique):
                cells = [Text("")] * len(names)
                cells[number] = cell_text(excerpt(passage))
                table.add_row(Text("◆"), *cells, Text(f"only in {names[number]}", style="dim"), height=ROW_HEIGHT)
                self._targets.append((None, (number, index)))
        table.focus()

    def action_open(self) -> None:
        row = self.table.cursor_row
        if 0 <= row < len(self._targets):
            group, unique = self._targets[row]
            self.post_message(self.CompareRequested(self.alignment, group, unique))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_export(self) -> None:
        self.post_message(self.ExportRequested(self.alignment))

    def action_back(self) -> None:
        self.dismiss(None)
