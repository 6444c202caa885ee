"""The workspace as its index lists it: for a read-only command when every file is as indexed.

Opening a ``Workspace`` makes an Article of each of 10,000 files before a command can
start. ``search`` shows a few of them and ``list`` and ``export`` read rows, so a
``Catalog`` checks the folder walk's sizes and mtimes against the index in one query
and makes Articles only as they are needed. It answers exactly as the workspace would.
Whenever the workspace would have more to do (a new, changed, unreadable or deleted
file, an annotation to re-anchor, an index to rebuild), ``Catalog.open`` opens the
``Workspace`` instead, which brings the index up to date.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path

from tui.core.annotation import Annotation
from tui.core.article import Article
from tui.core.corpus import Corpus, Notice, read_text, walk
from tui.core.index import Index, Record
from tui.core.search import terms
from tui.core.store import Store
from tui.core.workspace import (
    Found,
    Workspace,
    annotated_files,
    annotation_hits,
    cache_folder,
    indexed_hits,
    scanned_hits,
    workspace_folders,
)


class Catalog:
    """What ``list``, ``search`` and ``export`` use of a ``Workspace``, read from the index."""

    def __init__(
        self,
        store: Store,
        index: Index,
        files: dict[str, tuple[str, os.stat_result]],
        ids: dict[str, str],
        notices: list[Notice],
    ) -> None:
        self.store = store
        self.cache = index
        self.files = files  # resolved path -> (path as found, stat), the articles listed, in order
        self.ids = ids  # article id -> resolved path
        self.notices = notices
        self.overrides = store.overrides()
        self._made: dict[str, Article | None] = {}

    @classmethod
    def open(cls, paths: list[Path], *, db: Path, also: Sequence[Path] = ()) -> Catalog | Workspace:
        """What ``Workspace.open(paths, db=db, readonly=True, also=also)`` opens: listed from the
        index if it is current, else that workspace (which reads what it must)."""
        store = Store(db, readonly=True)
        index = None
        try:
            index = Index.open(cache_folder(db))
            catalog = cls._listed(store, index, paths, db, also)
        except BaseException:
            store.close()
            if index is not None:
                index.close()
            raise
        if catalog is not None:
            return catalog
        store.close()
        return Workspace.open(paths, db=db, readonly=True, also=also, index=index)

    @classmethod
    def _listed(cls, store: Store, index: Index, paths: list[Path], db: Path, also: Sequence[Path]) -> Catalog | None:
        folders = workspace_folders(store, paths, remember=False)
        annotated = [] if paths else annotated_files(store)
        if index.rebuilt or index.path is None:
            return None
        found, notices = walk([*folders, *also, *annotated], exclude=[db.parent])
        listings = index.listings()
        files: dict[str, tuple[str, os.stat_result]] = {}
        ids: dict[str, str] = {}
        for path, real, stat in found:
            size, mtime_ns, article, note = listings.get(real, (-1, -1, "", ""))
            if stat is None or size != stat.st_size or mtime_ns != stat.st_mtime_ns:
                return None  # to be read (or reported): the workspace does it and indexes it
            if note:
                notices.append(Notice(Path(path), note))
            if article in ids:
                first = files[ids[article]][0]
                notices.append(Notice(Path(path), f"same text as {Path(first)}; listed once", True))
                continue
            ids[article] = real
            files[real] = (path, stat)
        walked = {real for _, real, _ in found}
        gone = any(location not in walked and not os.path.exists(location) for location in listings)
        if gone or any(cls._moved(a, ids, files) for a in store.annotations()):
            return None  # the workspace prunes the index, or re-anchors the annotation
        return cls(store, index, files, ids, notices)

    @staticmethod
    def _moved(annotation: Annotation, ids: dict[str, str], files: dict[str, tuple[str, os.stat_result]]) -> bool:
        """The annotation's article is not listed by its id but its file is (edited in place)."""
        return annotation.article_id not in ids and bool(annotation.path) and os.path.realpath(annotation.path) in files

    def article_at(self, location: str) -> Article | None:
        """The article listed from this file (a resolved path), made when first asked for."""
        if location not in self._made:
            listed = self.files.get(location)
            article = self.cache.article(Path(listed[0]), location, read_text) if listed else None
            if article is not None and article.id in self.overrides:
                article = article.with_overrides(self.overrides[article.id])
            self._made[location] = article
        return self._made[location]

    @cached_property
    def corpus(self) -> Corpus:
        """Every article listed, in order, as ``Corpus.load`` would list them (made on first use)."""
        corpus = Corpus(notices=self.notices)
        for location, (path, stat) in self.files.items():
            article = self.cache.lookup(Path(path), location, stat, read_text)
            if article is not None:
                corpus.add(article, None)
        corpus.apply_overrides(self.overrides)
        return corpus

    def article_ids(self) -> list[str]:
        """The articles' ids, in the order the workspace lists them (no Article made)."""
        return list(self.ids)

    def records(self) -> Iterator[Record]:
        """What ``newsreader list`` shows of each article, in order, the user's edits applied."""
        for location, (path, _) in self.files.items():
            record = self.cache.record(path, location)
            if record is None:
                article = self.article_at(location)  # an entry the index cannot give: made as the workspace would
                if article is None:
                    continue
                record = Record(path, location, article.id, article.meta, article.words, article.is_empty)
            elif record.id in self.overrides:
                record = record._replace(meta=record.meta.merged(self.overrides[record.id]))
            yield record

    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        return self.store.annotations(article_id)

    def article_of(self, annotation: Annotation) -> Article | None:
        location = self.ids.get(annotation.article_id)
        return self.article_at(location) if location is not None else None

    def search(self, query: str, *, annotations: bool = True) -> Iterator[Found]:
        """As ``Workspace.search``: every listed article is in the index as it is on disk."""
        wanted = terms(query)
        if not wanted:
            return
        rows = self.cache.candidates(wanted) if self.files else None
        if rows is not None:
            yield from indexed_hits(rows, wanted, self.article_at)
        else:  # nothing FTS5 can look up: every text is scanned
            yield from scanned_hits(self.corpus.articles, query)
        if annotations:
            yield from annotation_hits(self.annotations(), query, self.article_of)

    def close(self) -> None:
        self.store.close()
        self.cache.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
