"""A dialog's text field that acts on enter, escape and tab at once, so the keys typed after them
go where the user meant."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.app.typeahead import KeepsTypeahead, deliver_now


class Field(KeepsTypeahead, Input):
    """Enter, escape and tab act here, not through bindings resolved later: the dialog closes (or
    the next field has the focus) before this field looks at the next key typed."""

    def key_enter(self, event: events.Key) -> None:
        self.finish(event)
        deliver_now(self, self.Submitted(self, self.value))

    async def key_escape(self, event: events.Key) -> None:
        self.finish(event)
        await self.run_action("screen.cancel")

    def key_tab(self, event: events.Key) -> None:
        self.finish(event)
        self.screen.focus_next()

    def key_shift_tab(self, event: events.Key) -> None:
        self.finish(event)
        self.screen.focus_previous()
