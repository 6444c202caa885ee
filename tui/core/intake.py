"""Bringing the news in: fetch a page, extract the article and its metadata, save it as a file.

A fetched or saved page becomes an ordinary article: a Markdown file with YAML front
matter (title, outlet, author, date, url, fetched) in the workspace's articles folder.
Fetching is httpx with a timeout, a size cap read as the bytes arrive, a redirect limit
and a content-type check; extraction and metadata are trafilatura's. Everything taken
from the page is cleaned after decoding, like any article text. A file is written
completely or not at all (temp file, fsync, then a hard link that refuses to replace an
existing file), and the same URL or the same text is never added twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import ipaddress
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui import __version__
from tui.core.article import Article, Metadata, article_id, host_outlet, parse
from tui.core.atomic import sync_folder
from tui.core.cleaning import clean_line, clean_text, printable
from tui.core.errors import UsageError, WorkFailed

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 10 * 2**20
MAX_REDIRECTS = 5
USER_AGENT = f"newsreader/{__version__} (a terminal news reader; one page at a time)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MIN_ARTICLE_WORDS = 40  # in sentences: a link list or an error page is not an article
_SLUG_MAX = 60


class FetchFailed(WorkFailed):
    """The page could not be fetched (unreachable, timeout, HTTP error, too large, wrong type)."""


class Cancelled(Exception):
    """Raised by a progress callback: the user no longer wants the page."""


class NotAnArticle(WorkFailed):
    """The page has no main text (a home page, a link list, an error page)."""


# --- URLs ------------------------------------------------------------------------------------

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.IGNORECASE)


def is_url(value: str) -> bool:
    return bool(re.match(r"(?i)^https?://", value.strip()))


def check_url(url: str) -> str:
    """The URL, stripped; ``UsageError`` unless it is an http(s) URL with a host."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises for a malformed port)
    except ValueError:
        raise UsageError(f"{printable(url)!r} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{printable(url)!r} is not an http(s) URL")
    return url


def normalize_url(url: str) -> str:
    """The form two links to one article share: no fragment, no tracking parameters,
    lowercase scheme and host, no default port, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, query, ""))


# --- fetching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """A response body, read completely and within the limits."""

    url: str  # after redirects
    body: bytes = b""
    content_type: str = ""
    charset: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """An HTTP client with our limits: reuse it for many requests (a feed's items)."""
    import httpx

    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _reason(error: Exception) -> str:
    """A one-line reason from an httpx or socket error, without the noise."""
    text = str(error) or type(error).__name__
    for pattern, plain in (
        (r"Connection refused", "connection refused"),
        (r"Name or service not known|nodename nor servname|No address associated", "unknown host"),
        (r"Network is unreachable", "network unreachable"),
    ):
        if re.search(pattern, text):
            return plain
    return printable(" ".join(text.split()))[:200]


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    accept: Iterable[str] | None = HTML_TYPES,
    etag: str = "",
    last_modified: str = "",
    http: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` within the limits; ``FetchFailed`` (one line: what went wrong) otherwise.

    ``accept`` is the content types taken (None: any); with ``etag`` / ``last_modified``
    the request is conditional and an unchanged resource comes back ``not_modified``.
    The size cap is checked on the declared length and again as the bytes arrive, and
    the timeout bounds the whole transfer, not only each read.
    """
    import httpx

    url = check_url(url)
    shown = printable(url)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = http is None
    http = http or client(timeout)
    deadline = time.monotonic() + timeout
    try:
        with http.stream("GET", url, headers=headers, timeout=timeout) as response:
            if response.status_code == 304:
                return Fetched(str(response.url), not_modified=True, etag=etag, last_modified=last_modified)
            return _read_response(response, shown, accept=accept, max_bytes=max_bytes, deadline=deadline)
    except httpx.TimeoutException:
        raise FetchFailed(f"{shown}: timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchFailed(f"{shown}: too many redirects (more than {MAX_REDIRECTS})") from None
    except httpx.ConnectError as error:
        host = urlsplit(url).netloc
        raise FetchFailed(f"{shown}: cannot connect to {printable(host)} ({_reason(error)})") from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchFailed(f"{shown}: {_reason(error)}") from None
    finally:
        if own:
            http.close()


def _read_response(
    response: httpx.Response, shown: str, *, accept: Iterable[str] | None, max_bytes: int, deadline: float
) -> Fetched:
    """The response's body, read within the limits; ``FetchFailed`` for an error status or a body we do not take."""
    import httpx

    if response.status_code >= 400:
        phrase = response.reason_phrase or ""
        raise FetchFailed(f"{shown}: HTTP {response.status_code} {printable(phrase)}".rstrip())
    mime, _, params = response.headers.get("content-type", "").partition(";")
    mime = mime.strip().lower()
    if accept is not None and mime and mime not in accept:
        raise FetchFailed(f"{shown}: not a web page (content type {printable(mime)[:60]})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"{shown}: larger than {max_bytes / 2**20:g} MB; not fetched")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchFailed(f"{shown}: larger than {max_bytes / 2**20:g} MB; not fetched")
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("transfer too slow")
        chunks.append(chunk)
    charset = ""
    if m := re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE):
        charset = m.group(1)
    return Fetched(
        str(response.url),
        b"".join(chunks),
        mime,
        charset,
        response.headers.get("etag", ""),
        response.headers.get("last-modified", ""),
    )


# --- decoding and extraction -----------------------------------------------------------------

_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "l1"})
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}));?")


def _control_reference(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return chr(code) if (code < 32 and code not in (9, 10, 13)) or 127 <= code < 160 else match.group(0)


def clean_html(html: str) -> str:
    """HTML with what a terminal could act on removed, whether written as characters or as
    character references (``&#27;[2J``): the parser never sees a control character (lxml
    gives up on a page holding one) and escape sequences go whole, as in any article."""
    if "&#" in html:
        html = _CONTROL_REFERENCE.sub(_control_reference, html)
    return clean_text(html)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def decode_html(body: bytes, charset: str = "") -> str:
    """HTML bytes as text: the declared charset (header, then ``<meta>``), else a guess."""
    from tui.core.corpus import BinaryFile, decode

    if not charset and (m := _META_CHARSET.search(body[:4096])):
        charset = m.group(1).decode("ascii", "replace")
    if charset.lower() in _WINDOWS_1252_LABELS:
        charset = "cp1252"  # as browsers read them (the WHATWG encoding standard)
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return decode(body)[0]
    except BinaryFile:
        raise NotAnArticle("the page is binary, not text") from None


@dataclass(frozen=True)
class Extracted:
    """An article's text (a paragraph per entry) and metadata, cleaned."""

    paragraphs: tuple[str, ...]
    meta: Metadata
    raw: bool = False  # the page's whole text, saved with --raw

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


_SENTENCE = re.compile(r"[.!?…][\"”’')\]]*$")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+|\s+-\s+")


def _is_article(paragraphs: Iterable[str]) -> bool:
    """Enough running prose: sentences, not a list of links or a one-line error."""
    words = 0
    for paragraph in paragraphs:
        count = len(paragraph.split())
        if count >= 8 and _SENTENCE.search(paragraph):
            words += count
    return words >= MIN_ARTICLE_WORDS


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line for line in (" ".join(part.split()) for part in clean_text(text).split("\n")) if line)


def _title_tag(html: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", html[:200_000], re.IGNORECASE | re.DOTALL)
    if not m:
        return ""
    import html as html_module

    return clean_line(html_module.unescape(m.group(1)))


def _site_from_title(tag: str, title: str) -> str:
    """``Headline | The Outlet`` → ``The Outlet``, when the headline is the known title."""
    if not tag or not title or not tag.startswith(title) or tag == title:
        return ""
    rest = tag[len(title) :]
    m = _TITLE_SEPARATORS.match(rest)
    site = rest[m.end() :].strip() if m else ""
    return site if 0 < len(site) <= 60 else ""


def _host_name(url: str) -> str:
    """A host as a last-resort outlet name (``example.com``); nothing for an address or localhost."""
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""
    if not host or host == "localhost" or "." not in host:
        return ""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return ""
    return host


def _usable_canonical(url: str) -> bool:
    """A page's own canonical address; not a home page (which many sites wrongly give)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises for a malformed port)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.path not in ("", "/")


def _is_host(name: str, *urls: str) -> bool:
    lowered = name.lower().removeprefix("www.")
    for url in urls:
        with contextlib.suppress(ValueError):
            parts = urlsplit(url)
            if lowered in (parts.netloc.lower().removeprefix("www."), (parts.hostname or "").removeprefix("www.")):
                return True
    return False


def _date(value: object) -> str:
    text = clean_line(value or "")
    return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else text


def extract(html: str, url: str = "", *, raw: bool = False, hints: Metadata | None = None) -> Extracted:
    """The article in ``html``: main text without navigation, ads and footers, and its metadata.

    ``hints`` (from a feed item) fill the fields the page lacks. Raises ``NotAnArticle``
    when there is no main text, unless ``raw``: then the page's whole text is kept.
    """
    import trafilatura

    hints = hints or Metadata()
    html = clean_html(html)
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # Only dates the page states (markup, URL): a search of the text would take the
        # copyright year in the footer for the publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    paragraphs = _paragraphs(document.text or "") if document is not None else ()
    whole = False
    if not _is_article(paragraphs):
        if not raw:
            found = f" (found only {len(' '.join(paragraphs).split())} words)" if paragraphs else ""
            raise NotAnArticle(f"no article text found on the page{found}")
        paragraphs = _paragraphs(trafilatura.html2txt(html) or "") or paragraphs
        whole = True
        if not paragraphs:
            raise NotAnArticle("the page has no text; nothing saved")

    def field_of(name: str) -> str:
        return clean_line(getattr(document, name, None) or "") if document is not None else ""

    title = field_of("title") or hints.title or clean_line(_title_tag(html))
    outlet = field_of("sitename")
    canonical = field_of("url")
    page_url = canonical if _usable_canonical(canonical) else url or canonical
    if outlet == title or _is_host(outlet, page_url, url):
        outlet = ""  # trafilatura's fallbacks when a page names no site: the title, the host
    outlet = (
        outlet
        or _site_from_title(_title_tag(html), title)
        or host_outlet(page_url)
        or hints.outlet
        or _host_name(page_url)
    )
    author = field_of("author").replace("; ", ", ") or hints.author
    date = _date(field_of("date")) or hints.date
    return Extracted(paragraphs, Metadata(title=title, outlet=outlet, author=author, date=date, url=page_url), whole)


# --- files -----------------------------------------------------------------------------------


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def document(extracted: Extracted, *, fetched: str) -> str:
    """The article file: YAML front matter, then a paragraph per block."""
    import yaml

    meta = extracted.meta
    front = {
        "title": meta.title,
        "outlet": meta.outlet,
        "author": meta.author,
        "date": meta.date,
        "url": meta.url,
        "fetched": fetched,
    }
    if extracted.raw:
        front["extraction"] = "raw page text (no article found)"
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{header}---\n\n{extracted.text}\n"


def slug(title: str, limit: int = _SLUG_MAX) -> str:
    """A file-name-safe slug: ASCII letters and digits joined by hyphens, at most ``limit`` long."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > limit:
            break
        result = candidate
    return result or (words[0][:limit] if words else "article")


def file_name(meta: Metadata, fetched: str) -> str:
    day = meta.date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date) else fetched[:10]
    return f"{day}-{slug(meta.title)}.md"


def write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as a new file in ``folder``, never replacing one: ``name``, else
    ``name-2``, ``name-3``…  Complete or absent: written to a synced temp file, then hard-linked
    into place (a link refuses an existing name) and the temp file removed."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = os.path.splitext(name)
    fd, tmp = tempfile.mkstemp(prefix=".newsreader-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        for number in range(1, 1000):
            target = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                if target.exists():  # no hard links here: an exclusive create of the name instead
                    continue
                try:
                    exclusive = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                except FileExistsError:
                    continue
                try:
                    os.write(exclusive, data)
                    os.fsync(exclusive)
                finally:
                    os.close(exclusive)
            sync_folder(folder)
            return target
        raise OSError(errno.EEXIST, "too many files with this name")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# --- adding to a workspace -------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """The outcome of adding one page: a new article, or the one already there."""

    article: Article
    new: bool
    source: str  # the URL or file given

    @property
    def id(self) -> str:
        return self.article.id


@dataclass
class Intake:
    """Adds pages to one articles folder, refusing what the workspace already holds.

    Safe to use from one worker thread: it writes only article files, never the store.
    """

    folder: Path
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = MAX_BYTES
    _urls: dict[str, Article] = field(default_factory=dict, repr=False)
    _ids: dict[str, Article] = field(default_factory=dict, repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)

    @classmethod
    def over(cls, articles: Iterable[Article], folder: Path, **limits: float) -> Intake:
        """An intake that knows ``articles`` (by URL and by text), saving into ``folder``."""
        intake = cls(folder, **limits)  # type: ignore[arg-type]
        for article in articles:
            intake.know(article)
        return intake

    def know(self, article: Article) -> None:
        self._ids.setdefault(article.id, article)
        if article.meta.url:
            self._urls.setdefault(normalize_url(article.meta.url), article)

    def known(self, *urls: str) -> Article | None:
        for url in urls:
            if url and (found := self._urls.get(normalize_url(url))) is not None:
                return found
        return None

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = client(self.timeout)
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Intake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_url(
        self,
        url: str,
        *,
        raw: bool = False,
        hints: Metadata | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Added:
        """Fetch, extract and save one page (or find it already added)."""
        url = check_url(url)
        if (existing := self.known(url)) is not None:
            return Added(existing, False, url)
        if progress:
            progress("fetching")
        page = fetch(url, timeout=self.timeout, max_bytes=self.max_bytes, http=self.http)
        if (existing := self.known(page.url)) is not None:
            return Added(existing, False, url)
        if progress:
            progress("extracting")
        html = decode_html(page.body, page.charset)
        extracted = extract(html, page.url, raw=raw, hints=hints)
        return self._save(extracted, url, alternatives=(page.url,), progress=progress)

    def add_file(self, path: Path, *, raw: bool = False) -> Added:
        """Extract and save a saved web page (``.html``)."""
        from tui.core.atomic import FileTooLarge, read_bytes

        try:
            data, _ = read_bytes(path, self.max_bytes)
        except FileTooLarge as error:
            raise UsageError(f"{path}: {error}") from None
        except OSError as error:
            raise UsageError(f"{path}: cannot read ({error.strerror or error})") from None
        extracted = extract(decode_html(data), raw=raw)
        return self._save(extracted, str(path))

    def _save(
        self,
        extracted: Extracted,
        source: str,
        alternatives: Iterable[str] = (),
        progress: Callable[[str], None] | None = None,
    ) -> Added:
        if (existing := self.known(extracted.meta.url, *alternatives)) is not None:
            return Added(existing, False, source)
        fetched = now_iso()
        text = document(extracted, fetched=fetched)
        parsed = parse(text)
        if (existing := self._ids.get(article_id(parsed.text))) is not None:
            return Added(existing, False, source)
        if progress:
            progress("saving")  # the last moment to cancel (the callback raises)
        try:
            path = write_new(self.folder, file_name(extracted.meta, fetched), text.encode("utf-8"))
        except OSError as error:
            raise WorkFailed(f"{self.folder}: cannot save the article ({error.strerror or error})") from None
        stat = path.stat()
        article = Article.from_raw(path, text, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        self.know(article)
        for alternative in alternatives:
            self._urls.setdefault(normalize_url(alternative), article)
        return Added(article, True, source)


def read_html(data: bytes) -> str:
    """A saved page (``.html``) as article file text, read through the same extraction; nothing
    is written. ``NotAnArticle`` if it holds no article."""
    extracted = extract(decode_html(data))
    return document(extracted, fetched="")


def articles_folder(db: Path, option: str | None = None) -> Path:
    """Where added articles go: ``--to FOLDER``, else ``articles/`` beside the DB's folder
    (``annotations/``), i.e. in the workspace; with another DB file, beside that file."""
    if option:
        return Path(option).expanduser()
    parent = db.parent
    return (parent.parent if parent.name == "annotations" else parent) / "articles"
