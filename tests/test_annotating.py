"""Annotating in the app, key by key, on the seeds: select, highlight, tag, note, undo, notes pane."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.conftest import SEEDS, drawn_rows, make_app, notices, paste, run_command, wait_for_notice
from tui.app.screens.annotate import NoteScreen, TagScreen
from tui.app.screens.prompts import ChoiceScreen, PromptScreen
from tui.app.widgets.notes import NotesList
from tui.core.anchoring import AnchorState
from tui.core.store import Store

SIZE = (110, 36)  # the smallest that shows all three panes and what the tests read
QUOTE = "qualified law enforcement personnel"


def selected(app) -> str:
    span = app.reader.selection
    return app.reader.article.text[span.start : span.end] if span else ""


async def find(pilot, text: str) -> None:
    """Press /, paste the text into the find bar, press enter (typing is tested in test_typeahead)."""
    await pilot.press("slash")
    await paste(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def open_reader(pilot, down: int = 0) -> None:
    await pilot.pause()
    await pilot.press(*["j"] * down, "enter")
    await pilot.pause()


async def test_find_highlight_tag_note_and_restart(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        assert selected(app) == QUOTE
        assert app.focused is app.reader
        await pilot.press("h")
        await pilot.pause()
        stored = app.workspace.store.annotations()
        assert [a.selector.exact for a in stored] == [QUOTE]
        assert stored[0].color == "yellow" and stored[0].state is AnchorState.ANCHORED
        # t on the annotation under the cursor edits its tags.
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"dhs-quote", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"Same words in all three", "enter", *"outlets.", "ctrl+s")
        await pilot.pause()
        annotation = app.workspace.store.annotations()[0]
        assert annotation.tags == ("dhs-quote",)
        assert annotation.note == "Same words in all three\noutlets."
        prompt = str(app.query_one(NotesList).get_option_at_index(0).prompt)
        assert QUOTE in prompt and "#dhs-quote" in prompt and "Same words" in prompt
    # Everything was on disk before the app quit; a new app shows it.
    with Store(db, readonly=True) as store:
        assert store.annotations()[0].tags == ("dhs-quote",)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [a.selector.exact for a in app.reader.annotations] == [QUOTE]
        prompt = str(app.query_one(NotesList).get_option_at_index(0).prompt)
        assert "#dhs-quote" in prompt and "outlets." in prompt
        # t on a tagged passage: what is typed is added to its tags, never typed over them.
        await pilot.press("enter")
        await find(pilot, QUOTE)
        await pilot.press("t")
        await pilot.pause()
        assert app.focused.value == "dhs-quote, "
        await pilot.press(*"figures", "enter")
        await pilot.pause()
        assert app.workspace.store.annotations()[0].tags == ("dhs-quote", "figures")
        # esc on a changed note asks first: the first esc warns, the second discards.
        await pilot.press("a", *" More.", "escape")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NoteScreen)
        assert app.workspace.store.annotations()[0].note == "Same words in all three\noutlets."


async def test_sentence_paragraph_and_find_next(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot, down=1)  # The New York Times
        await find(pilot, "auditing employers")
        await pilot.press("escape")
        await pilot.press("v")
        assert selected(app) == (
            "That work could include investigating human trafficking and auditing employers believed to have "
            "hired migrants living in the U.S. illegally, according to the memo."
        )
        await pilot.press("v")  # extends by one sentence, into the next paragraph
        assert selected(app).endswith("who help investigate violations of tax law and other financial crimes.")
        assert selected(app).startswith("That work could include")
        await find(pilot, "D.H.S.’s understanding")
        await pilot.press("v")
        assert selected(app).startswith("“It is D.H.S.’s understanding") and selected(app).endswith("Noem wrote.")
        await pilot.press("escape", "V")
        assert selected(app).startswith("“It is D.H.S.’s") and selected(app).endswith("Noem wrote.")
        # Find is case-, accent- and quote-insensitive; n and N walk the matches.
        await find(pilot, "dhs's misunderstanding")  # no match: the find bar stays open to fix the query
        assert "0 matches" in str(app.query_one("#find-status").render())
        assert app.focused.id == "find-input"
        await pilot.press("escape")
        assert app.focused is app.reader and app.reader.selection is None
        await find(pilot, "d.h.s.'s UNDERSTANDING")
        assert selected(app) == "D.H.S.’s understanding"
        await find(pilot, "dhs's understanding")  # an initialism found however it is written
        assert selected(app) == "D.H.S.’s understanding"
        await find(pilot, "irs")
        first = app.reader.selection
        assert selected(app) == "IRS"
        await pilot.press("n")
        assert app.reader.selection.start > first.start
        await pilot.press("N")
        assert app.reader.selection == first


async def test_colors_recolor_overlap_and_jumps(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, "Homeland Security Secretary Kristi Noem")
        await pilot.press("2")
        await find(pilot, "Kristi Noem sent a letter")
        await pilot.press("4")
        colors = sorted((a.selector.exact, a.color) for a in app.workspace.store.annotations())
        assert colors == [("Homeland Security Secretary Kristi Noem", "red"), ("Kristi Noem sent a letter", "blue")]
        # The overlap ("Kristi Noem") is drawn in the shorter highlight's color, underlined.
        reader = app.reader
        await pilot.press("g")
        overlap = reader.article.text.index("Kristi Noem sent")
        segments = drawn_rows(reader)[reader.row_of(overlap)]
        kristi = next(s for s in segments if s.text.startswith("Kristi Noem") and "sent" not in s.text)
        blue_only = next(s for s in segments if s.text.startswith(" sent"))
        assert kristi.style.underline and kristi.style.bgcolor == blue_only.style.bgcolor
        # ] and [ walk the annotations; 5 recolors the one under the cursor.
        await pilot.press("g", "right_square_bracket")
        assert selected(app) == "Homeland Security Secretary Kristi Noem"
        await pilot.press("right_square_bracket")
        assert selected(app) == "Kristi Noem sent a letter"
        await pilot.press("left_square_bracket")
        assert selected(app) == "Homeland Security Secretary Kristi Noem"
        await pilot.press("escape", "5")
        colors = {a.selector.exact: a.color for a in app.workspace.store.annotations()}
        assert colors["Homeland Security Secretary Kristi Noem"] == "purple"


async def test_undo_redo_delete_survive_restart(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        await pilot.press("h")
        await pilot.press("x")  # delete the annotation under the cursor
        await pilot.pause()
        assert app.workspace.store.annotations() == []
        await pilot.press("u")
        await pilot.pause()
        assert len(app.workspace.store.annotations()) == 1
        assert len(app.reader.annotations) == 1
        await pilot.press("u")
        assert app.workspace.store.annotations() == []
        await pilot.press("ctrl+r")
        assert len(app.workspace.store.annotations()) == 1
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")  # the history survived the restart
        await pilot.pause()
        assert app.workspace.store.annotations() == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(app.workspace.store.annotations()) == 1


async def test_nothing_selected_says_so(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reader(pilot)
        await pilot.press("h", "x")
        await pilot.pause()
        await wait_for_notice(pilot, "Select a passage first")
        assert "no annotation under the cursor" in notices(app)
        assert app.workspace.store.annotations() == []


async def test_notes_pane_jump_filter_scope(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        await pilot.press("t", *"dhs-quote", "enter")
        await find(pilot, "whole-of-government approach")
        await pilot.press("3")
        await pilot.press("shift+tab", "j", "enter")  # the NYT
        await pilot.pause()
        await find(pilot, "D.H.S.’s understanding")
        await pilot.press("t", *"dhs", "tab", "enter")  # tab completes to dhs-quote
        await pilot.pause()
        assert {a.tags for a in app.workspace.store.annotations()} == {("dhs-quote",), ()}
        # Scope: all articles, grouped by article.
        notes = app.query_one(NotesList)
        notes.focus()
        await pilot.press("s")
        await pilot.pause()
        assert notes.option_count == 2 + 3  # two article headings, three entries
        # Filter by tag.
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        options = app.screen.query_one("#choices")
        options.highlighted = options.get_option_index("#dhs-quote")
        await pilot.press("enter")
        await pilot.pause()
        quotes = [str(notes.get_option_at_index(i).prompt) for i in range(notes.option_count)]
        assert sum(QUOTE in q or "D.H.S." in q for q in quotes) == 2
        assert notes.size.height > SIZE[1] - 10  # the filtered list still fills the pane (it once kept a stale height)
        assert not any("whole-of-government" in q for q in quotes)
        # Enter on Reuters' annotation opens Reuters and selects the passage.
        index = next(i for i, q in enumerate(quotes) if QUOTE in q)
        notes.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert app.current.meta.outlet == "Reuters"
        assert selected(app) == QUOTE and app.focused is app.reader
        # Filter by color.
        notes.focus()
        await pilot.press("f")
        await pilot.pause()
        options = app.screen.query_one("#choices")
        options.highlighted = options.get_option_index("green")
        await pilot.press("enter")
        await pilot.pause()
        quotes = [str(notes.get_option_at_index(i).prompt) for i in range(notes.option_count)]
        assert any("whole-of-government" in q for q in quotes) and not any(QUOTE in q for q in quotes)


async def test_tag_rename_merge_delete_with_undo(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        await pilot.press("t", *"dhs, figures", "enter")
        await find(pilot, "60 billion")
        await pilot.press("t", *"money", "enter")
        await pilot.pause()

        async def choose(value: str) -> None:
            await pilot.pause()
            options = app.screen.query_one("#choices")
            options.highlighted = options.get_option_index(value)
            await pilot.press("enter")
            await pilot.pause()

        def tags() -> list[tuple[str, ...]]:
            return sorted(a.tags for a in app.workspace.store.annotations())

        app.action_rename_tag()
        await choose("dhs")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "dhs-quote"
        await pilot.press("enter")
        await pilot.pause()
        assert tags() == [("dhs-quote", "figures"), ("money",)]
        app.action_merge_tags()
        await choose("money")
        await choose("figures")
        assert tags() == [("dhs-quote", "figures"), ("figures",)]
        app.action_delete_tag()
        await choose("figures")
        assert tags() == [(), ("dhs-quote",)]
        await pilot.press("u")
        await pilot.pause()
        assert tags() == [("dhs-quote", "figures"), ("figures",)]


async def test_note_dialog_cancel_keeps_nothing(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("draft")
        await pilot.press("escape")
        await pilot.pause()
        assert app.workspace.store.annotations() == []


async def test_edited_article_reanchors_or_orphans(db: Path, tmp_path: Path, in_root: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    reuters = folder / "000_c2646e842424a595.txt"
    app = make_app(db, [folder])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        await pilot.press("h")
        await find(pilot, "money-laundering and corruption")
        await pilot.press("h")
        await pilot.pause()
    # The editor adds a paragraph at the top and deletes the IRS paragraph.
    text = reuters.read_text()
    text = text.replace("WASHINGTON (Reuters)", "Editor's note: updated.\n\nWASHINGTON (Reuters)")
    text = text.replace(
        "The IRS is responsible for the collection of taxes and enforcement of related laws, but its criminal "
        "investigators also work to uncover drug trafficking, money-laundering and corruption.\n",
        "",
    )
    reuters.write_text(text)
    # Moving the folder too: the article is found by its new path (edited: new id, same path is gone).
    app = make_app(db, [folder])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_notice(pilot, "could not be placed")  # at once: a notice goes after a few seconds
        states = {a.selector.exact: a for a in app.workspace.annotations()}
        moved = states[QUOTE]
        assert moved.state is AnchorState.REANCHORED
        assert app.current.text[moved.start : moved.end] == QUOTE
        assert moved.article_id == app.current.id
        assert states["money-laundering and corruption"].state is AnchorState.ORPHANED
        notes = app.query_one(NotesList)
        prompts = [str(notes.get_option_at_index(i).prompt) for i in range(notes.option_count)]
        assert len(prompts) == 3  # the placed one, the Orphans heading, the orphan
        assert any("Orphans" in p for p in prompts)
        assert any("money-laundering and corruption" in p and "orphaned" in p for p in prompts)


async def test_color_names_from_the_palette_show_in_help(db: Path, in_root: Path) -> None:
    from tui.app.screens.help import HelpScreen
    from tui.app.screens.prompts import ColorNamesScreen

    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await run_command(pilot, "Name the highlight")
        assert isinstance(app.screen, ColorNamesScreen)
        app.screen.query_one("#color-purple", Input).value = "Confirmed"  # green's name: refused, kept on screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ColorNamesScreen)
        await wait_for_notice(pilot, "green and purple are both named")
        app.screen.query_one("#color-purple", Input).value = "key quote"
        app.screen.query_one("#color-red", Input).value = "contradicts another outlet"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.workspace.store.color_names()["red"] == "contradicts another outlet"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "red: contradicts another outlet" in str(app.screen.query_one("#help-text").render())
        await pilot.press("escape")
        # The palette lists the tag commands too.
        await run_command(pilot, "Rename tag")
        await wait_for_notice(pilot, "No tags yet")


async def test_x_with_a_selection_deletes_the_annotation_under_the_cursor(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        await pilot.press("h")
        await pilot.press("shift+right", "shift+right")  # a selection inside the highlight
        await pilot.press("x")
        await pilot.pause()
        assert app.workspace.store.annotations() == []


async def test_metadata_keeps_an_inferred_date_it_cannot_parse(db: Path, tmp_path: Path, in_root: Path) -> None:
    from tui.app.screens.metadata import MetadataScreen

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.md").write_text("---\ndate: Tuesday last week\n---\nSome article text here.\n")
    app = make_app(db, [folder])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MetadataScreen)
        app.screen.query_one("#field-title", Input).value = "A better title"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, MetadataScreen)
        assert app.current.meta.title == "A better title" and app.current.meta.date == "Tuesday last week"


async def test_notes_pane_keeps_its_cursor_after_an_edit(db: Path, in_root: Path) -> None:
    """t then x in the notes pane act on the same entry, wherever the reader's cursor is."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await find(pilot, "whole-of-government approach")
        await pilot.press("h")
        await find(pilot, QUOTE)
        await pilot.press("h")  # the reader's cursor stays on this one
        notes = app.query_one(NotesList)
        notes.focus()
        await pilot.pause()
        other = next(
            i for i in range(notes.option_count) if "whole-of-government" in str(notes.get_option_at_index(i).prompt)
        )
        notes.highlighted = other
        await pilot.press("t", *"recheck", "enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert [a.selector.exact for a in app.workspace.store.annotations()] == [QUOTE]


async def test_notes_pane_keeps_a_selection_after_delete_and_undo(db: Path, in_root: Path) -> None:
    """After x (or u) in the notes pane the next annotation is selected, so the next keys act on it
    instead of running as commands; a note's lines show as written."""
    app = make_app(db)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_reader(pilot)
        for quote in ("whole-of-government approach", QUOTE, "Treasury Department"):
            await find(pilot, quote)
            await pilot.press("h")
        await pilot.press("a", *"First line", "enter", *"second line", "enter", "enter", *"third", "enter")
        await pilot.press(*"fourth", "enter", *"fifth", "ctrl+s")
        await pilot.pause()
        notes = app.query_one(NotesList)
        await pilot.press("tab", "home")
        await pilot.pause()
        assert app.focused is notes
        first = notes.highlighted_option.id
        await pilot.press("x")
        await pilot.pause()
        assert app.workspace.store.annotation(first) is None
        assert notes.highlighted_option is not None and notes.highlighted_option.id != first
        await pilot.press("t", *"checked", "enter")  # acts on the next annotation, opens no other dialog
        await pilot.pause()
        assert [a.tags for a in app.workspace.store.annotations() if a.tags] == [("checked",)]
        await pilot.press("u", "u")  # undo the tag, then the deletion
        await pilot.pause()
        assert len(app.workspace.store.annotations()) == 3 and notes.highlighted_option is not None
        prompts = [str(notes.get_option_at_index(i).prompt) for i in range(notes.option_count)]
        noted = next(p for p in prompts if "First line" in p)
        assert "First line\nsecond line\nthird\n…" in noted and "fifth" not in noted


async def test_a_note_that_cannot_be_saved_stays_on_screen(
    db: Path, in_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk refuses the change: the app says "Not saved" and the typed note is kept to retry."""
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_reader(pilot)
        await find(pilot, QUOTE)
        real_write = os.write

        def full_disk(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", full_disk)
        await pilot.press("a", *"Check the 2,100 figure.", "ctrl+s")
        await pilot.pause()
        assert app.workspace.store.annotations() == []
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one(TextArea).text == "Check the 2,100 figure."
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("Not saved" in toast and "disk" in toast for toast in toasts), toasts
        monkeypatch.setattr(os, "write", real_write)  # space freed: the same keys save it
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteScreen)
        assert [a.note for a in app.workspace.store.annotations()] == ["Check the 2,100 figure."]
