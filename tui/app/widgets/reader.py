"""The reader: an article rendered line by line, with a cursor and a selection.

A Line API widget (``ScrollView`` + ``render_line``): only visible lines are styled,
so a 5 MB article scrolls as smoothly as a short one. Text reaches the screen as
``Segment``s built from the cleaned article text, never as markup.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.layout import Layout, LineKind, col_of, display, index_at, layout
from tui.core.article import Article
from tui.core.passages import Span, span_at
from tui.core.workspace import display_path


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
    lines: list[tuple[LineKind, str]] = [("title", meta.title or article.path.name)]
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
        Binding("ctrl+left", "word_left", "Word left", show=False),
        Binding("ctrl+right", "word_right", "Word right", show=False),
        Binding("home", "line_start", "Line start", show=False),
        Binding("end", "line_end", "Line end", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("g", "top", "Top", show=False),
        Binding("G", "bottom", "Bottom", show=False),
        Binding("shift+up", "select_up", "Select up", show=False),
        Binding("shift+down", "select_down", "Select down", show=False),
        Binding("shift+left", "select_left", "Select left", show=False),
        Binding("shift+right", "select_right", "Select right", show=False),
        Binding("ctrl+shift+left", "select_word_left", "Select word left", show=False),
        Binding("ctrl+shift+right", "select_word_right", "Select word right", show=False),
        Binding("shift+home", "select_line_start", "Select to line start", show=False),
        Binding("shift+end", "select_line_end", "Select to line end", show=False),
        Binding("escape", "clear_selection", "Clear selection", show=False),
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
    }

    article: var[Article | None] = var(None, always_update=True)

    class SelectionChanged(Message):
        """The cursor moved or the selection changed (the notes pane follows it)."""

        def __init__(self, reader: Reader, cursor: int, selection: Span | None) -> None:
            super().__init__()
            self.reader = reader
            self.cursor = cursor
            self.selection = selection

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._layout = Layout()
        self._anchor: int | None = None
        self._cursor = 0
        self._goal_col: int | None = None
        self._styles: dict[str, Style] = {}

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

    def select(self, span: Span, *, cursor_at_end: bool = True) -> None:
        """Select ``span`` (for find, sentence and paragraph selection) and scroll to it."""
        self._anchor, cursor = (span.start, span.end) if cursor_at_end else (span.end, span.start)
        self._move_to(cursor, keep_anchor=True)

    def move_cursor(self, offset: int) -> None:
        """Put the cursor at ``offset`` (clearing the selection) and scroll to it."""
        self._anchor = None
        self._move_to(offset, keep_anchor=True)

    def watch_article(self, article: Article | None) -> None:
        self._anchor = None
        self._cursor = article.paragraphs[0].start if article and article.paragraphs else 0
        self._goal_col = None
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._post_selection()

    # --- layout and rendering ---------------------------------------------------

    def _text_width(self) -> int:
        # One column spare so a cursor after the last character of a full line shows.
        return max(self.scrollable_content_region.width - 1, 10)

    def _relayout(self) -> None:
        article = self.article
        if article is None:
            self._layout = Layout()
        else:
            self._layout = layout(article.text, article.paragraphs, self._text_width(), header_lines(article))
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
        if name not in self._styles:
            self._styles[name] = self.get_component_rich_style(f"reader--{name}")
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
            strip = Strip([Segment(line.text, style)])
        else:
            strip = Strip(self._body_segments(line.start, line.end, base))
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _body_segments(self, start: int, end: int, base: Style) -> list[Segment]:
        """Split a body line where styles change: figures, selection, cursor."""
        assert self.article is not None
        text = self.article.text
        layers: list[tuple[Span, Style]] = []
        for figure in self.article.figures:
            if figure.start < end and start < figure.end:
                layers.append((figure, self._style("figure")))
        if (selection := self.selection) is not None:
            layers.append((selection, self._style("selection")))
        cursor_style = self._style("cursor" if self.has_focus else "cursor-unfocused")
        cursor = Span(self._cursor, self._cursor + 1)
        layers.append((cursor, cursor_style))
        cuts = {start, end}
        for span, _ in layers:
            cuts.update(point for point in span if start < point < end)
        points = sorted(cuts)
        segments = []
        for left, right in itertools.pairwise(points):
            style = base
            for span, layer_style in layers:
                if span.start <= left and right <= span.end:
                    style += layer_style
            segments.append(Segment(display(text[left:right]), style))
        if self._cursor == end and self._is_paragraph_end(end):
            segments.append(Segment(" ", base + cursor_style))
        return segments

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

    def action_cursor_up(self) -> None:
        self._vertical(-1, keep_anchor=False)

    def action_cursor_down(self) -> None:
        self._vertical(1, keep_anchor=False)

    def action_cursor_left(self) -> None:
        self._horizontal(-1, keep_anchor=False)

    def action_cursor_right(self) -> None:
        self._horizontal(1, keep_anchor=False)

    def action_word_left(self) -> None:
        self._word(-1, keep_anchor=False)

    def action_word_right(self) -> None:
        self._word(1, keep_anchor=False)

    def action_line_start(self) -> None:
        self._line_edge(False, keep_anchor=False)

    def action_line_end(self) -> None:
        self._line_edge(True, keep_anchor=False)

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

    def action_select_up(self) -> None:
        self._vertical(-1, keep_anchor=True)

    def action_select_down(self) -> None:
        self._vertical(1, keep_anchor=True)

    def action_select_left(self) -> None:
        self._horizontal(-1, keep_anchor=True)

    def action_select_right(self) -> None:
        self._horizontal(1, keep_anchor=True)

    def action_select_word_left(self) -> None:
        self._word(-1, keep_anchor=True)

    def action_select_word_right(self) -> None:
        self._word(1, keep_anchor=True)

    def action_select_line_start(self) -> None:
        self._line_edge(False, keep_anchor=True)

    def action_select_line_end(self) -> None:
        self._line_edge(True, keep_anchor=True)

    def action_clear_selection(self) -> None:
        if self._anchor is not None:
            self._anchor = None
            self.refresh()
            self._post_selection()

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
        index = index_at(self._line_text(row), max(x + self.scroll_offset.x, 0))
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

    def cursor_region(self) -> Region:
        row = self._layout.row_of(self._cursor)
        line = self._layout.lines[row] if self._layout.lines else None
        col = col_of(self._line_text(row), self._cursor - line.start) if line and line.kind == "body" else 0
        return Region(col, row, 1, 1)
