"""The reader with its find bar underneath (shown by ``/``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from tui.app.typeahead import KeepsTypeahead, deliver_now, focus_now
from tui.app.widgets.reader import Reader


class FindBar(KeepsTypeahead, Input):
    """Type to mark matches as you go; enter selects the next one, escape closes."""

    class Entered(Message):
        """The user pressed enter: select the next match."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Closed(Message):
        """The user closed the find bar."""

    BINDINGS = [Binding("escape", "close", "Close find", show=False)]

    # Both delivered at once: the reader has the focus back before this field looks at the next key.
    def action_submit(self) -> None:  # type: ignore[override]
        deliver_now(self, self.Entered(self.value))

    def action_close(self) -> None:
        deliver_now(self, self.Closed())


class ReaderPane(Vertical):
    """Holds a reader and its find bar; the reader stays the focus target."""

    DEFAULT_CSS = """
    #find {
        height: auto;
        border-top: solid $panel-lighten-2;
    }

    #find-input {
        border: none;
        height: 1;
        padding: 0 1;
    }

    #find-status {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, reader: Reader | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._reader = reader or Reader(id="reader")

    def compose(self) -> ComposeResult:
        yield self._reader

    @property
    def reader(self) -> Reader:
        return self._reader

    def on_reader_find_requested(self, message: Reader.FindRequested) -> None:
        """Show the find bar, mounting it the first time (most sessions never need it)."""
        message.stop()
        if self.query(FindBar):
            bar = self.query_one(FindBar)
            self.query_one("#find").display = True
        else:
            bar = FindBar(placeholder="find in article (case, accents and quotes ignored)", id="find-input")
            self.mount(Vertical(bar, Static(id="find-status"), id="find"))
        self.screen.set_focus(bar)  # now, though still mounting: the keys typed next are for it

    @on(Input.Changed, "#find-input")
    def _live(self, event: Input.Changed) -> None:
        if not self.query_one("#find").display:
            return  # a change still queued when escape closed the bar marks nothing
        count = self.reader.find(event.value, select=False)
        self._status(event.value, count)

    def on_find_bar_entered(self, message: FindBar.Entered) -> None:
        count = self.reader.find(message.query, select=True)
        self._status(message.query, count)
        if count:
            self._close(keep_matches=True)

    def on_find_bar_closed(self, message: FindBar.Closed) -> None:
        self._close(keep_matches=False)

    def _status(self, query: str, count: int) -> None:
        text = "" if not query.strip() else f"{count} match{'es' if count != 1 else ''}"
        if query.strip() and count:
            text += " · enter selects the next · then n / N"
        self.query_one("#find-status", Static).update(Content(text))

    def _close(self, *, keep_matches: bool) -> None:
        self.query_one("#find").display = False
        if not keep_matches:
            self.reader.action_clear_selection()
        focus_now(self.reader)
