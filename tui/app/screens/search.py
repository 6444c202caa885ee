"""Search all articles (ctrl+f): results stream in while a worker thread scans the corpus."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.app.screens.dialog import Dialog
from tui.app.typeahead import focus_now
from tui.app.widgets.field import Field
from tui.core.article import shorten
from tui.core.workspace import Found, Workspace

LIMIT = 500  # results listed; the status line says when there are more
BATCH = 40
DEBOUNCE = 0.2


def found_prompt(found: Found) -> Content:
    """Where (outlet · title), then the words around the match with the match in bold."""
    article = found.article
    where = " · ".join(
        p for p in ((article.meta.outlet if article else ""), shorten(article.meta.title, 60) if article else "") if p
    )
    if found.annotation is not None:
        where = f"{where} · annotation" if where else "annotation"
    context, span = found.context()
    return Content.assemble(
        (where or "(article not loaded)", "$accent"),
        "\n",
        Content(context[: span.start]),
        (context[span.start : span.end], "bold reverse"),
        Content(context[span.end :]),
    )


class SearchScreen(Dialog[Found]):
    """Type a query; enter on a result opens the article at the match."""

    DEFAULT_CSS = """
    #dialog.search {
        height: 80%;
    }

    #search-results {
        height: 1fr;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close search", priority=True),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self, workspace: Workspace, query: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.query_text = query
        self.results: list[Found] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide search"):
            yield Static(Content.styled("Search all articles and annotations", "bold"))
            yield Field(
                self.query_text,
                placeholder='words, or "a phrase" — case, accents and quotes ignored',
                id="search-input",
            )
            yield Static(id="search-status", classes="hint")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        if self.query_text:
            self._start(self.query_text)

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, lambda: self._start(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:  # the query field's enter
        if self._timer is not None:
            self._timer.stop()
        if self.results:
            self.action_results()
        else:
            self._start(event.value)

    def _start(self, query: str) -> None:
        self.results = []
        self.query_one(OptionList).clear_options()
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update("")
            return
        status.update(Content("Searching…"))
        self._search(query)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        worker = get_current_worker()
        batch: list[Found] = []
        count = 0
        for found in self.workspace.search(query):
            if worker.is_cancelled:
                return
            batch.append(found)
            count += 1
            if len(batch) >= BATCH or count == 1:
                self.app.call_from_thread(self._add, query, batch)
                batch = []
            if count > LIMIT:
                break
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finish, query, batch, count)

    def _current(self, query: str) -> bool:
        return self.query_one("#search-input", Input).value == query

    def _add(self, query: str, batch: list[Found]) -> None:
        if not self._current(query):
            return
        listing = self.query_one(OptionList)
        start = len(self.results)
        shown = batch[: max(LIMIT - start, 0)]
        self.results += shown
        options: list[Option | None] = []
        for n, found in enumerate(shown):
            if start + n:
                options.append(None)
            options.append(Option(found_prompt(found), id=str(start + n)))
        listing.add_options(options)
        self.query_one("#search-status", Static).update(Content(f"{len(self.results)} so far…"))

    def _finish(self, query: str, batch: list[Found], count: int) -> None:
        if not self._current(query):
            return
        self._add(query, batch)
        more = f"more than {LIMIT} matches: the first {LIMIT} are listed; add words to narrow" if count > LIMIT else ""
        text = more or f"{count} match{'es' if count != 1 else ''}" + (" · ↓ and enter open one" if count else "")
        self.query_one("#search-status", Static).update(Content(text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.results[int(event.option.id or 0)])

    def action_results(self) -> None:
        listing = self.query_one(OptionList)
        if self.results and not listing.has_focus:
            focus_now(listing)  # now: an enter typed right after ↓ opens the first result
            listing.highlighted = 0

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "search")
        super().action_cancel()
