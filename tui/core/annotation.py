"""Annotation: a highlighted passage of one article with its color, tags and note."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tui.core.anchoring import AnchorState, Selector
from tui.core.cleaning import clean_line, clean_text
from tui.core.passages import Span

TAG_MAX = 100  # characters: a label, not a note
COLORS = ("yellow", "red", "green", "blue", "purple")  # keys 1-5
HIGHLIGHT_HEX = {"yellow": "#f5c518", "red": "#f05252", "green": "#31c48d", "blue": "#3f83f8", "purple": "#ac94fa"}
DEFAULT_COLOR_NAMES = {
    "yellow": "highlight",
    "red": "disputed",
    "green": "confirmed",
    "blue": "context",
    "purple": "key quote",
}


def resolve_color(value: str, names: dict[str, str] | None = None) -> str | None:
    """A color from its key (``yellow``), number (``1``-``5``) or the user's name for it (``disputed``)."""
    value = value.strip().lower()
    if value in COLORS:
        return value
    if value.isdigit() and 1 <= int(value) <= len(COLORS):
        return COLORS[int(value) - 1]
    for color, name in (names or DEFAULT_COLOR_NAMES).items():
        if name.lower() == value:
            return color
    return None


def normalize_tag(tag: str) -> str:
    """Tags are trimmed, with inner whitespace collapsed; case is kept as typed."""
    return " ".join(tag.strip().strip(",#").split())


def clean_tags(values: Iterable[object]) -> tuple[str, ...]:
    """Tags from outside (a DB, an import): cleaned, one line each, no empties, no repeats."""
    return tuple(dict.fromkeys(t for t in (normalize_tag(clean_line(v, TAG_MAX)) for v in values) if t))


def parse_tags(value: str) -> tuple[str, ...]:
    """``"dhs-quote, figures ,, dhs-quote"`` → ``("dhs-quote", "figures")``."""
    tags: list[str] = []
    for part in value.split(","):
        tag = normalize_tag(part)
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def now() -> str:
    """UTC timestamp as stored: ISO 8601, second precision."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotation. ``start``/``end`` are where it is anchored in the current text."""

    id: str
    article_id: str
    path: str
    selector: Selector
    color: str = "yellow"
    tags: tuple[str, ...] = ()
    note: str = ""
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    state: AnchorState = AnchorState.ANCHORED
    start: int = -1
    end: int = -1

    @classmethod
    def new(cls, article_id: str, path: str, selector: Selector, **values: object) -> Annotation:
        stamp = now()
        return cls(
            id=uuid.uuid4().hex,
            article_id=article_id,
            path=path,
            selector=selector,
            created=stamp,
            updated=stamp,
            start=selector.start,
            end=selector.end,
            **values,  # type: ignore[arg-type]
        )

    @property
    def orphaned(self) -> bool:
        return self.state is AnchorState.ORPHANED

    @property
    def span(self) -> Span | None:
        """Where the passage is in the current text; None for an orphan."""
        return None if self.orphaned else Span(self.start, self.end)

    def current_text(self, text: str) -> str:
        """The passage as the article reads now (the stored quote for an orphan)."""
        return self.selector.exact if self.orphaned else text[self.start : self.end]

    def edited(self, **values: object) -> Annotation:
        """A copy with ``values`` changed and ``updated`` stamped."""
        return replace(self, updated=now(), **values)  # type: ignore[arg-type]

    def to_doc(self) -> dict[str, object]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "path": self.path,
            "selector": self.selector.as_dict(),
            "color": self.color,
            "tags": list(self.tags),
            "note": self.note,
            "created": self.created,
            "updated": self.updated,
            "anchor": {"state": self.state.value, "start": self.start, "end": self.end},
        }

    @classmethod
    def from_doc(cls, doc: dict) -> Annotation:
        selector = Selector.from_dict(doc["selector"])
        anchor = doc.get("anchor") or {}
        return cls(
            id=str(doc["id"]),
            article_id=str(doc["article_id"]),
            path=str(doc.get("path", "")),
            selector=selector,
            color=color if (color := doc.get("color")) in COLORS else "yellow",
            tags=clean_tags(doc.get("tags", ())),
            note=clean_text(str(doc.get("note", ""))),
            created=clean_line(doc.get("created", ""), 40),
            updated=clean_line(doc.get("updated", ""), 40),
            state=AnchorState(anchor.get("state", AnchorState.ANCHORED)),
            start=int(anchor.get("start", selector.start)),
            end=int(anchor.get("end", selector.end)),
        )
