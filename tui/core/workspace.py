"""Where things live: the workspace's DB, the folders it reads, the bundled seeds."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tui.core.anchoring import Selector, anchor
from tui.core.annotation import Annotation
from tui.core.article import Article
from tui.core.cleaning import printable
from tui.core.corpus import Corpus, Notice
from tui.core.errors import NewsreaderError, UsageError
from tui.core.index import Index
from tui.core.passages import Span
from tui.core.search import FoldedTexts, Hit, excerpt_around, fold_same_length, line_match, term_patterns, terms
from tui.core.store import Store

DB_ENV = "NEWSREADER_DB"
DEFAULT_DB = Path("annotations") / "newsreader.json"


def db_path(option: str | None = None) -> Path:
    """``--db`` wins, then ``$NEWSREADER_DB``, then ``annotations/newsreader.json`` here."""
    value = option or os.environ.get(DB_ENV)
    return Path(value).expanduser() if value else DEFAULT_DB


def cache_folder(db: Path) -> Path:
    """Derived data (never the only copy of anything: the index) lives beside the DB."""
    return db.parent / ".newsreader-cache"


def bundled_seeds() -> Path:
    """The sample articles: packaged inside ``tui`` by a wheel, beside it in a checkout."""
    packaged = Path(str(resources.files("tui"))) / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def display_path(path: Path | str, real: str | None = None) -> str:
    """A path as a user would type it: relative to here when inside, ``~`` for home.

    ``real`` is the path resolved, when known (an article's ``location``): listing 10,000
    articles then resolves none. File names are outside input: control characters (an
    escape, a newline) are shown escaped.
    """
    try:
        real = real or os.path.realpath(path)
        here = _resolved(os.getcwd())
    except (OSError, ValueError):
        return printable(str(path))
    if real == here:
        shown = "."
    elif real.startswith(here.rstrip(os.sep) + os.sep):
        shown = real[len(here.rstrip(os.sep)) + 1 :]
    elif real.startswith(home := os.path.expanduser("~").rstrip(os.sep) + os.sep):
        shown = "~/" + real[len(home) :]
    else:
        shown = str(path)
    return printable(shown)


@lru_cache(maxsize=8)
def _resolved(folder: str) -> str:
    return os.path.realpath(folder)


def _searchable(annotation: Annotation) -> str:
    """What a search sees of an annotation: quote, note and tags on one line (one "paragraph"),
    so a query can match its words across them."""
    parts = [annotation.selector.exact, annotation.note, " ".join(f"#{t}" for t in annotation.tags)]
    return " — ".join(" ".join(part.split()) for part in parts if part.strip())


def _store_placed(store: Store, corpus: Corpus, updates: list[tuple[Annotation, Annotation]]) -> None:
    """Store re-anchored annotations over the versions that were anchored.

    Anchoring a large corpus takes a while, and another process may have changed an
    annotation meanwhile: write only over the version that was anchored (compare and set,
    inside the locked change, after the store has re-read the DB); anchor a newer version
    again; leave a deleted one deleted.
    """
    with store.change("re-anchor", record=False) as change:
        for read, placed in updates:
            current = store.annotation(read.id)
            if current is not None and current != read:
                article = corpus.by_id(current.article_id) or corpus.by_location(current.path)
                placed = _placed(current, article) if article is not None else current
            if current is not None and placed != current:
                change.put(placed)


def _placed(annotation: Annotation, article: Article) -> Annotation:
    """The annotation anchored in the article's current text (same fields otherwise)."""
    result = anchor(article.text, annotation.selector, annotation.placed)
    start, end = result.span if result.span is not None else (-1, -1)
    placed = None
    if result.span is not None and article.text[start:end] != annotation.selector.exact:
        placed = Selector.of(article.text, start, end)
    elif result.span is None:
        placed = annotation.placed  # an orphan remembers where it was last seen
    return replace(
        annotation,
        article_id=article.id,
        path=article.location,
        state=result.state,
        start=start,
        end=end,
        placed=placed,
    )


@dataclass(frozen=True, slots=True)
class Found:
    """A search hit with what it points at."""

    hit: Hit
    article: Article | None
    annotation: Annotation | None  # set for a hit in an annotation's quote, note or tags
    line: str | None = None  # the paragraph's text, when the index gave it (the article's stays unread)

    def context(self, width: int = 160) -> tuple[str, Span]:
        """The words around the match and where the match is in them."""
        if self.line is not None:
            base = self.hit.paragraph.start
            span = Span(self.hit.span.start - base, self.hit.span.end - base)
            return excerpt_around(self.line, Span(0, len(self.line)), span, width)
        if self.annotation is not None:
            text = _searchable(self.annotation)
        else:
            text = self.article.text if self.article else ""
        return excerpt_around(text, self.hit.paragraph, self.hit.span, width)


@dataclass
class Workspace:
    """One session's articles and store: what the CLI commands and the app work on."""

    store: Store
    corpus: Corpus
    folders: list[Path]
    cache: Index | None = None  # the workspace index (derived data; a read-only store still keeps it)
    _overlay: dict[str, Annotation] = field(default_factory=dict, repr=False)
    store_anchors: bool = True  # a read-only workspace still stores re-anchoring (not a dry run)

    @classmethod
    def open(
        cls,
        paths: list[Path],
        *,
        db: Path,
        readonly: bool = False,
        remember: bool = True,
        also: Sequence[Path] = (),
        defer: bool = False,
        store_anchors: bool = True,
    ) -> Workspace:
        """Open the store, then load ``paths`` (or the remembered folders, or the seeds).

        With ``remember``, paths given are saved as the workspace's folders so the
        next plain ``newsreader`` opens them again. Without ``paths``, the workspace is its
        folders plus every file it holds annotations on, wherever that file is. ``also`` adds files for this
        session only (a CLI command naming an article by its path). With ``defer``,
        files the index does not know yet are left for ``read_pending`` (the app). The
        index is derived data: it is updated even for a read-only store. A ``readonly``
        workspace changes nothing the user made, but stores where annotations were
        re-anchored (so the next run starts from there) unless ``store_anchors`` is off.
        """
        store = Store(db, readonly=readonly)
        index = None
        try:
            folders = cls._folders(store, paths, remember=remember and not readonly)
            index = Index.open(cache_folder(db))
            annotated = [] if paths else cls._annotated_elsewhere(store)
            corpus = Corpus.load([*folders, *also, *annotated], exclude=[db.parent], cache=index, defer=defer)
            if index.rebuilt:
                corpus.notices.insert(0, Notice(index.path or cache_folder(db), index.rebuilt))
            index.save()
            corpus.apply_overrides(store.overrides())
            workspace = cls(store, corpus, folders, index, store_anchors=store_anchors)
            workspace.reanchor()
        except BaseException:
            store.close()
            if index is not None:
                index.close()
            raise
        return workspace

    def add_articles(self, loaded: list[tuple[Article | None, Notice | None]], *, last: bool) -> int:
        """Add articles read late (see ``Corpus.read_pending``); on the last batch, save the
        cache and anchor their annotations. Returns how many articles were added."""
        overrides = self.store.overrides()
        added = 0
        for article, notice in loaded:
            if article is not None and article.id in overrides:
                article = article.with_overrides(overrides[article.id])
            added += self.corpus.add(article, notice, cache=self.cache)
        self.corpus.settle()
        if self.cache is not None:
            self.cache.save()  # each batch: searchable at once, and no long write at the end
        if last:
            self.corpus.pending = []
            self.reanchor()
        return added

    def reanchor(self, ids: Collection[str] | None = None) -> int:
        """Place every stored annotation of a loaded article in its current text.

        An article found by id under a new path (moved, renamed) keeps its
        annotations; one found by path under a new id (edited in place) has them
        re-anchored. An article listed from the cache is unchanged since it was last
        read, so its annotations are skipped, unless named in ``ids`` (an undo may bring
        back an annotation anchored in an older text). Results are stored (not as
        undoable changes); a read-only workspace keeps them in memory. Returns how many
        annotations changed.
        """
        updates: list[tuple[Annotation, Annotation]] = []  # (as read, as placed)
        for annotation in self.store.annotations():
            article = self.corpus.by_id(annotation.article_id)
            if article is not None and not article.fresh and (ids is None or annotation.id not in ids):
                continue  # unchanged since it was last read: its anchors still hold
            article = article or self.corpus.by_location(annotation.path)
            if article is None:
                continue  # its article is not open in this session
            placed = _placed(annotation, article)
            if placed != annotation:
                updates.append((annotation, placed))
        if updates and self.store.readonly:
            self._overlay.update((placed.id, placed) for _, placed in updates)
            if self.store_anchors:
                # Where annotations were placed is kept, or each run would start again from the
                # words first stored and drift as unrelated edits move the fuzzy match. Best
                # effort: a DB this user cannot write still reads, anchored in memory.
                with contextlib.suppress(NewsreaderError, OSError), Store(self.store.path) as writable:
                    _store_placed(writable, self.corpus, updates)
        elif updates:
            _store_placed(self.store, self.corpus, updates)
        return len(updates)

    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        """Stored annotations as anchored in this session's texts."""
        if not self._overlay:
            return self.store.annotations(article_id)
        found = [self._overlay.get(a.id, a) for a in self.store.annotations()]
        return [a for a in found if article_id is None or a.article_id == article_id]

    def article_of(self, annotation: Annotation) -> Article | None:
        return self.corpus.by_id(annotation.article_id)

    def quote_of(self, annotation: Annotation) -> str:
        """The passage as its article reads now; the stored quote for an orphan, or when the article
        is not loaded, so the notes pane, the dialogs and exports show the same words."""
        article = self.article_of(annotation)
        return annotation.current_text(article.text) if article is not None else annotation.selector.exact

    def search(self, query: str, *, annotations: bool = True) -> Iterator[Found]:
        """Paragraphs of the articles (best first), then annotations, holding every term of ``query``.

        Indexed articles are searched in the index (FTS5 finds the lines that may match, the
        search's own patterns check each); any article the index does not have as it is in
        memory (read late by the app, or unindexable) is scanned in memory after them.
        """
        wanted = terms(query)
        if not wanted:
            return
        articles = self.corpus.articles  # one reference: late-read articles replace the list, never sort it
        index = self.cache
        indexed = {a.location: a for a in articles if index is not None and index.current(a)}
        rows = index.candidates(wanted) if index is not None and indexed else None
        if rows is None:
            indexed = {}
        patterns = term_patterns(wanted)
        for location, start, stop, line in rows or ():
            article = indexed.get(location)
            span = line_match(patterns, fold_same_length(line)) if article is not None else None
            if article is not None and span is not None:
                hit = Hit("text", article.id, Span(start + span.start, start + span.end), Span(start, stop))
                yield Found(hit, article, None, line)
        rest = [a for a in articles if a.location not in indexed]
        if rest:
            texts = FoldedTexts([(a.id, fold_same_length(a.text)) for a in rest])
            for hit in texts.search(query):
                article = self.corpus.by_id(hit.key)
                if article is not None:
                    yield Found(hit, article, None)
        if annotations:
            notes = sorted(self.annotations(), key=lambda a: (a.path, a.start, a.id))  # the same order every run
            by_id = {a.id: a for a in notes}
            texts = FoldedTexts([(a.id, fold_same_length(_searchable(a))) for a in notes])
            for hit in texts.search(query, kind="annotation"):
                annotation = by_id[hit.key]
                yield Found(hit, self.article_of(annotation), annotation)

    @staticmethod
    def _annotated_elsewhere(store: Store) -> list[Path]:
        """Files the store has annotations on that still exist (inside the folders or not:
        loading dedups them), so an export or the notes pane finds their articles."""
        return [Path(p) for p in sorted({a.path for a in store.annotations()}) if p and os.path.isfile(p)]

    @staticmethod
    def _folders(store: Store, paths: list[Path], *, remember: bool) -> list[Path]:
        if paths:
            for path in paths:
                if not os.path.lexists(path):
                    raise UsageError(f"{path}: no such file or folder")
            if remember:
                store.set_folders([str(p.resolve()) for p in paths])
            return paths
        remembered = [Path(p) for p in store.folders() if os.path.exists(p)]
        folders = remembered or [bundled_seeds()]
        # Folders that `newsreader add` saved articles into join the workspace's own.
        shown = {os.path.realpath(p) for p in folders}
        for intake in store.intake_folders():
            if os.path.isdir(intake) and os.path.realpath(intake) not in shown:
                shown.add(os.path.realpath(intake))
                folders.append(Path(intake))
        return folders

    def close(self) -> None:
        self.store.close()
        if self.cache is not None:
            self.cache.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
