"""Errors a user can act on; the CLI and the app turn them into messages."""

from __future__ import annotations

import errno
from pathlib import Path


class NewsreaderError(Exception):
    """A failure the user should read about, with the CLI exit code it maps to."""

    exit_code = 1


class UsageError(NewsreaderError):
    """Bad usage or bad input: a missing file, an unreadable or foreign DB."""

    exit_code = 2


class WorkFailed(NewsreaderError):
    """The request was understood but could not be done (quote not found, ...)."""

    exit_code = 1


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
