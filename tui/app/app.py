"""The Textual app: three panes over a Workspace. The app is the one place that writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from tui.app.commands import ArticleCommands
from tui.app.screens.help import HelpScreen, binding_rows
from tui.app.screens.metadata import MetadataScreen
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.notes import NotesPane
from tui.app.widgets.reader import Reader
from tui.core.article import Article, printable
from tui.core.errors import NewsreaderError
from tui.core.workspace import Workspace

SYNC_SECONDS = 2.0


class NewsreaderApp(App[None]):
    """Article list, reader and notes side by side."""

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {ArticleCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.current: Article | None = None

    # --- composition ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield Reader(id="reader")
            yield NotesPane(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#articles").border_title = "Articles"
        self.query_one("#reader").border_title = "Reader"
        self.query_one("#notes").border_title = "Notes"
        self._refresh_list()
        self.query_one(ArticleList).focus()
        skipped = [n for n in self.workspace.corpus.notices if n.skipped]
        warned = [n for n in self.workspace.corpus.notices if not n.skipped]
        if skipped:
            listed = "\n".join(printable(str(n)) for n in skipped[:5])
            more = f"\n… and {len(skipped) - 5} more (see `newsreader list`)" if len(skipped) > 5 else ""
            self.notify(f"{listed}{more}", title=f"{len(skipped)} file(s) skipped", severity="warning", timeout=8)
        if warned:
            self.notify(
                "\n".join(printable(str(n)) for n in warned[:5]), title="Loaded with warnings", severity="information"
            )
        if self.workspace.store.join():
            self.notify(
                "Another newsreader has this DB open. Both can work: each change is merged into the file, "
                "and this window picks up the other's changes within a few seconds.",
                title="DB shared",
                severity="warning",
                timeout=10,
            )
        self.set_interval(SYNC_SECONDS, self._sync)
        if not self.workspace.corpus.articles:
            self.notify("No articles found. Start newsreader with a folder: newsreader PATH", severity="warning")

    def _sync(self) -> None:
        """Pick up changes another process (CLI, second window) wrote to the DB."""
        try:
            changed = self.workspace.store.sync()
        except NewsreaderError as error:
            self.notify(str(error), title="DB problem", severity="error", timeout=15)
            return
        if changed:
            self._reload_metadata()
            self._refresh_notes()

    # --- data flow: attributes down -----------------------------------------------

    def _reload_metadata(self) -> None:
        """Re-apply stored metadata edits; the reader re-renders if the current article's changed."""
        self.workspace.corpus.apply_overrides(self.workspace.store.overrides())
        self._refresh_list()
        if self.current is not None:
            updated = self.workspace.corpus.by_id(self.current.id)
            if updated is not None and updated.meta != self.current.meta:
                self._show(updated)

    def _note_counts(self) -> dict[str, int]:
        return dict(Counter(a.article_id for a in self.workspace.store.annotations()))

    def _refresh_list(self) -> None:
        articles = self.workspace.corpus.articles
        current = self.current.id if self.current else None
        self.query_one(ArticleList).show(articles, self._note_counts(), current=current)

    def _show(self, article: Article | None) -> None:
        self.current = article
        self.query_one(Reader).article = article
        self.query_one("#reader").border_title = (article.meta.outlet if article else "") or "Reader"
        self._refresh_notes()

    def _refresh_notes(self) -> None:
        article = self.current
        annotations = self.workspace.store.annotations(article.id) if article else []
        annotations.sort(key=lambda a: (a.start, a.end))
        self.query_one(NotesPane).show(annotations)

    # --- messages up ------------------------------------------------------------------

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        if self.current is None or self.current.id != message.article_id:
            self._show(self.workspace.corpus.by_id(message.article_id))

    def on_article_list_chosen(self, message: ArticleList.Chosen) -> None:
        self.on_article_list_opened(ArticleList.Opened(message.article_id))
        self.query_one(Reader).focus()

    def on_article_list_edit_requested(self, message: ArticleList.EditRequested) -> None:
        self.action_edit_metadata(message.article_id)

    # --- actions ------------------------------------------------------------------------

    def open_article(self, article_id: str) -> None:
        """Open an article from anywhere (the command palette): highlight it and read it."""
        listing = self.query_one(ArticleList)
        listing.highlighted = listing.get_option_index(article_id)
        self.on_article_list_chosen(ArticleList.Chosen(article_id))

    def action_edit_metadata(self, article_id: str | None = None) -> None:
        article = self.workspace.corpus.by_id(article_id) if article_id else self.current
        if article is None:
            return

        def save(overrides: dict[str, str] | None) -> None:
            if overrides is None:
                return
            try:
                with self.workspace.store.change(f"edit metadata of {article.meta.title}") as change:
                    change.set_overrides(article.id, overrides)
            except NewsreaderError as error:
                self.notify(str(error), title="Not saved", severity="error")
                return
            self._reload_metadata()
            self.notify("Metadata saved.")

        self.push_screen(MetadataScreen(article), save)

    def action_help(self) -> None:
        sections = [
            ("Anywhere", [*binding_rows(self.BINDINGS), ("ctrl+p", "Command palette: every action")]),
            ("Article list", [("↑ / ↓", "Move"), *binding_rows(ArticleList.BINDINGS)]),
            ("Reader", binding_rows(Reader.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def action_focus_pane(self, pane: str) -> None:
        self.query_one(f"#{pane}").focus()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys and commands", "Every key of every pane", self.action_help)
        yield SystemCommand(
            "Edit metadata", "Title, outlet, author, date, URL of the current article", self.action_edit_metadata
        )
        yield SystemCommand(
            "Focus article list", "Move to the article list pane", lambda: self.action_focus_pane("articles")
        )
        yield SystemCommand("Focus reader", "Move to the reader pane", lambda: self.action_focus_pane("reader"))
        yield SystemCommand("Focus notes", "Move to the notes pane", lambda: self.action_focus_pane("notes-list"))
