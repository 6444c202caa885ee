"""The workspace store: a TinyDB file that never loses an acknowledged change.

TinyDB's own JSONStorage rewrites the file in place (a crash mid-write truncates
it) and re-reads it on every operation. ``AtomicStorage`` keeps the data in memory
and replaces the file atomically (temp file, fsync, ``os.replace``).

Several processes may use one DB (the app and a CLI command, or two app windows).
Every change runs as a ``Change``: under an exclusive ``flock``, the store first
reloads the file if another process replaced it, applies the change, and writes
once, so nobody's change is lost (merge on write). Each change is also appended to
a persisted history that undo and redo walk.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from tui.core.annotation import COLORS, DEFAULT_COLOR_NAMES, Annotation
from tui.core.atomic import write_atomic
from tui.core.errors import UsageError, WorkFailed

APP = "newsreader"
SCHEMA_VERSION = 1
HISTORY_LIMIT = 200  # undo survives restarts for at least the last 100 changes
LOCK_TIMEOUT = 10.0

ANNOTATIONS = "annotations"
ARTICLES = "articles"  # the user's metadata edits, by article id
WORKSPACE = "workspace"
HISTORY = "history"
META = "_meta"
TABLES = (META, ANNOTATIONS, ARTICLES, WORKSPACE, HISTORY)


class StoreError(UsageError):
    """The DB file cannot be used; the message names the file and the problem."""


class StoreBusy(WorkFailed):
    """Another process held the write lock for too long."""


def _recovery_hint(path: Path) -> str:
    backup = backup_path(path)
    if backup.exists():
        return f" The file was left untouched. The last good copy is {backup}: to go back to it, `cp {backup} {path}`."
    return " The file was left untouched. Move it away (or use --db) to start a new DB."


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _fresh() -> dict[str, Any]:
    return {META: {"schema": {"app": APP, "version": SCHEMA_VERSION}}}


def parse_db(path: Path, data: bytes) -> dict[str, Any]:
    """Validate the bytes of a DB file, raising ``StoreError`` with a plain explanation."""
    if not data.strip():
        raise StoreError(f"{path}: the file is empty, not a newsreader DB (was it truncated?)." + _recovery_hint(path))
    try:
        tables = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise StoreError(
            f"{path}: not valid JSON ({error}); it may be truncated or damaged." + _recovery_hint(path)
        ) from None
    schema = tables.get(META, {}).get("schema", {}) if isinstance(tables, dict) else {}
    if not isinstance(schema, dict) or schema.get("app") != APP:
        raise StoreError(f"{path}: this JSON file is not a newsreader DB; refusing to use it." + _recovery_hint(path))
    version = schema.get("version")
    if not isinstance(version, int) or version < 1:
        raise StoreError(f"{path}: newsreader DB with an unknown schema version {version!r}." + _recovery_hint(path))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer newsreader (schema {version}; this one reads up to {SCHEMA_VERSION})."
            " Upgrade newsreader to open it."
        )
    for name, table in tables.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            raise StoreError(f"{path}: table {name!r} is damaged (not a mapping of documents)." + _recovery_hint(path))
    return tables


class AtomicStorage(Storage):
    """TinyDB storage holding the data in memory and writing the file atomically.

    Inside a ``Change`` writes are deferred, so a change touching several documents
    costs one file write.
    """

    def __init__(self, path: Path, tables: dict[str, Any]) -> None:
        self.path = path
        self.generation = 0  # bumped on every change, so readers can cache what they derive
        self.tables = tables
        self.deferred = False
        self.dirty = False

    @property
    def tables(self) -> dict[str, Any]:
        return self._tables

    @tables.setter
    def tables(self, tables: dict[str, Any]) -> None:
        self._tables = tables
        self.generation += 1

    def read(self) -> dict[str, Any]:
        return self._tables

    def write(self, data: dict[str, Any]) -> None:
        self.tables = data
        self.dirty = True
        if not self.deferred:
            self.flush()

    def flush(self) -> None:
        write_atomic(self.path, orjson.dumps(self.tables))
        self.dirty = False

    def close(self) -> None:
        pass


class _KeyedTable(Table):
    """A table whose document ids are our own string keys (annotation ids, article ids)."""

    document_id_class = str  # type: ignore[assignment]


class _DB(TinyDB):
    table_class = _KeyedTable


@dataclass(frozen=True, slots=True)
class Step:
    """An undone or redone change: its label and the annotations it touched."""

    label: str
    annotations: set[str]

    def __str__(self) -> str:
        return self.label


@dataclass
class Change:
    """One user-level change (e.g. "highlight"), recorded for undo and written once."""

    store: Store
    label: str
    steps: list[dict[str, Any]] = field(default_factory=list)

    def _set(self, table: str, key: str, doc: dict[str, Any] | None) -> None:
        before = _put(self.store._db.table(table), key, doc)
        self.steps.append({"table": table, "key": key, "before": before, "after": doc})

    def put(self, annotation: Annotation) -> None:
        self._set(ANNOTATIONS, annotation.id, annotation.to_doc())

    def delete(self, annotation_id: str) -> None:
        self._set(ANNOTATIONS, annotation_id, None)

    def edit(self, annotation_id: str, **values: object) -> Annotation | None:
        """Change fields of the stored annotation as it is now (another process may have
        edited it); None if it no longer exists."""
        current = self.store.annotation(annotation_id)
        if current is None:
            return None
        edited = current.edited(**values)
        self.put(edited)
        return edited

    def set_overrides(self, article_id: str, values: dict[str, str]) -> None:
        self._set(ARTICLES, article_id, dict(values) if values else None)

    def set_color_names(self, names: dict[str, str]) -> None:
        self._set(WORKSPACE, "colors", dict(names))

    def retag(self, old: str, new: str | None) -> int:
        """Rename tag ``old`` to ``new`` everywhere (merging if ``new`` exists), or remove it
        with ``new=None``. Returns how many annotations changed."""
        changed = 0
        for annotation in self.store.annotations():
            if old not in annotation.tags:
                continue
            tags = [new if t == old else t for t in annotation.tags if new is not None or t != old]
            self.put(annotation.edited(tags=tuple(dict.fromkeys(t for t in tags if t))))
            changed += 1
        return changed


def _put(table: Table, key: str, doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """Set (or with None, remove) one document; returns what it replaced."""
    current = table.get(doc_id=key)
    before = dict(current) if current is not None else None
    if doc is None:
        if before is not None:
            table.remove(doc_ids=[key])
    elif before is None:
        table.insert(Document(doc, doc_id=key))  # type: ignore[arg-type]
    else:

        def replace_doc(existing: dict[str, Any]) -> None:
            existing.clear()
            existing.update(doc)

        table.update(replace_doc, doc_ids=[key])  # type: ignore[list-item]
    return before


class Store:
    """The annotations, metadata edits, opened folders and history of one workspace."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._lock_fd: int | None = None
        self._session_fd: int | None = None
        self._parsed: tuple[int, list[Annotation], dict[str, list[Annotation]]] = (-1, [], {})
        self._signature: tuple[int, int, int] | None = None
        if path.exists() and path.is_dir():
            raise StoreError(f"{path}: is a folder, not a newsreader DB file.")
        tables = self._read() if path.exists() else _fresh()
        self._storage = AtomicStorage(path, tables)
        self._db = _DB(storage=lambda: self._storage)  # type: ignore[arg-type]
        if readonly:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"{path}: cannot create the DB here ({error.strerror}).") from None
        with self._locked():
            if path.exists():
                self._reload_if_changed()
                write_atomic(backup_path(path), orjson.dumps(self._storage.tables))
            else:
                self._storage.flush()
                self._signature = self._file_signature()

    # --- files and locking ---------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _file_signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> dict[str, Any]:
        try:
            signature = self._file_signature()
            data = self.path.read_bytes()
        except OSError as error:
            raise StoreError(f"{self.path}: cannot read the DB ({error.strerror}).") from None
        tables = parse_db(self.path, data)
        self._signature = signature
        return tables

    def _reload_if_changed(self) -> bool:
        """Pick up a file another process replaced since we last read or wrote it."""
        if self._file_signature() == self._signature:
            return False
        if not self.path.exists():
            raise StoreError(f"{self.path}: the DB file was removed while in use; not recreating it silently.")
        self._storage.tables = self._read()
        self._db.clear_cache()
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._lock_fd is None:
            raise StoreError(f"{self.path}: opened read-only")
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"{self.path}: another newsreader kept the DB locked for {LOCK_TIMEOUT:.0f} s; try again."
                    ) from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def join(self) -> bool:
        """Register this process as a session on the DB; True if another session has it open.

        Sessions hold a shared ``flock`` on ``<db>.sessions`` for their lifetime, so a
        crashed session never leaves a stale marker behind.
        """
        if self._session_fd is None:
            self._session_fd = os.open(self.path.with_name(self.path.name + ".sessions"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._session_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            others = False
        except BlockingIOError:
            others = True
        fcntl.flock(self._session_fd, fcntl.LOCK_SH)
        return others

    def sync(self) -> bool:
        """Reload if another process changed the file; True if anything changed."""
        return self._reload_if_changed()

    def close(self) -> None:
        for fd in (self._lock_fd, self._session_fd):
            if fd is not None:
                os.close(fd)
        self._lock_fd = self._session_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- changes -------------------------------------------------------------------

    @contextlib.contextmanager
    def change(self, label: str, *, record: bool = True) -> Iterator[Change]:
        """Apply a change durably: nothing in it is visible to the caller as done until written."""
        with self._locked():
            self._reload_if_changed()
            change = Change(self, label)
            self._storage.deferred = True
            try:
                yield change
                if record and change.steps:
                    self._record(change)
                if self._storage.dirty:
                    self._storage.flush()
                    self._signature = self._file_signature()
            except BaseException:
                self._storage.tables = self._read() if self.path.exists() else _fresh()
                self._db.clear_cache()
                raise
            finally:
                self._storage.deferred = False
                self._storage.dirty = False

    def _record(self, change: Change) -> None:
        history = self._db.table(HISTORY)
        entries = sorted(history, key=lambda d: d["seq"])
        undone = [e.doc_id for e in entries if e.get("undone")]
        if undone:
            history.remove(doc_ids=undone)  # a new change ends the redo branch
        kept = [e for e in entries if not e.get("undone")]
        seq = (kept[-1]["seq"] + 1) if kept else 1
        if len(kept) >= HISTORY_LIMIT:
            history.remove(doc_ids=[e.doc_id for e in kept[: len(kept) - HISTORY_LIMIT + 1]])
        history.insert(
            Document({"seq": seq, "label": change.label, "steps": change.steps, "undone": False}, doc_id=f"{seq:09d}")
        )  # type: ignore[arg-type]

    def _replay(self, entry: dict[str, Any], side: str) -> None:
        steps = entry["steps"] if side == "after" else list(reversed(entry["steps"]))
        for step in steps:
            _put(self._db.table(step["table"]), step["key"], step[side])

    def undo(self) -> Step | None:
        """Undo the latest change; what it was, or None if there is nothing to undo."""
        return self._walk_history(undo=True)

    def redo(self) -> Step | None:
        """Redo the change undone last; what it was, or None."""
        return self._walk_history(undo=False)

    def _walk_history(self, *, undo: bool) -> Step | None:
        with self._locked():
            self._reload_if_changed()
            history = self._db.table(HISTORY)
            entries = sorted(history, key=lambda d: d["seq"])
            if undo:
                candidates = [e for e in entries if not e.get("undone")]
                entry = candidates[-1] if candidates else None
            else:
                candidates = [e for e in entries if e.get("undone")]
                entry = candidates[0] if candidates else None
            if entry is None:
                return None
            self._storage.deferred = True
            try:
                self._replay(entry, "before" if undo else "after")
                history.update({"undone": undo}, doc_ids=[entry.doc_id])
                self._storage.flush()
                self._signature = self._file_signature()
            except BaseException:
                self._storage.tables = self._read()
                self._db.clear_cache()
                raise
            finally:
                self._storage.deferred = False
                self._storage.dirty = False
            return Step(str(entry["label"]), {s["key"] for s in entry["steps"] if s["table"] == ANNOTATIONS})

    # --- queries ---------------------------------------------------------------------

    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        """All annotations, or one article's; parsed once per change of the DB."""
        if self._parsed[0] != self._storage.generation:
            parsed = [Annotation.from_doc(d) for d in self._storage.tables.get(ANNOTATIONS, {}).values()]
            by_article: dict[str, list[Annotation]] = {}
            for annotation in parsed:
                by_article.setdefault(annotation.article_id, []).append(annotation)
            self._parsed = (self._storage.generation, parsed, by_article)
        if article_id is None:
            return list(self._parsed[1])
        return list(self._parsed[2].get(article_id, ()))

    def annotation(self, annotation_id: str) -> Annotation | None:
        doc = self._storage.tables.get(ANNOTATIONS, {}).get(annotation_id)
        return Annotation.from_doc(doc) if doc is not None else None

    def overrides(self) -> dict[str, dict[str, str]]:
        """The user's metadata edits, by article id."""
        return {key: dict(doc) for key, doc in self._storage.tables.get(ARTICLES, {}).items()}

    def color_names(self) -> dict[str, str]:
        """The user's names for the five colors (what each means in their research)."""
        stored = self._storage.tables.get(WORKSPACE, {}).get("colors") or {}
        return {color: str(stored.get(color) or DEFAULT_COLOR_NAMES[color]) for color in COLORS}

    def tags(self) -> list[str]:
        """Every tag in use, most used first, then alphabetically."""
        counts: dict[str, int] = {}
        for doc in self._storage.tables.get(ANNOTATIONS, {}).values():
            for tag in doc.get("tags", ()):
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t.lower()))

    def folders(self) -> list[str]:
        doc = self._storage.tables.get(WORKSPACE, {}).get("folders") or {}
        return [str(p) for p in doc.get("paths", [])]

    def set_folders(self, paths: list[str]) -> None:
        if paths == self.folders():
            return
        with self.change("open folders", record=False) as change:
            change._set(WORKSPACE, "folders", {"paths": paths})
