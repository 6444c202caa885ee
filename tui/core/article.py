"""Article: cleaned text plus the metadata a researcher cites (title, outlet, author, date).

Article text is untrusted. ``clean_text`` removes everything a terminal could act
on (escape sequences, control characters, bidi overrides) before anything else
sees the text, so every offset (passages, annotations, search hits) indexes the
exact string the reader shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from tui.core.cleaning import clean_line, clean_text, printable
from tui.core.passages import Span, paragraphs


def normalize_for_id(text: str) -> str:
    """The form of the text an article id hashes: whitespace-insensitive, NFC."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def article_id(text: str) -> str:
    """A short, stable id: the same words give the same id whatever the file is called."""
    return hashlib.sha256(normalize_for_id(text).encode("utf-8")).hexdigest()[:12]


# Bump when cleaning or inference changes, so cached results from an older parser are redone.
PARSER_VERSION = 2

# --- metadata -----------------------------------------------------------------


METADATA_FIELDS = ("title", "outlet", "author", "date", "url", "via")


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a citation needs. Empty strings mean unknown."""

    title: str = ""
    outlet: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    via: str = ""  # the outlet that republished it, e.g. a wire story on a local site

    def __post_init__(self) -> None:
        # Every field, whatever its source (front matter, inference, the user's edits, an
        # import), is one clean line: decoded escapes and newlines never reach a screen.
        for name in METADATA_FIELDS:
            value = getattr(self, name)
            cleaned = clean_line(value)
            if cleaned is not value:
                object.__setattr__(self, name, cleaned)

    def merged(self, overrides: dict[str, str]) -> Metadata:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: str(v) for k, v in overrides.items() if k in known})

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Outlets by web host (suffix match) and by the names wires put in datelines.
OUTLET_BY_HOST = {
    "adn.com": "Anchorage Daily News",
    "apnews.com": "The Associated Press",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "bloomberg.com": "Bloomberg",
    "cnn.com": "CNN",
    "ft.com": "Financial Times",
    "latimes.com": "Los Angeles Times",
    "npr.org": "NPR",
    "nytimes.com": "The New York Times",
    "politico.com": "Politico",
    "reuters.com": "Reuters",
    "theguardian.com": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
}
_WIRES = {"reuters": "Reuters", "ap": "The Associated Press", "afp": "AFP", "bloomberg": "Bloomberg"}

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_ALIASES = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "publisher", "publication", "site"),
    "author": ("author", "authors", "byline", "by"),
    "date": ("date", "published", "published_at", "pubdate"),
    "url": ("url", "link", "source_url", "canonical_url"),
    "via": ("via", "republished_by"),
}
_HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+by\s+(.+?))?\s*", re.IGNORECASE)
_BYLINE = re.compile(r"\s*by\s+([A-Z][^\n]{1,80}?)\s*", re.IGNORECASE)
_H1 = re.compile(r"#\s+(.+?)\s*#*\s*")
_IMAGE_LINE = re.compile(r"(?m)^[ \t]*!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)[ \t]*$")
_DATELINE = re.compile(
    r"\s*(?P<place>[A-Z][A-Z .,'’-]{1,40}?)(?:,\s*[A-Z][\w.]*)?\s*\((?P<wire>[A-Za-z]{2,12})\)\s*[-—–]+\s*"
)
# An outlet's name is on one line: a line break ends it, as does a sentence's full stop.
_OUTLET_NAME = r"(?:[Tt]he[ \t]+)?[A-Z][\w&.'’-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\w&.'’-]*){0,4}"
_SEEN_BY = re.compile(rf"\b(?:viewed|obtained|reviewed|seen)[ \t]+by\s+(?P<outlet>{_OUTLET_NAME})")
_INITIALISM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]\.|(?:Co|Inc|Corp|Ltd|St|Jr)\.")
_NOT_OUTLETS = {"the", "officials", "congress", "the department", "the white house"}
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")
_LEDE_WINDOW = 8_000
_ATTRIBUTION_WINDOW = 20_000  # "viewed by The Times" comes early, if at all
_TITLE_MAX = 100
_CLAUSE_MAX = 120


def host_outlet(url: str) -> str:
    """The outlet a web address belongs to, for the outlets we know by host."""
    try:
        host = (urlparse(url).hostname or "").lower()
    except ValueError:  # a malformed address ("http://[::1") names no outlet
        return ""
    for domain, outlet in OUTLET_BY_HOST.items():
        if host == domain or host.endswith("." + domain):
            return outlet
    return ""


def _outlet_words(name: str) -> str:
    """The words of a name up to a sentence's end: "The Daily Example. In" -> "The Daily Example"."""
    words = name.split()
    for number, word in enumerate(words):
        if word.endswith(".") and not _INITIALISM.fullmatch(word):
            words = words[: number + 1]
            break
    return " ".join(words).rstrip(".,'’")


def _normalize_date(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


FRONT_MATTER_MAX = 64 * 1024  # a citation's fields, not a data file
_LIST_MAX = 20  # authors joined from a list


def _load_yaml(source: str) -> object:
    """YAML as plain data, refusing what only an attack needs: aliases (a 400-byte "billion
    laughs" expands to gigabytes) and very deep nesting. Raises ``ValueError`` saying why."""
    import yaml  # only files with front matter need it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    for event in yaml.parse(source, Loader=loader):  # events never expand aliases
        if isinstance(event, yaml.AliasEvent):
            raise ValueError("front matter uses YAML aliases (*name), which are not read")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > 20:
                raise ValueError("front matter is nested too deeply")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(source, Loader=loader)


def _scalar(value: object) -> str | None:
    """A front matter value as text: scalars, or a short list of scalars (authors); else None."""
    if isinstance(value, list):
        items = [_scalar(v) for v in value[:_LIST_MAX] if not isinstance(v, (list, dict))]
        return ", ".join(v for v in items if v) or None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return clean_line(value)
    return None


def _front_matter(text: str) -> tuple[dict[str, str], str, str | None]:
    """Split YAML front matter off ``text``: (fields, rest, warning).

    Only scalar fields are kept, each cleaned after YAML has decoded its escapes.
    """
    match = _FRONT_MATTER.match(text[: FRONT_MATTER_MAX + 16])
    if not match:
        return {}, text, None
    import yaml

    try:
        data = _load_yaml(match.group(1) or "") or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        return {}, text, f"front matter is not valid YAML{where}; shown as text"
    except ValueError as error:
        return {}, text, f"{error}; shown as text"
    if not isinstance(data, dict):
        return {}, text, "front matter is not a YAML mapping; shown as text"
    result: dict[str, str] = {}
    lowered = {str(k).lower(): v for k, v in data.items()}
    for name, aliases in _FRONT_MATTER_ALIASES.items():
        for alias in aliases:
            value = _scalar(lowered.get(alias))
            if value:
                result[name] = _normalize_date(value) if name == "date" else value
                break
    return result, text[match.end() :], None


def _image_placeholder(match: re.Match[str]) -> str:
    alt = " ".join(match.group(1).split())
    host = (urlparse(match.group(2)).hostname or "").removeprefix("www.")
    label = " — ".join(part for part in (alt, host) if part) or "image"
    return f"[image: {label}]"


def shorten(text: str, limit: int = _TITLE_MAX) -> str:
    """Shorten at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:—-") + "…"


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters on one line, the last an ellipsis when cut: for a quote or an
    outlet's name, where every character counts and a word boundary may be far back."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title_from(first_paragraph: str) -> str:
    """A title from the lede: its first clause if that reads as a headline, else shortened."""
    from sentencex import segment  # only parsing a file needs it: an article listed from the index does not

    sentence = next(iter(segment("en", first_paragraph)), first_paragraph).strip().rstrip(".")
    clause = sentence.split(", ", 1)[0]
    if 40 <= len(clause) <= _CLAUSE_MAX:
        return clause
    return shorten(sentence)


@dataclass(frozen=True, slots=True)
class Parsed:
    """Body text and what was learned from the file while cleaning it."""

    text: str
    inferred: Metadata
    figures: tuple[Span, ...]
    warnings: tuple[str, ...]


def parse(raw: str) -> Parsed:
    """Clean ``raw`` file text and infer its metadata (the order is in the README's Articles section)."""
    text = clean_text(raw)
    found, text, warning = _front_matter(text)
    header, text = _header(text)
    text, figures, image_hosts = _images(text)
    head = text[:_LEDE_WINDOW]  # the lede is near the top; no need to split a 5 MB text for it
    paras = [p for p in paragraphs(head) if p not in figures]
    lede = text[paras[0].start : paras[0].end] if paras else ""
    outlet, via, lede = _outlet(text, lede, image_hosts)
    inferred = Metadata(
        title=found.get("title") or header.get("title") or (_title_from(lede) if lede else ""),
        outlet=found.get("outlet") or outlet or host_outlet(found.get("url", "")),
        author=found.get("author") or header.get("author", ""),
        date=found.get("date") or header.get("date", ""),
        url=found.get("url", ""),
        via=found.get("via") or via,
    )
    return Parsed(text=text, inferred=inferred, figures=figures, warnings=(warning,) if warning else ())


def _header(text: str) -> tuple[dict[str, str], str]:
    """Header lines at the top ("date … By …", a Markdown H1, a byline): what they say, and the text after."""
    header: dict[str, str] = {}
    body_start = 0
    for _ in range(8):
        end = text.find("\n", body_start)
        end = len(text) if end < 0 else end
        line = text[body_start:end]
        if m := _HEADER.fullmatch(line):
            header.setdefault("date", m.group(1))
            if m.group(2):
                header.setdefault("author", m.group(2).strip())
        elif (m := _H1.fullmatch(line)) and "title" not in header:
            header["title"] = m.group(1)
        elif (m := _BYLINE.fullmatch(line)) and "author" not in header:
            header["author"] = m.group(1)
        elif line.strip():
            break
        body_start = end + 1
        if end == len(text):
            break
    return header, text[body_start:]


def _images(text: str) -> tuple[str, tuple[Span, ...], list[str]]:
    """Markdown image lines made a short placeholder: the text, the placeholders' spans, the images' hosts."""
    hosts = [urlparse(m.group(2)).hostname or "" for m in _IMAGE_LINE.finditer(text)]
    text = _IMAGE_LINE.sub(_image_placeholder, text).rstrip()
    figures = tuple(Span(m.start(), m.end()) for m in re.finditer(r"(?m)^\[image: [^\n]*\]$", text))
    return text, figures, hosts


def _outlet(text: str, lede: str, image_hosts: list[str]) -> tuple[str, str, str]:
    """The outlet (a wire's dateline, "viewed by …", else the images' host), the outlet it came via,
    and the lede without its dateline."""
    outlet = ""
    if m := _DATELINE.match(lede):
        outlet = _WIRES.get(m.group("wire").lower(), "")
        if outlet:
            lede = lede[m.end() :]
    if not outlet:
        for m in _SEEN_BY.finditer(text, 0, _ATTRIBUTION_WINDOW):
            name = _outlet_words(m.group("outlet"))
            if name.lower() not in _NOT_OUTLETS:
                outlet = name[0].upper() + name[1:]
                break
    image_outlet = next((o for o in map(host_outlet, (f"//{h}" for h in image_hosts)) if o), "")
    via = ""
    if not outlet:
        outlet = image_outlet
    elif image_outlet and image_outlet != outlet:
        via = image_outlet
    return outlet, via, lede


@dataclass
class Article:
    """One article: identity, metadata, load notes, and its cleaned text (read when first needed).

    Articles listed from the workspace cache have no text in memory until something
    reads ``text``: the list appears without reading 10,000 files.
    """

    id: str
    path: Path
    inferred: Metadata
    meta: Metadata  # inferred, with the user's edits applied
    figures: tuple[Span, ...] = ()
    warnings: tuple[str, ...] = ()
    size: int = 0
    mtime_ns: int = 0
    words: int = 0
    empty: bool = False
    fresh: bool = True  # read from its file this session (not from the cache): stored anchors may be stale
    loader: Callable[[Path], str] | None = field(default=None, repr=False, compare=False)
    _text: str | None = field(default=None, repr=False, compare=False)
    _location: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_raw(
        cls, path: Path, raw: str, *, warnings: tuple[str, ...] = (), size: int = 0, mtime_ns: int = 0
    ) -> Article:
        parsed = parse(raw)
        empty = not parsed.text.strip()
        # Empty files all share one text; their path tells them apart.
        identity = f"\0empty:{path}" if empty else parsed.text
        return cls(
            id=article_id(identity),
            path=path,
            inferred=parsed.inferred,
            meta=parsed.inferred,
            figures=parsed.figures,
            warnings=warnings + parsed.warnings,
            size=size,
            mtime_ns=mtime_ns,
            words=len(parsed.text.split()),
            empty=empty,
            _text=parsed.text,
        )

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.loader(self.path) if self.loader is not None else ""
        return self._text

    @property
    def loaded(self) -> bool:
        return self._text is not None

    @cached_property
    def paragraphs(self) -> list[Span]:
        return paragraphs(self.text)

    @property
    def location(self) -> str:
        """The resolved path: how annotations remember which file they were made in."""
        if self._location is None:
            self._location = os.path.realpath(self.path)
        return self._location

    @location.setter
    def location(self, real: str) -> None:
        self._location = real

    @property
    def file_name(self) -> str:
        """The file's name as shown: control characters in it escaped."""
        return printable(self.path.name)

    @property
    def is_empty(self) -> bool:
        return self.empty

    def with_overrides(self, overrides: dict[str, str]) -> Article:
        """This article with the user's metadata edits applied over the inferred values."""
        return replace(self, meta=self.inferred.merged(overrides))

    def citation(self) -> str:
        """``outlet · author · date``, skipping what is unknown."""
        via = f" (via {self.meta.via})" if self.meta.via else ""
        parts = [self.meta.outlet + via if self.meta.outlet else "", self.meta.author, self.meta.date]
        return " · ".join(p for p in parts if p)
