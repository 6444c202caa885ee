"""The reader with its find bar underneath (shown by ``/``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from tui.app.widgets.reader import Reader


class FindBar(Input):
    """Type to mark matches as you go; enter selects the next one, escape closes."""

    BINDINGS = [Binding("escape", "close", "Close find", show=False)]

    class Closed(Message):
        """The user closed the find bar."""

    def action_close(self) -> None:
        self.post_message(self.Closed())


class ReaderPane(Vertical):
    """Holds a reader and its find bar; the reader stays the focus target."""

    def __init__(self, reader: Reader | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._reader = reader or Reader(id="reader")

    def compose(self) -> ComposeResult:
        yield self._reader

    @property
    def reader(self) -> Reader:
        return self._reader

    async def on_reader_find_requested(self, message: Reader.FindRequested) -> None:
        """Show the find bar, mounting it the first time (most sessions never need it)."""
        message.stop()
        if not self.query("#find"):
            await self.mount(
                Vertical(
                    FindBar(placeholder="find in article (case, accents and quotes ignored)", id="find-input"),
                    Static(id="find-status"),
                    id="find",
                )
            )
        self.query_one("#find").display = True
        self.query_one(FindBar).focus()

    @on(Input.Changed, "#find-input")
    def _live(self, event: Input.Changed) -> None:
        count = self.reader.find(event.value, select=False)
        self._status(event.value, count)

    @on(Input.Submitted, "#find-input")
    def _submit(self, event: Input.Submitted) -> None:
        count = self.reader.find(event.value, select=True)
        self._status(event.value, count)
        if count:
            self._close(keep_matches=True)

    @on(FindBar.Closed)
    def _closed(self) -> None:
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
        self.reader.focus()
