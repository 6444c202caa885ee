"""A dialog's text field that submits at once, so keys typed after enter are not typed into it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.app.typeahead import KeepsTypeahead, deliver_now


class Field(KeepsTypeahead, Input):
    """Enter submits here, not through a binding resolved later: the dialog closes before the
    field looks at the next key, which then goes where the focus went."""

    def key_enter(self, event: events.Key) -> None:
        event.stop()
        deliver_now(self, self.Submitted(self, self.value))
