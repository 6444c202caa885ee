"""The workspace's article cache: what parsing each file taught us, keyed by path, size and mtime.

Listing 10,000 articles should not mean reading and parsing 10,000 files. The cache
keeps each file's id, inferred metadata, word count and load notes; a file whose
size and modification time are unchanged is listed from it, and its text is read
only when something needs it. The cache is only a speed-up: a missing, stale or
damaged cache file is rebuilt, never trusted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tui.core.article import PARSER_VERSION, Article, Metadata
from tui.core.atomic import write_atomic
from tui.core.passages import Span

CACHE_VERSION = 1


def _key() -> str:
    return f"{CACHE_VERSION}.{PARSER_VERSION}"


@dataclass
class ArticleCache:
    """Entries by resolved path; ``dirty`` once something new was learned."""

    folder: Path | None
    writable: bool = False
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False

    @property
    def path(self) -> Path | None:
        return self.folder / "articles.json" if self.folder else None

    @classmethod
    def open(cls, folder: Path | None, *, writable: bool) -> ArticleCache:
        cache = cls(folder, writable)
        path = cache.path
        if path is None or not path.exists():
            return cache
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return cache  # damaged: rebuilt as files are read
        if isinstance(data, dict) and data.get("version") == _key() and isinstance(data.get("entries"), dict):
            cache.entries = data["entries"]
        return cache

    def lookup(self, path: Path, real: str, stat: os.stat_result, loader: Callable[[Path], str]) -> Article | None:
        """The article as cached, if the file (resolved: ``real``) is unchanged; its text is read on demand."""
        entry = self.entries.get(real)
        if entry is None or entry.get("size") != stat.st_size or entry.get("mtime_ns") != stat.st_mtime_ns:
            return None
        try:
            inferred = Metadata(**entry["inferred"])
            article = Article(
                id=entry["id"],
                path=path,
                inferred=inferred,
                meta=inferred,
                figures=tuple(Span(*f) for f in entry["figures"]),
                warnings=tuple(entry["warnings"]),
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
                words=entry["words"],
                empty=entry["empty"],
                fresh=False,
                loader=loader,
            )
        except (KeyError, TypeError, ValueError):
            return None
        article.location = real
        return article

    def remember(self, article: Article) -> None:
        self.entries[article.location] = {
            "size": article.size,
            "mtime_ns": article.mtime_ns,
            "id": article.id,
            "inferred": article.inferred.as_dict(),
            "figures": [list(f) for f in article.figures],
            "warnings": list(article.warnings),
            "words": article.words,
            "empty": article.empty,
        }
        self.dirty = True

    def save(self) -> None:
        path = self.path
        if not (self.dirty and self.writable and path is not None):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, orjson.dumps({"version": _key(), "entries": self.entries}))
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs speed
