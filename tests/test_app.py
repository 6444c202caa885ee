"""The app, driven like a user: Pilot key presses and clicks on the real widgets."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.conftest import SEEDS, make_app, notices, run_command, wait_for_notice, wait_until
from tui.app.screens.help import HelpScreen
from tui.app.screens.metadata import MetadataScreen
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.reader import Reader
from tui.core.passages import Span
from tui.core.store import Store

SIZE = (160, 48)  # the tests read whole header lines at a reading width


async def test_three_panes_on_the_seeds(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = app.query_one(ArticleList)
        assert listing.count == 3
        assert app.focused is listing
        reader = app.query_one(Reader)
        lines = reader.visible_text()
        assert lines[0].startswith("The U.S. Department of Homeland Security wants to deputize")
        assert "Reuters · Ted Hesson · 2025-02-10" in lines
        assert any(line.startswith("seeds/000_c2646e842424a595.txt · 318 words") for line in lines)
        assert any(line.startswith("WASHINGTON (Reuters) - The U.S. Department") for line in lines)
        notes = app.query_one("#notes-empty")
        assert "No annotations in this article yet" in str(notes.render())


async def test_tab_moves_between_panes(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(3):
            seen.append(app.focused.id)
            await pilot.press("tab")
        assert seen == ["articles", "reader", "notes-list"]
        assert app.focused.id == "articles"
        await pilot.press("shift+tab")
        assert app.focused.id == "notes-list"


async def test_open_each_article_and_read_its_header(db: Path, in_root: Path) -> None:
    app = make_app(db)
    expected = [
        ("The U.S. Department", "Reuters · Ted Hesson · 2025-02-10"),
        ("The Department of Homeland Security is asking", "The New York Times"),
        ("Homeland Security Secretary Kristi L. Noem", "The Washington Post (via Anchorage Daily News)"),
    ]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        for index, (title, citation) in enumerate(expected):
            if index:
                await pilot.press("j")
            await pilot.press("enter")
            await pilot.pause()
            assert app.focused is reader
            lines = reader.visible_text()
            assert lines[0].startswith(title), lines[0]
            assert citation in lines
            await pilot.press("shift+tab")
        assert "[image: adn.com]" in reader.visible_text()
        assert app.query_one("#reader-pane").border_title == "The Washington Post"


async def test_cursor_and_keyboard_selection(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        reader = app.query_one(Reader)
        text = reader.article.text
        assert reader.cursor == 0
        await pilot.press(*["right"] * 11)
        assert text[reader.cursor :].startswith("(Reuters)")
        await pilot.press(*["shift+right"] * 9)
        assert reader.selection is not None
        assert text[reader.selection.start : reader.selection.end] == "(Reuters)"
        await pilot.press("escape")
        assert reader.selection is None
        row = reader.row_of(reader.cursor)
        await pilot.press("j", "j")
        assert reader.row_of(reader.cursor) == row + 2
        await pilot.press("k")
        assert reader.row_of(reader.cursor) == row + 1
        await pilot.press("G")
        assert reader.cursor == len(text)
        await pilot.press("g")
        assert reader.cursor == 0
        await pilot.press("pagedown")
        assert reader.scroll_offset.y > 0
        await pilot.press("ctrl+shift+right", "ctrl+shift+right")
        assert reader.selection is not None


async def test_mouse_drag_selects(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        # Press on the first body line at column 0, drag 10 cells right, release.
        # Offsets are from the widget's corner, which has one cell of padding.
        y = reader.row_of(0)
        await pilot.mouse_down(reader, offset=(1, y))
        await pilot.hover(reader, offset=(11, y))
        await pilot.mouse_up(reader, offset=(11, y))
        assert app.focused is reader
        assert reader.selection is not None
        assert reader.article.text[reader.selection.start : reader.selection.end] == "WASHINGTON"


async def test_edit_metadata_is_stored(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "e")
        await pilot.pause()
        assert isinstance(app.screen, MetadataScreen)
        date = app.screen.query_one("#field-date", Input)
        date.value = "Feb 10"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MetadataScreen)  # rejected: not a date
        assert "YYYY-MM-DD" in str(app.screen.query_one("#metadata-error").render())
        date.value = "2025-02-10"
        app.screen.query_one("#field-author", Input).value = "Andrew Duehren"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, MetadataScreen)
        assert "The New York Times · Andrew Duehren · 2025-02-10" in app.query_one(Reader).visible_text()
    with Store(db, readonly=True) as store:
        overrides = store.overrides()
    assert list(overrides.values()) == [{"author": "Andrew Duehren", "date": "2025-02-10"}]
    # A restarted app shows the edit.
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert "The New York Times · Andrew Duehren · 2025-02-10" in app.query_one(Reader).visible_text()


async def test_help_lists_keys(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for expected in ("Quit", "Edit metadata", "Select left", "Page down", "Command palette"):
            assert expected in text
        body = app.screen.query_one("#help-body")
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("g")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_opens_an_article(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_command(pilot, "Open: Homeland Security Secretary")
        assert app.current is not None and app.current.meta.outlet == "The Washington Post"
        assert app.focused is app.query_one(Reader)


async def test_hostile_article_is_shown_literally(db: Path, tmp_path: Path, in_root: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "markup.txt").write_text(
        "Hostile \x1b[31mred\x1b[0m [bold]x[/bold] and [link=http://x]y[/link] "
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ "
        "\x1b]52;c;ZXZpbA==\x07clip [unbalanced\x00 nul\x9b2J.\n"
    )
    app = make_app(db, [folder])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = app.query_one(Reader)
        expected = "Hostile red [bold]x[/bold] and [link=http://x]y[/link] link clip [unbalanced nul."
        assert reader.article.text == expected
        body = "".join(reader.visible_text()[reader.row_of(0) :])
        assert body == expected
        listing = app.query_one(ArticleList)
        assert "[bold]x[/bold]" in listing.item_text(0)
        screen = app.export_screenshot()
        assert "[bold]x[/bold]" in screen.replace("&#160;", " ")
        assert "evil" not in screen and "ZXZpbA" not in screen


async def test_quit(db: Path, in_root: Path) -> None:
    app = make_app(db, [SEEDS])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0  # q asked the app to exit; leaving run_test would set it anyway, so ask here


async def test_second_window_is_told_and_sees_changes(db: Path, in_root: Path) -> None:
    first = make_app(db)
    async with first.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert "Another newsreader" not in notices(first)
        second = make_app(db)
        async with second.run_test(size=SIZE, notifications=True) as pilot2:
            await pilot2.pause()
            await wait_for_notice(pilot2, "Another newsreader")
            # A change made by another process shows up in this window without a restart.
            article = second.workspace.corpus.articles[0]
            with Store(db) as other, other.change("edit") as change:
                change.set_overrides(article.id, {"author": "Someone Else"})
            reader = second.query_one(Reader)
            await wait_until(pilot2, lambda: "Reuters · Someone Else · 2025-02-10" in reader.visible_text())


async def test_narrow_terminal_keeps_the_reader_widest(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.pause()
        articles, reader, notes = (app.query_one(s).size.width for s in ("#articles", "#reader-pane", "#notes"))
        assert reader >= 40 and reader > articles + 10 and reader > notes + 10


async def test_the_selection_is_distinct_from_every_highlight_in_every_color_system(db: Path, in_root: Path) -> None:
    """Truecolor, 256 and 16 colors: the selected text's background differs from each highlight's."""
    from rich.color import ColorSystem
    from rich.segment import Segment

    from tui.core.annotation import COLORS

    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        text = reader.article.text
        words = [m for m in text.split() if m.isalpha() and len(m) > 3][:6]
        for color, word in zip(COLORS, words, strict=False):
            start = text.index(word)
            reader.select(Span(start, start + len(word)))
            await pilot.press(str(COLORS.index(color) + 1))
        reader.move_cursor(len(text) - 1)  # the cursor out of the way
        selected = words[5]
        start = text.index(selected)
        reader.select(Span(start, start + len(selected)))
        reader.scroll_home(animate=False)
        await pilot.pause()

        def background(segment: Segment, system: ColorSystem) -> object:
            style = segment.style
            color = style.color if style.reverse else style.bgcolor
            if color is None:
                return None
            shown = color.downgrade(system)
            return shown.number if shown.number is not None else shown.get_truecolor()

        segments = [s for y in range(reader.size.height) for s in reader.render_line(y) if s.text.strip()]
        by_text = {s.text: s for s in segments}
        for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT, ColorSystem.STANDARD):
            highlights = {background(by_text[w], system) for w in words[:5]}
            assert background(by_text[selected], system) not in highlights, system


DIALOG_KEYS = {
    "tag": ["enter", "v", "t"],
    "note": ["enter", "v", "a"],
    "export": ["E"],
    "metadata": ["e"],
    "help": ["question_mark"],
}


async def open_dialog(pilot, name: str) -> None:
    app = pilot.app
    if name in ("metadata",) and not app.query_one(ArticleList).display:
        await pilot.press("z", "shift+tab")  # the list is hidden on a small terminal: show it first
    await pilot.press(*DIALOG_KEYS[name])
    await pilot.pause()


async def test_every_dialog_fits_80x24_and_scrolls_at_60x20(db: Path, in_root: Path) -> None:
    for size, must_fit in (((80, 24), True), ((60, 20), False)):
        for name in DIALOG_KEYS:
            app = make_app(db)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await open_dialog(pilot, name)
                box = app.screen.query_one("#dialog" if name != "help" else "#help-body")
                width, height = size
                assert box.region.right <= width and box.region.bottom <= height, (name, size, box.region)
                if must_fit and name != "help":  # help is a scrolling page at any size
                    assert box.max_scroll_y == 0, (name, size)  # everything shows, buttons included
                    for button in app.screen.query("Button"):
                        assert box.region.contains_region(button.region), (name, button)
                else:
                    assert box.allow_vertical_scroll or box.max_scroll_y == 0, (name, size)


async def test_side_panes_give_way_on_small_terminals_and_z_toggles_them(db: Path, in_root: Path) -> None:
    from tui.app.widgets.notes import NotesPane

    for size, shown in (((160, 48), (True, True)), ((80, 24), (True, False)), ((60, 20), (False, False))):
        app = make_app(db)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            panes = (app.query_one(ArticleList), app.query_one(NotesPane))
            assert tuple(p.display for p in panes) == shown, size
            assert app.focused is not None and all(n.display for n in app.focused.ancestors_with_self if n is not app)
            await pilot.press("z")
            await pilot.pause()
            assert tuple(p.display for p in panes) == ((True, True) if shown != (True, True) else (False, False))
            await pilot.press("z")
            await pilot.pause()
            assert tuple(p.display for p in panes) == ((False, False) if shown != (True, True) else (True, True))


async def test_side_panes_follow_the_terminal_as_it_is_resized(db: Path, in_root: Path) -> None:
    from tui.app.widgets.notes import NotesPane

    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        panes = (app.query_one(ArticleList), app.query_one(NotesPane))
        for size, shown in (((80, 24), (True, False)), ((160, 48), (True, True)), ((60, 20), (False, False))):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert tuple(p.display for p in panes) == shown, size


async def test_the_reading_measure_is_capped_on_a_wide_screen(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(250, 60)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        assert max(len(line) for line in reader.visible_text()) <= 100
        pane = app.query_one("#reader-pane")
        assert reader.region.x - pane.region.x > 20  # centered in its pane
