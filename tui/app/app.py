"""The Textual app: three panes over a Workspace. The app is the one place that writes.

Widgets get their data as attributes and post messages up; every change to the
store goes through ``_write``, which only reports success once the change is on
disk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tui.app.commands import ArticleCommands
from tui.app.typeahead import Typeahead, focus_now
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.notes import Entry, NoteGroup, NotesList, NotesPane
from tui.app.widgets.reader import Reader
from tui.app.widgets.reader_pane import ReaderPane
from tui.core.anchoring import Selector
from tui.core.annotation import COLORS, HIGHLIGHT_HEX, Annotation, normalize_tag, now, unique_tags
from tui.core.article import Article, shorten
from tui.core.atomic import write_export
from tui.core.cleaning import printable
from tui.core.corpus import Corpus
from tui.core.errors import NewsreaderError
from tui.core.passages import Span, selected_passage
from tui.core.store import Change
from tui.core.workspace import Found, Workspace, display_path

if TYPE_CHECKING:  # imported when first used: the compare view, exports and search cost start-up time
    from tui.app.screens.compare import CompareScreen, Counterpart
    from tui.app.screens.export import ExportRequest
    from tui.app.screens.intake import AddArticleScreen, FeedsScreen
    from tui.app.screens.story import StoryScreen
    from tui.core.feeds import Feed, Report
    from tui.core.intake import Added, Intake

SYNC_SECONDS = 2.0
NOTES_MIN_WIDTH = 100  # narrower terminals show the notes pane only on z
LIST_MIN_WIDTH = 70  # narrower still: the reader alone, until z


class NewsreaderApp(App[None]):
    """Article list, reader and notes side by side."""

    CSS_PATH = Path(__file__).parent / "newsreader.tcss"  # absolute: subclasses live elsewhere
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {ArticleCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("u", "undo", "Undo"),
        Binding("E", "export", "Export"),
        Binding("z", "toggle_panes", "Reader only / all panes", show=False),
        Binding("A", "add_article", "Add URL"),
        Binding("ctrl+f", "search", "Search all", show=False),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.current: Article | None = None
        self._reported = 0  # corpus notices already shown
        self._unread: frozenset[str] = frozenset()  # added by the intake, not opened yet
        self.typeahead = Typeahead(self)
        self.panes: Literal["auto", "all", "reader"] = "auto"  # auto: by the terminal's width

    async def on_event(self, event: events.Event) -> None:
        if self.typeahead.take(event):
            return
        await super().on_event(event)
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.typeahead.done(event)  # a priority binding took it: it will not come back up

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {f"hl-{color}": value for color, value in HIGHLIGHT_HEX.items()}

    # --- composition ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield ReaderPane(id="reader-pane")
            yield NotesPane(id="notes")
        yield Footer()

    def _main(self, selector: str | type, expect: type | None = None):
        """Query the three-pane screen, whichever screen is on top (help, compare, a dialog)."""
        screen = self.screen_stack[0]
        return screen.query_one(selector, expect) if expect else screen.query_one(selector)

    @property
    def reader(self) -> Reader:
        """The main screen's reader (the compare view has readers of its own)."""
        return self._main("#reader", Reader)

    @property
    def notes(self) -> NotesPane:
        return self._main(NotesPane)

    def on_mount(self) -> None:
        self._main("#articles").border_title = "Articles"
        self._main("#reader-pane").border_title = "Reader"
        self.notes.border_title = "Notes"
        self._unread = frozenset(self.workspace.store.unread())
        self._refresh_list()
        self._arrange_panes()
        (self._main(ArticleList) if self._main(ArticleList).display else self.reader).focus()
        self._report_notices()
        if self.workspace.corpus.pending:
            self._main("#articles").border_title = f"Articles · reading {len(self.workspace.corpus.pending):,} files…"
            self._read_pending()
        if self.workspace.store.register_session():
            self.notify(
                "Another newsreader has this DB open. Both can work: each change is merged into the file, "
                "and this window picks up the other's changes within a few seconds.",
                title="DB shared",
                severity="warning",
                timeout=10,
            )
        self.set_interval(SYNC_SECONDS, self._sync)

    def on_resize(self, event: events.Resize) -> None:
        self._arrange_panes(event.size.width)  # the event's size: the app's own is not updated yet

    def _arrange_panes(self, width: int | None = None) -> None:
        """Side panes by width (``auto``), or as ``z`` asked: a narrow terminal keeps the reader readable."""
        width = self.size.width if width is None else width
        show_list = self.panes == "all" or (self.panes == "auto" and width >= LIST_MIN_WIDTH)
        show_notes = self.panes == "all" or (self.panes == "auto" and width >= NOTES_MIN_WIDTH)
        for pane, shown in ((self._main("#articles"), show_list), (self.notes, show_notes)):
            if pane.display != shown:
                pane.display = shown
        hidden = [name for name, shown in (("list", show_list), ("notes", show_notes)) if not shown]
        self._main("#reader-pane").border_subtitle = f"z shows the {' and '.join(hidden)}" if hidden else ""
        focused = self.screen_stack[0].focused
        if focused is not None and not all(n.display for n in focused.ancestors_with_self if isinstance(n, Widget)):
            focus_now(self.reader)

    def action_toggle_panes(self) -> None:
        """z: the reader alone, or all three panes (whatever the width)."""
        hidden = not (self._main("#articles").display and self.notes.display)
        self.panes = "all" if hidden else "reader"
        self._arrange_panes()

    def _report_notices(self) -> None:
        """Say what loading skipped or warned about, and what could not be anchored (once each)."""
        notices = self.workspace.corpus.notices[self._reported :]
        self._reported += len(notices)
        skipped = [n for n in notices if n.skipped]
        warned = [n for n in notices if not n.skipped]
        if skipped:
            listed = "\n".join(printable(str(n)) for n in skipped[:5])
            more = f"\n… and {len(skipped) - 5} more (see `newsreader list`)" if len(skipped) > 5 else ""
            self.notify(f"{listed}{more}", title=f"{len(skipped)} file(s) skipped", severity="warning", timeout=8)
        if warned:
            self.notify(
                "\n".join(printable(str(n)) for n in warned[:5]), title="Loaded with warnings", severity="information"
            )
        if self.workspace.corpus.pending:
            return  # the rest is said when every file has been read
        if not self.workspace.corpus.articles:
            self.notify("No articles found. Start newsreader with a folder: newsreader PATH", severity="warning")
        orphans = sum(a.orphaned for a in self.workspace.annotations())
        if orphans:
            self.notify(
                f"{orphans} annotation(s) could not be placed in the current text; they are listed under "
                "Orphans in the notes pane, with their stored quotes.",
                title="Orphaned annotations",
                severity="warning",
                timeout=8,
            )

    @work(thread=True, exclusive=True, group="load")
    def _read_pending(self) -> None:
        """Read the files the cache did not know, in batches, while the list is already usable."""
        pending = list(self.workspace.corpus.pending)
        done = 0
        for batch in Corpus.read_pending(pending):
            done += len(batch)
            self.call_from_thread(self._took, batch, done, len(pending))

    def _took(self, batch: list, done: int, total: int) -> None:
        self.workspace.add_articles(batch, last=done >= total)
        self._refresh_list()
        listing = self._main("#articles")
        listing.border_title = "Articles" if done >= total else f"Articles · read {done:,} of {total:,}…"
        if done >= total:
            self._refresh_annotations()
            self._report_notices()

    def _sync(self) -> None:
        """Pick up changes another process (CLI, second window) wrote to the DB."""
        try:
            changed = self.workspace.store.sync()
        except NewsreaderError as error:
            self.notify(str(error), title="DB problem", severity="error", timeout=15)
            return
        if changed:
            self._refresh_all()

    # --- data flow: attributes down -----------------------------------------------

    def _refresh_all(self) -> None:
        self.workspace.corpus.apply_overrides(self.workspace.store.overrides())
        self._refresh_list()
        if self.current is not None:
            updated = self.workspace.corpus.by_id(self.current.id)
            if updated is not None and updated.meta != self.current.meta:
                self._show(updated)
                return
        self._refresh_annotations()

    def _refresh_list(self) -> None:
        counts = Counter(a.article_id for a in self.workspace.annotations())
        current = self.current.id if self.current else None
        self._main(ArticleList).show(self.workspace.corpus.articles, counts, current=current, new=self._unread)

    def _show(self, article: Article | None) -> None:
        self.current = article
        if article is not None and article.id in self._unread:
            self._mark_read(article.id)
        self.reader.article = article
        self._main("#reader-pane").border_title = (article.meta.outlet if article else "") or "Reader"
        self._refresh_annotations()

    def _refresh_annotations(self) -> None:
        """Give every reader (main and compare columns) its article's annotations; refresh the notes."""
        for screen in self.screen_stack:
            for reader in screen.query(Reader):
                article = reader.article
                reader.annotations = self.workspace.annotations(article.id) if article else []
        self._refresh_notes()

    def _entries(self, annotations: Iterable[Annotation]) -> tuple[list[Entry], list[Entry]]:
        """Entries in reading order, then orphans; after the pane's filter."""
        names = self.workspace.store.color_names()
        wanted = self.notes.filter
        placed, orphans = [], []
        for annotation in sorted(annotations, key=lambda a: (a.start, a.end)):
            if wanted is not None and not (
                annotation.color == wanted if wanted in COLORS else annotation.has_tag(wanted[1:])
            ):
                continue
            quote = self.workspace.quote_of(annotation)
            entry = Entry(annotation, quote, f"{annotation.color}: {names[annotation.color]}")
            (orphans if annotation.orphaned else placed).append(entry)
        return placed, orphans

    def _refresh_notes(self) -> None:
        pane = self.notes
        groups: list[NoteGroup] = []
        if pane.scope == "all":
            by_article: dict[str, list[Annotation]] = {}
            for annotation in self.workspace.annotations():
                if self.workspace.article_of(annotation) is not None:
                    by_article.setdefault(annotation.article_id, []).append(annotation)
            for article in self.workspace.corpus.articles:
                if article.id in by_article:
                    placed, orphans = self._entries(by_article[article.id])
                    title = f"{article.meta.outlet or article.file_name} — {shorten(article.meta.title, 60)}"
                    groups.append(NoteGroup(title, placed + orphans))
        elif self.current is not None:
            placed, orphans = self._entries(self.workspace.annotations(self.current.id))
            groups = [NoteGroup("", placed), NoteGroup("Orphans — not found in the current text", orphans)]
        label = ""
        if pane.filter is not None:
            label = (
                pane.filter
                if pane.filter.startswith("#")
                else f"{pane.filter} ({self.workspace.store.color_names()[pane.filter]})"
            )
        pane.show(groups, filter_label=label)
        under = self.reader.annotation_at(self.reader.cursor)
        if under is not None and not pane.has_focus_within:  # in the notes pane, its cursor stays put
            pane.highlight(under.id)

    # --- writing ------------------------------------------------------------------------

    def _write(self, label: str, apply: Callable[[Change], object]) -> bool:
        """Apply one change durably, then refresh; False (and a message) if it failed."""
        try:
            with self.workspace.store.change(label) as change:
                apply(change)
        except NewsreaderError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
            return False
        except OSError as error:
            self.notify(f"{self.workspace.store.path}: {error}", title="Not saved", severity="error", timeout=15)
            return False
        self._refresh_list()
        self._refresh_annotations()
        return True

    def _create(self, reader: Reader, span: Span, **values: object) -> Annotation | None:
        """Annotate a passage of the article ``reader`` shows."""
        article = reader.article
        passage = selected_passage(article.text, span) if article is not None else None
        if article is None or passage is None:
            self.notify("The selection is only whitespace.", severity="warning")
            return None
        annotation = Annotation.new(article.id, article.location, Selector.of(article.text, *passage), **values)
        if self._write("highlight", lambda change: change.put(annotation)):
            reader.action_clear_selection()  # and the find marks: the passage is marked now
            reader.move_cursor(passage.start)
            return annotation
        return None

    def _edit(self, annotation_id: str, label: str, **values: object) -> bool:
        return self._write(label, lambda change: change.edit(annotation_id, **values))

    # --- messages up ------------------------------------------------------------------

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        if self.current is None or self.current.id != message.article_id:
            self._show(self.workspace.corpus.by_id(message.article_id))

    def on_article_list_chosen(self, message: ArticleList.Chosen) -> None:
        self.on_article_list_opened(ArticleList.Opened(message.article_id))
        focus_now(self.reader)

    def on_article_list_edit_requested(self, message: ArticleList.EditRequested) -> None:
        self.action_edit_metadata(message.article_id)

    def on_reader_selection_changed(self, message: Reader.SelectionChanged) -> None:
        under = message.reader.annotation_at(message.cursor)
        if under is not None:
            self.notes.highlight(under.id)

    def on_reader_annotation_requested(self, message: Reader.AnnotationRequested) -> None:
        action, selection, target = message.action, message.selection, message.annotation
        if target is None and selection is None:
            verb = {"delete": "There is no annotation under the cursor to delete."}.get(
                action, "Select a passage first: v selects a sentence, shift+arrows or a mouse drag select text."
            )
            self.notify(verb, severity="warning")
            return
        if action == "highlight":
            color = message.color or "yellow"
            if target is not None:
                self._edit(target.id, "recolor", color=color)
            elif selection is not None:
                self._create(message.reader, selection, color=color)
        elif action == "delete":
            if target is not None:
                self._delete(target.id)
        else:
            self._ask(action, target, selection, message.reader)

    def on_article_list_compare_requested(self, message: ArticleList.CompareRequested) -> None:
        ids = message.article_ids
        if len(ids) < 2:
            self.notify("Mark two or three articles with space, then press c.", severity="warning")
        elif len(ids) > 3:
            self.notify(
                f"{len(ids)} articles are marked; compare two or three at a time (space unmarks).", severity="warning"
            )
        elif message.view == "story":
            self.story_table(ids)
        else:
            self.compare(ids)

    def story_table(self, article_ids: list[str]) -> None:
        """Open the story table on two or three articles: a row per shared fact, a column per outlet."""
        articles = [a for a in map(self.workspace.corpus.by_id, article_ids) if a is not None]
        if len(articles) < 2:
            return
        from tui.app.screens.story import StoryScreen
        from tui.core.alignment import align

        self.push_screen(StoryScreen(align(articles)))

    def on_story_screen_compare_requested(self, message: StoryScreen.CompareRequested) -> None:
        from tui.app.screens.compare import CompareScreen

        self.push_screen(CompareScreen(message.alignment, group=message.group, unique=message.unique))
        self.call_after_refresh(self._refresh_annotations)

    def on_story_screen_export_requested(self, message: StoryScreen.ExportRequested) -> None:
        """Write the story table as Markdown beside the DB, named by the articles' ids."""
        from tui.core.atomic import write_export
        from tui.core.story import markdown

        ids = "-".join(a.id[:6] for a in message.alignment.articles)
        path = self.workspace.store.path.parent / f"story-table-{ids}.md"
        try:
            write_export(path, markdown(message.alignment).encode(), db=self.workspace.store.path)
        except NewsreaderError as error:
            self.notify(str(error), title="Not exported", severity="error", timeout=15)
            return
        self.notify(f"Story table written to {path}", title="Exported")

    def compare(self, article_ids: list[str]) -> None:
        """Open the compare view on two or three articles."""
        articles = [a for a in map(self.workspace.corpus.by_id, article_ids) if a is not None]
        if len(articles) < 2:
            return
        from tui.app.screens.compare import CompareScreen
        from tui.core.alignment import align

        self.push_screen(CompareScreen(align(articles)))
        self.call_after_refresh(self._refresh_annotations)

    def on_compare_screen_mirror_requested(self, message: CompareScreen.MirrorRequested) -> None:
        """Highlight or tag a passage and its counterparts: one annotation per article, one undo step."""
        from tui.app.screens.annotate import TagScreen

        passages = message.passages
        if message.action == "tag":
            known = self.workspace.store.tags()
            quote = self._quote(None, passages[0].span, passages[0].reader)
            self.push_screen(
                TagScreen(quote, (), known), lambda tags: self._mirror(passages, tags=tags) if tags else None
            )
        else:
            self._mirror(passages, color="yellow")

    def _mirror(self, passages: list[Counterpart], **values: object) -> None:
        plan: list[Annotation] = []
        for passage in passages:
            article = passage.reader.article
            span = selected_passage(article.text, passage.span) if article is not None else None
            if article is None or span is None:
                continue
            same = [a for a in self.workspace.annotations(article.id) if (a.start, a.end) == tuple(span)]
            if same and "tags" in values:
                merged = unique_tags((*same[0].tags, *values["tags"]))  # type: ignore[misc]
                plan.append(same[0].edited(tags=merged))
            elif same:
                plan.append(same[0].edited(**values))
            else:
                plan.append(Annotation.new(article.id, article.location, Selector.of(article.text, *span), **values))
        label = "tag with counterparts" if "tags" in values else "highlight with counterparts"
        if plan and self._write(label, lambda change: [change.put(a) for a in plan]):
            self.notify(f"{label.capitalize()}: {len(plan)} passage(s) in {len(plan)} article(s). u undoes all.")

    def on_notes_pane_jump(self, message: NotesPane.Jump) -> None:
        annotation = self.workspace.store.annotation(message.annotation_id)
        if annotation is None:
            return
        if annotation.orphaned:
            self.notify(
                f"Orphaned: “{shorten(annotation.selector.exact, 100)}” is not in the current text.", severity="warning"
            )
            return
        if self.workspace.article_of(annotation) is None:
            self.notify(f"Its article is not open in this session: {annotation.path}", severity="warning")
            return
        if self.current is None or self.current.id != annotation.article_id:
            self.open_article(annotation.article_id, focus=False)
        self.reader.select(Span(annotation.start, annotation.end), cursor_at_end=False, to_top=True)
        focus_now(self.reader)

    def on_notes_pane_action_requested(self, message: NotesPane.ActionRequested) -> None:
        annotation = self.workspace.store.annotation(message.annotation_id)
        if annotation is None:
            return
        if message.action == "delete":
            self._delete(annotation.id)
        else:
            self._ask(message.action, annotation, None, self.reader)

    def on_notes_pane_filter_requested(self, message: NotesPane.FilterRequested) -> None:
        self.action_filter_notes()

    def on_notes_pane_view_changed(self, message: NotesPane.ViewChanged) -> None:
        self._refresh_notes()

    # --- annotation dialogs ------------------------------------------------------------

    def _quote(self, annotation: Annotation | None, selection: Span | None, reader: Reader) -> str:
        if annotation is not None:
            return self.workspace.quote_of(annotation)
        if reader.article is not None and selection is not None:
            return reader.article.text[selection.start : selection.end]
        return ""

    def _ask(self, action: str, annotation: Annotation | None, selection: Span | None, reader: Reader) -> None:
        """Open the tag or note dialog; save to the annotation, or create one on the selection."""
        from tui.app.screens.annotate import NoteScreen, TagScreen

        quote = self._quote(annotation, selection, reader)
        field = "tags" if action == "tag" else "note"

        def ask(value: tuple[str, ...] | str) -> None:
            if action == "tag":
                self.push_screen(TagScreen(quote, value, self.workspace.store.tags()), done)  # type: ignore[arg-type]
            else:
                self.push_screen(NoteScreen(quote, value), done)  # type: ignore[arg-type]

        def done(value: tuple[str, ...] | str | None) -> None:
            if value is None:
                return
            if annotation is not None:
                saved = self._edit(annotation.id, action, **{field: value})
            else:
                saved = selection is not None and self._create(reader, selection, **{field: value}) is not None
            if not saved:  # the write failed and said so: the typed text stays on screen, to retry or drop
                ask(value)

        if annotation is not None:
            ask(annotation.tags if action == "tag" else annotation.note)
        elif not quote.strip():
            self.notify("The selection is only whitespace.", severity="warning")
        elif action in ("tag", "note"):
            ask(() if action == "tag" else "")

    def _delete(self, annotation_id: str) -> None:
        if self._write("delete", lambda change: change.delete(annotation_id)):
            self.notify("Annotation deleted. Press u to undo.")

    # --- actions ------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._walk_history(undo=True)

    def action_redo(self) -> None:
        self._walk_history(undo=False)

    def _walk_history(self, *, undo: bool) -> None:
        try:
            step = self.workspace.store.undo() if undo else self.workspace.store.redo()
        except (NewsreaderError, OSError) as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
            return
        if step is None:
            self.notify("Nothing to undo." if undo else "Nothing to redo.", timeout=2)
            return
        self.workspace.reanchor(step.annotations)  # an undone change may predate an edit of the article
        self._refresh_all()
        self.notify(f"{'Undid' if undo else 'Redid'}: {step}")

    def open_article(self, article_id: str, *, focus: bool = True) -> None:
        """Open an article from anywhere (palette, notes): highlight it in the list and read it."""
        listing = self._main(ArticleList)
        index = listing.index_of(article_id)
        if index is None:
            return
        listing.highlighted = index
        self.on_article_list_opened(ArticleList.Opened(article_id))
        if focus:
            focus_now(self.reader)

    def action_edit_metadata(self, article_id: str | None = None) -> None:
        from tui.app.screens.metadata import MetadataScreen

        article = self.workspace.corpus.by_id(article_id) if article_id else self.current
        if article is None:
            return

        def save(overrides: dict[str, str] | None) -> None:
            if overrides is not None and self._write(
                f"edit metadata of {shorten(article.meta.title, 40)}",
                lambda change: change.set_overrides(article.id, overrides),
            ):
                self._refresh_all()
                self.notify("Metadata saved.")

        self.push_screen(MetadataScreen(article), save)

    def action_export(self) -> None:
        from tui.app.screens.export import ExportScreen

        article = self.current
        screen = ExportScreen(
            folder=self.workspace.store.path.parent,
            article_id=article.id if article else None,
            article_name=shorten(article.meta.title or article.file_name, 40) if article else "",
            tags=self.workspace.store.tags(),
            names=self.workspace.store.color_names(),
            write=self._export,
        )
        self.push_screen(screen)

    def _export(self, request: ExportRequest) -> str | None:
        """Write what the export dialog asks for: None once written, else why not (the dialog
        stays open with the reason, so the user's choices are not lost)."""
        from tui.core.export import Scope, collect, markdown, w3c

        workspace = self.workspace
        scope = {
            "article": lambda: Scope(articles=[a for a in [workspace.corpus.by_id(request.value)] if a]),
            "tag": lambda: Scope(tags=[request.value]),
            "color": lambda: Scope(colors=[request.value]),
        }.get(request.kind, Scope)()
        items = collect(workspace, scope)
        if request.format == "json":
            data = w3c(items, scope=scope, edits=workspace.store.overrides())
        else:
            data = markdown(items, scope=scope, exported=now(), color_names=workspace.store.color_names()).encode()
        try:
            write_export(request.path, data, db=workspace.store.path)
        except NewsreaderError as error:
            return str(error)
        problems = sum(i.changed or i.annotation.orphaned for i in items)
        warning = f"\n{problems} quote(s) changed or orphaned: marked in the file." if problems else ""
        self.notify(
            f"Exported {len(items)} annotation(s) to {display_path(request.path)}{warning}",
            severity="warning" if problems else "information",
        )
        return None

    def _write_file(self, path: Path, data: bytes) -> bool:
        """Write an export atomically (never over the DB's files); False, and a message, if not."""
        try:
            write_export(path, data, db=self.workspace.store.path)
        except NewsreaderError as error:
            self.notify(str(error), title="Not exported", severity="error", timeout=15)
            return False
        return True

    def action_search(self) -> None:
        def go(found: Found | None) -> None:
            if found is None:
                return
            if found.annotation is not None:
                self.on_notes_pane_jump(NotesPane.Jump(found.annotation.id))
            elif found.article is not None:
                self.open_article(found.article.id)
                self.reader.select(found.hit.span, to_top=True)

        from tui.app.screens.search import SearchScreen

        self.push_screen(SearchScreen(self.workspace), go)

    def action_tag_overview(self) -> None:
        from tui.app.screens.export import OverviewScreen
        from tui.core.export import Scope, collect, overview, overview_markdown

        view = overview(collect(self.workspace, Scope()))

        def write(chosen: bool | None) -> None:
            path = self.workspace.store.path.parent / "tag-overview.md"
            if chosen and self._write_file(path, overview_markdown(view).encode()):
                self.notify(f"Wrote the tag overview to {display_path(path)}")

        self.push_screen(OverviewScreen(view), write)

    def action_filter_notes(self) -> None:
        from tui.app.screens.prompts import ChoiceScreen

        names = self.workspace.store.color_names()
        choices: list[tuple[Content | str, str]] = [("Show everything", "")]
        choices += [(Content.assemble((f"▌{color} ", f"bold $hl-{color}"), names[color]), color) for color in COLORS]
        choices += [(f"#{tag}", f"#{tag}") for tag in self.workspace.store.tags()]

        def chosen(value: str | None) -> None:
            if value is not None:
                self.notes.filter = value or None

        self.push_screen(ChoiceScreen("Filter notes by color or tag", choices), chosen)

    def action_name_colors(self) -> None:
        from tui.app.screens.prompts import ColorNamesScreen

        def save(names: dict[str, str] | None) -> None:
            if names is not None and self._write("name colors", lambda change: change.set_color_names(names)):
                self.notify("Color names saved.")

        self.push_screen(ColorNamesScreen(self.workspace.store.color_names()), save)

    def _choose_tag(self, title: str, then: Callable[[str], None], exclude: str | None = None) -> None:
        from tui.app.screens.prompts import ChoiceScreen

        tags = [t for t in self.workspace.store.tags() if t != exclude]
        if not tags:
            self.notify("No tags yet: press t in the reader to tag a passage.")
            return
        self.push_screen(
            ChoiceScreen(title, [(f"#{t}", t) for t in tags]), lambda tag: then(tag) if tag is not None else None
        )

    def _retag(self, label: str, old: str, new: str | None) -> None:
        counted: list[int] = []
        if self._write(label, lambda change: counted.append(change.retag(old, new))):
            self.notify(f"{label}: {counted[0]} annotation(s) changed. Press u to undo.")

    def action_rename_tag(self) -> None:
        from tui.app.screens.prompts import PromptScreen

        def rename(old: str) -> None:
            def to(new: str | None) -> None:
                new = normalize_tag(new or "")
                if new and new != old:
                    self._retag(f"rename #{old} to #{new}", old, new)

            self.push_screen(PromptScreen(f"Rename #{old} to", old), to)

        self._choose_tag("Rename which tag?", rename)

    def action_merge_tags(self) -> None:
        def merge(source: str) -> None:
            self._choose_tag(
                f"Merge #{source} into which tag?",
                lambda target: self._retag(f"merge #{source} into #{target}", source, target),
                exclude=source,
            )

        self._choose_tag("Merge which tag (it disappears)?", merge)

    def action_delete_tag(self) -> None:
        self._choose_tag(
            "Delete which tag (from every annotation)?", lambda tag: self._retag(f"delete #{tag}", tag, None)
        )

    def action_help(self) -> None:
        from tui.app.screens.compare import CompareReader
        from tui.app.screens.help import HelpScreen, binding_rows
        from tui.app.screens.story import StoryScreen

        names = self.workspace.store.color_names()
        colors = [(str(number), f"{color}: {names[color]}") for number, color in enumerate(COLORS, 1)]
        sections = [
            ("Anywhere", [*binding_rows(self.BINDINGS), ("ctrl+p", "Command palette: every action")]),
            ("Article list", binding_rows(ArticleList.BINDINGS)),
            ("Reader", binding_rows(Reader.BINDINGS)),
            ("Notes pane", binding_rows(NotesList.BINDINGS)),
            ("Compare view (c in the article list)", binding_rows(CompareReader.BINDINGS)),
            ("Story table (ctrl+p → Story table)", binding_rows(StoryScreen.BINDINGS)),
            ("Highlight colors (name them: ctrl+p → Name the highlight colors)", colors),
        ]
        self.push_screen(HelpScreen(sections))

    def action_focus_pane(self, pane: str) -> None:
        self._main(f"#{pane}").focus()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = [
            ("Help: keys and commands", "Every key of every pane", self.action_help),
            ("Undo", "Undo the last annotation change", self.action_undo),
            ("Redo", "Redo the change undone last", self.action_redo),
            ("Edit metadata", "Title, outlet, author, date, URL of the current article", self.action_edit_metadata),
            (
                "Export annotations",
                "Markdown or W3C JSON: this article, a tag, a color, everything",
                self.action_export,
            ),
            ("Tag overview", "For each tag, how many passages each outlet has", self.action_tag_overview),
            (
                "Search all articles",
                "Every article, and the annotations' quotes, notes and tags (ctrl+f)",
                self.action_search,
            ),
            ("Compare sources", "Marked articles (or the current and next) side by side", self._compare_marked),
            (
                "Story table",
                "Marked articles (or the current and next): a row per shared fact, a column per outlet",
                self.action_story_table,
            ),
            ("Add article from URL", "Fetch a page and add its article with its metadata (A)", self.action_add_article),
            ("Refresh feeds", "Add the new items of every feed (newsreader feed add URL)", self.action_refresh_feeds),
            ("Filter notes", "Show only annotations of one color or tag", self.action_filter_notes),
            ("Notes: this article / all articles", "Toggle the notes pane's scope", self._toggle_scope),
            ("Rename tag", "Rename a tag on every annotation", self.action_rename_tag),
            ("Merge tags", "Fold one tag into another", self.action_merge_tags),
            ("Delete tag", "Remove a tag from every annotation", self.action_delete_tag),
            ("Name the highlight colors", "Say what yellow, red, green, blue, purple mean", self.action_name_colors),
            ("Focus article list", "Move to the article list pane", partial(self.action_focus_pane, "articles")),
            ("Focus reader", "Move to the reader pane", partial(self.action_focus_pane, "reader")),
            ("Focus notes", "Move to the notes pane", partial(self.action_focus_pane, "notes-list")),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)

    # --- bringing the news in ----------------------------------------------------------------

    def _articles_folder(self) -> Path:
        from tui.core.intake import articles_folder

        return articles_folder(self.workspace.store.path)

    def _intake(self) -> Intake:
        """An intake that knows this session's articles (a new one per task: no state shared across threads)."""
        from tui.core.intake import Intake

        return Intake.over(list(self.workspace.corpus.articles), self._articles_folder())

    def _mark_read(self, article_id: str) -> None:
        self._unread = self._unread - {article_id}
        try:
            self.workspace.store.mark_read(article_id)
        except NewsreaderError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
        self._refresh_list()

    def _take_added(self, added: list[Added]) -> None:
        """New articles from the intake join the list, marked new, and their folder joins the workspace."""
        fresh = [a.article for a in added if a.new and self.workspace.corpus.by_id(a.id) is None]
        if not fresh:
            return
        self.workspace.add_articles([(article, None) for article in fresh], last=False)
        self._unread = self._unread | {a.id for a in fresh}
        try:
            self.workspace.store.add_intake_folder(str(self._articles_folder().resolve()))
            self.workspace.store.mark_unread(a.id for a in fresh)
        except NewsreaderError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
        self._refresh_list()

    def action_add_article(self) -> None:
        from tui.app.screens.intake import AddArticleScreen

        self.push_screen(AddArticleScreen(display_path(self._articles_folder())))

    def on_add_article_screen_submitted(self, message: AddArticleScreen.Submitted) -> None:
        self._fetch_article(message.screen, message.url)

    @work(thread=True, group="intake")
    def _fetch_article(self, screen: AddArticleScreen, url: str) -> None:
        """Fetch, extract and save in a worker thread; the dialog shows each stage."""
        from tui.core.intake import Cancelled

        def progress(stage: str) -> None:
            if screen.cancelled:
                raise Cancelled
            self.call_from_thread(setattr, screen, "stage", stage)

        try:
            with self._intake() as intake:
                added = intake.add_url(url, progress=progress)
        except Cancelled:
            return
        except NewsreaderError as error:
            self.call_from_thread(screen.failed, str(error))
            return
        self.call_from_thread(self._article_added, screen, added)

    def _article_added(self, screen: AddArticleScreen, added: Added) -> None:
        self._take_added([added])
        if screen.is_attached:
            screen.dismiss(None)
        self.open_article(added.id, focus=False)
        focus_now(self._main(ArticleList))
        article = added.article
        what = " · ".join(p for p in (article.meta.outlet, shorten(article.meta.title, 70)) if p)
        if added.new:
            self.notify(f"{what}\nsaved as {display_path(article.path)}", title="Article added")
        else:
            self.notify(f"{what} ({display_path(article.path)})", title="Already added")

    def action_refresh_feeds(self) -> None:
        from tui.app.screens.intake import FeedsScreen
        from tui.core.feeds import Feed

        feeds = sorted(
            (Feed.from_doc(key, doc) for key, doc in self.workspace.store.feeds().items()),
            key=lambda f: f.name.lower(),
        )
        if not feeds:
            self.notify("No feeds yet. Subscribe from the shell: newsreader feed add URL", severity="warning")
            return
        screen = FeedsScreen(len(feeds))
        self.push_screen(screen)
        self._refresh_feeds(screen, feeds)

    @work(thread=True, exclusive=True, group="feeds")
    def _refresh_feeds(self, screen: FeedsScreen, feeds: list[Feed]) -> None:
        """Each feed in turn, in a worker thread; state and articles are taken in on the app's thread."""
        from tui.core.feeds import refresh

        summaries: list[str] = []
        with self._intake() as intake:
            for feed in feeds:

                def progress(item: str, done: int, total: int, name: str = feed.name) -> None:
                    self.call_from_thread(screen.progress, name, item, done, total)

                report, state = refresh(feed, intake, progress=progress)
                self.call_from_thread(self._feed_refreshed, screen, report, state)
                summaries.append(report.summary())
        self.call_from_thread(self._feeds_done, screen, summaries)

    def _feed_refreshed(self, screen: FeedsScreen, report: Report, state: Feed) -> None:
        try:
            with self.workspace.store.change(f"refresh feed {state.name}", record=False) as change:
                if state.id in self.workspace.store.feeds():  # not removed meanwhile
                    change.set_feed(state.id, state.to_doc())
        except NewsreaderError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
        self._take_added(report.added)
        screen.summary(report.summary())

    def _feeds_done(self, screen: FeedsScreen, summaries: list[str]) -> None:
        screen.finished()
        failed = any(": failed: " in line or " failed: " in line for line in summaries)
        self.notify(
            "\n".join(printable(line) for line in summaries),
            title="Feeds refreshed",
            severity="warning" if failed else "information",
            timeout=10,
        )

    def _compare_marked(self) -> None:
        self._main(ArticleList).action_compare()

    def action_story_table(self) -> None:
        self._main(ArticleList).action_compare("story")

    def _toggle_scope(self) -> None:
        self.notes.scope = "all" if self.notes.scope == "article" else "article"
