"""Replace a file so that readers and crashes only ever see the old or the new version."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a synced temp file in the same folder and ``os.replace``.

    A kill at any moment leaves either the previous file or the complete new one,
    never a truncated mix; the folder is synced too so the rename itself survives
    a power loss.
    """
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644  # mkstemp makes 0600; a new file gets the usual mode
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_export(path: Path, data: bytes, *, db: Path) -> None:
    """Write an export file atomically, refusing the DB's own files; ``UsageError`` says why not."""
    from tui.core.errors import UsageError

    try:
        target = path.expanduser()
        own = {db.resolve(), *(db.with_name(db.name + suffix).resolve() for suffix in (".journal", ".bak", ".lock"))}
        if target.resolve() in own:
            raise UsageError(f"{path}: that is one of the annotation DB's files; choose another file for the export")
        if target.is_dir():
            raise UsageError(f"{path}: is a folder; give a file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except (OSError, RuntimeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"{path}: cannot write ({reason})") from None
