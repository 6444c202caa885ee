"""Dialogs for bringing the news in: add an article from a URL, refresh the feeds.

They show what the app's workers are doing (attributes down) and say what the user asked
for (messages up); the app does the fetching in a worker thread and all the writing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, ProgressBar, Static

from tui.app.screens.dialog import Dialog
from tui.app.typeahead import request
from tui.app.widgets.field import Field

INTAKE_CSS = """
#dialog.intake ProgressBar {
    margin: 1 0 0 0;
}

#dialog.intake #intake-status {
    margin: 1 0 0 0;
}

#dialog.intake #intake-error {
    color: $error;
}

#dialog.intake #feed-log {
    height: auto;
    max-height: 16;
}
"""  # both dialogs show a worker's progress the same way
STAGES = {"fetching": "Fetching the page…", "extracting": "Finding the article and its metadata…", "saving": "Saving…"}


class AddArticleScreen(Dialog[None]):
    """Paste a URL, enter: the app fetches it while this shows progress; escape cancels."""

    DEFAULT_CSS = INTAKE_CSS

    busy: reactive[bool] = reactive(False)
    stage: reactive[str] = reactive("")
    error: reactive[str] = reactive("")

    class Submitted(Message):
        """Fetch and add this URL."""

        def __init__(self, screen: AddArticleScreen, url: str) -> None:
            super().__init__()
            self.screen = screen
            self.url = url

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = folder
        self.cancelled = False  # read by the worker before it saves

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="intake"):
            yield Static(Content.styled("Add article from URL", "bold"))
            yield Field(placeholder="https://…", id="intake-url")
            yield Static(id="intake-status")
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="intake-progress")
            yield Static(id="intake-error")
            yield Static(Content(f"enter fetches · esc cancels · saved in {self.folder}"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#intake-progress").display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        url = event.value.strip()
        if url and not self.busy:
            self.busy, self.error, self.stage = True, "", "fetching"
            request(self, self.Submitted(self, url))

    def watch_busy(self, busy: bool) -> None:
        self.query_one("#intake-progress").display = busy
        self.query_one("#intake-url", Input).disabled = busy
        if not busy:
            self.stage = ""
            self.query_one("#intake-url", Input).focus()

    def watch_stage(self, stage: str) -> None:
        self.query_one("#intake-status", Static).update(Content(STAGES.get(stage, stage)))

    def watch_error(self, error: str) -> None:
        self.query_one("#intake-error", Static).update(Content(error))  # literal: never markup

    def failed(self, message: str) -> None:
        """The app's worker could not add the page: say why, let the user try another URL."""
        if not self.is_attached:
            return
        self.busy = False
        self.error = message

    def action_cancel(self) -> None:
        self.cancelled = True
        super().action_cancel()


class FeedsScreen(Dialog[None]):
    """Progress of a feed refresh the app runs in a worker, and a summary line per feed."""

    DEFAULT_CSS = INTAKE_CSS

    BINDINGS = [Binding("escape", "cancel", "Close", priority=True)]

    def __init__(self, feeds: int) -> None:
        super().__init__()
        self.feeds = feeds
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="intake"):
            yield Static(Content.styled(f"Refreshing {self.feeds} feed{'s' if self.feeds != 1 else ''}", "bold"))
            yield Static(Content("Asking each feed what is new…"), id="intake-status")
            yield ProgressBar(total=None, show_eta=False, id="intake-progress")
            yield Static(id="feed-log")
            yield Static(
                Content("esc closes (the refresh goes on; the list shows new articles as they come)"),
                classes="hint",
                id="feed-hint",
            )

    def progress(self, feed: str, item: str, done: int, total: int) -> None:
        if not self.is_attached:  # closed: the refresh goes on without it
            return
        bar = self.query_one("#intake-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        what = f"{feed}: {done} of {total}" + (f" · {item}" if item else "")
        self.query_one("#intake-status", Static).update(Content(what))

    def summary(self, line: str) -> None:
        self.lines.append(line)
        if not self.is_attached:
            return
        self.query_one("#feed-log", Static).update(Content("\n".join(self.lines)))

    def finished(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#intake-status", Static).update(Content("Done."))
        self.query_one("#intake-progress", ProgressBar).display = False
        self.query_one("#feed-hint", Static).update(Content("esc closes"))
