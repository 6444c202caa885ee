"""The export dialog (E) and the tag × outlet overview."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Input, RadioButton, RadioSet, Select, Static

from tui.app.screens.dialog import Dialog
from tui.app.widgets.field import Field
from tui.core.annotation import COLORS

if TYPE_CHECKING:
    from tui.core.export import Overview


class ScopeKind(StrEnum):
    """What to export; each is the id of its radio button."""

    ARTICLE = "article"
    TAG = "tag"
    COLOR = "color"
    ALL = "all"


class ExportFormat(StrEnum):
    """How to write it; each is the id of its radio button."""

    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the user chose: a scope (kind and value), a format and a file."""

    kind: ScopeKind
    value: str  # the tag or color; the article id for an article
    format: ExportFormat
    path: Path


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "export"


class ExportScreen(Dialog[None]):
    """Pick the scope, the format and the file; ``write`` (the app's) writes it, and the dialog
    closes once it is written, or stays open with the reason it could not be."""

    DEFAULT_CSS = """
    #export-error {
        display: none;
    }

    .export-row {
        height: auto;
    }

    #scope {
        width: 1fr;
        margin-right: 1;
    }

    .export-choices {
        width: 1fr;
        height: auto;
    }

    #format {
        layout: horizontal;
        width: auto;
        height: auto;
        margin-bottom: 1;
    }
    """

    BINDINGS = [Binding("ctrl+s", "export", "Export")]

    def __init__(
        self,
        *,
        folder: Path,
        article_id: str | None,
        article_name: str,
        tags: list[str],
        names: dict[str, str],
        write: Callable[[ExportRequest], str | None],
    ) -> None:
        super().__init__()
        self.write = write
        self.folder, self.article_id, self.article_name = folder, article_id, article_name
        self.tags, self.names = tags, names
        self._path_edited = False

    def compose(self) -> ComposeResult:
        article = f"This article: {self.article_name}" if self.article_id else "This article (none open)"
        with Vertical(id="dialog", classes="wide"):
            yield Static(Content.styled("Export annotations", "bold"))
            with Horizontal(classes="export-row"):
                with RadioSet(id="scope"):
                    yield RadioButton(
                        article, id="article", value=self.article_id is not None, disabled=not self.article_id
                    )
                    yield RadioButton("A tag", id="tag", disabled=not self.tags)
                    yield RadioButton("A color", id="color")
                    yield RadioButton("Everything", id="all", value=self.article_id is None)
                with Vertical(classes="export-choices"):
                    tags = [(f"#{t}", t) for t in self.tags]
                    yield Select(tags, prompt="tag", id="tag-choice", allow_blank=not self.tags)
                    colors = [(f"{c} ({self.names[c]})", c) for c in COLORS]
                    yield Select(colors, value="yellow", id="color-choice", allow_blank=False)
            with RadioSet(id="format"):
                yield RadioButton("Markdown", id="markdown", value=True)
                yield RadioButton("W3C Web Annotation JSON", id="json")
            yield Field(id="export-path")
            yield Static(id="export-error", classes="error")
            yield Static(
                Content("The file is replaced atomically if it exists. ctrl+s exports, esc cancels."), classes="hint"
            )
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._suggest_path()

    def _choice(self) -> tuple[ScopeKind, str, ExportFormat]:
        scope = self.query_one("#scope", RadioSet).pressed_button
        kind = ScopeKind(scope.id) if scope is not None and scope.id else ScopeKind.ALL
        value = ""
        if kind is ScopeKind.TAG:
            chosen = self.query_one("#tag-choice", Select).value
            value = "" if chosen is Select.BLANK else str(chosen)
        elif kind is ScopeKind.COLOR:
            value = str(self.query_one("#color-choice", Select).value)
        elif kind is ScopeKind.ARTICLE:
            value = self.article_id or ""
        pressed = self.query_one("#format", RadioSet).pressed_button
        return kind, value, ExportFormat(pressed.id) if pressed is not None and pressed.id else ExportFormat.MARKDOWN

    def _suggest_path(self) -> None:
        if self._path_edited:
            return
        kind, value, fmt = self._choice()
        name = {
            ScopeKind.ARTICLE: _slug(self.article_name),
            ScopeKind.TAG: f"tag-{_slug(value)}",
            ScopeKind.COLOR: f"color-{value}",
        }.get(kind, "all")
        path = self.folder / f"export-{name}.{'json' if fmt is ExportFormat.JSON else 'md'}"
        field = self.query_one("#export-path", Input)
        with field.prevent(Input.Changed):
            field.value = str(path)

    @on(RadioSet.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._suggest_path()

    @on(Input.Changed, "#export-path")
    def _edited(self) -> None:
        self._path_edited = True
        self.query_one("#export-error", Static).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:  # the path field's enter
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_export() if event.button.id == "export" else self.action_cancel()

    def action_export(self) -> None:
        kind, value, fmt = self._choice()
        path = self.query_one("#export-path", Input).value.strip()
        if kind is ScopeKind.TAG and not value:
            self.notify("Choose a tag.", severity="warning")
            return
        if not path:
            self.notify("Give a file name.", severity="warning")
            return
        problem = self.write(ExportRequest(kind, value, fmt, Path(path)))
        if problem is None:
            self.dismiss()
        else:
            error = self.query_one("#export-error", Static)
            error.update(Content(f"Not exported: {problem}"))
            error.display = True
            self.query_one("#export-path", Input).focus()


class OverviewScreen(Dialog[bool]):
    """Tags down, outlets across: who covered which aspect. w writes it as a Markdown table."""

    DEFAULT_CSS = """
    #overview {
        height: auto;
        max-height: 30;
        margin: 1 0;
    }
    """

    BINDINGS = [
        Binding("escape,q", "cancel", "Close"),
        Binding("w", "write", "Write as Markdown"),
    ]

    def __init__(self, view: Overview) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Static(Content.styled("Tag overview: passages per outlet", "bold"))
            yield DataTable(id="overview", cursor_type="row", zebra_stripes=True)
            yield Static(Content("w writes it as a Markdown table · esc closes"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        if not self.view.tags:
            table.display = False
            self.query_one(Static).update(Content("No tagged annotations yet: press t in the reader to tag a passage."))
            return
        # Rich Text, not Content: DataTable measures Content cells one character wide (Textual 8.2).
        # Text(str) is literal: no markup in an outlet's name is parsed.
        table.add_column(Text("tag"))
        for outlet in self.view.outlets:
            table.add_column(Text(outlet))
        table.add_column(Text("total"))
        for tag in self.view.tags:
            counts = [self.view.counts.get((tag, o), 0) for o in self.view.outlets]
            table.add_row(Text(f"#{tag}"), *[Text(str(c) if c else "·") for c in counts], Text(str(sum(counts))))

    def action_write(self) -> None:
        self.dismiss(True)
