"""Bringing the news in from the app: the add dialog, the feed refresh, new articles marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, ProgressBar, Static

from tests.conftest import SEEDS, make_app, run_command, wait_for_notice, wait_until
from tests.newsserver import NewsServer, Route, made_up_stories, news_page, rss
from tui.app.screens.intake import AddArticleScreen, FeedsScreen
from tui.app.widgets.article_list import ArticleList
from tui.core.feeds import Feed, feed_id
from tui.core.store import Store

SIZE = (110, 36)  # the smallest that shows all three panes and what the tests read
STORIES = made_up_stories(4, seed=21)


@pytest.fixture
def site():
    with NewsServer() as server:
        server.publish(STORIES[:3])
        server.routes["/slow"] = Route(news_page(STORIES[3], server.url("/slow")).encode(), special="gate")
        yield server


async def test_add_article_from_url_in_a_worker(site: NewsServer, db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [b.binding for b in app.screen.active_bindings.values() if b.binding.show]
        assert any(b.key == "A" and b.description == "Add URL" for b in shown)  # in the footer
        await pilot.press("A")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddArticleScreen)
        dialog.query_one(Input).value = site.url("/slow")
        await pilot.press("enter")
        # The server holds the page: the dialog shows progress and the app keeps answering keys.
        await wait_until(pilot, lambda: dialog.query_one(ProgressBar).display)
        assert "Fetching the page" in str(dialog.query_one("#intake-status", Static).render())
        for _ in range(3):
            await pilot.press("tab")  # handled at once, while the fetch is waiting
        assert app.screen is dialog and app.workspace.corpus.by_id("nothing") is None
        site.gate.set()
        await wait_until(pilot, lambda: not isinstance(app.screen, AddArticleScreen))
        story = STORIES[3]
        assert app.current is not None and app.current.meta.title == story.title
        assert (app.current.meta.outlet, app.current.meta.author) == (story.outlet, story.author)
        listing = app.query_one(ArticleList)
        assert listing.current == app.current.id and listing.count == 4
        assert app.focused is listing
        saved = list((db.parent.parent / "articles").glob("*.md"))
        assert len(saved) == 1 and app.current.path == saved[0]
        # Annotate it at once, like any article.
        await pilot.press("enter", "v", "h")
        await pilot.pause()
        assert len(app.workspace.annotations(app.current.id)) == 1
    with Store(db, readonly=True) as store:
        assert str(saved[0].parent.resolve()) in store.intake_folders()


async def test_add_dialog_says_why_and_stays_open(site: NewsServer, db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one(Input).value = site.url("/nothing-here")
        await pilot.press("enter")
        error = dialog.query_one("#intake-error", Static)
        await wait_until(pilot, lambda: "HTTP 404" in str(error.render()))
        assert app.screen is dialog and not dialog.query_one(Input).disabled
        # Same URL as an article already there: selected, nothing added.
        dialog.query_one(Input).value = site.url(f"/news/{STORIES[0].slug}")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not dialog)
        first = app.current
        await pilot.press("A")
        await pilot.pause()
        app.screen.query_one(Input).value = site.url(f"/news/{STORIES[0].slug}")
        await pilot.press("enter")
        await wait_for_notice(pilot, "Already added")
        assert app.current.id == first.id and app.query_one(ArticleList).count == 4
        await pilot.press("A")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AddArticleScreen)


async def test_refresh_feeds_from_the_palette_marks_new_articles(site: NewsServer, db: Path, in_root: Path) -> None:
    url = site.page("/feed", rss(STORIES[:3], site.base), content_type="application/rss+xml")
    with Store(db) as store, store.change("feed", record=False) as change:
        change.set_feed(feed_id(url), Feed(feed_id(url), url, "Example News").to_doc())
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await run_command(pilot, "Refresh feeds")
        screen = app.screen
        assert isinstance(screen, FeedsScreen)
        await wait_until(pilot, lambda: screen.lines)
        assert screen.lines == ["Example News: 3 new, 0 known"]
        await wait_for_notice(pilot, "Example News: 3 new")
        listing = app.query_one(ArticleList)
        assert listing.count == 6
        new = [listing.item_text(i) for i in range(listing.count) if "\nnew · " in listing.item_text(i)]
        assert len(new) == 3 and all(any(s.title in text for text in new) for s in STORIES[:3])
        await pilot.press("escape")
        await pilot.pause()
        # Opening one takes its mark away, for good.
        index = next(i for i in range(listing.count) if "\nnew · " in listing.item_text(i))
        app.open_article(app.workspace.corpus.articles[index].id)
        await pilot.pause()
        assert "\nnew · " not in listing.item_text(index)
    with Store(db, readonly=True) as store:
        assert len(store.unread()) == 2
        [state] = store.feeds().values()
        assert len(state["seen"]) == 3


async def test_no_feeds_says_how_to_add_one(db: Path, in_root: Path) -> None:
    app = make_app(db, [SEEDS])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.action_refresh_feeds()
        await pilot.pause()
        await wait_for_notice(pilot, "newsreader feed add URL")
