"""The reader: an article rendered line by line, with a cursor and a selection.

A Line API widget (``ScrollView`` + ``render_line``): only visible lines are styled,
so a 5 MB article scrolls as smoothly as a short one. Text reaches the screen as
``Segment``s built from the cleaned article text, never as markup.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import Literal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.layout import Layout, Line, LineKind, col_of, display, drawn, index_at, layout
from tui.app.typeahead import deliver_now
from tui.core.annotation import COLORS, Annotation
from tui.core.article import Article
from tui.core.passages import Span, sentences, span_at
from tui.core.search import find_all
from tui.core.workspace import display_path

AnnotationAction = Literal["highlight", "tag", "note", "delete"]  # what h (1-5), t, a and x ask for
MarkKind = Literal["group", "unique", "figure"]  # in an aligned group, only in this source, a differing figure

_TEXT_ONLY_LAYERS = frozenset({"figure", "match", "overlap", "cursor-unfocused", "figure-flag", "selection"})


@dataclass(frozen=True, slots=True)
class Mark:
    """A passage the compare view points out: in an aligned group, only in this source, or a figure."""

    span: Span
    kind: MarkKind
    label: str = ""  # the group's number


@dataclass(frozen=True, slots=True)
class Selection:
    """Where the selection started (``anchor``) and where the cursor is."""

    anchor: int
    cursor: int

    @property
    def span(self) -> Span:
        return Span(min(self.anchor, self.cursor), max(self.anchor, self.cursor))


def header_lines(article: Article) -> list[tuple[LineKind, str]]:
    """The metadata block shown above the text."""
    meta = article.meta
    lines: list[tuple[LineKind, str]] = [("title", meta.title or article.file_name)]
    citation = article.citation()
    lines.append(("meta", citation or "outlet, author and date unknown — press e in the article list to add them"))
    if meta.url:
        lines.append(("dim", meta.url))
    lines.append(("dim", f"{display_path(article.path)} · {article.words:,} words · id {article.id}"))
    lines.extend(("warning", f"⚠ {warning}") for warning in article.warnings)
    if article.is_empty:
        lines.append(("warning", "This file is empty."))
    lines += [("rule", ""), ("blank", "")]
    return lines


class Reader(ScrollView, can_focus=True):
    """Reads one article; the cursor and selection are character offsets into its text."""

    ALLOW_SELECT = False  # we do our own selection, in article offsets
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("left", "cursor_left", "Left", show=False),
        Binding("right", "cursor_right", "Right", show=False),
        Binding("ctrl+left", "cursor_word_left", "Word left", show=False),
        Binding("ctrl+right", "cursor_word_right", "Word right", show=False),
        Binding("home", "cursor_line_start", "Line start", show=False),
        Binding("end", "cursor_line_end", "Line end", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("g", "top", "Top", show=False),
        Binding("G", "bottom", "Bottom", show=False),
        # The same moves with shift: the selection follows the cursor (as in Textual's TextArea).
        Binding("shift+up", "cursor_up(True)", "Select up", show=False),
        Binding("shift+down", "cursor_down(True)", "Select down", show=False),
        Binding("shift+left", "cursor_left(True)", "Select left", show=False),
        Binding("shift+right", "cursor_right(True)", "Select right", show=False),
        Binding("ctrl+shift+left", "cursor_word_left(True)", "Select word left", show=False),
        Binding("ctrl+shift+right", "cursor_word_right(True)", "Select word right", show=False),
        Binding("shift+home", "cursor_line_start(True)", "Select to line start", show=False),
        Binding("shift+end", "cursor_line_end(True)", "Select to line end", show=False),
        Binding("escape", "clear_selection", "Clear selection / find", show=False),
        Binding("v", "select_sentence", "Sentence", show=True),
        Binding("V", "select_paragraph", "Paragraph", show=False),
        Binding("slash", "find", "Find", show=True, key_display="/"),
        Binding("n", "find_next", "Next match", show=False),
        Binding("N", "find_previous", "Previous match", show=False),
        Binding("h", "annotate('highlight')", "Highlight", show=True),
        *[
            Binding(str(i), f"annotate('highlight', '{color}')", f"Highlight {color}", show=False)
            for i, color in enumerate(COLORS, 1)
        ],
        Binding("t", "annotate('tag')", "Tag", show=True),
        Binding("a", "annotate('note')", "Note", show=True),
        Binding("x", "annotate('delete')", "Delete annotation", show=False),
        Binding("right_square_bracket", "next_annotation", "Next annotation", show=False, key_display="]"),
        Binding("left_square_bracket", "previous_annotation", "Previous annotation", show=False, key_display="["),
    ]
    COMPONENT_CLASSES = {
        "reader--title",
        "reader--meta",
        "reader--dim",
        "reader--warning",
        "reader--rule",
        "reader--figure",
        "reader--cursor",
        "reader--cursor-unfocused",
        "reader--selection",
        "reader--match",
        "reader--overlap",
        "reader--group",
        "reader--unique",
        "reader--figure-flag",
        "reader--gutter-group",
        "reader--gutter-unique",
        *(f"reader--{color}" for color in COLORS),
    }
    DEFAULT_CSS = """
    Reader {
        scrollbar-size-vertical: 1;
    }

    Reader > .reader--title {
        text-style: bold;
        color: $text;
    }

    Reader > .reader--meta {
        color: $accent;
    }

    Reader > .reader--dim {
        color: $text-muted;
    }

    Reader > .reader--warning {
        color: $warning;
    }

    Reader > .reader--rule {
        color: $panel-lighten-2;
    }

    Reader > .reader--figure {
        color: $text-muted;
        text-style: italic;
    }

    Reader > .reader--cursor {
        background: $foreground;
        color: $background;
    }

    Reader > .reader--cursor-unfocused {
        text-style: underline;
    }

    /* Reverse video: distinct from every highlight color in truecolor, 256 and 16 colors alike
       (a blue tint for the selection was the blue highlight's color 24 under tmux-256color). */
    Reader > .reader--selection {
        text-style: reverse;
    }

    Reader > .reader--match {
        text-style: bold underline;
        color: $warning;
    }

    Reader > .reader--overlap {
        text-style: underline;
    }

    Reader > .reader--group { background: $accent 8%; }
    Reader > .reader--unique { background: $secondary 22%; }
    Reader > .reader--figure-flag { text-style: bold reverse; color: $error; }
    Reader > .reader--gutter-group { color: $accent; text-style: bold; }
    Reader > .reader--gutter-unique { color: $secondary; text-style: bold; }
    """ + "".join(f"Reader > .reader--{color} {{ background: $hl-{color} 40%; }}\n" for color in COLORS)

    article: var[Article | None] = var(None, always_update=True)
    annotations: var[list[Annotation]] = var(list, always_update=True)
    marks: var[list[Mark]] = var(list, always_update=True)
    gutter_width: var[int] = var(0)  # cells left of the text for group numbers (the compare view)
    show_header: var[bool] = var(True)  # the compare view has column headers instead

    class SelectionChanged(Message):
        """The cursor moved or the selection changed (the notes pane follows it)."""

        def __init__(self, reader: Reader, cursor: int, selection: Span | None) -> None:
            super().__init__()
            self.reader = reader
            self.cursor = cursor
            self.selection = selection

    class AnnotationRequested(Message):
        """The user pressed h, 1-5, t, a or x: the app decides what that means and writes."""

        def __init__(
            self,
            reader: Reader,
            action: AnnotationAction,
            selection: Span | None,
            annotation: Annotation | None,
            color: str | None,
        ) -> None:
            super().__init__()
            self.reader = reader
            self.action = action
            self.selection = selection
            self.annotation = annotation
            self.color = color

    class FindRequested(Message):
        """The user pressed / : the pane around the reader shows its find bar."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._layout = Layout()
        self._anchor: int | None = None
        self._cursor = 0
        self._goal_col: int | None = None
        self._styles: dict[str, Style] = {}
        self._highlights: list[Annotation] = []  # anchored annotations, by start
        self._passages: list[Mark] = []  # compare view: aligned and unique passages, flagged figures
        self._run: Span | None = None  # the selection v or V made, so a repeat extends it
        self._query = ""
        self._matches: list[Span] = []

    # --- state --------------------------------------------------------------------

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def selection(self) -> Span | None:
        """The selected range, or None when nothing is selected."""
        if self._anchor is None or self._anchor == self._cursor:
            return None
        return Selection(self._anchor, self._cursor).span

    def select(self, span: Span, *, cursor_at_end: bool = True, to_top: bool = False) -> None:
        """Select ``span`` (for find, sentence and paragraph selection) and scroll to it.

        With ``to_top`` the passage is brought near the top of the view, as the compare
        view does for every column at once.
        """
        self._anchor, cursor = (span.start, span.end) if cursor_at_end else (span.end, span.start)
        self._move_to(cursor, keep_anchor=True)
        if to_top:
            self.scroll_to(y=max(self._layout.row_of(span.start) - 2, 0), animate=False, immediate=True)

    def move_cursor(self, offset: int) -> None:
        """Put the cursor at ``offset`` (clearing the selection) and scroll to it."""
        self._move_to(offset, keep_anchor=False)

    def watch_annotations(self, annotations: list[Annotation]) -> None:
        self._highlights = sorted((a for a in annotations if a.span is not None), key=lambda a: (a.start, -a.end))
        self.refresh()

    def watch_marks(self, marks: list[Mark]) -> None:
        self._passages = sorted(marks, key=lambda m: (m.span.start, m.kind != "figure"))
        self.refresh()

    def watch_gutter_width(self) -> None:
        self._relayout()

    def annotation_at(self, offset: int) -> Annotation | None:
        """The innermost annotation covering ``offset``."""
        covering = [a for a in self._highlights if a.start <= offset < a.end]
        return min(covering, key=lambda a: a.end - a.start) if covering else None

    def watch_article(self, article: Article | None) -> None:
        self._matches, self._run = [], None
        self._anchor = None
        self._cursor = article.paragraphs[0].start if article and article.paragraphs else 0
        self._goal_col = None
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._post_selection()

    # --- layout and rendering ---------------------------------------------------

    def _text_width(self) -> int:
        # One column spare so a cursor after the last character of a full line shows.
        return max(self.scrollable_content_region.width - 1 - self.gutter_width, 10)

    def _relayout(self) -> None:
        article = self.article
        if article is None:
            self._layout = Layout()
        else:
            header = header_lines(article) if self.show_header else [("blank", "")]
            self._layout = layout(article.text, article.paragraphs, self._text_width(), header)
        self.virtual_size = Size(self._text_width(), len(self._layout.lines))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._layout.width != self._text_width():
            self._relayout()
            self._scroll_cursor_visible()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        """A component style; layers that only add text styles must not repaint the background."""
        if name not in self._styles:
            partial = name in _TEXT_ONLY_LAYERS
            self._styles[name] = self.get_component_rich_style(f"reader--{name}", partial=partial)
        return self._styles[name]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if row >= len(self._layout.lines) or self.article is None:
            return Strip.blank(width, base)
        line = self._layout.lines[row]
        if line.kind != "body":
            style = base + self._style(line.kind) if line.kind != "blank" else base
            segments = [Segment(drawn(line.text), style)]
        else:
            segments = self._body_segments(line.start, line.end, base)
        if self.gutter_width:
            segments.insert(0, self._gutter_segment(line, base))
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _gutter_segment(self, line: Line, base: Style) -> Segment:
        """The compare view's margin: a group's number on the line it starts on, a bar beside the rest."""
        width = self.gutter_width
        on_line = [
            m
            for m in self._passages
            if line.kind == "body" and m.kind != "figure" and m.span.start < line.end and line.start < m.span.end
        ]
        starting = [m for m in on_line if m.span.start >= line.start]  # numbered here, also partway along
        mark = (starting or on_line or [None])[0]
        if mark is None:
            return Segment(" " * width, base)
        label = mark.label if starting else ""
        return Segment(f"{label:>{width - 2}} ▌", base + self._style(f"gutter-{mark.kind}"))

    def _body_segments(self, start: int, end: int, base: Style) -> list[Segment]:
        """Split a body line where styles change: figures, highlights, matches, selection, cursor."""
        assert self.article is not None
        text = self.article.text
        marks = [a for a in self._highlights if a.start < end and start < a.end]
        tints = [m for m in self._passages if m.span.start < end and start < m.span.end]
        layers: list[tuple[Span, Style]] = [
            (figure, self._style("figure"))
            for figure in self.article.figures
            if figure.start < end and start < figure.end
        ]
        layers += [(m, self._style("match")) for m in self._matches_between(start, end)]
        if (selection := self.selection) is not None:
            layers.append((selection, self._style("selection")))
        cursor_style = self._style("cursor" if self.has_focus else "cursor-unfocused")
        layers.append((Span(self._cursor, self._cursor + 1), cursor_style))
        # Highlights stop at the last visible character, not at the space a line wraps at.
        shown_end = start + len(text[start:end].rstrip())
        cuts = {start, end, shown_end}
        for span, _ in layers:
            cuts.update(point for point in span if start < point < end)
        for mark in marks:
            cuts.update(point for point in (mark.start, mark.end) if start < point < end)
        for tint in tints:
            cuts.update(point for point in tint.span if start < point < end)
        points = sorted(cuts)
        segments = []
        for left, right in itertools.pairwise(points):
            style = base
            for tint in tints:
                if tint.span.start <= left and right <= tint.span.end and left < shown_end:
                    style += self._style("figure-flag" if tint.kind == "figure" else tint.kind)
            covering = [m for m in marks if m.start <= left and right <= m.end] if left < shown_end else []
            if covering:
                # The shortest highlight shows on top; underline marks an overlap.
                style += self._style(min(covering, key=lambda m: m.end - m.start).color)
                if len(covering) > 1:
                    style += self._style("overlap")
            for span, layer_style in layers:
                if span.start <= left and right <= span.end:
                    style += layer_style
            segments.append(Segment(drawn(display(text[left:right])), style))
        if self._cursor == end and self._is_paragraph_end(end):
            segments.append(Segment(" ", base + cursor_style))
        return segments

    def _matches_between(self, start: int, end: int) -> list[Span]:
        if not self._matches:
            return []
        index = max(bisect.bisect_left(self._matches, (start, 0)) - 1, 0)
        found = []
        for match in self._matches[index:]:
            if match.start >= end:
                break
            if match.end > start:
                found.append(match)
        return found

    def _is_paragraph_end(self, offset: int) -> bool:
        article = self.article
        if article is None or not article.paragraphs:
            return False
        paragraph = article.paragraphs[span_at(article.paragraphs, offset) or 0]
        return paragraph.end == offset

    # --- cursor movement ----------------------------------------------------------

    def _line_text(self, row: int) -> str:
        line = self._layout.lines[row]
        assert self.article is not None
        return display(self.article.text[line.start : line.end])

    def _clamp(self, offset: int, direction: int = 1) -> int:
        """Nearest valid cursor offset: inside a paragraph or at its end."""
        article = self.article
        if article is None or not article.paragraphs:
            return 0
        paragraphs = article.paragraphs
        index = span_at(paragraphs, offset) or 0
        paragraph = paragraphs[index]
        if offset < paragraph.start:
            return paragraph.start
        if offset <= paragraph.end:
            return offset
        if direction > 0 and index + 1 < len(paragraphs):
            return paragraphs[index + 1].start
        return paragraph.end

    def _move_to(self, offset: int, *, keep_anchor: bool, direction: int = 1) -> None:
        if not keep_anchor:
            self._anchor = None
        elif self._anchor is None:
            self._anchor = self._cursor
        old_row, old_selection = self._layout.row_of(self._cursor), self.selection
        self._cursor = self._clamp(offset, direction)
        new_row = self._layout.row_of(self._cursor)
        if old_selection is None and self.selection is None:
            self.refresh_lines(old_row)
            self.refresh_lines(new_row)
        else:
            self.refresh()
        self._scroll_cursor_visible()
        self._post_selection()

    def _post_selection(self) -> None:
        self.post_message(self.SelectionChanged(self, self._cursor, self.selection))

    def _scroll_cursor_visible(self) -> None:
        if self.article is None:
            return
        row = self._layout.row_of(self._cursor)
        if row == self._layout.first_body_row:
            row = 0  # show the header when at the top of the text
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _vertical(self, rows: int, *, keep_anchor: bool) -> None:
        if self.article is None:
            return
        row = self._layout.row_of(self._cursor)
        line = self._layout.lines[row]
        if self._goal_col is None:
            self._goal_col = col_of(self._line_text(row), self._cursor - line.start)
        goal = self._goal_col
        target = self._layout.body_row(row + rows, 1 if rows > 0 else -1)
        if target is None:
            target = self._layout.body_row(row + rows, -1 if rows > 0 else 1)
        if target is None:
            return
        target_line = self._layout.lines[target]
        index = index_at(self._line_text(target), goal)
        offset = target_line.start + index
        if offset >= target_line.end and target_line.end > target_line.start:
            # Past the end of a wrapped line: stay on it, unless it ends its paragraph.
            offset = target_line.end if self._is_paragraph_end(target_line.end) else target_line.end - 1
        self._move_to(offset, keep_anchor=keep_anchor, direction=1 if rows > 0 else -1)
        self._goal_col = goal

    def _horizontal(self, step: int, *, keep_anchor: bool) -> None:
        self._goal_col = None
        article = self.article
        if article is None:
            return
        offset = self._cursor + step
        paragraphs = article.paragraphs
        if step < 0 and paragraphs:
            index = span_at(paragraphs, self._cursor) or 0
            if self._cursor <= paragraphs[index].start and index > 0:
                offset = paragraphs[index - 1].end
        self._move_to(max(offset, 0), keep_anchor=keep_anchor, direction=step)

    def _word(self, step: int, *, keep_anchor: bool) -> None:
        self._goal_col = None
        article = self.article
        if article is None:
            return
        text, offset = article.text, self._cursor
        if step > 0:
            while offset < len(text) and not text[offset].isspace():
                offset += 1
            while offset < len(text) and text[offset].isspace():
                offset += 1
        else:
            offset -= 1
            while offset > 0 and text[offset].isspace():
                offset -= 1
            while offset > 0 and not text[offset - 1].isspace():
                offset -= 1
        self._move_to(max(offset, 0), keep_anchor=keep_anchor, direction=step)

    def _line_edge(self, end: bool, *, keep_anchor: bool) -> None:
        self._goal_col = None
        line = self._layout.lines[self._layout.row_of(self._cursor)]
        if line.kind != "body":
            return
        offset = line.start
        if end:
            offset = line.end if self._is_paragraph_end(line.end) else max(line.end - 1, line.start)
        self._move_to(offset, keep_anchor=keep_anchor)

    # With ``select`` (the shift+ bindings) the selection follows the cursor.

    def action_cursor_up(self, select: bool = False) -> None:
        self._vertical(-1, keep_anchor=select)

    def action_cursor_down(self, select: bool = False) -> None:
        self._vertical(1, keep_anchor=select)

    def action_cursor_left(self, select: bool = False) -> None:
        self._horizontal(-1, keep_anchor=select)

    def action_cursor_right(self, select: bool = False) -> None:
        self._horizontal(1, keep_anchor=select)

    def action_cursor_word_left(self, select: bool = False) -> None:
        self._word(-1, keep_anchor=select)

    def action_cursor_word_right(self, select: bool = False) -> None:
        self._word(1, keep_anchor=select)

    def action_cursor_line_start(self, select: bool = False) -> None:
        self._line_edge(False, keep_anchor=select)

    def action_cursor_line_end(self, select: bool = False) -> None:
        self._line_edge(True, keep_anchor=select)

    def action_page_up(self) -> None:
        self._vertical(-max(self.scrollable_content_region.height - 1, 1), keep_anchor=False)

    def action_page_down(self) -> None:
        self._vertical(max(self.scrollable_content_region.height - 1, 1), keep_anchor=False)

    def action_top(self) -> None:
        self._goal_col = None
        self.move_cursor(0)
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        self._goal_col = None
        if self.article is not None and self.article.paragraphs:
            self.move_cursor(self.article.paragraphs[-1].end)

    def action_clear_selection(self) -> None:
        if self._anchor is not None or self._matches:
            self._anchor, self._matches, self._run = None, [], None
            self.refresh()
            self._post_selection()

    # --- sentences, paragraphs, find -----------------------------------------------

    def _extend_run(self, units: list[Span]) -> None:
        """Select the unit at the cursor; if v/V made the selection, add the next unit to it."""
        if self._run is not None and self.selection == self._run:
            following = [u for u in units if u.start >= self._run.end]
            run = Span(self._run.start, following[0].end) if following else self._run
        else:
            run = next((u for u in units if self._cursor <= u.end), units[-1] if units else None)
        if run is not None:
            self.select(run)
            self._run = run

    def action_select_sentence(self) -> None:
        article = self.article
        if article is None or not article.paragraphs:
            return
        extending = self._run is not None and self.selection == self._run
        at = self._run.end if extending and self._run is not None else self._cursor
        index = span_at(article.paragraphs, at) or 0
        # This paragraph's sentences and the next's, so a repeated v crosses into it.
        self._extend_run([s for p in article.paragraphs[index : index + 2] for s in sentences(article.text, p)])

    def action_select_paragraph(self) -> None:
        if self.article is not None:
            self._extend_run(self.article.paragraphs)

    def action_find(self) -> None:
        deliver_now(self, self.FindRequested())

    def find(self, query: str, *, select: bool = True, forward: bool = True) -> int:
        """Mark every match of ``query``; with ``select``, select the next one from the cursor.

        Returns the number of matches.
        """
        article = self.article
        self._query = query
        self._matches = find_all(article.text, query) if article is not None else []
        self.refresh()
        if select and self._matches:
            self._select_match(forward=forward, include_current=True)
        return len(self._matches)

    def _select_match(self, *, forward: bool, include_current: bool = False) -> None:
        if not self._matches:
            return
        current = self.selection.start if self.selection is not None else self._cursor
        starts = [m.start for m in self._matches]
        if forward:
            index = bisect.bisect_left(starts, current) if include_current else bisect.bisect_right(starts, current)
            match = self._matches[index % len(self._matches)]
        else:
            index = bisect.bisect_left(starts, current) - 1
            match = self._matches[index % len(self._matches)]
        self.select(match)

    def action_find_next(self) -> None:
        if not self._matches and self._query:
            self.find(self._query, select=False)
        self._select_match(forward=True)

    def action_find_previous(self) -> None:
        if not self._matches and self._query:
            self.find(self._query, select=False)
        self._select_match(forward=False)

    # --- annotations ------------------------------------------------------------------

    def action_annotate(self, action: AnnotationAction, color: str | None = None) -> None:
        selection = self.selection
        under = self.annotation_at(self._cursor) if selection is None or action == "delete" else None
        if selection is not None and action != "delete":
            same = [a for a in self._highlights if (a.start, a.end) == tuple(selection)]
            under = same[0] if same else None
        deliver_now(self, self.AnnotationRequested(self, action, selection, under, color))

    def _jump_annotation(self, forward: bool) -> None:
        if not self._highlights:
            self.app.bell()
            return
        starts = [m.start for m in self._highlights]
        if forward:
            index = bisect.bisect_right(starts, self._cursor)
            target = self._highlights[index % len(self._highlights)]
        else:
            index = bisect.bisect_left(starts, self._cursor) - 1
            target = self._highlights[index % len(self._highlights)]
        self.select(Span(target.start, target.end), cursor_at_end=False)

    def action_next_annotation(self) -> None:
        self._jump_annotation(True)

    def action_previous_annotation(self) -> None:
        self._jump_annotation(False)

    # --- mouse --------------------------------------------------------------------------

    def _offset_at(self, x: int, y: int) -> int | None:
        if self.article is None or not self._layout.lines:
            return None
        row = min(max(y + self.scroll_offset.y, 0), len(self._layout.lines) - 1)
        body = self._layout.body_row(row, 1) if self._layout.lines[row].kind != "body" else row
        if body is None:
            body = self._layout.body_row(row, -1)
        if body is None:
            return None
        line = self._layout.lines[body]
        if body != row:
            return line.start
        index = index_at(self._line_text(row), max(x + self.scroll_offset.x - self.gutter_width, 0))
        return min(line.start + index, line.end)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        where = event.get_content_offset(self)
        offset = self._offset_at(where.x, where.y) if where is not None else None
        if offset is None or event.button != 1:
            return
        self.focus()
        self._goal_col = None
        self._anchor = None
        self._move_to(offset, keep_anchor=False)
        self._anchor = self._cursor
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.app.mouse_captured is not self or self._anchor is None:
            return
        where = event.get_content_offset_capture(self)
        offset = self._offset_at(where.x, where.y)
        if offset is not None and offset != self._cursor:
            self._move_to(offset, keep_anchor=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.app.mouse_captured is self:
            self.release_mouse()
        if self._anchor == self._cursor:
            self._anchor = None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- queries for tests and other widgets ------------------------------------------

    def row_of(self, offset: int) -> int:
        return self._layout.row_of(offset)

    def visible_text(self) -> list[str]:
        """The lines currently on screen, as plain text (for tests and debugging)."""
        top = self.scroll_offset.y
        rows = self._layout.lines[top : top + self.scrollable_content_region.height]
        return [self._line_text(top + i) if line.kind == "body" else line.text for i, line in enumerate(rows)]
