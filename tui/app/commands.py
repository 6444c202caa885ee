"""Command palette providers beyond the app's system commands."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from tui.app.app import NewsreaderApp


class ArticleCommands(Provider):
    """ "Open: <title>" for every article, matched on title and outlet."""

    def _entries(self) -> list[tuple[str, str, str]]:
        app: NewsreaderApp = self.app  # type: ignore[assignment]
        return [
            (f"Open: {a.meta.title or a.file_name}", a.citation() or a.file_name, a.id)
            for a in app.workspace.corpus.articles
        ]

    async def discover(self) -> Hits:
        app: NewsreaderApp = self.app  # type: ignore[assignment]
        for title, help_text, article_id in self._entries()[:20]:
            yield DiscoveryHit(Content(title), partial(app.open_article, article_id), text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        app: NewsreaderApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for title, help_text, article_id in self._entries():
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(app.open_article, article_id), text=title, help=help_text
                )
