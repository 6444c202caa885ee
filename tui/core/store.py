"""The workspace store: a TinyDB database that never loses an acknowledged change.

Several processes may use one DB (the app and a CLI command, or two app windows).
Every change runs as a ``Change``: under an exclusive lock, the store first reloads if
another process wrote since it last looked, applies the change, and writes, so
nobody's change is lost (merge on write). Each change is also recorded in a persisted
history that undo and redo walk.

The parts: ``journal`` (the files on disk and their format), ``database`` (TinyDB and
its storage), ``locking`` (the write lock and sessions), ``history`` (undo and redo).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core import history
from tui.core.annotation import COLORS, DEFAULT_COLOR_NAMES, Annotation, clean_tags, color_names_problem, tag_key
from tui.core.database import Batch, Database
from tui.core.errors import SaveFailed, StoreBusy, StoreError, UsageError
from tui.core.history import HISTORY_LIMIT, Step
from tui.core.journal import (
    ANNOTATIONS,
    ARTICLES,
    FEEDS,
    WORKSPACE,
    Loaded,
    backup_path,
    fresh_tables,
    journal_path,
    read_db,
    remove_stale_temp_files,
    signature,
)
from tui.core.locking import Session, WriteLock, lock_path

__all__ = [
    "HISTORY_LIMIT",
    "Change",
    "SaveFailed",
    "Step",
    "Store",
    "StoreBusy",
    "StoreError",
    "backup_path",
    "journal_path",
]

LOCK_TIMEOUT = 10.0
JOURNAL_MIN_FOLD = 2 * 1024 * 1024  # fold the journal into the snapshot past this size…
JOURNAL_SHARE = 0.25  # …or past this share of the snapshot, whichever is larger
COMPACT_ON_CLOSE = 64 * 1024  # a journal past this is folded when the store closes


@dataclass
class Change:
    """One user-level change (e.g. "highlight"), recorded for undo and written once."""

    store: Store
    label: str
    batch: Batch
    steps: list[dict[str, Any]] = field(default_factory=list)

    def set_document(self, table: str, key: str, doc: dict[str, Any] | None) -> None:
        """Set (or with None, remove) one document of the DB, recording it for undo."""
        before = self.batch.put(table, key, doc)
        self.steps.append({"table": table, "key": key, "before": before, "after": doc})

    def put(self, annotation: Annotation) -> None:
        self.set_document(ANNOTATIONS, annotation.id, annotation.to_doc())

    def delete(self, annotation_id: str) -> None:
        self.set_document(ANNOTATIONS, annotation_id, None)

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
        self.set_document(ARTICLES, article_id, dict(values) if values else None)

    def set_color_names(self, names: dict[str, str]) -> None:
        """Name the colors; refused (``UsageError``) if a name would pick two colors."""
        if (problem := color_names_problem(names)) is not None:
            raise UsageError(problem)
        self.set_document(WORKSPACE, "colors", dict(names))

    def set_feed(self, feed_id: str, doc: dict[str, Any] | None) -> None:
        """Store a feed's subscription and state (None: unsubscribe)."""
        self.set_document(FEEDS, feed_id, dict(doc) if doc is not None else None)

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
        self._lock: WriteLock | None = None
        self._session: Session | None = None
        self._parsed: dict[str, Annotation] = {}
        self._by_article: dict[str, dict[str, Annotation]] = {}
        if path.exists() and path.is_dir():
            raise StoreError(f"{path}: is a folder, not a newsreader DB file.")
        loaded = read_db(path) if path.exists() else Loaded(fresh_tables(), 0, (None, None))
        self._signature = loaded.signature
        self._database = Database(path, loaded.tables, loaded.journal_bytes)
        self._parse_all()
        if readonly:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = WriteLock(path)
        except OSError as error:
            raise StoreError(f"{path}: cannot create the DB here ({error.strerror}).") from None
        with self._locked():
            remove_stale_temp_files(path)
            if path.exists():
                self._reload_if_changed()
            else:
                try:
                    self._database.snapshot()
                except OSError as error:
                    self.close()
                    raise StoreError(f"{path}: cannot create the DB here ({error.strerror or error}).") from None
                self._signature = signature(path)

    # --- files and locking ---------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return lock_path(self.path)

    def _reload(self) -> None:
        loaded = read_db(self.path)
        self._signature = loaded.signature
        self._database.replace(loaded.tables, loaded.journal_bytes)
        self._parse_all()

    def _reload_if_changed(self) -> bool:
        """Pick up what another process wrote since we last read or wrote."""
        if signature(self.path) == self._signature:
            return False
        if not self.path.exists():
            raise StoreError(f"{self.path}: the DB file was removed while in use; not recreating it silently.")
        self._reload()
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._lock is None:
            raise StoreError(f"{self.path}: opened read-only")
        with self._lock.held(LOCK_TIMEOUT):
            yield

    def register_session(self) -> bool:
        """Register this process as a session on the DB; True if another session has it open."""
        if self._session is None:
            self._session = Session(self.path)
        return self._session.hold()

    def sync(self) -> bool:
        """Reload if another process changed the DB; True if anything changed."""
        return self._reload_if_changed()

    def compact(self) -> None:
        """Fold the journal into a new snapshot (done on its own as the journal grows)."""
        with self._locked():
            self._reload_if_changed()
            self._database.snapshot()
            self._signature = signature(self.path)

    def close(self) -> None:
        if self._lock is not None and self._database.journal_bytes > COMPACT_ON_CLOSE:
            with contextlib.suppress(StoreError, OSError):
                self.compact()
        for held in (self._lock, self._session):
            if held is not None:
                held.close()
        self._lock = self._session = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- changes -------------------------------------------------------------------

    def _fold_threshold(self) -> int:
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        return max(JOURNAL_MIN_FOLD, int(size * JOURNAL_SHARE))

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Batch]:
        """Collect writes in one batch, made durable at the end; on any failure, go back to what is on disk."""
        batch = self._database.batch()
        try:
            yield batch
            if self._database.commit(batch, fold_past=self._fold_threshold()):
                self._signature = signature(self.path)
        except BaseException as error:
            self._database.discard()
            if self.path.exists():
                self._reload()
            if isinstance(error, OSError):
                raise SaveFailed(self.path, error) from None
            raise

    @contextlib.contextmanager
    def change(self, label: str, *, record: bool = True) -> Iterator[Change]:
        """Apply a change durably: nothing in it is visible to the caller as done until written."""
        with self._locked():
            self._reload_if_changed()
            with self._writing() as batch:
                change = Change(self, label, batch)
                yield change
                if record and change.steps:
                    history.record(self._database, batch, change.label, change.steps)
            self._parse({s["key"] for s in change.steps if s["table"] == ANNOTATIONS})

    def undo(self) -> Step | None:
        """Undo the latest change; what it was, or None if there is nothing to undo."""
        return self._walk_history(undo=True)

    def redo(self) -> Step | None:
        """Redo the change undone last; what it was, or None."""
        return self._walk_history(undo=False)

    def _walk_history(self, *, undo: bool) -> Step | None:
        with self._locked():
            self._reload_if_changed()
            found = history.next_to_walk(self._database, undo=undo)
            if found is None:
                return None
            with self._writing() as batch:
                step = history.walk(batch, *found, undo=undo)
            self._parse(step.annotations)
            return step

    # --- queries ---------------------------------------------------------------------

    def _parse_all(self) -> None:
        self._parsed, self._by_article = {}, {}
        for key, doc in self._database.view(ANNOTATIONS).items():
            self._add_parsed(key, doc)

    def _parse(self, keys: set[str]) -> None:
        """Keep the parsed annotations in step with the documents, for just the keys that changed."""
        for key in keys:
            old = self._parsed.pop(key, None)
            if old is not None:
                self._by_article.get(old.article_id, {}).pop(key, None)
            doc = self._database.get(ANNOTATIONS, key)
            if doc is not None:
                self._add_parsed(key, doc)

    def _add_parsed(self, key: str, doc: Mapping[str, Any]) -> None:
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
        return self._database.documents(ARTICLES)

    def color_names(self) -> dict[str, str]:
        """The user's names for the five colors (what each means in their research)."""
        stored = self._database.get(WORKSPACE, "colors") or {}
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
        doc = self._database.get(WORKSPACE, "folders") or {}
        return [str(p) for p in doc.get("paths", [])]

    def set_folders(self, paths: list[str]) -> None:
        if paths == self.folders():
            return
        with self.change("open folders", record=False) as change:
            change.set_document(WORKSPACE, "folders", {"paths": paths})

    def intake_folders(self) -> list[str]:
        """Folders that added articles were saved in: they join the workspace's folders."""
        doc = self._database.get(WORKSPACE, "intake") or {}
        return [str(p) for p in doc.get("paths", [])]

    def add_intake_folder(self, path: str) -> None:
        if path in self.intake_folders():
            return
        with self.change("add articles folder", record=False) as change:
            current = self.intake_folders()  # as re-read under the lock
            if path not in current:
                change.set_document(WORKSPACE, "intake", {"paths": [*current, path]})

    def unread(self) -> set[str]:
        """Articles added by the intake (add, feeds) and not opened since: shown as new."""
        doc = self._database.get(WORKSPACE, "unread") or {}
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
                change.set_document(WORKSPACE, "unread", {"ids": sorted(ids)})

    def feeds(self) -> dict[str, dict[str, Any]]:
        """Subscribed feeds by id, each a copy of its stored document."""
        return self._database.documents(FEEDS)
