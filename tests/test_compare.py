"""The compare view, driven with keys: mark, compare, walk the groups, unique passages, annotate across."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import drawn_rows, make_app, wait_for_notice
from tests.test_annotating import find
from tui.app.screens.annotate import TagScreen
from tui.app.screens.compare import CompareScreen
from tui.app.widgets.article_list import ArticleList

SIZE = (160, 48)


async def open_compare(pilot, marks: int = 3) -> CompareScreen:
    await pilot.pause()
    await pilot.press(*["space"] * marks, "c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


def noem_quote(screen: CompareScreen) -> int:
    """The index of the group holding the Noem quote (near-verbatim, in all three)."""
    return next(i for i, g in enumerate(screen.alignment.groups) if "It is DHS" in g.passages[0].text)


def selected(reader) -> str:
    span = reader.selection
    return reader.article.text[span.start : span.end] if span else ""


async def test_mark_and_compare_three(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space")
        assert app.query_one(ArticleList).marked == [app.workspace.corpus.articles[0].id]
        assert app.query_one(ArticleList).item_text(0).startswith("● ")
        await pilot.press("space", "space", "c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        outlets = [r.article.meta.outlet for r in screen.readers]
        assert outlets == ["Reuters", "The New York Times", "The Washington Post"]
        assert app.focused is screen.readers[0]
        # Every column marks its group passages with the group's number in the margin.
        for number, reader in enumerate(screen.readers):
            expected = {
                str(i + 1)
                for i, g in enumerate(screen.alignment.groups)
                if any(p.article == number for p in g.passages)
            }
            assert {m.label for m in reader.marks if m.kind == "group"} == expected
            # ... and draws each number, also for a passage that starts partway along a line.
            drawn = {row[0].text.strip(" ▌") for row in drawn_rows(reader)}
            assert drawn - {""} == expected


async def test_walk_groups_all_columns_follow(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("right_square_bracket")
        first = screen.alignment.groups[0]
        for passage in first.passages:
            assert selected(screen.readers[passage.article]) == passage.text
        quote = noem_quote(screen)  # the ledes and the letter come first
        await pilot.press(*["right_square_bracket"] * quote)
        assert screen.group_index == quote
        noem = screen.alignment.groups[quote]
        assert {p.article for p in noem.passages} == {0, 1, 2}
        for reader, passage in zip(screen.readers, noem.passages, strict=True):
            assert selected(reader) == passage.text
            assert (
                reader.scroll_offset.y
                <= reader.row_of(passage.span.start)
                < reader.scroll_offset.y + reader.size.height
            )
        assert "near-verbatim" in str(screen.query_one("#compare-summary").render())
        await pilot.press(*["left_square_bracket"] * (quote + 1))
        assert screen.group_index == len(screen.alignment.groups) - 1  # wraps around
        # From the first column, ] walks every group, also those it has no passage in.
        visited = []
        for _ in screen.alignment.groups:
            await pilot.press("right_square_bracket")
            visited.append(screen.group_index)
        assert visited == list(range(len(screen.alignment.groups)))
        # tab moves between columns; ] follows from the group under the cursor there.
        await pilot.press("tab")
        assert app.focused is screen.readers[1]


async def test_figures_flagged_and_unique_toggle(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        nyt, post = screen.readers[1], screen.readers[2]
        flagged = {nyt.article.text[m.span.start : m.span.end] for m in nyt.marks if m.kind == "figure"}
        flagged |= {post.article.text[m.span.start : m.span.end] for m in post.marks if m.kind == "figure"}
        assert flagged == {"2,100", "2,290"}
        index = next(i for i, g in enumerate(screen.alignment.groups) if any(p.figures for p in g.passages))
        while screen.group_index != index:
            await pilot.press("right_square_bracket")
        summary = str(screen.query_one("#compare-summary").render())
        # Each figure with what it counts, each outlet named once.
        assert (
            "figures differ: 2,100 trained law enforcement officers (The New York Times)"
            " vs 2,290 special agents (The Washington Post)"
        ) in summary
        assert "shared:" not in summary
        await pilot.press("w")  # why linked: the shared terms
        summary = str(screen.query_one("#compare-summary").render())
        assert "shared: " in summary and "officer" in summary
        await pilot.press("w")
        assert "shared:" not in str(screen.query_one("#compare-summary").render())
        assert not any(m.kind == "unique" for r in screen.readers for m in r.marks)
        await pilot.press("o")
        musk = [
            m for m in nyt.marks if m.kind == "unique" and "Elon Musk" in nyt.article.text[m.span.start : m.span.end]
        ]
        assert musk
        await pilot.press("o")
        assert not any(m.kind == "unique" for r in screen.readers for m in r.marks)


async def test_highlight_and_tag_with_counterparts(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press(*["right_square_bracket"] * (noem_quote(screen) + 1))  # the Noem quote, in all three
        await pilot.press("escape")  # clears the selection; the cursor stays in the passage
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("H")
        await pilot.pause()
        stored = app.workspace.store.annotations()
        assert len(stored) == 3 and len({a.article_id for a in stored}) == 3
        for annotation in stored:
            article = app.workspace.corpus.by_id(annotation.article_id)
            assert article.text[annotation.start : annotation.end] == annotation.selector.exact
        assert all(len(r.annotations) == 1 for r in screen.readers)
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"dhs-quote", "enter")
        await pilot.pause()
        assert [a.tags for a in app.workspace.store.annotations()] == [("dhs-quote",)] * 3
        assert len(app.workspace.store.annotations()) == 3  # the same passages, tagged, not duplicated
        await pilot.press("u")
        await pilot.pause()
        assert [a.tags for a in app.workspace.store.annotations()] == [()] * 3
        await pilot.press("u")
        assert app.workspace.store.annotations() == []


async def test_annotating_in_a_column_and_escape_back(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("tab", "tab")  # the Post's column
        await find(pilot, "2,290 special agents")
        assert selected(screen.readers[2]) == "2,290 special agents"
        await pilot.press("3")
        await pilot.pause()
        (annotation,) = app.workspace.store.annotations()
        assert annotation.article_id == screen.readers[2].article.id and annotation.color == "green"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        # The main screen counts it.
        assert "1 annotation" in app.query_one(ArticleList).item_text(2)


async def test_compare_needs_two(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "c")  # the last article: nothing follows it
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        await wait_for_notice(pilot, "Mark two or three")
        await pilot.press("k", "c")  # current and next
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert [r.article.meta.outlet for r in app.screen.readers] == ["The New York Times", "The Washington Post"]


async def test_counterparts_are_the_group_shown_even_without_a_passage_in_this_column(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot)
        groups = screen.alignment.groups
        target = next(i for i, g in enumerate(groups) if 0 not in {p.article for p in g.passages})
        await pilot.press(*["right_square_bracket"] * (target + 1))  # from the first column (Reuters)
        assert screen.group_index == target
        await pilot.press("H")
        await pilot.pause()
        quotes = sorted(a.selector.exact for a in app.workspace.store.annotations())
        assert quotes == sorted(p.text for p in groups[target].passages)
