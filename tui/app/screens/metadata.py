"""Editing an article's citation metadata. Edits are stored, never written into the file."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from tui.app.screens.dialog import Dialog
from tui.app.widgets.field import Field
from tui.core.article import METADATA_FIELDS, Article

LABELS = {"title": "Title", "outlet": "Outlet", "author": "Author", "date": "Date", "url": "URL", "via": "Via"}
PLACEHOLDERS = {"date": "YYYY-MM-DD", "via": "republished by (optional)", "url": "https://…"}


class MetadataScreen(Dialog[dict[str, str]]):
    """Returns the fields that differ from the inferred values (the overrides), or None."""

    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def __init__(self, article: Article) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.assemble(("Edit metadata", "bold"), "  ", (self.article.file_name, "$text-muted")))
            with Grid(id="metadata-fields", classes="fields"):
                for name in METADATA_FIELDS:
                    yield Label(LABELS[name])
                    yield Field(
                        getattr(self.article.meta, name),
                        placeholder=PLACEHOLDERS.get(name, getattr(self.article.inferred, name)),
                        id=f"field-{name}",
                        compact=True,  # a row each: the dialog fits an 80×24 terminal
                    )
            yield Static(id="metadata-error", classes="error")
            yield Static(Content("Empty fields fall back to what was inferred from the file."), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        values = {name: " ".join(self.query_one(f"#field-{name}", Input).value.split()) for name in METADATA_FIELDS}
        date = values["date"]
        if date and date != self.article.meta.date:  # what was there (inferred or not) may stay as it is
            try:
                dt.date.fromisoformat(date)
            except ValueError:
                self.query_one("#metadata-error", Static).update(
                    Content(f"{date!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-02-10.")
                )
                self.query_one("#field-date", Input).focus()
                return
        inferred = self.article.inferred.as_dict()
        self.dismiss({k: v for k, v in values.items() if v and v != inferred[k]})
