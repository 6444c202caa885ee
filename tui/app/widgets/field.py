"""A dialog's text field whose enter is a request: the keys typed after it wait for the dialog to close."""

from __future__ import annotations

from textual.widgets import Input

from tui.app.typeahead import TypesInOrder, request


class Field(TypesInOrder, Input):
    """Its bindings (enter, escape, tab...) act as typed (``TypesInOrder``); enter posts
    ``Submitted`` as a request, so the keys typed after it go where the focus goes next."""

    def action_submit(self) -> None:  # type: ignore[override]
        request(self, self.Submitted(self, self.value))
