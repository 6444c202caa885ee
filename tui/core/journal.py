"""The DB on disk: a snapshot replaced atomically, and a journal of checksummed changes.

- the snapshot, ``newsreader.json``: the whole DB, only ever replaced atomically
  (temp file in the same folder, fsync, ``os.replace``, fsync of the folder);
- the journal, ``newsreader.json.journal``: one checksummed line per change, holding
  the new value of each document the change touched, appended and fsynced before the
  change is reported done.

A change therefore costs a small append, whatever the size of the DB; when the
journal grows large it is folded into a new snapshot. Reading is the snapshot plus
the journal replayed; a journal line torn by a crash fails its checksum and is
ignored: its change was never acknowledged.
"""

from __future__ import annotations

import contextlib
import errno
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

import orjson

from tui.core.atomic import FileTooLarge, read_bytes, write_atomic
from tui.core.errors import StoreError

APP = "newsreader"
SCHEMA_VERSION = 1
MAX_DB_BYTES = 2 * 2**30  # a DB (or journal) past this is not one of ours: refused, not read

# The tables of the DB.
ANNOTATIONS = "annotations"
ARTICLES = "articles"  # the user's metadata edits, by article id
WORKSPACE = "workspace"
HISTORY = "history"
FEEDS = "feeds"  # subscribed feeds and their state (ETag, Last-Modified, items seen), by feed id
META = "_meta"

Tables = dict[str, dict[str, Any]]
Record = list[tuple[str, str, dict[str, Any] | None]]  # (table, key, new document or None for deleted)
FileSignature = tuple[int, int, int] | None
Signature = tuple[FileSignature, FileSignature]  # of the snapshot and the journal


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


def fresh_tables() -> Tables:
    """A new DB: only its schema."""
    return {META: {"schema": {"app": APP, "version": SCHEMA_VERSION}}}


def _why(error: OSError | FileTooLarge) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def signature(path: Path) -> Signature:
    """What tells us another process wrote: the snapshot's and journal's mtime, size and inode."""

    def of(file: Path) -> FileSignature:
        try:
            st = os.stat(file)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    return of(path), of(journal_path(path))


@dataclass(frozen=True, slots=True)
class Loaded:
    """A DB as read: its tables, the length of the journal's intact part, and its files' signature."""

    tables: Tables
    journal_bytes: int
    signature: Signature


def read_db(path: Path) -> Loaded:
    """Snapshot plus journal, validated (``StoreError`` with a plain explanation if not usable)."""
    try:
        before = signature(path)  # taken first: a write after it makes the next look reload
        data, _ = read_bytes(path, MAX_DB_BYTES)
    except (OSError, FileTooLarge) as error:
        raise StoreError(f"{path}: cannot read the DB ({_why(error)}).") from None
    tables = parse_db(path, data)
    records, good = read_journal(journal_path(path), path)
    for record in records:
        apply_record(tables, record)
    return Loaded(tables, good, before)


def parse_db(path: Path, data: bytes) -> Tables:
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


def encode_record(record: Record) -> bytes:
    """One journal line: the CRC-32 of the record, then the record as JSON."""
    body = orjson.dumps(record)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


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


def apply_record(tables: Tables, record: Record) -> None:
    """Replay one journalled change onto the tables read from the snapshot."""
    for table, key, doc in record:
        if doc is None:
            tables.get(table, {}).pop(key, None)
        else:
            tables.setdefault(table, {})[key] = doc


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


def write_snapshot(path: Path, tables: Tables, journal_bytes: int) -> None:
    """Write the whole DB as a new snapshot and start an empty journal.

    The previous snapshot is kept as ``.bak`` (a hard link, so it costs nothing).
    A crash between the two steps leaves a snapshot that already holds the
    journal's changes; replaying them again changes nothing.
    """
    if path.exists():
        with contextlib.suppress(OSError):
            staging = backup_path(path).with_suffix(".bak.tmp")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staging)
            os.link(path, staging)
            os.replace(staging, backup_path(path))
    write_atomic(path, orjson.dumps(tables))
    journal = journal_path(path)
    if journal_bytes or journal.exists():
        write_atomic(journal, b"")


def remove_stale_temp_files(path: Path) -> None:
    """Temp files left by a writer killed mid-snapshot (call under the write lock: nobody is writing)."""
    for name in (path.name, journal_path(path).name, backup_path(path).name):
        for stale in path.parent.glob(f".{name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
