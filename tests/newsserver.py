"""A news site on 127.0.0.1 for the intake tests: stories as realistic pages, feeds, failures.

Each story is rendered into a news-page template with what real pages carry around the
text (navigation, ads, share buttons, a photo caption, "read more" boxes, a newsletter
box, a most-read sidebar, a footer) and its metadata in ``<meta>`` tags and JSON-LD.
The server runs the standard library's ``http.server`` in a thread; nothing leaves the
loopback address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import NYT, POST, REUTERS
from tui.core.article import Article
from tui.core.passages import paragraphs


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    outlet: str
    author: str
    date: str  # YYYY-MM-DD
    paragraphs: tuple[str, ...]
    section: str = "Politics"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


# What the template puts around the story; none of it may reach an extracted article.
BOILERPLATE = (
    "Subscribe for $1 a week",
    "Advertisement",
    "Share on Facebook",
    "Copy link",
    "Read more",
    "Most read",
    "Sign up for our morning newsletter",
    "All rights reserved",
    "Privacy policy",
    "Cookie settings",
    "Skip to content",
    "Photo illustration by",
)


def _story_from_seed(path: Path, slug: str, title: str, outlet: str, author: str) -> Story:
    article = Article.from_raw(path, path.read_text(encoding="utf-8"))
    paras = [article.text[s.start : s.end] for s in paragraphs(article.text)]
    paras = [" ".join(p.split()) for p in paras if not p.startswith("[image")]
    return Story(slug, title, outlet, author, "2025-02-10", tuple(paras))


def seed_stories() -> list[Story]:
    """The three bundled seeds, with the headlines and bylines their pages would show."""
    return [
        _story_from_seed(
            REUTERS,
            "dhs-irs-immigration",
            "US Homeland Security asks IRS to help with immigration enforcement",
            "Reuters",
            "Ted Hesson",
        ),
        _story_from_seed(
            NYT,
            "homeland-security-irs-immigration",
            "Homeland Security Asks I.R.S. to Help Crack Down on Immigration",
            "The New York Times",
            "Andrew Duehren",
        ),
        _story_from_seed(
            POST,
            "noem-irs-agents-deportation",
            "Noem asks Treasury for IRS agents to help with immigration enforcement",
            "The Washington Post",
            "Jeff Stein",
        ),
    ]


_WORDS = (
    "council budget river bridge school hospital harbor railway election court museum festival "
    "library market airport stadium factory farm water power tax permit housing transit park"
).split()
_NAMES = ["Alex Morgan", "Sam Rivera", "Jordan Lee", "Casey Patel", "Robin Okafor", "Taylor Nguyen"]
_OUTLETS = ["The Daily Example", "Example Gazette", "The Sample Herald"]


def made_up_stories(count: int, *, seed: int = 12) -> list[Story]:
    """Invented local-news stories: distinct text, titles, authors, dates."""
    rng = random.Random(seed)
    stories = []
    for number in range(count):
        topic, place = rng.sample(_WORDS, 2)
        paras = []
        for p in range(rng.randint(4, 8)):
            sentences = []
            for s in range(rng.randint(2, 4)):
                a, b, c = rng.sample(_WORDS, 3)
                figure = rng.randint(2, 9_000)
                sentences.append(
                    f"Officials said the {a} plan for story {number} would cost {figure:,} dollars and"
                    f" change how the {b} works near the {c}, according to note {p}.{s}."
                )
            paras.append(" ".join(sentences))
        day = dt.date(2025, 1, 1) + dt.timedelta(days=number)
        stories.append(
            Story(
                f"story-{number:03d}-{topic}",
                f"The {topic} plan for the {place}: story {number}",
                rng.choice(_OUTLETS),
                rng.choice(_NAMES),
                day.isoformat(),
                tuple(paras),
                section="Local",
            )
        )
    return stories


def news_page(story: Story, url: str, *, meta: bool = True) -> str:
    """The story as a news site would serve it. Without ``meta``, no byline, date or JSON-LD."""
    e = html.escape
    when = dt.datetime.fromisoformat(story.date + "T14:03:00+00:00")
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": when.isoformat(),
        "author": [{"@type": "Person", "name": story.author}],
        "publisher": {"@type": "Organization", "name": story.outlet},
        "mainEntityOfPage": url,
    }
    body: list[str] = []
    for number, paragraph in enumerate(story.paragraphs):
        body.append(f"<p>{e(paragraph)}</p>")
        if number == 1:
            body.append('<aside class="ad ad-inline"><span>Advertisement</span><div id="ad-slot-2"></div></aside>')
        if number == 3:
            body.append(
                '<div class="related-links"><h3>Read more</h3><ul>'
                '<li><a href="/2025/other-story">Council votes on the new budget</a></li>'
                '<li><a href="/2025/more-story">What the airport expansion means for you</a></li></ul></div>'
            )
    head_meta = ""
    byline = ""
    if meta:
        head_meta = (
            f'<meta name="author" content="{e(story.author)}">\n'
            f'<meta property="article:published_time" content="{when.isoformat()}">\n'
            f'<meta property="og:site_name" content="{e(story.outlet)}">\n'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>\n'
        )
        byline = (
            f'<div class="byline">By <a rel="author" href="/by/{e(story.author.lower().replace(" ", "-"))}">'
            f'{e(story.author)}</a> · <time datetime="{when.isoformat()}">{when:%B %-d, %Y}</time></div>'
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(story.title)} | {e(story.outlet)}</title>
<meta name="description" content="{e(story.paragraphs[0][:150])}">
<meta property="og:title" content="{e(story.title)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{e(url)}">
<link rel="canonical" href="{e(url)}">
{head_meta}<script>window.dataLayer = window.dataLayer || [];
dataLayer.push({{"section": "{e(story.section)}"}});</script>
<style>body {{ font-family: serif; }} .ad {{ min-height: 250px; }}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="logo" href="/">{e(story.outlet)}</a>
  <nav><ul>
    <li><a href="/world">World</a></li><li><a href="/us">U.S.</a></li>
    <li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li>
    <li><a href="/opinion">Opinion</a></li><li><a href="/sports">Sports</a></li>
  </ul></nav>
  <form action="/search"><input name="q" placeholder="Search"></form>
  <a class="subscribe" href="/subscribe">Subscribe for $1 a week</a>
</header>
<div class="ad ad-leaderboard"><span>Advertisement</span><iframe src="/ads/top"></iframe></div>
<main id="main">
<article class="story">
  <div class="breadcrumb"><a href="/{e(story.section.lower())}">{e(story.section)}</a></div>
  <h1 class="headline">{e(story.title)}</h1>
  {byline}
  <div class="share"><button>Share on Facebook</button><button>Share on X</button><button>Copy link</button></div>
  <figure class="lead-image"><img src="/img/lead.jpg" alt="">
    <figcaption>Photo illustration by the photo desk</figcaption></figure>
  <div class="article-body">
  {"".join(body)}
  </div>
  <div class="newsletter"><h4>Sign up for our morning newsletter</h4>
    <form><input type="email" placeholder="Email"><button>Sign up</button></form></div>
</article>
<aside class="sidebar"><h2>Most read</h2><ol>
  <li><a href="/a">Storm closes schools across the region</a></li>
  <li><a href="/b">The best pizza in town, ranked</a></li>
  <li><a href="/c">Transit fares to rise in March</a></li></ol></aside>
</main>
<footer class="site-footer">
  <p>© 2025 {e(story.outlet)}. All rights reserved.</p>
  <ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li>
  <li><a href="/cookies">Cookie settings</a></li><li><a href="/contact">Contact us</a></li></ul>
</footer>
</body>
</html>
"""


def _rfc822(date: str) -> str:
    return format_datetime(dt.datetime.fromisoformat(date + "T14:03:00+00:00"))


def rss(stories: list[Story], base: str, *, title: str = "Example News") -> str:
    e = html.escape
    items = "".join(
        f"""
  <item>
    <title>{e(s.title)}</title>
    <link>{base}/news/{s.slug}</link>
    <guid isPermaLink="false">{s.slug}</guid>
    <pubDate>{_rfc822(s.date)}</pubDate>
    <dc:creator>{e(s.author)}</dc:creator>
    <description>{e(s.paragraphs[0][:200])}</description>
  </item>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{e(title)}</title>
  <link>{base}/</link>
  <description>Latest news</description>{items}
</channel>
</rss>
"""


def atom(stories: list[Story], base: str, *, title: str = "Example News (Atom)") -> str:
    e = html.escape
    entries = "".join(
        f"""
  <entry>
    <title>{e(s.title)}</title>
    <link href="{base}/news/{s.slug}"/>
    <id>urn:example:{s.slug}</id>
    <published>{s.date}T14:03:00Z</published>
    <updated>{s.date}T14:03:00Z</updated>
    <author><name>{e(s.author)}</name></author>
    <summary>{e(s.paragraphs[0][:200])}</summary>
  </entry>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{e(title)}</title>
  <id>urn:example:feed</id>
  <updated>2025-02-10T14:03:00Z</updated>{entries}
</feed>
"""


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answers 304 to a matching If-None-Match
    last_modified: str | None = None  # answers 304 to a matching If-Modified-Since
    special: str = ""  # "hang", "gate", "loop", "endless", "declared-huge"


class NewsServer:
    """A threaded HTTP server on 127.0.0.1 with a route per path and a log of requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self.gate = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"<html><body><h1>Not found</h1></body></html>", "text/html")
                    return
                if route.special == "hang":
                    server.stopping.wait(30)
                    return
                if route.special == "gate":  # answered once the test opens the gate
                    server.gate.wait(30)
                if route.special == "loop":
                    self.send_response(302)
                    self.send_header("Location", self.path)
                    self.end_headers()
                    return
                if route.special in ("endless", "declared-huge"):
                    self.send_response(200)
                    self.send_header("Content-Type", route.content_type)
                    if route.special == "declared-huge":
                        self.send_header("Content-Length", str(50 * 2**20))
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65_000 + b"</p>\n"
                    try:
                        for _ in range(2_000):  # 130 MB at most; the client hangs up long before
                            if server.stopping.is_set():
                                return
                            self.wfile.write(chunk)
                    except OSError:
                        return
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", None)
                    return
                if route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                    self._send(304, b"", None)
                    return
                extra = dict(route.headers)
                if route.etag:
                    extra["ETag"] = route.etag
                if route.last_modified:
                    extra["Last-Modified"] = route.last_modified
                self._send(route.status, route.body, route.content_type, extra)

            def _send(self, status: int, body: bytes, kind: str | None, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    with contextlib.suppress(OSError):
                        self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, text: str, **route: object) -> str:
        self.routes[path] = Route(text.encode("utf-8"), **route)  # type: ignore[arg-type]
        return self.url(path)

    def publish(self, stories: list[Story], *, meta: bool = True) -> dict[str, str]:
        """Serve each story at /news/<slug>; returns their URLs by slug."""
        return {
            s.slug: self.page(f"/news/{s.slug}", news_page(s, self.url(f"/news/{s.slug}"), meta=meta)) for s in stories
        }

    def requested(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def __enter__(self) -> NewsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
