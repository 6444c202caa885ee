"""The workspace store: a TinyDB database that never loses an acknowledged change.

TinyDB's own JSONStorage rewrites the whole file in place for every write (a crash
mid-write truncates it) and re-reads it for every read. ``AtomicStorage`` keeps the
data in memory and keeps it on disk as two files:

- the snapshot, ``newsreader.json``: the whole DB, only ever replaced atomically
  (temp file in the same folder, fsync, ``os.replace``, fsync of the folder);
- the journal, ``newsreader.json.journal``: one checksummed line per change, holding
  the new value of each document the change touched, appended and fsynced before the
  change is reported done.

A change therefore costs a small append, whatever the size of the DB; when the
journal grows large it is folded into a new snapshot. Reading is the snapshot plus
the journal replayed; a journal line torn by a crash fails its checksum and is
ignored: its change was never acknowledged.

Several processes may use one DB (the app and a CLI command, or two app windows).
Every change runs as a ``Change``: under an exclusive ``flock``, the store first
reloads if another process wrote since it last looked, applies the change, and
writes, so nobody's change is lost (merge on write). Each change is also recorded in
a persisted history that undo and redo walk.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from tui.core.annotation import COLORS, DEFAULT_COLOR_NAMES, Annotation, clean_tags, color_names_problem, tag_key
from tui.core.atomic import FileTooLarge, read_bytes, write_atomic
from tui.core.cleaning import clean_line
from tui.core.errors import UsageError, WorkFailed

APP = "newsreader"
SCHEMA_VERSION = 1
HISTORY_LIMIT = 200  # changes undo can walk back, across restarts
LOCK_TIMEOUT = 10.0
JOURNAL_MIN_FOLD = 2 * 1024 * 1024  # fold the journal into the snapshot past this size…
JOURNAL_SHARE = 0.25  # …or past this share of the snapshot, whichever is larger

ANNOTATIONS = "annotations"
ARTICLES = "articles"  # the user's metadata edits, by article id
WORKSPACE = "workspace"
HISTORY = "history"
FEEDS = "feeds"  # subscribed feeds and their state (ETag, Last-Modified, items seen), by feed id
META = "_meta"

Signature = tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]


class StoreError(UsageError):
    """The DB file cannot be used; the message names the file and the problem."""


class StoreBusy(WorkFailed):
    """Another process held the write lock for too long."""


class SaveFailed(WorkFailed):
    """A change could not be written completely (a full disk, an immutable file): not saved."""

    def __init__(self, path: Path, error: OSError) -> None:
        reason = error.strerror or str(error)
        hint = " (is the disk full?)" if error.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        super().__init__(f"{path}: not saved: cannot write ({reason}){hint}; the DB holds what it held before.")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _recovery_hint(path: Path) -> str:
    backup = backup_path(path)
    if backup.exists():
        return (
            f" The file was left untouched. The last good snapshot is {backup}: to go back to it,"
            f" `cp {backup} {path}` (changes since it are in {journal_path(path).name} if that file is intact)."
        )
    return " The file was left untouched. Move it away (or use --db) to start a new DB."


def _fresh() -> dict[str, Any]:
    return {META: {"schema": {"app": APP, "version": SCHEMA_VERSION}}}


def parse_db(path: Path, data: bytes) -> dict[str, Any]:
    """Validate the bytes of a DB snapshot, raising ``StoreError`` with a plain explanation."""
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


# --- the journal ---------------------------------------------------------------------------

Record = list[tuple[str, str, dict[str, Any] | None]]  # (table, key, new document or None for deleted)


def _encode(record: Record) -> bytes:
    body = orjson.dumps(record)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


MAX_DB_BYTES = 2 * 2**30  # a DB (or journal) past this is not one of ours: refused, not read


def _why(error: OSError | FileTooLarge) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def read_journal(path: Path, db: Path) -> tuple[list[Record], int]:
    """The journal's records and the length of its intact part.

    A last line that is incomplete or fails its checksum is a write torn by a crash:
    that change was never acknowledged, so it is dropped. A damaged line followed by
    good ones is damage, not a crash, and is refused.
    """
    try:
        data, _ = read_bytes(path, MAX_DB_BYTES)
    except FileNotFoundError:
        return [], 0
    except (OSError, FileTooLarge) as error:
        raise StoreError(f"{path}: cannot read the journal ({_why(error)}).") from None
    records: list[Record] = []
    good = 0
    lines = data.split(b"\n")
    for number, line in enumerate(lines):
        complete = number < len(lines) - 1  # the part after the last newline is unfinished
        record = _decode(line) if complete else None
        if record is None:
            if line and any(lines[number + 1 :]):
                raise StoreError(
                    f"{path}: line {number + 1} of the journal of {db.name} is damaged; refusing to guess."
                    f" Both files were left untouched, and {db.name} itself is intact. To keep the"
                    f" {number} change(s) before the damage: `head -n {number} {path} > {path}.good &&"
                    f" mv {path}.good {path}` (keep a copy of the journal first)."
                )
            break
        records.append(record)
        good += len(line) + 1
    return records, good


def _decode(line: bytes) -> Record | None:
    checksum, _, body = line.partition(b" ")
    try:
        if int(checksum, 16) != zlib.crc32(body):
            return None
        record = orjson.loads(body)
    except (ValueError, orjson.JSONDecodeError):
        return None
    valid = isinstance(record, list) and all(
        isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and isinstance(item[1], str)
        and (item[2] is None or isinstance(item[2], dict))
        for item in record
    )
    return record if valid else None


def append_line(journal: Path, length: int, line: bytes) -> int:
    """Append ``line`` after the journal's first ``length`` bytes, completely and durably.

    ``os.write`` may write less than asked (a full disk): the rest is written until
    done or an error, and on any error the journal is cut back to ``length`` so it
    never holds a torn line, and the error is raised. Returns the new length.
    """
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY, 0o644)
    try:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):  # a device (/dev/null) would take every change and keep none
            raise OSError(errno.EINVAL, "the journal is not a regular file")
        if stat.st_size > length:
            os.ftruncate(fd, length)  # drop a torn tail before appending after it
        view = memoryview(line)
        try:
            while view:
                written = os.write(fd, view)
                if written <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, length)  # not acknowledged: not kept either
            raise
    finally:
        os.close(fd)
    return length + len(line)


def _apply(tables: dict[str, Any], record: Record) -> None:
    for table, key, doc in record:
        if doc is None:
            tables.get(table, {}).pop(key, None)
        else:
            tables.setdefault(table, {})[key] = doc


# --- the TinyDB storage ----------------------------------------------------------------------


class AtomicStorage(Storage):
    """TinyDB storage: data in memory; changes journalled, the snapshot replaced atomically.

    The store tells the storage which documents a write touches (``touch``); a write it
    was not told about makes the next flush write a whole new snapshot instead.
    """

    def __init__(self, path: Path, tables: dict[str, Any], journal_bytes: int = 0) -> None:
        self.path = path
        self.journal = journal_path(path)
        self.journal_bytes = journal_bytes
        self.generation = 0  # bumped on every change, so readers can cache what they derive
        self.tables = tables
        self.deferred = False
        self.dirty = False
        self.touched: dict[tuple[str, str], None] = {}
        self.expected = False
        self.untracked = False

    @property
    def tables(self) -> dict[str, Any]:
        return self._tables

    @tables.setter
    def tables(self, tables: dict[str, Any]) -> None:
        self._tables = tables
        self.generation += 1

    def touch(self, table: str, key: str) -> None:
        """The next write changes this document (and the journal will say so)."""
        self.touched[(table, key)] = None
        self.expected = True

    def read(self) -> dict[str, Any]:
        return self._tables

    def write(self, data: dict[str, Any]) -> None:
        if not self.expected:
            self.untracked = True
        self.expected = False
        self.tables = data
        self.dirty = True
        if not self.deferred:
            self.flush()

    def flush(self) -> None:
        """Make everything since the last flush durable: a journal line, or a new snapshot."""
        if self.untracked or not self.path.exists() or self.journal_bytes > self._fold_threshold():
            self.snapshot()
        elif self.touched:
            record = [(t, k, self._tables.get(t, {}).get(k)) for t, k in self.touched]
            self.journal_bytes = append_line(self.journal, self.journal_bytes, _encode(record))
        self.touched.clear()
        self.untracked = self.dirty = False

    def _fold_threshold(self) -> int:
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        return max(JOURNAL_MIN_FOLD, int(size * JOURNAL_SHARE))

    def snapshot(self) -> None:
        """Write the whole DB as a new snapshot and start an empty journal.

        The previous snapshot is kept as ``.bak`` (a hard link, so it costs nothing).
        A crash between the two steps leaves a snapshot that already holds the
        journal's changes; replaying them again changes nothing.
        """
        if self.path.exists():
            with contextlib.suppress(OSError):
                staging = backup_path(self.path).with_suffix(".bak.tmp")
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(staging)
                os.link(self.path, staging)
                os.replace(staging, backup_path(self.path))
        write_atomic(self.path, orjson.dumps(self._tables))
        if self.journal_bytes or self.journal.exists():
            write_atomic(self.journal, b"")
        self.journal_bytes = 0
        self.touched.clear()
        self.untracked = self.dirty = False

    def close(self) -> None:
        pass


class _KeyedTable(Table):
    """A table whose document ids are our own string keys (annotation ids, article ids)."""

    document_id_class = str  # type: ignore[assignment]

    def _update_table(self, updater: Any) -> None:
        # TinyDB copies the whole table twice to convert ids to int and back; ours are
        # already strings in memory, so update in place (O(1) instead of O(n) per write).
        tables = self._storage.read()
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


class _DB(TinyDB):
    table_class = _KeyedTable


def _quote_of(doc: Any) -> str:
    try:
        return clean_line(doc["selector"]["exact"])
    except (TypeError, KeyError):
        return ""


@dataclass(frozen=True, slots=True)
class Step:
    """An undone or redone change: its label and the annotations it touched."""

    label: str
    annotations: set[str]
    quotes: tuple[str, ...] = ()  # of the passages it touched, so a message can name them

    def __str__(self) -> str:
        """``highlight “qualified law enforcement…”``, or ``retag (3 passages)``."""
        if len(self.quotes) == 1:
            words = " ".join(self.quotes[0].split())
            return f"{self.label} “{words[:40].rstrip() + '…' if len(words) > 40 else words}”"
        return f"{self.label} ({len(self.quotes)} passages)" if self.quotes else self.label


@dataclass
class Change:
    """One user-level change (e.g. "highlight"), recorded for undo and written once."""

    store: Store
    label: str
    steps: list[dict[str, Any]] = field(default_factory=list)

    def _set(self, table: str, key: str, doc: dict[str, Any] | None) -> None:
        before = self.store._put(table, key, doc)
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
        """Name the colors; refused (``UsageError``) if a name would pick two colors."""
        if (problem := color_names_problem(names)) is not None:
            raise UsageError(problem)
        self._set(WORKSPACE, "colors", dict(names))

    def set_feed(self, feed_id: str, doc: dict[str, Any] | None) -> None:
        """Store a feed's subscription and state (None: unsubscribe)."""
        self._set(FEEDS, feed_id, dict(doc) if doc is not None else None)

    def retag(self, old: str, new: str | None) -> int:
        """Rename tag ``old`` to ``new`` everywhere (merging if ``new`` exists), or remove it
        with ``new=None``. Returns how many annotations changed."""
        changed = 0
        for annotation in self.store.annotations():
            if not annotation.has_tag(old):
                continue
            tags = [(new or "") if tag_key(t) == tag_key(old) else t for t in annotation.tags]
            self.put(annotation.edited(tags=clean_tags(tags)))
            changed += 1
        return changed


class Store:
    """The annotations, metadata edits, opened folders and history of one workspace."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        # One real path for every file the store uses (snapshot, journal, lock, backup):
        # through a symlink, they all live beside the target and the link stays a link.
        path = Path(os.path.realpath(path))
        self.path = path
        self.readonly = readonly
        self._lock_fd: int | None = None
        self._session_fd: int | None = None
        self._signature: Signature = (None, None)
        self._parsed: dict[str, Annotation] = {}
        self._by_article: dict[str, dict[str, Annotation]] = {}
        if path.exists() and path.is_dir():
            raise StoreError(f"{path}: is a folder, not a newsreader DB file.")
        tables, journal_bytes = self._read() if path.exists() else (_fresh(), 0)
        self._storage = AtomicStorage(path, tables, journal_bytes)
        self._db = _DB(storage=lambda: self._storage)  # type: ignore[arg-type]
        self._parse_all()
        if readonly:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"{path}: cannot create the DB here ({error.strerror}).") from None
        with self._locked():
            self._remove_stale_temp_files()
            if path.exists():
                self._reload_if_changed()
            else:
                try:
                    self._storage.snapshot()
                except OSError as error:
                    self.close()
                    raise StoreError(f"{path}: cannot create the DB here ({error.strerror or error}).") from None
                self._signature = self._file_signature()

    # --- files and locking ---------------------------------------------------------

    def _remove_stale_temp_files(self) -> None:
        """Temp files left by a writer killed mid-snapshot (we hold the lock: nobody is writing)."""
        for name in (self.path.name, journal_path(self.path).name, backup_path(self.path).name):
            for stale in self.path.parent.glob(f".{name}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _file_signature(self) -> Signature:
        def signature(path: Path) -> tuple[int, int, int] | None:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                return None
            return (st.st_mtime_ns, st.st_size, st.st_ino)

        return signature(self.path), signature(journal_path(self.path))

    def _read(self) -> tuple[dict[str, Any], int]:
        """Snapshot plus journal, validated; and how much of the journal is intact."""
        try:
            signature = self._file_signature()
            data, _ = read_bytes(self.path, MAX_DB_BYTES)
        except (OSError, FileTooLarge) as error:
            raise StoreError(f"{self.path}: cannot read the DB ({_why(error)}).") from None
        tables = parse_db(self.path, data)
        records, good = read_journal(journal_path(self.path), self.path)
        for record in records:
            _apply(tables, record)
        self._signature = signature
        return tables, good

    def _reload(self) -> None:
        tables, good = self._read()
        self._storage.tables = tables
        self._storage.journal_bytes = good
        self._db.clear_cache()
        self._parse_all()

    def _reload_if_changed(self) -> bool:
        """Pick up what another process wrote since we last read or wrote."""
        if self._file_signature() == self._signature:
            return False
        if not self.path.exists():
            raise StoreError(f"{self.path}: the DB file was removed while in use; not recreating it silently.")
        self._reload()
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
        """Reload if another process changed the DB; True if anything changed."""
        return self._reload_if_changed()

    def compact(self) -> None:
        """Fold the journal into a new snapshot (done on its own as the journal grows)."""
        with self._locked():
            self._reload_if_changed()
            self._storage.snapshot()
            self._signature = self._file_signature()

    def close(self) -> None:
        if self._lock_fd is not None and self._storage.journal_bytes > 64 * 1024:
            with contextlib.suppress(StoreError, OSError):
                self.compact()
        for fd in (self._lock_fd, self._session_fd):
            if fd is not None:
                os.close(fd)
        self._lock_fd = self._session_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- changes -------------------------------------------------------------------

    def _put(self, table: str, key: str, doc: dict[str, Any] | None) -> dict[str, Any] | None:
        """Set (or with None, remove) one document through TinyDB; returns what it replaced."""
        tbl = self._db.table(table)
        current = self._storage.tables.get(table, {}).get(key)
        before = dict(current) if current is not None else None
        self._storage.touch(table, key)
        if doc is None:
            if before is None:
                self._storage.expected = False
                return None
            tbl.remove(doc_ids=[key])
        elif before is None:
            tbl.insert(Document(doc, doc_id=key))  # type: ignore[arg-type]
        else:

            def replace_doc(existing: dict[str, Any]) -> None:
                existing.clear()
                existing.update(doc)

            tbl.update(replace_doc, doc_ids=[key])  # type: ignore[list-item]
        return before

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Defer writes to one flush at the end; on any failure, go back to what is on disk."""
        self._storage.deferred = True
        try:
            yield
            if self._storage.dirty:
                self._storage.flush()
                self._signature = self._file_signature()
        except BaseException as error:
            self._storage.touched.clear()
            self._storage.untracked = self._storage.dirty = False
            if self.path.exists():
                self._reload()
            if isinstance(error, OSError):
                raise SaveFailed(self.path, error) from None
            raise
        finally:
            self._storage.deferred = False
            self._storage.dirty = False

    @contextlib.contextmanager
    def change(self, label: str, *, record: bool = True) -> Iterator[Change]:
        """Apply a change durably: nothing in it is visible to the caller as done until written."""
        with self._locked():
            self._reload_if_changed()
            change = Change(self, label)
            with self._writing():
                yield change
                if record and change.steps:
                    self._record(change)
            self._parse({s["key"] for s in change.steps if s["table"] == ANNOTATIONS})

    def _history(self) -> list[tuple[str, dict[str, Any]]]:
        return sorted(self._storage.tables.get(HISTORY, {}).items(), key=lambda item: item[1]["seq"])

    def _record(self, change: Change) -> None:
        entries = self._history()
        for key, entry in entries:
            if entry.get("undone"):
                self._put(HISTORY, key, None)  # a new change ends the redo branch
        kept = [(key, entry) for key, entry in entries if not entry.get("undone")]
        for key, _ in kept[: max(len(kept) - HISTORY_LIMIT + 1, 0)]:
            self._put(HISTORY, key, None)
        seq = (kept[-1][1]["seq"] + 1) if kept else 1
        self._put(HISTORY, f"{seq:09d}", {"seq": seq, "label": change.label, "steps": change.steps, "undone": False})

    def undo(self) -> Step | None:
        """Undo the latest change; what it was, or None if there is nothing to undo."""
        return self._walk_history(undo=True)

    def redo(self) -> Step | None:
        """Redo the change undone last; what it was, or None."""
        return self._walk_history(undo=False)

    def _walk_history(self, *, undo: bool) -> Step | None:
        with self._locked():
            self._reload_if_changed()
            entries = self._history()
            candidates = [(k, e) for k, e in entries if bool(e.get("undone")) != undo]
            if not candidates:
                return None
            key, entry = candidates[-1] if undo else candidates[0]
            side = "before" if undo else "after"
            with self._writing():
                for step in entry["steps"] if not undo else reversed(entry["steps"]):
                    self._put(step["table"], step["key"], step[side])
                self._put(HISTORY, key, {**entry, "undone": undo})
            steps = [s for s in entry["steps"] if s["table"] == ANNOTATIONS]
            touched = {s["key"] for s in steps}
            self._parse(touched)
            quotes = {s["key"]: _quote_of(s["after"] or s["before"]) for s in steps}
            return Step(str(entry["label"]), touched, tuple(q for q in quotes.values() if q))

    # --- queries ---------------------------------------------------------------------

    def _parse_all(self) -> None:
        self._parsed, self._by_article = {}, {}
        self._parse(set(self._storage.tables.get(ANNOTATIONS, {})))

    def _parse(self, keys: set[str]) -> None:
        """Keep the parsed annotations in step with the documents, for just the keys that changed."""
        docs = self._storage.tables.get(ANNOTATIONS, {})
        for key in keys:
            old = self._parsed.pop(key, None)
            if old is not None:
                self._by_article.get(old.article_id, {}).pop(key, None)
            doc = docs.get(key)
            if doc is not None:
                annotation = Annotation.from_doc(doc)
                self._parsed[key] = annotation
                self._by_article.setdefault(annotation.article_id, {})[key] = annotation

    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        """All annotations, or one article's."""
        if article_id is None:
            return list(self._parsed.values())
        return list(self._by_article.get(article_id, {}).values())

    def annotation(self, annotation_id: str) -> Annotation | None:
        return self._parsed.get(annotation_id)

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
        spelling: dict[str, str] = {}  # one tag whatever its case, spelled as first written
        for annotation in sorted(self._parsed.values(), key=lambda a: (a.created, a.id)):
            for tag in annotation.tags:
                key = spelling.setdefault(tag_key(tag), tag)
                counts[key] = counts.get(key, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t.lower()))

    def folders(self) -> list[str]:
        doc = self._storage.tables.get(WORKSPACE, {}).get("folders") or {}
        return [str(p) for p in doc.get("paths", [])]

    def set_folders(self, paths: list[str]) -> None:
        if paths == self.folders():
            return
        with self.change("open folders", record=False) as change:
            change._set(WORKSPACE, "folders", {"paths": paths})

    def intake_folders(self) -> list[str]:
        """Folders that added articles were saved in: they join the workspace's folders."""
        doc = self._storage.tables.get(WORKSPACE, {}).get("intake") or {}
        return [str(p) for p in doc.get("paths", [])]

    def add_intake_folder(self, path: str) -> None:
        if path in self.intake_folders():
            return
        with self.change("add articles folder", record=False) as change:
            current = self.intake_folders()  # as re-read under the lock
            if path not in current:
                change._set(WORKSPACE, "intake", {"paths": [*current, path]})

    def unread(self) -> set[str]:
        """Articles added by the intake (add, feeds) and not opened since: shown as new."""
        doc = self._storage.tables.get(WORKSPACE, {}).get("unread") or {}
        return {str(i) for i in doc.get("ids", [])}

    def mark_unread(self, article_ids: Iterable[str]) -> None:
        self._set_unread(lambda ids: ids | set(article_ids))

    def mark_read(self, article_id: str) -> None:
        if article_id in self.unread():
            self._set_unread(lambda ids: ids - {article_id})

    def _set_unread(self, update: Callable[[set[str]], set[str]]) -> None:
        with self.change("mark new articles", record=False) as change:
            current = self.unread()  # as re-read under the lock
            ids = update(current)
            if ids != current:
                change._set(WORKSPACE, "unread", {"ids": sorted(ids)})

    def feeds(self) -> dict[str, dict[str, Any]]:
        """Subscribed feeds by id, each a copy of its stored document."""
        return {key: dict(doc) for key, doc in self._storage.tables.get(FEEDS, {}).items()}
