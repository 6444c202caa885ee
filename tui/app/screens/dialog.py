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

    DEFAULT_CSS = """
    /* Every dialog fits an 80×24 terminal; a smaller one scrolls it. */
    #dialog {
        width: 80;
        max-width: 100%;
        max-height: 100%;
        overflow-y: auto;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #dialog.wide {
        width: 110;
        max-width: 100%;
    }

    /* A form: a label and its field a row. */
    .fields {
        grid-size: 2;
        grid-columns: 10 1fr;
        grid-rows: 1;
        grid-gutter: 1 0;
        height: auto;
        margin: 1 0;
    }

    .hint {
        color: $text-muted;
    }

    .quote {
        margin: 1 0;
        color: $text;
    }

    #dialog TextArea {
        height: 10;
    }

    #dialog OptionList {
        max-height: 20;
    }

    .buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }

    .buttons Button {
        margin-left: 2;
    }

    .error {
        color: $error;
        height: auto;
    }
    """
    # Priority: the dialog closes before the keys typed after escape are looked at, so they act
    # on the screen it closes to (as typed), not on the closing dialog.
    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True)]

    def action_cancel(self) -> None:
        self.dismiss(None)
