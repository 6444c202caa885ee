"""The story table: rows per linked group, Markdown that parses as a table with exact quotes, the CLI's
``align --format markdown``, and the app's view (enter opens the compare view at that group)."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from tests.conftest import SEEDS, make_app, run_command
from tests.test_cli import run
from tui.app.screens.compare import CompareScreen
from tui.app.screens.story import StoryScreen
from tui.core.alignment import align
from tui.core.article import Article
from tui.core.corpus import Corpus
from tui.core.story import MISSING, markdown, rows

ARTICLES = Corpus.load([SEEDS]).articles


def table_cells(text: str) -> list[list[str]]:
    """The rows of the first table in ``text`` as rendered text, by markdown-it (GFM tables)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    found: list[list[str]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            found.append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append("".join(child.content for child in token.children or [] if child.type == "text"))
    return found


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_rows_on_the_seeds_show_ledes_letter_and_figures() -> None:
    alignment = align(ARTICLES)
    table = rows(alignment)
    assert len(table) == len(alignment.groups)
    lede = table[0]
    assert all(cell is not None for cell in lede.cells)
    assert lede.cells[0].text.startswith("WASHINGTON (Reuters)")
    letter = next(r for r in table if r.cells[2] is not None and "Feb. 7 memo" in r.cells[2].text)
    assert all(cell is not None for cell in letter.cells)
    assert "Feb 7" in letter.shared
    figures = next(r for r in table if r.differences)
    assert figures.cells[0] is None  # Reuters does not report it
    assert figures.differences == (
        "2,100 trained law enforcement officers (The New York Times) vs 2,290 special agents (The Washington Post)",
    )
    marked = [p.text for cell in figures.cells if cell for p in cell.pieces if p.figure]
    assert marked == ["2,100", "2,290"]


def test_markdown_parses_as_a_table_with_exact_quotes() -> None:
    alignment = align(ARTICLES)
    text = markdown(alignment)
    cells = table_cells(text)
    header, body = cells[0], cells[1:]
    assert header == [
        "#",
        "Reuters",
        "The New York Times",
        "The Washington Post",
        "Figures that differ",
        "Shared terms",
    ]
    assert len(body) == len(alignment.groups)
    for row, group in zip(body, alignment.groups, strict=True):
        assert len(row) == len(header)
        for number, cell in enumerate(row[1:4]):
            passage = next((p for p in group.passages if p.article == number), None)
            if passage is None:
                assert cell == MISSING
            else:  # what the reader sees is the passage's own first words (a line break read as a space)
                assert one_line(passage.text).startswith(cell.removesuffix("…")), (cell, passage.text)
    assert "**2,100**" in text and "**2,290**" in text
    assert "### Only in The New York Times" in text and "Elon Musk" in text


def hostile(outlet: str, body: str) -> Article:
    raw = f"---\ntitle: {outlet} report\noutlet: {outlet}\n---\n{body}\n"
    return Article.from_raw(Path(f"{outlet}.md"), raw)


def test_markdown_escapes_pipes_markup_and_newlines() -> None:
    shared = (
        "The Quarry | Mill *bridge* closed after engineer Lorna_Vesk found a crack in the `north` pier on "
        "March 3, officials said [sic] <today>."
    )
    articles = [hostile("Alpha Post", shared), hostile("Beta Times", shared.replace("officials", "city officials"))]
    alignment = align(articles)
    assert alignment.groups
    cells = table_cells(markdown(alignment))
    first = cells[1]
    assert len(first) == 5  # the pipe in the text did not split the cell
    assert one_line(articles[0].text).startswith(first[1].removesuffix("…"))


def test_cli_format_markdown(tmp_path: Path) -> None:
    result = run("align", *(str(p) for p in sorted(SEEDS.iterdir())), "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == markdown(align(ARTICLES))
    assert run("align", "000", "002", "--format", "nope", cwd=tmp_path).returncode == 2


SIZE = (160, 48)


async def test_story_table_from_the_palette_and_enter_opens_compare(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "space", "space")
        await run_command(pilot, "Story table")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoryScreen)
        table = screen.table
        assert table.row_count == len(screen.alignment.groups) + sum(len(u) for u in screen.alignment.unique)
        target = next(i for i, g in enumerate(screen.alignment.groups) if g.differences)
        await pilot.press("j", "j", "k")  # j and k move as they do everywhere in the app
        assert table.cursor_row == 1
        await pilot.press("k")
        for _ in range(target):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert compare.group_index == target
        summary = str(compare.query_one("#compare-summary").render())
        assert "2,100 trained law enforcement officers" in summary and "2,290 special agents" in summary
        while isinstance(app.screen, CompareScreen):  # esc clears a selection, then goes back
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("E")
        await pilot.pause()
        exported = list((db.parent).glob("story-table-*.md"))
        assert len(exported) == 1
        assert exported[0].read_text() == markdown(screen.alignment)
