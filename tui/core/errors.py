"""Errors a user can act on; the CLI and the app turn them into messages."""


class NewsreaderError(Exception):
    """A failure the user should read about, with the CLI exit code it maps to."""

    exit_code = 1


class UsageError(NewsreaderError):
    """Bad usage or bad input: a missing file, an unreadable or foreign DB."""

    exit_code = 2


class WorkFailed(NewsreaderError):
    """The request was understood but could not be done (quote not found, ...)."""

    exit_code = 1
