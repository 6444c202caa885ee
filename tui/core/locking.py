"""Locks shared by every process that uses one DB (the app and a CLI command, or two app windows).

Both are ``flock``s, which the kernel releases when their process dies, so a crash
never leaves a stale lock or session behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from tui.core.errors import StoreBusy


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def sessions_path(path: Path) -> Path:
    return path.with_name(path.name + ".sessions")


class WriteLock:
    """An exclusive lock on ``<db>.lock``, held while one change reloads, applies and writes."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644)

    @contextlib.contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        """Hold the lock for the block; ``StoreBusy`` if another process keeps it past ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"{self.db}: another newsreader kept the DB locked for {timeout:.0f} s; try again."
                    ) from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        os.close(self._fd)


class Session:
    """This process's session on a DB: a shared lock on ``<db>.sessions`` held for its lifetime."""

    def __init__(self, db: Path) -> None:
        self._fd = os.open(sessions_path(db), os.O_RDWR | os.O_CREAT, 0o644)

    def hold(self) -> bool:
        """Hold the session; True if another session holds one too (its shared lock bars ours exclusive)."""
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            others = False
        except BlockingIOError:
            others = True
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        return others

    def close(self) -> None:
        os.close(self._fd)
