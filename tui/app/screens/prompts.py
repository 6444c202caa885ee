"""Small generic dialogs: pick one of several, type a line, name the colors."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.screens.dialog import Dialog
from tui.app.widgets.field import Field
from tui.core.annotation import COLORS, color_names_problem


class ChoiceScreen(Dialog[str]):
    """Pick one option (enter) or cancel (escape); returns the option's value."""

    def __init__(self, title: str, choices: list[tuple[Content | str, str]]) -> None:
        super().__init__()
        self.title_text, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled(self.title_text, "bold"))
            yield OptionList(
                *[
                    Option(label if isinstance(label, Content) else Content(label), id=value)
                    for label, value in self.choices
                ],
                id="choices",
            )
            yield Static(Content("enter chooses · esc cancels"), classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class PromptScreen(Dialog[str]):
    """Type one line (enter) or cancel (escape)."""

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled(self.title_text, "bold"))
            yield Field(self.value)
            yield Static(Content("enter saves · esc cancels"), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class ColorNamesScreen(Dialog[dict[str, str]]):
    """Name what each highlight color means in this research (shown in help and notes)."""

    DEFAULT_CSS = """
    #color-fields {
        grid-columns: 14 1fr;
    }
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled("What the highlight colors mean", "bold"))
            with Grid(id="color-fields", classes="fields"):
                for number, color in enumerate(COLORS, 1):
                    yield Label(Content.assemble((f"{number} ", "bold"), (f"▌{color}", f"bold $hl-{color}")))
                    yield Field(self.names[color], id=f"color-{color}", compact=True)
            yield Static(Content("enter or ctrl+s saves · esc cancels"), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        names = {c: " ".join(self.query_one(f"#color-{c}", Input).value.split()) or c for c in COLORS}
        problem = color_names_problem(names)
        if problem is not None:  # the dialog stays open with what was typed
            self.notify(problem, title="Not saved", severity="error")
            return
        self.dismiss(names)
