"""The article cache is now the workspace index (``tui.core.index``); the old name stays for its users."""

from __future__ import annotations

from tui.core.index import Index as ArticleCache

__all__ = ["ArticleCache"]
