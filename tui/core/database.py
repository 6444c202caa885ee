"""TinyDB, the product's store, behind one adapter: documents keyed by our own string ids.

TinyDB's own JSONStorage rewrites the whole file in place for every write (a crash
mid-write truncates it) and re-reads it for every read. ``AtomicStorage`` keeps the
data in memory and makes each write durable as a journal line or a new snapshot
(``tui.core.journal``).

TinyDB copies a whole table for each write call, so a change touching many documents
(an import, a retag) would cost O(n) per document. ``Database.commit`` therefore
applies a change's documents with at most three calls per table (remove, update,
insert), whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from tui.core.journal import Tables, append_line, encode_record, journal_path, write_snapshot

Doc = dict[str, Any]


class AtomicStorage(Storage):
    """TinyDB storage: data in memory; changes journalled, the snapshot replaced atomically.

    The adapter tells the storage which documents the next write touches (``expect``), so a
    flush journals just those; a write it was not told about makes the next flush write a
    whole new snapshot instead.
    """

    def __init__(self, path: Path, tables: Tables, journal_bytes: int) -> None:
        self.path = path
        self.journal = journal_path(path)
        self.journal_bytes = journal_bytes
        self._tables = tables
        self._touched: dict[tuple[str, str], None] = {}
        self._expected = False
        self._untracked = False

    def read(self) -> Tables:
        return self._tables

    def view(self, table: str) -> Mapping[str, Mapping[str, Any]]:
        """One table as held in memory, read-only and not copied (see ``Database.view``)."""
        return MappingProxyType(self._tables.get(table, {}))

    def write(self, data: Tables) -> None:
        if not self._expected:
            self._untracked = True
        self._expected = False
        self._tables = data

    def expect(self, table: str, keys: Iterable[str]) -> None:
        """The next write changes these documents (and the journal will say so)."""
        self._touched.update(dict.fromkeys((table, key) for key in keys))
        self._expected = True

    def flush(self, *, fold_past: int) -> None:
        """Make every write since the last flush durable: a journal line, or a new snapshot
        once the journal is past ``fold_past`` bytes."""
        if self._untracked or not self.path.exists() or self.journal_bytes > fold_past:
            self.snapshot()
        elif self._touched:
            record = [(t, k, self._tables.get(t, {}).get(k)) for t, k in self._touched]
            self.journal_bytes = append_line(self.journal, self.journal_bytes, encode_record(record))
        self.discard()

    def snapshot(self) -> None:
        """Write the whole DB as a new snapshot and start an empty journal."""
        write_snapshot(self.path, self._tables, self.journal_bytes)
        self.journal_bytes = 0
        self.discard()

    def discard(self) -> None:
        """Forget what the writes since the last flush touched (flushed, or about to be reloaded)."""
        self._touched.clear()
        self._untracked = self._expected = False

    def replace(self, tables: Tables, journal_bytes: int) -> None:
        """Take the DB as just read from disk."""
        self._tables = tables
        self.journal_bytes = journal_bytes
        self.discard()

    def close(self) -> None:
        pass


class KeyedTable(Table):
    """A table whose document ids are our own string keys (annotation ids, article ids)."""

    document_id_class = str  # type: ignore[assignment]


class KeyedDB(TinyDB):
    table_class = KeyedTable


@dataclass
class TableWrites:
    """What a batch does to one table."""

    removed: list[str] = field(default_factory=list)
    replaced: dict[str, Doc] = field(default_factory=dict)
    added: dict[str, Doc] = field(default_factory=dict)


class Batch:
    """The documents one change sets, held until ``Database.commit`` applies them together.

    Reads through the batch see its own writes, so each write knows what it replaced.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._documents: dict[tuple[str, str], Doc | None] = {}  # the new value of each, None: removed
        self._stored: dict[tuple[str, str], bool] = {}  # whether each was in the DB before the batch

    def get(self, table: str, key: str) -> Doc | None:
        if (table, key) in self._documents:
            return self._documents[(table, key)]
        return self._database.get(table, key)

    def put(self, table: str, key: str, doc: Doc | None) -> Doc | None:
        """Set (or with None, remove) one document; returns what it replaced."""
        before = self.get(table, key)
        self._stored.setdefault((table, key), before is not None)
        self._documents[(table, key)] = doc
        return before

    def writes(self) -> dict[str, TableWrites]:
        """Per table, the documents removed, replaced and added (one added and removed again: neither)."""
        writes: dict[str, TableWrites] = {}
        for (table, key), doc in self._documents.items():
            stored = self._stored[(table, key)]
            table_writes = writes.setdefault(table, TableWrites())
            if doc is None:
                if stored:
                    table_writes.removed.append(key)
            elif stored:
                table_writes.replaced[key] = doc
            else:
                table_writes.added[key] = doc
        return writes


def _replacing(docs: Iterable[Doc]) -> Callable[[MutableMapping[str, Any]], None]:
    """A TinyDB update that replaces each document it is called on by the next of ``docs``."""
    new = iter(docs)

    def replace(existing: MutableMapping[str, Any]) -> None:
        doc = next(new)
        existing.clear()
        existing.update(doc)

    return replace


class Database:
    """The one place that talks to TinyDB: reads by key, and batches of writes."""

    def __init__(self, path: Path, tables: Tables, journal_bytes: int) -> None:
        self._atomic_storage = AtomicStorage(path, tables, journal_bytes)
        self._tinydb = KeyedDB(storage=lambda: self._atomic_storage)

    def get(self, table: str, key: str) -> Doc | None:
        """A copy of one document, or None."""
        return self._tinydb.table(table).get(doc_id=key)  # type: ignore[arg-type, return-value]

    def documents(self, table: str) -> dict[str, Doc]:
        """Copies of a table's documents, by key, in stored order."""
        return {str(doc.doc_id): doc for doc in self._tinydb.table(table)}

    def view(self, table: str) -> Mapping[str, Mapping[str, Any]]:
        """A table's documents as held in memory, not copied: for reading a large table whole.

        TinyDB copies each document it returns, which adds about a quarter to parsing
        50,000 annotations when a DB is opened or reloaded.
        """
        return self._atomic_storage.view(table)

    def batch(self) -> Batch:
        return Batch(self)

    def commit(self, batch: Batch, *, fold_past: int) -> bool:
        """Apply the batch through TinyDB and make it durable; False if it changed nothing."""
        wrote = False
        for name, writes in batch.writes().items():
            table = self._tinydb.table(name)
            if writes.removed:
                self._atomic_storage.expect(name, writes.removed)
                table.remove(doc_ids=writes.removed)  # type: ignore[arg-type]
            if writes.replaced:
                self._atomic_storage.expect(name, writes.replaced)
                # TinyDB calls the update on the given ids in order; it returns the ids it updated.
                ids = list(writes.replaced)
                if table.update(_replacing(writes.replaced.values()), doc_ids=ids) != ids:  # type: ignore[arg-type]
                    raise RuntimeError(f"TinyDB did not update every document asked in {name!r}")
            if writes.added:
                self._atomic_storage.expect(name, writes.added)
                added = [Document(doc, doc_id=key) for key, doc in writes.added.items()]  # type: ignore[arg-type]
                table.insert_multiple(added)
            wrote = wrote or bool(writes.removed or writes.replaced or writes.added)
        if wrote:
            self._atomic_storage.flush(fold_past=fold_past)
        return wrote

    def snapshot(self) -> None:
        self._atomic_storage.snapshot()

    def discard(self) -> None:
        self._atomic_storage.discard()

    def replace(self, tables: Tables, journal_bytes: int) -> None:
        self._atomic_storage.replace(tables, journal_bytes)

    @property
    def journal_bytes(self) -> int:
        return self._atomic_storage.journal_bytes
