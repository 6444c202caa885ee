"""Files written whole (readers and crashes see the old or the new version) and read within bounds."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from stat import S_ISCHR, S_ISFIFO, S_ISREG


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a synced temp file in the same folder and ``os.replace``.

    A kill at any moment leaves either the previous file or the complete new one,
    never a truncated mix; the folder is synced too so the rename itself survives
    a power loss.
    """
    import tempfile  # here: a command that only reads never loads it (with shutil and random, 3 ms)

    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            stat = None
        # The file's own mode is kept; a new file (or one replacing a device) gets the usual
        # 0644, not mkstemp's 0600 nor /dev/null's 0666.
        os.chmod(tmp, stat.st_mode & 0o777 if stat is not None and S_ISREG(stat.st_mode) else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(folder)


def sync_folder(folder: Path) -> None:
    """Make a rename or a new name in ``folder`` durable (best effort: not every filesystem can)."""
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


class FileTooLarge(Exception):
    """More bytes than the reader allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit // 2**20} MB")


def read_bytes(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, at most ``limit`` of them.

    Opened non-blocking and checked with ``fstat`` on the open file, so a FIFO, a
    device (``/dev/zero``) or a file swapped for one after it was listed never blocks
    or streams forever. Raises ``OSError`` (with a plain ``strerror``) otherwise;
    ``FileTooLarge`` past the limit, however the file reports its size.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):
            kind = "a FIFO" if S_ISFIFO(stat.st_mode) else "a device" if S_ISCHR(stat.st_mode) else "a special file"
            raise OSError(errno.EINVAL, f"{kind}, not a regular file")
        if stat.st_size > limit:
            raise FileTooLarge(limit)
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FileTooLarge(limit)
        return b"".join(chunks), stat
    finally:
        os.close(fd)
