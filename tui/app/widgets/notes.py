"""The notes pane: annotations in reading order, orphans apart, filterable by tag or color."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.app.layout import drawn
from tui.app.typeahead import deliver_now
from tui.app.widgets.reader import AnnotationAction
from tui.core.anchoring import AnchorState
from tui.core.annotation import Annotation
from tui.core.article import clip

EMPTY_HELP = (
    "No annotations in this article yet.\n\n"
    "In the reader, select a passage (shift+arrows, a mouse drag, v for a sentence, / to find), "
    "then press h to highlight it (1-5 for a color), t to tag it or a to add a note."
)
NotesScope = Literal["article", "all"]  # what the pane lists: this article's annotations, or all


NOTE_LINES = 3  # a note's first lines are shown as written, then "…"
EXCERPT = 160  # characters of a quote, or of a line of a note


def note_excerpt(note: str) -> str:
    """A note's first lines as its author broke them (blank lines dropped), each shortened."""
    lines = [clip(line, EXCERPT) for line in note.splitlines() if line.strip()]
    return "\n".join(lines[:NOTE_LINES] + (["…"] if len(lines) > NOTE_LINES else []))


@dataclass(frozen=True, slots=True)
class Entry:
    """One annotation as the pane shows it: with the passage's current words."""

    annotation: Annotation
    quote: str  # the passage as the article reads now (the stored quote for an orphan)
    color_name: str


@dataclass(frozen=True, slots=True)
class NoteGroup:
    """A heading (an article, or the orphans) and its entries."""

    title: str
    entries: list[Entry]


def entry_prompt(entry: Entry) -> Content:
    """Swatch and quote, then tags and color name, then the note and the anchoring state."""
    annotation = entry.annotation
    parts: list[Content | str | tuple[str, str]] = [
        (f"▌{annotation.color[0].upper()} ", f"bold $hl-{annotation.color}"),
        Content(drawn(clip(entry.quote, EXCERPT))),
    ]
    details = " ".join(f"#{t}" for t in annotation.tags)
    parts += ["\n", (details + (" · " if details else ""), "$accent"), (entry.color_name, "$text-muted")]
    if annotation.note:
        parts += ["\n", (drawn(note_excerpt(annotation.note)), "italic")]
    if annotation.state is AnchorState.REANCHORED:
        changed = entry.quote != annotation.selector.exact
        parts += ["\n", ("↻ re-anchored" + (": the text changed" if changed else ""), "$warning")]
    elif annotation.state is AnchorState.ORPHANED:
        parts += ["\n", ("⚠ orphaned: not found in the current text", "$error")]
    return Content.assemble(*parts)


class NotesList(OptionList):
    """The list itself; keys act on the highlighted annotation."""

    BINDINGS = [
        Binding("enter", "select", "Go to passage", show=True),
        Binding("t", "act('tag')", "Tag", show=True),
        Binding("a", "act('note')", "Note", show=True),
        Binding("x", "act('delete')", "Delete", show=True),
        Binding("f", "filter", "Filter", show=True),
        Binding("s", "scope", "This article / all", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def action_select(self) -> None:
        """Jump at once (enter or a click), so keys typed next reach the reader."""
        option = self.highlighted_option
        if option is not None and option.id is not None:
            deliver_now(self, NotesPane.Jump(option.id))

    def action_act(self, action: AnnotationAction) -> None:
        option = self.highlighted_option
        if option is not None and option.id is not None:
            deliver_now(self, NotesPane.ActionRequested(action, option.id))

    def action_filter(self) -> None:
        deliver_now(self, NotesPane.FilterRequested())

    def action_scope(self) -> None:
        pane = self.parent
        if isinstance(pane, NotesPane):
            pane.scope = "all" if pane.scope == "article" else "article"


class NotesPane(Vertical):
    """Shows groups of annotations given by the app; owns only its scope and filter."""

    DEFAULT_CSS = """
    #notes-header {
        color: $text-muted;
        padding: 0 1;
        height: auto;
        border-bottom: solid $panel-lighten-2;
    }

    #notes-list {
        height: 1fr;  /* the whole pane: a filtered list must not keep an older, shorter height */
        border: none;
        background: $surface;
    }

    #notes-empty {
        color: $text-muted;
        padding: 1 1;
    }
    """

    scope: var[NotesScope] = var("article")
    filter: var[str | None] = var(None)  # "#tag" or a color key

    class Jump(Message):
        """Go to this annotation's passage."""

        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class ActionRequested(Message):
        """t, a or x on an annotation in the list."""

        def __init__(self, action: AnnotationAction, annotation_id: str) -> None:
            super().__init__()
            self.action = action
            self.annotation_id = annotation_id

    class FilterRequested(Message):
        """The user pressed f."""

    class ViewChanged(Message):
        """Scope or filter changed: the app sends new groups."""

    def compose(self) -> ComposeResult:
        yield Static(id="notes-header")
        yield Static(Content(EMPTY_HELP), id="notes-empty")  # above the list, which fills the pane
        yield NotesList(id="notes-list")

    def watch_scope(self) -> None:
        self.post_message(self.ViewChanged())

    def watch_filter(self) -> None:
        self.post_message(self.ViewChanged())

    def show(self, groups: list[NoteGroup], *, filter_label: str = "") -> None:
        """Replace the list, keeping the highlighted annotation if it is still there."""
        listing = self.query_one(NotesList)
        current = listing.highlighted_option.id if listing.highlighted_option is not None else None
        was_at = listing.highlighted
        options: list[Option | None] = []
        count = 0
        for group in groups:
            if not group.entries:
                continue
            if group.title:
                options.append(Option(Content.styled(group.title, "bold $text-muted"), disabled=True))
            for entry in group.entries:
                options += [Option(entry_prompt(entry), id=entry.annotation.id), None]
                count += 1
        listing.set_options(options[:-1] if options and options[-1] is None else options)
        header = ("All articles" if self.scope == "all" else "This article") + f" · {count} annotation"
        header += "s" if count != 1 else ""
        if filter_label:
            header += f" · filter {filter_label} (f to change)"
        self.query_one("#notes-header", Static).update(Content(header))
        empty = self.query_one("#notes-empty", Static)
        empty.display = count == 0
        if count == 0 and (filter_label or self.scope == "all"):
            empty.update(Content("Nothing matches." if filter_label else "No annotations yet."))
        elif count == 0:
            empty.update(Content(EMPTY_HELP))
        if current is not None and not self.highlight(current) and was_at is not None:
            self._highlight_near(was_at)  # it was deleted (or undone): the next one takes its place

    def _highlight_near(self, index: int) -> None:
        """Highlight the annotation at ``index`` or the nearest after it, else before it, so keys
        typed next still act on an annotation and never fall through as commands."""
        listing = self.query_one(NotesList)
        count = listing.option_count
        for candidate in [*range(index, count), *range(min(index, count) - 1, -1, -1)]:
            option = listing.get_option_at_index(candidate)
            if option.id is not None and not option.disabled:
                listing.highlighted = candidate
                return

    def highlight(self, annotation_id: str) -> bool:
        """Move the list's cursor to an annotation (the reader's cursor is on it); False if it is
        not listed."""
        listing = self.query_one(NotesList)
        try:
            index = listing.get_option_index(annotation_id)
        except OptionDoesNotExist:
            return False
        if listing.highlighted != index:
            listing.highlighted = index
        return True
