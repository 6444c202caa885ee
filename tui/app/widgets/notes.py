"""The notes pane: the current article's annotations, or how to make the first one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.annotation import Annotation

EMPTY_HELP = (
    "No annotations in this article yet.\n\n"
    "In the reader, select a passage (shift+arrows, a mouse drag, v for a sentence, / to find), "
    "then press h to highlight it, t to tag it or a to add a note."
)


def excerpt(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def annotation_prompt(annotation: Annotation) -> Content:
    """Color swatch and quote, then tags and the note."""
    parts: list[Content | str] = [
        Content.styled("▌", f"$highlight-{annotation.color}"),
        Content(excerpt(annotation.selector.exact)),
    ]
    if annotation.tags:
        parts += ["\n", Content.styled(" ".join(f"#{t}" for t in annotation.tags), "$accent")]
    if annotation.note:
        parts += ["\n", Content.styled(excerpt(annotation.note, 200), "italic")]
    return Content.assemble(*parts)


class NotesPane(Vertical):
    """Lists annotations; shows ``EMPTY_HELP`` while there are none."""

    def compose(self) -> ComposeResult:
        yield OptionList(id="notes-list")
        yield Static(Content(EMPTY_HELP), id="notes-empty")

    def show(self, annotations: list[Annotation]) -> None:
        listing = self.query_one("#notes-list", OptionList)
        options: list[Option | None] = []
        for annotation in annotations:
            options += [Option(annotation_prompt(annotation), id=annotation.id), None]
        listing.set_options(options[:-1])
        self.query_one("#notes-empty", Static).display = not annotations
