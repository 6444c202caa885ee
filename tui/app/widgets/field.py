"""A dialog's text field that submits at once, so the keys typed after enter go where the user meant."""

from __future__ import annotations

from textual.widgets import Input

from tui.app.typeahead import KeepsTypeahead, deliver_now


class Field(KeepsTypeahead, Input):
    """Its bindings (enter, escape, tab...) act as typed (``KeepsTypeahead``); enter also delivers
    ``Submitted`` at once, so the dialog closes before this field looks at the next key."""

    def action_submit(self) -> None:  # type: ignore[override]
        deliver_now(self, self.Submitted(self, self.value))
