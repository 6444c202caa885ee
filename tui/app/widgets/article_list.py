"""The article list: title, outlet, date and annotation count of each article.

A Line API widget with a fixed height per article (two lines of title, a line of
details, a rule), so 10,000 articles cost no more to show than ten: only the rows
on screen are wrapped and styled.
"""

from __future__ import annotations

import textwrap
from typing import Literal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.layout import cells, drawn, wrap_plain
from tui.app.typeahead import deliver_now, focus_now
from tui.core.article import Article, clip

ROWS = 4  # title, title continued, details, rule
View = Literal["compare", "story"]  # the marked articles side by side, or as a story table
NEW = "new · "  # before the details of an article added by the intake and not opened yet


def title_of(article: Article) -> str:
    return f"(empty) {article.file_name}" if article.is_empty else (article.meta.title or article.file_name)


def details_of(article: Article, notes: int, width: int = 0) -> str:
    """Outlet · date · annotations. In ``width`` columns the count shrinks to "✎ 3", then the
    date goes, then the outlet is shortened: who published it matters more than when."""
    outlet = article.meta.outlet or "outlet unknown"
    counts = [f"{notes} annotation{'s' if notes != 1 else ''}", f"✎ {notes}"] if notes else [""]
    for parts in [*((outlet, article.meta.date, count) for count in counts), (outlet, counts[-1])]:
        text = " · ".join(p for p in parts if p)
        if not width or cells(text) <= width:
            return text
    tail = counts[-1]
    room = width - cells(tail) - 3 * bool(tail)
    return " · ".join(p for p in (clip(outlet, max(room, 2)), tail) if p)


class ArticleList(ScrollView, can_focus=True):
    """Posts ``Opened`` as the highlight moves, so the reader follows the cursor."""

    ALLOW_SELECT = False
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "select", "Read", show=True),
        Binding("e", "edit_metadata", "Edit metadata", show=True),
        Binding("space", "mark", "Mark to compare", show=True),
        Binding("c", "compare", "Compare", show=True),
    ]
    COMPONENT_CLASSES = {
        "article-list--title",
        "article-list--details",
        "article-list--rule",
        "article-list--mark",
        "article-list--new",
        "article-list--highlight",
        "article-list--highlight-blurred",
    }
    DEFAULT_CSS = """
    ArticleList {
        scrollbar-size-vertical: 1;
    }

    ArticleList > .article-list--title {
        text-style: bold;
    }

    ArticleList > .article-list--details {
        color: $text-muted;
    }

    ArticleList > .article-list--rule {
        color: $panel-lighten-1;
    }

    ArticleList > .article-list--mark {
        color: $accent;
        text-style: bold;
    }

    ArticleList > .article-list--new {
        color: $success;
        text-style: bold;
    }

    ArticleList > .article-list--highlight {
        background: $accent 30%;
    }

    ArticleList > .article-list--highlight-blurred {
        background: $accent 15%;
    }
    """

    highlighted: reactive[int | None] = reactive(None)

    class Opened(Message):
        """An article became current."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class Chosen(Message):
        """The user pressed enter on an article: read it."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class CompareRequested(Message):
        """Open these articles side by side (view "compare") or as a story table (view "story")."""

        def __init__(self, article_ids: list[str], view: View = "compare") -> None:
            super().__init__()
            self.article_ids = article_ids
            self.view = view

    class EditRequested(Message):
        """The user asked to edit an article's metadata."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.marked: list[str] = []  # article ids marked for comparison, in marking order
        self._articles: list[Article] = []
        self._notes: dict[str, int] = {}
        self._new: frozenset[str] = frozenset()  # added by the intake and not opened yet
        self._index: dict[str, int] = {}
        self._wrapped: dict[tuple[int, int], list[str]] = {}
        self._styles: dict[str, Style] = {}

    # --- data ---------------------------------------------------------------------------

    def show(
        self,
        articles: list[Article],
        notes: dict[str, int],
        *,
        current: str | None = None,
        new: frozenset[str] = frozenset(),
    ) -> None:
        """Replace the list, keeping ``current`` highlighted; ``new`` articles are marked so."""
        self._articles, self._notes, self._new = articles, notes, new
        self._index = {a.id: n for n, a in enumerate(articles)}
        self.marked = [m for m in self.marked if m in self._index]
        self._wrapped.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(articles) * ROWS)
        if current is not None and current in self._index:
            self.highlighted = self._index[current]
        elif articles and (self.highlighted is None or self.highlighted >= len(articles)):
            self.highlighted = 0
        elif not articles:
            self.highlighted = None
        self.refresh()

    @property
    def count(self) -> int:
        return len(self._articles)

    def index_of(self, article_id: str) -> int | None:
        return self._index.get(article_id)

    @property
    def current(self) -> str | None:
        index = self.highlighted
        return self._articles[index].id if index is not None and index < len(self._articles) else None

    def item_text(self, index: int) -> str:
        """What the list shows for one article, as plain text (for tests and screen readers)."""
        article = self._articles[index]
        mark = "● " if article.id in self.marked else ""
        fresh = NEW if article.id in self._new else ""
        return f"{mark}{title_of(article)}\n{fresh}{details_of(article, self._notes.get(article.id, 0))}"

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self.refresh(Region(0, index * ROWS - self.scroll_offset.y, self.size.width, ROWS))
        if new is not None and new < len(self._articles):
            self.scroll_to_region(Region(0, new * ROWS, 1, ROWS), animate=False, immediate=True)
            self.post_message(self.Opened(self._articles[new].id))

    # --- rendering ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        if name not in self._styles:
            self._styles[name] = self.get_component_rich_style(f"article-list--{name}")
        return self._styles[name]

    def on_resize(self, event: events.Resize) -> None:
        self._wrapped.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._articles) * ROWS)

    def _title_lines(self, index: int, width: int) -> list[str]:
        key = (index, width)
        if key not in self._wrapped:
            article = self._articles[index]
            mark = "● " if article.id in self.marked else ""
            lines = wrap_plain(drawn(mark + title_of(article)), width) or [""]
            if len(lines) > 2:
                lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
            self._wrapped[key] = lines + [""] * (2 - len(lines))
        return self._wrapped[key]

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        index, part = divmod(row, ROWS)
        if index >= len(self._articles) or width < 4:
            return Strip.blank(self.size.width, base)
        article = self._articles[index]
        inner = width - 2
        style = base
        if index == self.highlighted:
            style += self._style("highlight" if self.has_focus else "highlight-blurred")
        if part < 2:
            text = self._title_lines(index, inner)[part]
            segments = [Segment(" ", style)]
            if part == 0 and article.id in self.marked and text.startswith("● "):
                segments += [
                    Segment("● ", style + self._style("mark")),
                    Segment(text[2:], style + self._style("title")),
                ]
            else:
                segments.append(Segment(text, style + self._style("title")))
        elif part == 2:
            fresh = NEW if article.id in self._new else ""
            details = details_of(article, self._notes.get(article.id, 0), inner - cells(fresh))
            segments = [Segment(" ", style)]
            if fresh:
                segments.append(Segment(fresh, style + self._style("new")))
            segments.append(Segment(drawn(details), style + self._style("details")))
        else:
            return Strip([Segment("─" * width, base + self._style("rule"))]).crop_extend(0, self.size.width, base)
        return Strip(segments).crop_extend(0, width, style).crop_extend(0, self.size.width, base)

    # --- actions ------------------------------------------------------------------------

    def _move(self, index: int) -> None:
        if self._articles:
            self.highlighted = max(0, min(index, len(self._articles) - 1))

    def action_cursor_up(self) -> None:
        self._move((self.highlighted or 0) - 1)

    def action_cursor_down(self) -> None:
        self._move(0 if self.highlighted is None else self.highlighted + 1)

    def action_page_up(self) -> None:
        self._move((self.highlighted or 0) - max(self.size.height // ROWS, 1))

    def action_page_down(self) -> None:
        self._move((self.highlighted or 0) + max(self.size.height // ROWS, 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._articles) - 1)

    def action_select(self) -> None:
        if self.current is not None:
            deliver_now(self, self.Chosen(self.current))

    def on_click(self, event: events.Click) -> None:
        where = event.get_content_offset(self)
        if where is None:
            return
        index = (where.y + self.scroll_offset.y) // ROWS
        if index < len(self._articles):
            focus_now(self)  # now: a double click's select then moves the focus on to the reader
            self.highlighted = index
            if event.chain == 2:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_mark(self) -> None:
        article_id = self.current
        if article_id is None:
            return
        if article_id in self.marked:
            self.marked.remove(article_id)
        else:
            self.marked.append(article_id)
        self._wrapped = {key: lines for key, lines in self._wrapped.items() if key[0] != self.highlighted}
        self.refresh()
        self.action_cursor_down()

    def action_compare(self, view: View = "compare") -> None:
        """Compare the marked articles, or the current one and the next."""
        chosen = list(self.marked)
        index = self.highlighted
        if len(chosen) < 2 and index is not None:
            for candidate in self._articles[index : index + 2]:
                if len(chosen) < 2 and candidate.id not in chosen:
                    chosen.append(candidate.id)
        deliver_now(self, self.CompareRequested(chosen, view))

    def action_edit_metadata(self) -> None:
        if self.current is not None:
            deliver_now(self, self.EditRequested(self.current))
