"""Dialogs for one annotation: its tags (with completion) and its note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static, TextArea

from tui.app.screens.dialog import Dialog
from tui.app.typeahead import TypesInOrder
from tui.app.widgets.field import Field
from tui.core.annotation import complete_tag, parse_tags
from tui.core.article import clip


def quote_line(quote: str, limit: int = 200) -> Content:
    return Content.assemble(("“", "$text-muted"), (clip(quote, limit), "italic"), ("”", "$text-muted"))


class TagSuggester(Suggester):
    """Completes the tag being typed (after the last comma) from the tags in use."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        return complete_tag(value, self.tags)


class TagInput(Field):
    """Tab completes the tag being typed (as → accepts the suggestion shown), instead of moving focus.

    The completion is worked out from the value as it is when tab is pressed, never from a
    suggestion computed for an earlier value: typed fast, ``figu`` tab enter saves ``figures``.
    """

    BINDINGS = [Binding("tab", "accept", "Accept completion", show=False)]

    def action_accept(self) -> None:
        known = self.suggester.tags if isinstance(self.suggester, TagSuggester) else []
        completed = complete_tag(self.value, known)
        if completed is not None:
            self.value = completed
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class TagScreen(Dialog[tuple[str, ...]]):
    """Edit the comma-separated tags of a passage; returns the tags or None."""

    def __init__(self, quote: str, tags: tuple[str, ...], known: list[str]) -> None:
        super().__init__()
        self.quote, self.tags, self.known = quote, tags, known

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled("Tags", "bold"))
            yield Static(quote_line(self.quote), classes="quote")
            value = ", ".join(self.tags) + (", " if self.tags else "")
            yield TagInput(
                value,
                placeholder="comma-separated, e.g. dhs-quote, figures",
                suggester=TagSuggester(self.known),
                select_on_focus=False,  # typing adds to the tags already there, never replaces them
            )
            in_use = ", ".join(self.known[:30]) if self.known else "none yet"
            yield Static(Content(f"In use: {in_use}"), classes="hint")
            yield Static(Content("enter saves · tab or → completes · esc cancels"), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(parse_tags(event.value, self.known))


class NoteArea(TypesInOrder, TextArea):
    """ctrl+s and escape act as typed (``TypesInOrder``): keys typed after them are not typed
    into the note."""


class NoteScreen(Dialog[str]):
    """Write or edit a multi-line note; ctrl+s saves, escape cancels."""

    # Not a priority escape: "cancel again to discard" must see the letters typed before it.
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save note")]

    def __init__(self, quote: str, note: str) -> None:
        super().__init__()
        self.quote, self.note = quote, note
        self._warned = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled("Note", "bold"))
            yield Static(quote_line(self.quote), classes="quote")
            yield NoteArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static(Content("ctrl+s saves · esc cancels · an empty note removes it"), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def on_text_area_changed(self) -> None:
        self._warned = False  # a cancel asks again about new changes

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        """Close without saving; a changed note asks for a second esc, so one stray key loses nothing."""
        if self.query_one(TextArea).text.strip() != self.note.strip() and not self._warned:
            self._warned = True
            self.notify("The note has changes: cancel again to discard them, ctrl+s saves.", severity="warning")
            return
        super().action_cancel()
