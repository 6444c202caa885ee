"""RSS and Atom feeds: subscriptions kept in the store, refreshed into articles by the intake.

A refresh asks for the feed conditionally (ETag / Last-Modified), so an unchanged feed
costs one small request; each item not seen before is added as in ``newsreader add``,
with the feed's title, author and date filling what the page lacks. One failing item or
feed never stops the others. A refresh with a failed item keeps no validators, so the
next one fetches the feed again and retries the item.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from tui.core.article import Metadata
from tui.core.cleaning import clean_line, printable
from tui.core.errors import NewsreaderError, UsageError, WorkFailed
from tui.core.intake import Added, Intake, check_url, fetch, normalize_url, now_iso

SEEN_MAX = 5_000  # item ids remembered per feed: far more than any feed lists at once


class NotAFeed(WorkFailed):
    """The response does not parse as RSS or Atom."""


def feed_id(url: str) -> str:
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Feed:
    """A subscription and what the last refresh learned."""

    id: str
    url: str
    name: str
    added: str = ""
    etag: str = ""
    last_modified: str = ""
    seen: tuple[str, ...] = ()
    items: int = 0  # how many items the feed listed last time
    refreshed: str = ""
    result: str = ""  # the last refresh's summary

    def to_doc(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "name": self.name,
            "added": self.added,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "seen": list(self.seen),
            "items": self.items,
            "refreshed": self.refreshed,
            "result": self.result,
        }

    @classmethod
    def from_doc(cls, key: str, doc: dict[str, Any]) -> Feed:
        """A stored feed; every field cleaned (the DB file is outside input too)."""

        def text(name: str) -> str:
            value = doc.get(name)
            return clean_line(value, 2000) if isinstance(value, str) else ""

        seen = doc.get("seen")
        items = doc.get("items")
        return cls(
            id=key,
            url=text("url"),
            name=text("name") or text("url"),
            added=text("added"),
            etag=text("etag"),
            last_modified=text("last_modified"),
            seen=tuple(str(s) for s in seen if isinstance(s, str)) if isinstance(seen, list) else (),
            items=items if isinstance(items, int) else 0,
            refreshed=text("refreshed"),
            result=text("result"),
        )


@dataclass(frozen=True)
class Item:
    """One entry of a feed: where the article is and what the feed says about it."""

    id: str
    link: str
    hints: Metadata


@dataclass(frozen=True)
class Parsed:
    title: str
    items: tuple[Item, ...]


def _day(entry: Any) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date().isoformat()
            except (OverflowError, ValueError, TypeError):
                continue
    return ""


def parse_feed(body: bytes, url: str, content_type: str = "") -> Parsed:
    """The feed's title and items; ``NotAFeed`` if it is not RSS or Atom."""
    import feedparser

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    result = feedparser.parse(body, response_headers=headers)
    # feedparser reads what it can of a broken feed ("bozo"): that is a feed only if it
    # still gives items with links.
    broken = result.get("bozo") and not any(entry.get("link") for entry in result.entries)
    if (not result.get("version") and not result.entries) or broken:
        reason = result.get("bozo_exception")
        detail = f" ({printable(' '.join(str(reason).split()))[:120]})" if reason else ""
        raise NotAFeed(f"{printable(url)}: does not parse as RSS or Atom{detail}")
    items = []
    for entry in result.entries:
        link = entry.get("link") or next(
            (link.get("href", "") for link in entry.get("links", []) if link.get("rel", "alternate") == "alternate"),
            "",
        )
        link = urljoin(url, str(link).strip()) if link else ""
        identity = clean_line(entry.get("id") or link or entry.get("title") or "", 2000)
        if not identity:
            continue
        hints = Metadata(
            title=clean_line(entry.get("title") or ""),
            author=clean_line(entry.get("author") or ""),
            date=_day(entry),
            outlet=clean_line(result.feed.get("title") or ""),
        )
        items.append(Item(identity, link, hints))
    return Parsed(clean_line(result.feed.get("title") or ""), tuple(items))


@dataclass
class Report:
    """What a refresh of one feed did: ``3 new, 12 known, 1 failed: <reason>``."""

    name: str
    new: int = 0
    known: int = 0
    failed: int = 0
    reasons: list[str] = field(default_factory=list)
    error: str = ""  # the feed itself failed
    unchanged: bool = False
    added: list[Added] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed

    def summary(self) -> str:
        if self.error:
            return f"{self.name}: failed: {self.error}"
        text = f"{self.name}: {self.new} new, {self.known} known"
        if self.unchanged:
            text += " (feed unchanged)"
        if self.failed:
            text += f", {self.failed} failed: {self.reasons[0]}"
            if len(self.reasons) > 1:
                text += f" (and {len(self.reasons) - 1} more)"
        return text


Progress = Callable[[str, int, int], None]  # (what, done, total)


def subscribe(url: str, *, name: str = "", intake: Intake, existing: Iterable[Feed] = ()) -> Feed:
    """Check that ``url`` is a feed (fetch and parse it) and return the subscription to store.

    ``UsageError`` if it is already subscribed; ``FetchFailed`` / ``NotAFeed`` if it fails.
    """
    url = check_url(url)
    key = feed_id(url)
    for feed in existing:
        if feed.id == key:
            raise UsageError(f"already subscribed to {printable(url)} as {feed.name!r}")
    response = fetch(url, timeout=intake.timeout, max_bytes=intake.max_bytes, accept=None, http=intake.http)
    parsed = parse_feed(response.body, response.url, response.content_type)
    host = urlsplit(url).hostname or url
    return Feed(
        id=key,
        url=url,
        name=clean_line(name) or parsed.title or host,
        added=now_iso(),
        items=len(parsed.items),
    )


def find(feeds: list[Feed], name: str) -> list[Feed]:
    """Feeds matching ``name``: by name (any case), URL, id, or a unique prefix of a name or id."""
    wanted = name.strip().lower()
    for test in (
        lambda f: f.name.lower() == wanted or f.id == wanted or normalize_url(f.url) == normalize_url(name),
        lambda f: f.name.lower().startswith(wanted) or f.id.startswith(wanted),
    ):
        found = [f for f in feeds if test(f)]
        if found:
            return found
    return []


def refresh(feed: Feed, intake: Intake, *, progress: Progress | None = None) -> tuple[Report, Feed]:
    """Fetch ``feed`` and add its new items; the report and the feed's new state (to store)."""
    report = Report(feed.name)
    try:
        response = fetch(
            feed.url,
            timeout=intake.timeout,
            max_bytes=intake.max_bytes,
            accept=None,
            etag=feed.etag,
            last_modified=feed.last_modified,
            http=intake.http,
        )
        if response.not_modified:
            report.unchanged = True
            report.known = feed.items
            summary = report.summary()
            return report, replace(feed, refreshed=now_iso(), result=summary)
        parsed = parse_feed(response.body, response.url, response.content_type)
    except NewsreaderError as error:
        report.error = _reason(str(error), feed.url)
        return report, replace(feed, refreshed=now_iso(), result=report.summary())
    seen = dict.fromkeys(feed.seen)
    total = len(parsed.items)
    for number, item in enumerate(parsed.items):
        if progress:
            progress(item.hints.title or item.link, number, total)
        _add_item(item, intake, report, seen)
    if progress:
        progress("", total, total)
    kept = tuple(list(seen)[-SEEN_MAX:])
    # With a failed item, keep no validators: the next refresh fetches the feed again and retries it.
    validators = {"etag": response.etag, "last_modified": response.last_modified} if not report.failed else {}
    state = replace(
        feed,
        seen=kept,
        items=total,
        refreshed=now_iso(),
        result=report.summary(),
        etag=validators.get("etag", ""),
        last_modified=validators.get("last_modified", ""),
    )
    return report, state


def _add_item(item: Item, intake: Intake, report: Report, seen: dict[str, None]) -> None:
    """Add one item of the feed unless seen before (then it joins ``seen``); the report counts the outcome."""
    if item.id in seen:
        report.known += 1
        return
    try:
        if not item.link:
            raise WorkFailed("the item has no link")
        added = intake.add_url(item.link, hints=item.hints)
    except NewsreaderError as error:
        report.failed += 1
        report.reasons.append(_reason(str(error), item.link))
        return
    except Exception as error:  # one bad page never stops the refresh
        report.failed += 1
        report.reasons.append(f"{printable(item.link)}: unexpected error ({type(error).__name__})")
        return
    seen[item.id] = None
    if added.new:
        report.new += 1
        report.added.append(added)
    else:
        report.known += 1


def _reason(message: str, url: str) -> str:
    """A failure's reason as one line; the URL stays, the feed's name is said by the summary."""
    return printable(" ".join(message.split()))[:300] or printable(url)
