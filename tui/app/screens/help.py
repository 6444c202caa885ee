"""The ``?`` screen: every key, read from the bindings themselves so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.app.screens.dialog import Dialog

KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "esc",
}


def key_label(keys: str) -> str:
    """``shift+up,k`` → ``shift+↑ / k``."""
    labels = []
    for key in keys.split(","):
        parts = key.strip().split("+")
        labels.append("+".join(KEY_NAMES.get(part, part) for part in parts))
    return " / ".join(labels)


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            rows.append((binding.key_display or key_label(binding.key), binding.description))
    return rows


class HelpScreen(Dialog[None]):
    """Sections of ``(title, rows)`` and free text, dismissed with escape, q or ?."""

    DEFAULT_CSS = """
    HelpScreen #help-body {
        width: 90;
        max-width: 100%;
        max-height: 90%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 2;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "cancel", "Close help", priority=True),
        Binding("down,j", "scroll('down')", show=False),
        Binding("up,k", "scroll('up')", show=False),
        Binding("pagedown,space", "scroll('page_down')", show=False),
        Binding("pageup", "scroll('page_up')", show=False),
        Binding("home,g", "scroll('home')", show=False),
        Binding("end,G", "scroll('end')", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        parts: list[Content | str] = [Content.styled("newsreader — keys\n", "bold")]
        for title, rows in self._sections:
            parts.append(Content.styled(f"\n{title}\n", "bold $accent"))
            width = max((len(key) for key, _ in rows), default=0)
            for key, description in rows:
                parts += [Content.styled(f"  {key.ljust(width)}  ", "bold"), Content(description), "\n"]
        with VerticalScroll(id="help-body"):
            yield Static(Content.assemble(*parts), id="help-text")

    def action_scroll(self, where: str) -> None:
        """The reader's keys move through the help too."""
        getattr(self.query_one("#help-body", VerticalScroll), f"scroll_{where}")(animate=False)
