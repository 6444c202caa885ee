"""The workspace index: what reading each article file taught us, kept in SQLite for every command.

Listing or searching 10,000 articles should not mean reading and parsing 10,000 files, in
the app or in each ``newsreader`` command. The index keeps, per file (by resolved path),
its size and mtime, the article's id, inferred metadata, word count and load notes, its
cleaned text, and a full-text index (SQLite FTS5) of its lines, the "paragraphs" a search
matches in. A file whose size and mtime are unchanged is listed from it; a changed file
is read again; a file that is gone leaves it.

It holds derived data only (annotations and the user's edits stay in the TinyDB store):
deleting it loses nothing, and a damaged or foreign-version index is rebuilt. Several
processes may update it at once (WAL, a busy timeout, one write transaction per save).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from tui.core.article import METADATA_FIELDS, PARSER_VERSION, Article, Metadata
from tui.core.passages import Span
from tui.core.search import fold_same_length, term_forms

INDEX_VERSION = 2  # 2: each file's article id and load note in columns, to check a folder in one query
FILE_NAME = "index.sqlite"
# Bumped with the index's layout, the parser (what is stored) and the folding (what is indexed).
USER_VERSION = INDEX_VERSION * 1000 + PARSER_VERSION
BUSY_MS = 10_000
FLUSH_EVERY = 2500  # articles read before they are written
_OLD_CACHES = ("articles.json", "folded.json")  # what earlier versions kept in the cache folder

# Tokens are runs of letters and digits, as ``str.isalnum`` says (the search's word starts):
# FTS5 sees everything else in a non-ASCII line as a space, so both agree on every boundary.
_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N*'"
# Larger pages and fewer merges while a new folder is indexed: about 10% faster to build.
_FTS_SETTINGS: tuple[tuple[str, int], ...] = ()
_SEPARATORS = re.compile(r"[\W_]+")
_TOKEN = re.compile(r"[^\W_]+")

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    location TEXT UNIQUE NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    entry BLOB NOT NULL,
    article TEXT NOT NULL,
    note TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lines (
    id INTEGER PRIMARY KEY,
    file INTEGER NOT NULL,
    start INTEGER NOT NULL,
    stop INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lines_by_file ON lines(file);
-- All but the text: checking a folder (``listings``) or listing it (``entries``) reads no text.
CREATE INDEX IF NOT EXISTS files_listed ON files(location, size, mtime_ns, article, note, entry);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(body, content='', tokenize="{_TOKENIZER}");
"""


class Record(NamedTuple):
    """What a listing shows of an article (``newsreader list``), without making the Article."""

    path: Path | str
    location: str
    id: str
    meta: Metadata
    words: int
    empty: bool


def note_of(article: Article) -> str:
    """What the user is told about an article as it loads: its warnings, or that it is empty."""
    if article.warnings:
        return "; ".join(article.warnings)
    return "empty article" if article.is_empty else ""


class Damaged(Exception):
    """The index file is not a database, not ours, or from another version."""


def searchable_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Each non-blank line of ``text``: its span, and what FTS5 indexes of it (folded)."""
    position = 0
    for line in fold_same_length(text).split("\n"):
        if line and not line.isspace():
            yield position, position + len(line), line if line.isascii() else _SEPARATORS.sub(" ", line)
        position += len(line) + 1


def fts_query(wanted: list[str]) -> str | None:
    """An FTS5 query matching every line that may hold all of ``wanted`` (folded terms).

    Each term becomes a phrase of its tokens, the last a prefix ("law" finds "laws"), so
    every line the search's own matching accepts is among those found; that matching then
    checks each. None when no term has a letter or digit to look up (scan instead).
    """
    phrases = []
    for term in wanted:
        # "dhs's" is also looked up as "d.h.s.'s", "workforce" as "work force" (and "work-force").
        forms = dict.fromkeys(" ".join(tokens) for tokens in map(_TOKEN.findall, term_forms(term)) if tokens)
        if forms:
            phrases.append("(" + " OR ".join(f'"{tokens}"*' for tokens in forms) + ")")
    return " AND ".join(phrases) or None


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_MS / 1000)
    db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return db


def _busy(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


def _prepare(db: sqlite3.Connection) -> None:
    """Create the schema in a new file, accept ours, raise ``Damaged`` for anything else."""
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == USER_VERSION:
            db.execute("PRAGMA journal_mode=WAL")
            return
        if version != 0:
            raise Damaged(f"made by another version ({version})")
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have made it
            if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise Damaged("not a newsreader index")
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                for setting in _FTS_SETTINGS:
                    db.execute("INSERT INTO words (words, rank) VALUES (?, ?)", setting)
                db.execute(f"PRAGMA user_version={USER_VERSION}")
            elif version != USER_VERSION:
                raise Damaged(f"made by another version ({version})")
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as error:
        if _busy(error):
            raise
        raise Damaged(str(error)) from error


class Index:
    """One workspace's index; ``lookup``/``remember`` as files are listed, ``save`` to write."""

    def __init__(self, db: sqlite3.Connection, path: Path | None, rebuilt: str = "") -> None:
        self.db = db
        self.path = path  # None: kept in memory (no cache folder, or it cannot be written)
        self.rebuilt = rebuilt  # why the file was made anew, for a one-line notice
        self.lock = threading.RLock()  # one connection, shared by the app's threads
        self.pending: dict[str, Article] = {}  # read this session, not yet written
        self.seen: set[str] = set()

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | None, *, writable: bool = True) -> Index:
        """The index in ``folder`` (made if need be); in memory if it cannot be kept there."""
        if folder is None or not writable:
            return cls._memory()
        path = folder / FILE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in _OLD_CACHES:
                with contextlib.suppress(OSError):
                    (folder / old).unlink()
        except OSError:
            return cls._memory()
        rebuilt = ""
        for attempt in range(2):
            db = None
            try:
                db = _connect(path)
                _prepare(db)
                return cls(db, path, rebuilt)
            except Damaged as error:
                if db is not None:
                    db.close()
                if attempt:
                    break
                rebuilt = f"the index was unusable ({error}); rebuilt it"
                cls._remove(path)
            except (sqlite3.Error, OSError):
                if db is not None:
                    db.close()
                break
        return cls._memory(rebuilt)

    @classmethod
    def _memory(cls, rebuilt: str = "") -> Index:
        db = _connect(":memory:")
        _prepare(db)
        return cls(db, None, rebuilt)

    @staticmethod
    def _remove(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{path}{suffix}")

    @cached_property
    def entries(self) -> dict[str, tuple[int, int, bytes]]:
        """Every file's size, mtime_ns and entry (JSON), by location: read when first needed."""
        with self.lock:
            rows = self.db.execute("SELECT location, size, mtime_ns, entry FROM files").fetchall()
        return {location: (size, mtime_ns, entry) for location, size, mtime_ns, entry in rows}

    def listings(self) -> dict[str, tuple[int, int, str, str]]:
        """Every indexed file's size, mtime_ns, article id and load note (``note_of``), by location:
        one query (on an index, not the rows with their texts) to check a folder is as indexed."""
        with self.lock:
            rows = self.db.execute("SELECT location, size, mtime_ns, article, note FROM files").fetchall()
        return {row[0]: row[1:] for row in rows}  # plain tuples: 10,000 of them are made per command

    def close(self) -> None:
        with self.lock:
            self.db.close()

    # --- listing ------------------------------------------------------------------------

    def lookup(self, path: Path, real: str, stat: os.stat_result, loader: Callable[[Path], str]) -> Article | None:
        """The article as indexed, if the file (resolved: ``real``) is unchanged; its text is read
        from the index when first needed (from the file if the index has lost it)."""
        self.seen.add(real)
        known = self.entries.get(real)
        if known is None or known[0] != stat.st_size or known[1] != stat.st_mtime_ns:
            return None
        return self._article(path, real, known, loader)

    def article(self, path: Path, real: str, loader: Callable[[Path], str]) -> Article | None:
        """The article indexed for this file, as ``lookup`` makes it, for a caller that has
        already checked the file is current (``listings``): one row read, not every entry."""
        with self.lock:
            row = self.db.execute("SELECT size, mtime_ns, entry FROM files WHERE location = ?", (real,)).fetchone()
        return self._article(path, real, row, loader) if row is not None else None

    def record(self, path: Path | str, location: str) -> Record | None:
        """The listing of an indexed file (its Article is not made: 10,000 of them are listed)."""
        known = self.entries.get(location)
        if known is None:
            return None
        try:
            entry = orjson.loads(known[2])
            return Record(path, location, entry["id"], _metadata(entry["inferred"]), entry["words"], entry["empty"])
        except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
            return None

    def _article(
        self, path: Path, real: str, known: tuple[int, int, bytes], loader: Callable[[Path], str]
    ) -> Article | None:
        size, mtime_ns, blob = known
        try:
            entry = orjson.loads(blob)
            inferred = _metadata(entry["inferred"])
            article = Article(
                id=entry["id"],
                path=path,
                inferred=inferred,
                meta=inferred,
                figures=tuple(Span(*f) for f in entry["figures"]),
                warnings=tuple(entry["warnings"]),
                size=size,
                mtime_ns=mtime_ns,
                words=entry["words"],
                empty=entry["empty"],
                fresh=False,
                loader=lambda p: self.text(real, size, mtime_ns) or loader(p),
            )
        except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
            return None
        article.location = real
        return article

    def remember(self, article: Article) -> None:
        """Keep a freshly read article (written by ``save``)."""
        entry = {
            "id": article.id,
            "inferred": article.inferred.as_dict(),
            "figures": [list(f) for f in article.figures],
            "warnings": list(article.warnings),
            "words": article.words,
            "empty": article.empty,
        }
        location = article.location
        self.seen.add(location)
        self.entries[location] = (article.size, article.mtime_ns, orjson.dumps(entry))
        self.pending[location] = article
        if len(self.pending) >= FLUSH_EVERY:  # written while the next files are read (no GIL in SQLite)
            self.save(prune=False)

    def current(self, article: Article) -> bool:
        """The index has this article's text as it is in memory (so a search may use it)."""
        known = self.entries.get(article.location)
        return (
            known is not None
            and article.location not in self.pending
            and known[0] == article.size
            and known[1] == article.mtime_ns
        )

    def text(self, location: str, size: int, mtime_ns: int) -> str | None:
        """The cleaned text indexed for this file in this state, if any."""
        try:
            with self.lock:
                row = self.db.execute(
                    "SELECT text FROM files WHERE location = ? AND size = ? AND mtime_ns = ?",
                    (location, size, mtime_ns),
                ).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    # --- writing ------------------------------------------------------------------------

    def save(self, *, prune: bool = True) -> None:
        """Write what was read this session and (with ``prune``, once every file was listed) drop
        files that no longer exist, in one transaction."""
        gone = [loc for loc in self.entries if loc not in self.seen and not os.path.exists(loc)] if prune else []
        if not self.pending and not gone:
            return
        pending, self.pending = self.pending, {}
        try:
            with self.lock:
                self._write(pending, gone)
        except sqlite3.Error:
            pass  # an index that cannot be written only costs speed: the next run reads the files again
        for location in gone:
            self.entries.pop(location, None)

    def _write(self, pending: dict[str, Article], gone: list[str]) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for location in [*pending, *gone]:  # read again inside the lock: another process may have written
                row = db.execute("SELECT id, text FROM files WHERE location = ?", (location,)).fetchone()
                if row is not None:
                    self._forget(row[0], row[1])
            next_line = (db.execute("SELECT max(id) FROM lines").fetchone()[0] or 0) + 1
            lines: list[tuple[int, int, int, int]] = []
            bodies: list[tuple[int, str]] = []
            for location, article in pending.items():
                text = article.text
                if not _encodable(text):
                    continue  # a lone surrogate: this file is read from disk every time
                size, mtime_ns, entry = self.entries[location]
                cursor = db.execute(
                    "INSERT INTO files (location, size, mtime_ns, entry, article, note, text)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (location, size, mtime_ns, entry, article.id, note_of(article), text),
                )
                file_id = cursor.lastrowid
                for start, stop, body in searchable_lines(text):
                    lines.append((next_line, file_id, start, stop))
                    bodies.append((next_line, body))
                    next_line += 1
            db.executemany("INSERT INTO lines (id, file, start, stop) VALUES (?, ?, ?, ?)", lines)
            db.executemany("INSERT INTO words (rowid, body) VALUES (?, ?)", bodies)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def _forget(self, file_id: int, text: str) -> None:
        """Remove a file's row and its lines (a contentless FTS5 table is told each line's words)."""
        db = self.db
        ids = [row[0] for row in db.execute("SELECT id FROM lines WHERE file = ? ORDER BY start", (file_id,))]
        bodies = [body for _, _, body in searchable_lines(text)]
        if len(ids) == len(bodies):
            db.executemany(
                "INSERT INTO words (words, rowid, body) VALUES ('delete', ?, ?)", zip(ids, bodies, strict=True)
            )
        db.execute("DELETE FROM lines WHERE file = ?", (file_id,))
        db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    # --- searching ----------------------------------------------------------------------

    def candidates(self, wanted: list[str], batch: int = 500) -> Iterator[tuple[str, int, int, str]] | None:
        """Lines that may hold every term, best (BM25) first: (location, start, stop, line text).

        None when the query has nothing FTS5 can look up. Rows come in batches, so the
        first results arrive before the last are read.
        """
        query = fts_query(wanted)
        if query is None:
            return None
        return self._rows(query, batch)

    def _rows(self, query: str, batch: int) -> Iterator[tuple[str, int, int, str]]:
        sql = (
            "SELECT f.location, l.start, l.stop, substr(f.text, l.start + 1, l.stop - l.start)"
            " FROM words JOIN lines l ON l.id = words.rowid JOIN files f ON f.id = l.file"
            " WHERE words MATCH ? ORDER BY words.rank"
        )
        with self.lock:
            cursor = self.db.execute(sql, (query,))
            rows = cursor.fetchmany(batch)
        while rows:
            yield from rows
            with self.lock:
                rows = cursor.fetchmany(batch)

    def stats(self) -> dict[str, Any]:
        """How many files and lines are indexed (for tests and the benchmark)."""
        with self.lock:
            files = self.db.execute("SELECT count(*) FROM files").fetchone()[0]
            lines = self.db.execute("SELECT count(*) FROM lines").fetchone()[0]
        return {"files": files, "lines": lines, "path": str(self.path) if self.path else None}


def _metadata(fields: dict[str, str]) -> Metadata:
    """Metadata as stored: cleaned when it was parsed, so a printable value is taken as is
    (cleaning 10,000 articles' fields again is a third of listing them); anything else is cleaned."""
    if not all(isinstance(v, str) for v in fields.values()) or not "".join(fields.values()).isprintable():
        return Metadata(**fields)
    meta = object.__new__(Metadata)
    for name in METADATA_FIELDS:
        object.__setattr__(meta, name, fields.get(name, ""))
    return meta


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
