"""Bringing the news in: pages, saved HTML and feeds from a news site on 127.0.0.1.

Every request goes to a server started here (tests/newsserver.py); nothing leaves the
loopback address.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from tests.newsserver import (
    BOILERPLATE,
    NewsServer,
    Route,
    Story,
    atom,
    made_up_stories,
    news_page,
    rss,
    seed_stories,
)
from tests.test_cli import run
from tui.cli import main
from tui.core.article import parse
from tui.core.corpus import read_article
from tui.core.intake import Intake, NotAnArticle, extract, fetch, normalize_url, slug, write_new
from tui.core.passages import sentences
from tui.core.store import Store

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
STORIES = seed_stories() + made_up_stories(12)


@pytest.fixture(scope="module")
def site():
    with NewsServer() as server:
        server.publish(STORIES)
        server.publish(made_up_stories(3, seed=99), meta=False)
        yield server


def sentence_recall(story: Story, text: str) -> tuple[int, int, list[str]]:
    """How many of the story's sentences appear (whitespace aside) in ``text``."""
    flat = " ".join(text.split())
    wanted = [" ".join(story.text[s.start : s.end].split()) for s in sentences(story.text)]
    missing = [s for s in wanted if s not in flat]
    return len(wanted) - len(missing), len(wanted), missing


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def articles_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md")) if folder.exists() else []


# --- extraction ------------------------------------------------------------------------------


def test_every_sentence_of_every_page_and_no_boilerplate(site: NewsServer, tmp_path: Path) -> None:
    found = total = 0
    with Intake(tmp_path / "articles") as intake:
        for story in STORIES:
            added = intake.add_url(site.url(f"/news/{story.slug}"))
            article = added.article
            got, wanted, missing = sentence_recall(story, article.text)
            found, total = found + got, total + wanted
            assert not missing, (story.slug, missing[:2])
            assert not [b for b in BOILERPLATE if b in article.text], story.slug
            assert article.meta.title == story.title
            assert article.meta.outlet == story.outlet
            assert article.meta.author == story.author
            assert article.meta.date == story.date
            assert article.meta.url == site.url(f"/news/{story.slug}")
    print(f"sentence recall over {len(STORIES)} pages: {found}/{total} = {found / total:.1%}")
    assert found == total


def test_page_without_byline_or_structured_data(site: NewsServer) -> None:
    story = made_up_stories(3, seed=99)[0]
    page = fetch(site.url(f"/news/{story.slug}"))
    extracted = extract(page.body.decode(), page.url)
    assert extracted.meta.title == story.title
    assert extracted.meta.outlet == story.outlet  # from "<title>Headline | Outlet</title>"
    assert extracted.meta.author == "" and extracted.meta.date == ""  # not the footer's copyright year
    assert sentence_recall(story, extracted.text)[2] == []


def test_link_list_is_not_an_article() -> None:
    home = "<html><head><title>Example News</title></head><body><ul>" + "".join(
        f"<li><a href='/s{i}'>Story number {i} headline here</a></li>" for i in range(30)
    )
    with pytest.raises(NotAnArticle):
        extract(home + "</ul></body></html>", "http://127.0.0.1/")
    raw = extract(home + "</ul></body></html>", "http://127.0.0.1/", raw=True)
    assert raw.raw and "Story number 29 headline here" in raw.text


def test_urls_normalize_and_slugs_are_safe() -> None:
    assert normalize_url("HTTP://Example.com:80/a/?utm_source=x&id=3#top") == "http://example.com/a?id=3"
    assert slug("Noem’s “plan”: $2,100 agents / día ../../etc") == "noems-plan-2-100-agents-dia-etc"
    assert len(slug("word " * 100)) <= 60
    assert slug("«»") == "article"


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    first = write_new(tmp_path, "a.md", b"one")
    second = write_new(tmp_path, "a.md", b"two")
    assert (first.name, second.name) == ("a.md", "a-2.md")
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


# --- newsreader add --------------------------------------------------------------------------


def test_add_saves_markdown_that_joins_the_workspace(
    site: NewsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    story = STORIES[3]
    url = site.url(f"/news/{story.slug}")
    code, out, err = cli(capsys, "add", url)
    assert code == 0, err
    article_id = out.strip()
    files = articles_in(tmp_path / "articles")
    assert [f.name for f in files] == [f"{story.date}-{slug(story.title)}.md"]
    text = files[0].read_text()
    assert text.startswith("---\ntitle: ")
    for key in ("outlet", "author", "date", "url", "fetched"):
        assert f"\n{key}: " in text
    parsed = parse(text)
    assert parsed.inferred.outlet == story.outlet and parsed.inferred.url == url
    assert "added" in err and story.outlet in err

    # Again, by the same URL with tracking parameters, or the same text at another address.
    site.page("/mirror/copy", news_page(story, site.url("/mirror/copy")))
    for again in (url + "?utm_source=feed#comments", site.url("/mirror/copy")):
        code, out, err = cli(capsys, "add", again)
        assert (code, out.strip()) == (0, article_id), err
        assert "already added" in err
    assert len(articles_in(tmp_path / "articles")) == 1

    # `newsreader list` without PATH shows it beside the seeds.
    code, out, err = cli(capsys, "list", "--json")
    rows = json.loads(out)
    assert {r["outlet"] for r in rows} >= {"Reuters", story.outlet}
    row = next(r for r in rows if r["id"] == article_id)
    assert (row["author"], row["date"], row["url"]) == (story.author, story.date, url)

    # The export's citation line carries the URL.
    quote = story.paragraphs[0][:120].rsplit(" ", 1)[0]  # whole words: quotes match on word boundaries
    code, out, err = cli(capsys, "annotate", article_id, "--quote", quote, "--tag", "x")
    assert code == 0, err
    code, out, err = cli(capsys, "export", "--tag", "x")
    assert url in out.replace("\\", "")


def test_add_to_a_chosen_folder_and_a_saved_page(
    site: NewsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    story = STORIES[4]
    saved = tmp_path / "saved.html"
    saved.write_text(news_page(story, "https://example.com/2025/a-story"))
    code, out, err = cli(capsys, "add", str(saved), "--to", "inbox")
    assert code == 0, err
    [file] = articles_in(tmp_path / "inbox")
    assert "url: https://example.com/2025/a-story" in file.read_text()
    code, again, err = cli(capsys, "add", str(saved), "--to", "inbox")
    assert (code, again) == (0, out) and "already added" in err
    rows = json.loads(cli(capsys, "list", "--json")[1])
    assert out.strip() in {r["id"] for r in rows}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


FAILURES = {
    # name: (route, extra args, exit code, words in the message)
    "unreachable": (None, [], 1, "cannot connect"),
    "timeout": ("hang", ["--timeout", "0.5"], 1, "timed out after 0.5 s"),
    "404": ("missing", [], 1, "HTTP 404"),
    "500": ("error", [], 1, "HTTP 500"),
    "redirect loop": ("loop", [], 1, "too many redirects"),
    "oversize streamed": ("endless", [], 1, "larger than 10 MB"),
    "oversize declared": ("declared-huge", [], 1, "larger than 10 MB"),
    "not html": ("pdf", [], 1, "not a web page (content type application/pdf)"),
    "not an article": ("links", [], 1, "no article text found"),
    "not a url": ("ftp", [], 2, "not an http(s) URL"),
    "missing file": ("nofile", [], 2, "no such file"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_add_failures_say_why_and_save_nothing(
    case: str, site: NewsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    route, extra, exit_code, words = FAILURES[case]
    site.routes["/fail/error"] = Route(b"<h1>Server error</h1>", status=500)
    site.routes["/fail/pdf"] = Route(b"%PDF-1.4 ...", content_type="application/pdf")
    site.routes["/fail/links"] = Route(
        (
            "<html><body><ul>" + "".join(f"<li><a href='/{i}'>Headline {i}</a></li>" for i in range(40)) + "</ul>"
        ).encode()
    )
    for special in ("hang", "loop", "endless", "declared-huge"):
        site.routes[f"/fail/{special}"] = Route(special=special)
    target = {
        None: f"http://127.0.0.1:{free_port()}/story",
        "ftp": "ftp://127.0.0.1/story",
        "nofile": "no-such-page.html",
    }.get(route, site.url(f"/fail/{route}"))
    code, out, err = cli(capsys, "add", target, *extra)
    assert code == exit_code, err
    assert out == ""
    assert words in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert not (tmp_path / "articles").exists() or not list((tmp_path / "articles").iterdir())


def test_raw_keeps_a_page_without_an_article(
    site: NewsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    site.page("/raw/links", "<html><body><ul><li><a href='/a'>Council meets on Tuesday</a></li></ul></body></html>")
    code, _, err = cli(capsys, "add", "--raw", site.url("/raw/links"))
    assert code == 0, err
    [file] = articles_in(tmp_path / "articles")
    assert "Council meets on Tuesday" in file.read_text() and "extraction: raw page text" in file.read_text()


def test_hostile_page_is_saved_and_shown_literally(site: NewsServer, tmp_path: Path) -> None:
    paragraphs = tuple(
        f"Paragraph {n} says [bold red]not markup[/bold red] and [link=http://x]no link[/link] twice,"
        f" with an escape &#27;]52;c;ZXZpbA==&#7; and \x1b[31mcolour\x1b[0m that never reach a terminal."
        for n in range(4)
    )
    title = "Title [bold]x[/bold] &#27;[2J end"
    story = Story("hostile", title, "Evil &#27;]0;pwned&#7;Outlet", "A\x1bB", "2025-02-03", paragraphs)
    page = news_page(story, site.url("/news/hostile")).replace("&amp;#", "&#")
    page = page.replace("</p>", "<script>alert('x')</script></p>", 1)
    site.page("/news/hostile", page)
    result = run("add", site.url("/news/hostile"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [file] = articles_in(tmp_path / "articles")
    saved = file.read_text()
    assert not CONTROL.search(saved.replace("\n", "")) and "\x1b" not in saved
    assert "alert(" not in saved
    assert "[bold red]not markup[/bold red]" in saved
    listed = run("list", cwd=tmp_path)
    assert "\x1b" not in listed.stdout + listed.stderr
    assert "Title [bold]x[/bold] end" in listed.stdout


# --- saved pages opened directly ------------------------------------------------------------------


def test_html_files_open_directly_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "saved"
    (folder / "page_files").mkdir(parents=True)
    for number, story in enumerate(STORIES[:3]):
        (folder / f"page{number}.htm{'l' if number else ''}").write_text(news_page(story, f"https://x.test/{number}"))
    (folder / "page_files" / "ad.html").write_text("<html><body>ad</body></html>")
    (folder / "home.html").write_text("<html><body><a href='/a'>Home</a></body></html>")
    code, out, err = cli(capsys, "list", "--json", str(folder), "--db", str(tmp_path / "db.json"))
    assert code == 0
    rows = json.loads(out)
    assert sorted(r["outlet"] for r in rows) == sorted(s.outlet for s in STORIES[:3])
    assert {r["author"] for r in rows} == {s.author for s in STORIES[:3]}
    assert "home.html: skipped: no article text found" in err and "ad.html" not in err
    assert not (tmp_path / "articles").exists() and not list(tmp_path.rglob("*.md"))
    article, notice = read_article(folder / "page1.html")
    assert article is not None and notice is None
    assert sentence_recall(STORIES[1], article.text)[2] == []


# --- feeds -------------------------------------------------------------------------------------


@pytest.fixture
def feed_site():
    stories = made_up_stories(6, seed=7)
    with NewsServer() as server:
        server.publish(stories[:3])
        server.publish(stories[3:], meta=False)  # these pages lack byline and date: the feed has them
        server.page("/rss", rss(stories, server.base), content_type="application/rss+xml", etag='"v1"')
        server.page(
            "/atom",
            atom(stories[:2], server.base),
            content_type="application/atom+xml",
            last_modified="Mon, 10 Feb 2025 14:03:00 GMT",
        )
        server.page("/broken", "<rss><channel><item><title>cut off", content_type="application/rss+xml")
        yield server, stories


def test_feed_add_refresh_conditional_and_summaries(
    feed_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server, stories = feed_site
    monkeypatch.chdir(tmp_path)
    assert cli(capsys, "feed", "add", server.url("/rss"))[0] == 0
    assert cli(capsys, "feed", "add", server.url("/atom"), "--name", "Atom news")[0] == 0
    code, out, err = cli(capsys, "feed", "add", server.url("/rss"))
    assert code == 2 and "already subscribed" in err

    code, out, err = cli(capsys, "feed", "refresh")
    assert code == 0, err
    assert out.splitlines() == ["Atom news: 2 new, 0 known", "Example News: 4 new, 2 known"]
    rows = json.loads(cli(capsys, "list", "--json")[1])
    by_title = {r["title"]: r for r in rows}
    for story in stories:
        row = by_title[story.title]
        assert (row["outlet"], row["author"], row["date"]) == (story.outlet, story.author, story.date), story.slug

    # Unchanged feeds: one conditional request each, answered 304.
    requests = len(server.requests)
    code, out, err = cli(capsys, "feed", "refresh")
    assert out.splitlines() == [
        "Atom news: 0 new, 2 known (feed unchanged)",
        "Example News: 0 new, 6 known (feed unchanged)",
    ]
    assert len(server.requests) == requests + 2
    assert server.requested("/rss")[-1].get("If-None-Match") == '"v1"'
    assert server.requested("/atom")[-1].get("If-Modified-Since") == "Mon, 10 Feb 2025 14:03:00 GMT"

    code, out, err = cli(capsys, "feed", "list", "--json")
    feeds = {f["name"]: f for f in json.loads(out)}
    assert feeds["Example News"]["seen"] == 6 and "unchanged" in feeds["Example News"]["result"]
    code, out, err = cli(capsys, "feed", "refresh", "atom")
    assert out.splitlines() == ["Atom news: 0 new, 2 known (feed unchanged)"]
    assert cli(capsys, "feed", "refresh", "nothing-like-it")[0] == 2


def test_a_failing_feed_or_item_does_not_stop_the_others(
    feed_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server, stories = feed_site
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "feed", "add", server.url("/broken"))
    assert code == 1 and "does not parse as RSS or Atom" in err
    cli(capsys, "feed", "add", server.url("/atom"), "--name", "first")
    cli(capsys, "feed", "add", server.url("/rss"), "--name", "second")
    # The first feed breaks after it was added; one item of the second is gone.
    server.routes["/atom"] = Route(b"<html>maintenance</html>", status=503)
    del server.routes[f"/news/{stories[5].slug}"]
    code, out, err = cli(capsys, "feed", "refresh")
    assert code == 1
    first, second = out.splitlines()
    assert first.startswith("first: failed: ") and "HTTP 503" in first
    assert second.startswith("second: 5 new, 0 known, 1 failed: ") and "HTTP 404" in second
    assert len(articles_in(tmp_path / "articles")) == 5
    # The failed item is retried next time: the feed is fetched again, not answered 304.
    server.publish([stories[5]])
    code, out, err = cli(capsys, "feed", "refresh", "second")
    assert (code, out.strip()) == (0, "second: 1 new, 5 known")


def test_feed_state_is_durable_in_the_store(
    feed_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server, _ = feed_site
    db = tmp_path / "elsewhere" / "news.json"
    monkeypatch.chdir(tmp_path)
    cli(capsys, "feed", "add", server.url("/rss"), "--db", str(db))
    cli(capsys, "feed", "refresh", "--db", str(db))
    assert len(articles_in(tmp_path / "elsewhere" / "articles")) == 6  # beside a DB given with --db
    with Store(db, readonly=True) as store:
        [feed] = store.feeds().values()
    assert feed["etag"] == '"v1"' and len(feed["seen"]) == 6


def test_hostile_feed_is_shown_literally(
    feed_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server, stories = feed_site
    monkeypatch.chdir(tmp_path)
    feed = rss(stories[3:4], server.base, title="Evil &#27;]0;pwned&#7;[bold]News[/bold]").replace("&amp;#", "&#")
    feed = feed.replace("<dc:creator>", "<dc:creator>&#27;[31m").replace(
        "</title>\n    <link>", "&#155;2J</title>\n    <link>"
    )
    server.page("/evil", feed, content_type="application/rss+xml")
    code, out, err = cli(capsys, "feed", "add", server.url("/evil"))
    assert code == 0, err
    code, out, err = cli(capsys, "feed", "refresh")
    assert out.strip() == "Evil [bold]News[/bold]: 1 new, 0 known"
    code, listed, err = cli(capsys, "feed", "list")
    for text in (out, err, listed, *(p.read_text() for p in articles_in(tmp_path / "articles"))):
        assert "\x1b" not in text and not CONTROL.search(text.replace("\n", ""))
    row = json.loads(cli(capsys, "list", "--json")[1])
    story = stories[3]  # its page has no byline: the feed's author, cleaned, is used
    assert next(r for r in row if r["title"] == story.title)["author"] == story.author
