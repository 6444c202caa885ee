"""The story table: one row per fact the outlets share, one column per outlet.

Built from an Alignment, for the app's story table view and for ``newsreader align
--format markdown``. Each cell is a short excerpt of the outlet's passage, its exact
first words (cut at a word, with an ellipsis), or ``—`` where the outlet does not
report it; figures that differ across the row are marked. The passages only one
outlet has follow the table. The Markdown escapes what would break a table cell or
turn into markup, so a writer can paste it and the quotes read as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.core.alignment import Alignment, GroupKind, Passage

EXCERPT = 160  # characters of a passage shown in a cell
MISSING = "—"
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"([\\`*_{}\[\]<>|#~!])")


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of an excerpt: plain text, or a figure that differs from another outlet's."""

    text: str
    figure: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """One outlet's excerpt in a row: its pieces, and whether it is cut short."""

    pieces: tuple[Piece, ...]
    cut: bool

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces) + ("…" if self.cut else "")


@dataclass(frozen=True, slots=True)
class Row:
    """A linked group as a table row: a cell per outlet (None where it has no passage)."""

    group: int  # index into Alignment.groups
    kind: GroupKind
    cells: tuple[Cell | None, ...]
    differences: tuple[str, ...]  # "2,100 officers (NYT) vs 2,290 special agents (Post)"
    shared: tuple[str, ...]


def outlet_names(alignment: Alignment) -> list[str]:
    """Column names: the outlet, else the file name."""
    return [a.meta.outlet or a.file_name for a in alignment.articles]


def excerpt(passage: Passage, limit: int = EXCERPT) -> Cell:
    """The passage's exact first words up to ``limit`` characters, its differing figures marked."""
    text = passage.text
    end = len(text)
    cut = False
    if end > limit:
        space = text.rfind(" ", 0, limit)
        end = space if space > limit // 2 else limit
        cut = True
    pieces: list[Piece] = []
    at = 0
    for figure in sorted(passage.figures, key=lambda f: f.span.start):
        start, stop = figure.span.start - passage.span.start, figure.span.end - passage.span.start
        if start < at or stop > end:
            continue
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:stop], figure=True))
        at = stop
    if at < end:
        pieces.append(Piece(text[at:end]))
    return Cell(tuple(_one_line(p) for p in pieces), cut)


def _one_line(piece: Piece) -> Piece:
    return Piece(piece.text.replace("\r", " ").replace("\n", " "), piece.figure)


def rows(alignment: Alignment, limit: int = EXCERPT) -> list[Row]:
    """One row per group, in the order of the first outlet's text."""
    names = outlet_names(alignment)
    found = []
    for number, group in enumerate(alignment.groups):
        cells: list[Cell | None] = [None] * len(alignment.articles)
        for passage in group.passages:
            cells[passage.article] = excerpt(passage, limit)
        found.append(
            Row(
                number,
                group.kind,
                tuple(cells),
                tuple(d.describe(names) for d in group.differences),
                tuple(group.shared),
            )
        )
    return found


def escape(text: str) -> str:
    """Text safe in a Markdown table cell: markup characters and pipes escaped, on one line."""
    return _MARKUP.sub(r"\\\1", _SPACE.sub(" ", text))


def _cell_markdown(cell: Cell | None) -> str:
    if cell is None:
        return MISSING
    parts = [f"**{escape(p.text)}**" if p.figure else escape(p.text) for p in cell.pieces]
    text = "".join(parts).strip()  # (a figure is marked inside its spaces: "than **2,100** trained")
    return text + ("…" if cell.cut else "")


def markdown(alignment: Alignment, limit: int = EXCERPT) -> str:
    """The story table as Markdown: a heading, the table, then what only one outlet reports."""
    names = outlet_names(alignment)
    titles = "; ".join(
        f"{name}: {a.meta.title or a.file_name}" for name, a in zip(names, alignment.articles, strict=True)
    )
    lines = [
        "## Story table",
        "",
        escape(titles),
        "",
        "| # | " + " | ".join(escape(n) for n in names) + " | Figures that differ | Shared terms |",
        "|---|" + "---|" * len(names) + "---|---|",
    ]
    for row in rows(alignment, limit):
        cells = [_cell_markdown(cell) for cell in row.cells]
        differs = "; ".join(escape(d) for d in row.differences) or MISSING
        shared = escape(", ".join(row.shared[:8])) or MISSING
        lines.append(f"| {row.group + 1} | " + " | ".join(cells) + f" | {differs} | {shared} |")
    for name, unique in zip(names, alignment.unique, strict=True):
        lines += ["", f"### Only in {escape(name)} ({len(unique)})", ""]
        lines += [f"- {_cell_markdown(excerpt(p, limit))}" for p in unique]
    return "\n".join(lines) + "\n"
