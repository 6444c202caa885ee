"""What every dialog shares: escape cancels, and a cancelled dialog returns None."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A modal dialog that escape closes with no result.

    A dialog whose escape says something else ("Close search") rebinds escape to ``cancel`` with
    its own description; one that must do more on cancel (stop a worker, ask before discarding)
    extends ``action_cancel``.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)
