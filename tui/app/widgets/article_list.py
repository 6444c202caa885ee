"""The article list: title, outlet, date and annotation count of each article."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.core.article import Article


def article_prompt(article: Article, notes: int, *, marked: bool = False) -> Content:
    """Two blocks: the title, then ``outlet · date · N notes`` dimmed."""
    title = article.meta.title or article.path.name
    if article.is_empty:
        title = f"(empty) {article.path.name}"
    details = [article.meta.outlet or "outlet unknown", article.meta.date]
    if notes:
        details.append(f"{notes} annotation{'s' if notes != 1 else ''}")
    mark = Content.styled("● ", "$accent bold") if marked else Content("")
    return Content.assemble(
        mark,
        Content.styled(title, "bold"),
        "\n",
        Content.styled(" · ".join(d for d in details if d), "$text-muted"),
    )


class ArticleList(OptionList):
    """Posts ``Opened`` as the highlight moves, so the reader follows the cursor."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("enter", "select", "Read", show=True),
        Binding("e", "edit_metadata", "Edit metadata", show=True),
        Binding("space", "mark", "Mark to compare", show=True),
        Binding("c", "compare", "Compare", show=True),
    ]

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
        """Open these articles side by side."""

        def __init__(self, article_ids: list[str]) -> None:
            super().__init__()
            self.article_ids = article_ids

    class EditRequested(Message):
        """The user asked to edit an article's metadata."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.marked: list[str] = []  # article ids marked for comparison, in marking order
        self._shown: tuple[list[Article], dict[str, int]] = ([], {})

    def show(self, articles: list[Article], notes: dict[str, int], *, current: str | None = None) -> None:
        """Replace the list, keeping ``current`` highlighted."""
        self._shown = (articles, notes)
        ids = {a.id for a in articles}
        self.marked = [m for m in self.marked if m in ids]
        options: list[Option | None] = []
        for article in articles:
            prompt = article_prompt(article, notes.get(article.id, 0), marked=article.id in self.marked)
            options += [Option(prompt, id=article.id), None]
        self.set_options(options[:-1])
        if current is not None:
            try:
                self.highlighted = self.get_option_index(current)
            except OptionDoesNotExist:  # the article left the list
                self.highlighted = 0 if articles else None
        elif articles:
            self.highlighted = 0

    @property
    def current(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Opened(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))

    def action_mark(self) -> None:
        article_id = self.current
        if article_id is None:
            return
        if article_id in self.marked:
            self.marked.remove(article_id)
        else:
            self.marked.append(article_id)
        articles, notes = self._shown
        article = next(a for a in articles if a.id == article_id)
        self.replace_option_prompt(
            article_id, article_prompt(article, notes.get(article_id, 0), marked=article_id in self.marked)
        )
        if self.highlighted is not None and self.highlighted + 1 < self.option_count:
            self.action_cursor_down()

    def action_compare(self) -> None:
        """Compare the marked articles, or the current one and the next."""
        chosen = list(self.marked)
        if len(chosen) < 2 and self.highlighted is not None:
            current = self.current
            if current is not None and current not in chosen:
                chosen.append(current)
            if len(chosen) < 2 and self.highlighted + 1 < self.option_count:
                following = self.get_option_at_index(self.highlighted + 1).id
                if following is not None and following not in chosen:
                    chosen.append(following)
        self.post_message(self.CompareRequested(chosen))

    def action_edit_metadata(self) -> None:
        if self.current is not None:
            self.post_message(self.EditRequested(self.current))
