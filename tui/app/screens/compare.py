"""The compare view: two or three sources side by side, their shared passages linked.

Each column is a full reader (cursor, selection, find, highlight, tag, note). The
margin numbers each aligned group; ``]`` / ``[`` bring every column to the next or
previous group; ``o`` marks what only this source reports; differing figures in a
group are flagged in every column that has them; ``w`` says why a group was linked
(the terms its passages share).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.app.typeahead import deliver_now
from tui.app.widgets.reader import Mark, Reader
from tui.app.widgets.reader_pane import ReaderPane
from tui.core.article import shorten
from tui.core.passages import Span

if TYPE_CHECKING:
    from tui.core.alignment import Alignment, Group

GUTTER = 5
Mirrored = Literal["highlight", "tag"]  # what H and T do to a passage and its counterparts


class CompareReader(Reader):
    """A reader whose ], [, o and escape steer the compare view."""

    BINDINGS = [
        Binding("right_square_bracket", "screen.group(1)", "Next group", key_display="]"),
        Binding("left_square_bracket", "screen.group(-1)", "Previous group", key_display="["),
        Binding("o", "screen.toggle_unique", "Only in this source"),
        Binding("w", "screen.toggle_shared", "Why linked: shared terms"),
        Binding("H", "screen.mirror('highlight')", "Highlight with counterparts"),
        Binding("T", "screen.mirror('tag')", "Tag with counterparts"),
        Binding("escape", "screen.back", "Back to the three panes"),
    ]


@dataclass(frozen=True, slots=True)
class Counterpart:
    """A passage in one column: which reader, which span."""

    reader: Reader
    span: Span


class CompareScreen(Screen[None]):
    """Columns of readers over an Alignment; the app still does every write."""

    class MirrorRequested(Message):
        """Annotate a passage and its counterparts in the other columns, each in its own article."""

        def __init__(self, action: Mirrored, passages: list[Counterpart]) -> None:
            super().__init__()
            self.action = action
            self.passages = passages

    def __init__(self, alignment: Alignment, group: int | None = None, unique: tuple[int, int] | None = None) -> None:
        """``group``: open at that group; ``unique``: (column, index) of an "only in" passage to select."""
        super().__init__()
        self.alignment = alignment
        self.group_index = -1
        self._left_at: list[int | None] = [None] * len(self.alignment.articles)  # cursors after ] / [
        self.show_unique = unique is not None
        self.show_shared = False
        self._start_group = group
        self._start_unique = unique

    def compose(self) -> ComposeResult:
        count = len(self.alignment.articles)
        with Horizontal(id="columns"):
            for number in range(count):
                with Vertical(classes=f"compare-column columns-{count}", id=f"column-{number}"):
                    yield Static(self._header(number), classes="compare-header")
                    yield ReaderPane(CompareReader(id=f"compare-reader-{number}"), classes="compare-pane")
        yield Static(self._summary(), id="compare-summary")
        yield Footer()

    def _header(self, number: int) -> Content:
        article = self.alignment.articles[number]
        citation = article.citation() or article.file_name
        unique = len(self.alignment.unique[number])
        return Content.assemble(
            (citation, "bold $accent"),
            "\n",
            (shorten(article.meta.title or article.file_name, 70), "bold"),
            "\n",
            (f"{unique} passage{'s' if unique != 1 else ''} only here (o shows them)", "$text-muted"),
        )

    def _summary(self) -> Content:
        groups = self.alignment.groups
        verbatim = sum(g.kind == "near-verbatim" for g in groups)
        flagged = sum(any(p.figures for p in g.passages) for g in groups)
        return Content.assemble(
            (f" {len(groups)} shared passage groups", "bold"),
            f" · {verbatim} near-verbatim, {len(groups) - verbatim} paraphrase",
            (f" · {flagged} with differing figures" if flagged else "", "$error"),
            (
                "  ] / [ next / previous group · o only in this source · w why linked"
                " · H / T highlight / tag with counterparts",
                "$text-muted",
            ),
        )

    @property
    def readers(self) -> list[Reader]:
        return [self.query_one(f"#compare-reader-{n}", Reader) for n in range(len(self.alignment.articles))]

    def on_mount(self) -> None:
        for reader, article in zip(self.readers, self.alignment.articles, strict=True):
            reader.gutter_width = GUTTER
            reader.show_header = False
            reader.article = article
        self._mark()
        self._left_at = [reader.cursor for reader in self.readers]  # the first ] goes to group 1
        self.readers[0].focus()
        if self._start_group is not None and 0 <= self._start_group < len(self.alignment.groups):
            self._show_group(self._start_group)
        elif self._start_unique is not None:
            column, index = self._start_unique
            passage = self.alignment.unique[column][index]
            self.readers[column].select(passage.span, cursor_at_end=False, to_top=True)
            self.readers[column].focus()

    def _mark(self) -> None:
        """Give each column its marks: group passages, flagged figures, and (with o) unique passages."""
        marks: list[list[Mark]] = [[] for _ in self.alignment.articles]
        for number, group in enumerate(self.alignment.groups, 1):
            for passage in group.passages:
                marks[passage.article].append(Mark(passage.span, "group", str(number)))
                marks[passage.article] += [Mark(f.span, "figure") for f in passage.figures]
        if self.show_unique:
            for number, passages in enumerate(self.alignment.unique):
                marks[number] += [Mark(p.span, "unique", "◆") for p in passages]
        for reader, column in zip(self.readers, marks, strict=True):
            reader.marks = column

    def _focused_column(self) -> int:
        focused = self.focused
        for number, reader in enumerate(self.readers):
            if focused is not None and reader.parent in focused.ancestors_with_self:  # the reader or its find bar
                return number
        return 0

    def action_group(self, step: int) -> None:
        """Go to the next (or previous) group by number; from the group the cursor is in, if any."""
        groups = self.alignment.groups
        if not groups:
            self.notify("These articles share no passages that the alignment could find.")
            return
        column = self._focused_column()
        cursor = self.readers[column].cursor
        here = None
        if cursor != self._left_at[column]:  # the user moved: count from the group the cursor is in
            here = next((i for i, g in enumerate(groups) if self._group_has(g, column, cursor)), None)
        current = here if here is not None else self.group_index
        first = 0 if step > 0 else len(groups) - 1
        self._show_group(first if current < 0 else (current + step) % len(groups))

    def _group_has(self, group: Group, column: int, offset: int) -> bool:
        return any(p.article == column and p.span.start <= offset <= p.span.end for p in group.passages)

    def _show_group(self, index: int) -> None:
        self.group_index = index
        group = self.alignment.groups[index]
        present = {p.article for p in group.passages}
        for passage in group.passages:
            self.readers[passage.article].select(passage.span, cursor_at_end=False, to_top=True)
        for number, reader in enumerate(self.readers):
            if number not in present:
                reader.action_clear_selection()  # this source has no passage in the group
        self._summarize(index)
        self._left_at = [reader.cursor for reader in self.readers]

    def _summarize(self, index: int) -> None:
        """The status line for a group: kind, score, differing figures, who lacks it, and (w) why linked."""
        group = self.alignment.groups[index]
        present = {p.article for p in group.passages}
        names = [a.meta.outlet or a.file_name for a in self.alignment.articles]
        missing = [
            self.alignment.articles[n].meta.outlet or self.alignment.articles[n].file_name
            for n in range(len(self.readers))
            if n not in present
        ]
        parts: list[Content | str | tuple[str, str]] = [
            (f" group {index + 1} of {len(self.alignment.groups)}", "bold"),
            f" · {group.kind} · score {group.score:.2f}",
        ]
        for difference in group.differences:
            parts.append((f" · figures differ: {difference.describe(names)}", "bold $error"))
        if missing:
            parts.append((f" · not in {', '.join(missing)}", "$text-muted"))
        if self.show_shared:
            parts.append((f" · shared: {', '.join(group.shared) or '(wording)'}", "$accent"))
        self.query_one("#compare-summary", Static).update(Content.assemble(*parts))

    def action_toggle_shared(self) -> None:
        """Say (or stop saying) why the group shown was linked: the specific terms its passages share."""
        self.show_shared = not self.show_shared
        if self.group_index >= 0:
            self._summarize(self.group_index)
        else:
            state = "shown with each group (] goes to the first)" if self.show_shared else "hidden"
            self.query_one("#compare-summary", Static).update(Content(f" shared terms {state}"))

    def action_toggle_unique(self) -> None:
        self.show_unique = not self.show_unique
        self._mark()
        counts = ", ".join(
            f"{a.meta.outlet or a.file_name}: {len(u)}"
            for a, u in zip(self.alignment.articles, self.alignment.unique, strict=True)
        )
        text = f" only in one source (◆): {counts}" if self.show_unique else " unique passages hidden"
        self.query_one("#compare-summary", Static).update(Content(text))

    def action_mirror(self, action: Mirrored) -> None:
        column = self._focused_column()
        reader = self.readers[column]
        offset = reader.selection.start if reader.selection else reader.cursor
        if reader.cursor == self._left_at[column] and self.group_index >= 0:
            group = self.alignment.groups[self.group_index]  # the group ] / [ showed, as the status line says
        else:
            group = next((g for g in self.alignment.groups if self._group_has(g, column, offset)), None)
        if group is None:
            self.notify("The cursor is not in an aligned passage: ] moves to the next one.", severity="warning")
            return
        passages = [Counterpart(self.readers[p.article], p.span) for p in group.passages]
        deliver_now(self, self.MirrorRequested(action, passages))

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Reader) and focused.selection is not None:
            focused.action_clear_selection()
            return
        self.dismiss(None)
