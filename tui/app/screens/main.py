"""The main screen: article list, reader and notes side by side.

It shows what the app's Workspace holds and turns the panes' messages into the app's writes and
dialogs; the app stays the one place that writes.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tui.app.typeahead import at_once, focus_now
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.notes import Entry, NoteGroup, NotesPane
from tui.app.widgets.reader import Reader
from tui.app.widgets.reader_pane import ReaderPane
from tui.core.annotation import Annotation
from tui.core.article import Article, shorten
from tui.core.passages import Span
from tui.core.plans import notes_view

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tui.app.app import NewsreaderApp

NOTES_MIN_WIDTH = 100  # narrower terminals show the notes pane only on z
LIST_MIN_WIDTH = 70  # narrower still: the reader alone, until z

# The keys of every screen (the app's bindings); on this one they act before the next key is looked at.
ANYWHERE = [
    Binding("q", "app.quit", "Quit"),
    Binding("question_mark", "app.help", "Help", key_display="?"),
    Binding("u", "app.undo", "Undo"),
    Binding("E", "app.export", "Export"),
    Binding("z", "app.toggle_panes", "Reader only / all panes", show=False),
    Binding("A", "app.add_article", "Add URL"),
    Binding("ctrl+f", "app.search", "Search all", show=False),
    Binding("ctrl+r", "app.redo", "Redo", show=False),
    Binding("tab", "app.focus_next", "Next pane", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
]


class MainScreen(Screen[None]):
    """The three panes; ``current`` is the article the reader shows."""

    BINDINGS = at_once(ANYWHERE)
    AUTO_FOCUS = "ArticleList"  # as the screen is composed: the first key finds it (arrange_panes may move it)

    def __init__(self) -> None:
        super().__init__()
        self.current: Article | None = None
        self.panes: Literal["auto", "all", "reader"] = "auto"  # auto: by the terminal's width

    @property
    def news(self) -> NewsreaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield ReaderPane(id="reader-pane")
            yield NotesPane(id="notes")
        yield Footer()

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reader(self) -> Reader:
        """The reader of this screen (the compare view has readers of its own)."""
        return self.query_one("#reader", Reader)

    @property
    def notes(self) -> NotesPane:
        return self.query_one(NotesPane)

    def on_mount(self) -> None:
        self.articles.border_title = "Articles"
        self.query_one(ReaderPane).border_title = "Reader"
        self.notes.border_title = "Notes"
        self.refresh_list()
        self.arrange_panes(self.app.size.width)
        if pending := self.news.workspace.corpus.pending:
            self.articles.border_title = f"Articles · reading {len(pending):,} files…"
            self.news.read_pending()

    # --- layout ---------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.arrange_panes(event.size.width)

    def arrange_panes(self, width: int | None = None) -> None:
        """Side panes by width (``auto``), or as ``z`` asked: a narrow terminal keeps the reader readable."""
        width = self.app.size.width if width is None else width
        show_list = self.panes == "all" or (self.panes == "auto" and width >= LIST_MIN_WIDTH)
        show_notes = self.panes == "all" or (self.panes == "auto" and width >= NOTES_MIN_WIDTH)
        for pane, shown in ((self.articles, show_list), (self.notes, show_notes)):
            if pane.display != shown:
                pane.display = shown
        hidden = [name for name, shown in (("list", show_list), ("notes", show_notes)) if not shown]
        self.query_one(ReaderPane).border_subtitle = f"z shows the {' and '.join(hidden)}" if hidden else ""
        focused = self.focused
        if focused is not None and not all(n.display for n in focused.ancestors_with_self if isinstance(n, Widget)):
            focus_now(self.reader)

    def toggle_panes(self) -> None:
        """z: the reader alone, or all three panes (whatever the width)."""
        hidden = not (self.articles.display and self.notes.display)
        self.panes = "all" if hidden else "reader"
        self.arrange_panes()

    # --- attributes down --------------------------------------------------------------------

    def refresh_list(self) -> None:
        workspace = self.news.workspace
        counts = Counter(a.article_id for a in workspace.annotations())
        current = self.current.id if self.current else None
        self.articles.show(workspace.corpus.articles, counts, current=current, new=self.news.unread)

    def show(self, article: Article | None) -> None:
        """Read ``article`` (its annotations and the notes follow)."""
        self.current = article
        if article is not None and article.id in self.news.unread:
            self.news.mark_read(article.id)
        self.reader.article = article
        self.query_one(ReaderPane).border_title = (article.meta.outlet if article else "") or "Reader"
        self.news.refresh_annotations()

    def _entries(self, annotations: Iterable[Annotation], names: dict[str, str]) -> tuple[list[Entry], list[Entry]]:
        """Entries in reading order, then orphans; after the pane's filter (``names``: the colors')."""
        workspace = self.news.workspace

        def entry(annotation: Annotation) -> Entry:
            return Entry(annotation, workspace.quote_of(annotation), f"{annotation.color}: {names[annotation.color]}")

        placed, orphans = notes_view(annotations, self.notes.filter)
        return [entry(a) for a in placed], [entry(a) for a in orphans]

    def refresh_notes(self) -> None:
        workspace, pane = self.news.workspace, self.notes
        names = workspace.store.color_names()
        groups: list[NoteGroup] = []
        if pane.scope == "all":
            by_article: dict[str, list[Annotation]] = {}
            for annotation in workspace.annotations():
                by_article.setdefault(annotation.article_id, []).append(annotation)
            for article in workspace.corpus.articles:  # an annotation on no loaded article is not listed
                if article.id in by_article:
                    placed, orphans = self._entries(by_article[article.id], names)
                    title = f"{article.meta.outlet or article.file_name} — {shorten(article.meta.title, 60)}"
                    groups.append(NoteGroup(title, placed + orphans))
        elif self.current is not None:
            placed, orphans = self._entries(workspace.annotations(self.current.id), names)
            groups = [NoteGroup("", placed), NoteGroup("Orphans — not found in the current text", orphans)]
        label = ""
        if pane.filter is not None:
            label = pane.filter if pane.filter.startswith("#") else f"{pane.filter} ({names[pane.filter]})"
        pane.show(groups, filter_label=label)
        under = self.reader.annotation_at(self.reader.cursor)
        if under is not None and not pane.has_focus_within:  # in the notes pane, its cursor stays put
            pane.highlight(under.id)

    # --- going places -------------------------------------------------------------------------

    def open_article(self, article_id: str, *, focus: bool = True) -> None:
        """Highlight an article in the list and read it; with ``focus``, the reader takes the keys."""
        index = self.articles.index_of(article_id)
        if index is None:
            return
        self.articles.highlighted = index
        self.read(article_id)
        if focus:
            focus_now(self.reader)

    def read(self, article_id: str) -> None:
        if self.current is None or self.current.id != article_id:
            self.show(self.news.workspace.corpus.by_id(article_id))

    def jump_to(self, annotation_id: str) -> None:
        """Select an annotation's passage in the reader (opening its article), or say why not."""
        workspace = self.news.workspace
        annotation = workspace.store.annotation(annotation_id)
        if annotation is None:
            return
        if annotation.orphaned:
            self.notify(
                f"Orphaned: “{shorten(annotation.selector.exact, 100)}” is not in the current text.", severity="warning"
            )
            return
        if workspace.article_of(annotation) is None:
            self.notify(f"Its article is not open in this session: {annotation.path}", severity="warning")
            return
        if self.current is None or self.current.id != annotation.article_id:
            self.open_article(annotation.article_id, focus=False)
        self.reader.select(Span(annotation.start, annotation.end), cursor_at_end=False, to_top=True)
        focus_now(self.reader)

    # --- messages up --------------------------------------------------------------------------

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.read(message.article_id)

    def on_article_list_chosen(self, message: ArticleList.Chosen) -> None:
        self.read(message.article_id)
        focus_now(self.reader)

    def on_article_list_edit_requested(self, message: ArticleList.EditRequested) -> None:
        self.news.edit_metadata(message.article_id)

    def on_article_list_compare_requested(self, message: ArticleList.CompareRequested) -> None:
        ids = message.article_ids
        if len(ids) < 2:
            self.notify("Mark two or three articles with space, then press c.", severity="warning")
        elif len(ids) > 3:
            self.notify(
                f"{len(ids)} articles are marked; compare two or three at a time (space unmarks).", severity="warning"
            )
        elif message.view == "story":
            self.news.story_table(ids)
        else:
            self.news.compare(ids)

    def on_reader_selection_changed(self, message: Reader.SelectionChanged) -> None:
        under = message.reader.annotation_at(message.cursor)
        if under is not None:
            self.notes.highlight(under.id)

    def on_notes_pane_jump(self, message: NotesPane.Jump) -> None:
        self.jump_to(message.annotation_id)

    def on_notes_pane_action_requested(self, message: NotesPane.ActionRequested) -> None:
        self.news.act_on(message.action, message.annotation_id)

    def on_notes_pane_filter_requested(self, message: NotesPane.FilterRequested) -> None:
        self.news.action_filter_notes()

    def on_notes_pane_view_changed(self, message: NotesPane.ViewChanged) -> None:
        self.refresh_notes()
