"""Keys typed in one burst (a fast typist, a macro, tmux send-keys) land where the user meant them.

Every key is posted before the app has handled the first, the way a terminal delivers a burst:
a key that opens a dialog or the find bar must not let the keys after it act on the old screen.
"""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.conftest import drawn_rows, make_app
from tui.app.screens.metadata import MetadataScreen
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.reader import Reader
from tui.app.widgets.reader_pane import FindBar

SIZE = (160, 48)
QUOTE = "qualified law enforcement personnel"
NAMED = {"enter", "escape", "tab", "ctrl+s", "backspace", "home", "down"}
KEY_NAMES = {" ": "space", "-": "minus", "/": "slash", ".": "full_stop", "?": "question_mark"}


def burst(app, *parts: str) -> None:
    """Post keys all at once: the NAMED ones as keys, anything else as its characters."""
    for part in parts:
        if part in NAMED:
            app.post_message(events.Key(part, None))
        else:
            for character in part:
                app.post_message(events.Key(KEY_NAMES.get(character, character), character))


async def until(pilot, done) -> None:
    """Wait for ``done()`` (a loaded CI machine may take a while), then a little more for strays."""
    for _ in range(200):
        await pilot.pause(0.05)
        if done():
            break
    await pilot.pause(0.3)


async def test_find_highlight_tag_note_typed_in_one_burst(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "enter", "/" + QUOTE, "enter", "h", "t", "dhs-quote", "enter")
        burst(app, "a", "Same words", "ctrl+s", "j", "j", "v", "3")
        await until(pilot, lambda: len(app.workspace.store.annotations()) == 2)
        assert app.return_code is None, "a q typed into the find bar quit the app"
        assert app.screen is app.screen_stack[0] and app.focused is app.reader
        by_color = {a.color: a for a in app.workspace.store.annotations()}
        assert sorted(by_color) == ["green", "yellow"]
        quote = by_color["yellow"]
        assert (quote.selector.exact, quote.tags, quote.note) == (QUOTE, ("dhs-quote",), "Same words")
        assert by_color["green"].selector.exact.startswith('"It is DHS') and QUOTE in by_color["green"].selector.exact


async def test_a_key_typed_twice_opens_one_dialog_and_the_rest_is_typed_into_it(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "e", "e", "Title")
        await until(pilot, lambda: getattr(app.focused, "value", "").endswith("Title"))
        assert [type(s) for s in app.screen_stack[1:]] == [MetadataScreen]
        assert app.focused.value == "eTitle"  # typed over the selected title, as after a pause


async def test_keys_typed_after_find_go_to_the_find_bar_not_the_reader(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "enter", "/quit")  # q and u would quit and undo in the reader
        await until(pilot, lambda: getattr(app.focused, "value", "") == "quit")
        assert app.return_code is None
        assert isinstance(app.focused, FindBar) and app.focused.value == "quit"
        burst(app, "escape", "q")  # after escape the reader has the focus again: q quits
        await until(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0


async def test_escape_and_tab_in_a_dialog_act_before_the_keys_after_them(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, MetadataScreen) and app.focused is not None)
        title = app.focused.value
        burst(app, "tab", "XY")  # XY goes into the next field (outlet), not over the title
        await until(pilot, lambda: getattr(app.focused, "value", "") == "XY")
        assert app.focused.id == "field-outlet" and app.screen.query_one("#field-title").value == title
        burst(app, "escape", "j")  # the dialog closes, then j moves down the article list
        await until(pilot, lambda: app.query_one(ArticleList).highlighted == 1)
        assert app.screen is app.screen_stack[0]
        assert app.workspace.store.overrides() == {}


async def test_escape_right_after_typing_in_the_find_bar_leaves_no_marks(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "enter", "/the", "escape")
        await until(pilot, lambda: app.focused is app.reader)
        match = app.reader.get_component_rich_style("reader--match", partial=True)  # Input.Changed queued
        drawn = [s.style for row in drawn_rows(app.reader) for s in row if s.style]
        assert not [style for style in drawn if style.color == match.color and style.underline]


async def test_double_click_on_an_article_reads_it(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.double_click(ArticleList, offset=(5, 5))
        await until(pilot, lambda: app.focused is app.reader)
        assert app.focused is app.reader and app.reader.article is app.workspace.corpus.articles[1]


async def test_editing_keys_in_a_field_act_in_the_order_typed(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "enter", "/figurs")
        await until(pilot, lambda: getattr(app.focused, "value", "") == "figurs")
        burst(app, "backspace", "es", "home", "X")  # figur|s → figures → Xfigures
        await until(pilot, lambda: getattr(app.focused, "value", "") == "Xfigures")
        assert app.focused.value == "Xfigures"


async def test_down_and_enter_together_open_the_first_search_result(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f", *"guantanamo")
        await until(pilot, lambda: bool(getattr(app.screen, "results", None)))
        burst(app, "down", "enter")
        await until(pilot, lambda: app.screen is app.screen_stack[0])
        assert app.screen is app.screen_stack[0] and app.focused is app.reader
        span = app.reader.selection
        # Results are ranked: the first is whichever outlet's passage ranks best.
        assert span is not None and app.reader.article.text[span.start : span.end] in ("Guantanamo", "Guantánamo")


async def test_tab_completes_what_was_typed_however_fast_and_keeps_the_tag_s_spelling(db: Path, in_root: Path) -> None:
    """``t figu tab enter`` in one burst saves #figures; ``lo`` tab completes to ``Logistics`` as stored."""
    from tui.core.anchoring import Selector
    from tui.core.annotation import Annotation

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = app.workspace.corpus.articles[0]
        with app.workspace.store.change("setup") as change:
            for tags, where in ((("figures",), "IRS"), (("Logistics",), "Noem")):
                at = article.text.index(where)
                change.put(
                    Annotation.new(article.id, article.location, Selector.of(article.text, at, at + 3), tags=tags)
                )
        burst(app, "enter", "/" + QUOTE, "enter", "h", "t", "figu", "tab", ", lo", "tab", "enter")
        await until(pilot, lambda: any(a.selector.exact == QUOTE and a.tags for a in app.workspace.store.annotations()))
        tagged = next(a for a in app.workspace.store.annotations() if a.selector.exact == QUOTE)
        assert tagged.tags == ("figures", "Logistics")


async def test_requests_are_posted_messages_a_message_hook_sees(db: Path, in_root: Path) -> None:
    """The requests go through Textual's dispatch (so ``@on``, ``prevent()`` and hooks work)."""
    seen: list[type] = []
    app = make_app(db)
    async with app.run_test(size=SIZE, message_hook=lambda message: seen.append(type(message))) as pilot:
        await pilot.pause()
        burst(app, "e", "escape", "enter", "/the", "enter")
        await until(pilot, lambda: app.focused is app.reader and FindBar.Entered in seen)
        assert ArticleList.EditRequested in seen and ArticleList.Chosen in seen
        asked = [t for t in seen if t in (Reader.FindRequested, FindBar.Entered)]  # once for each node on the way
        assert list(dict.fromkeys(asked)) == [Reader.FindRequested, FindBar.Entered]


async def test_keys_after_escape_act_on_the_screen_the_dialog_closed_to(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = app.query_one(ArticleList)
        burst(app, "?", "escape", "j", "j")  # help, closed at once: both j's move down the list
        await until(pilot, lambda: listing.highlighted == 2)
        assert listing.highlighted == 2 and app.screen is app.main
