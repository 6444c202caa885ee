"""Command palette providers beyond the app's system commands."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from tui.core.workspace import Workspace


class Reading(Protocol):
    """What the provider needs of the app: its articles, and a way to open one."""

    workspace: Workspace

    def open_article(self, article_id: str, *, focus: bool = True) -> None: ...


class ArticleCommands(Provider):
    """ "Open: <title>" for every article, matched on title and outlet."""

    def _entries(self) -> list[tuple[str, str, str]]:
        app = cast(Reading, self.app)
        return [
            (f"Open: {a.meta.title or a.file_name}", a.citation() or a.file_name, a.id)
            for a in app.workspace.corpus.articles
        ]

    async def discover(self) -> Hits:
        app = cast(Reading, self.app)
        for title, help_text, article_id in self._entries()[:20]:
            yield DiscoveryHit(Content(title), partial(app.open_article, article_id), text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        app = cast(Reading, self.app)
        matcher = self.matcher(query)
        for title, help_text, article_id in self._entries():
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(app.open_article, article_id), text=title, help=help_text
                )
