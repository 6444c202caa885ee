"""Annotation: a highlighted passage of one article with its color, tags and note."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

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


def color_names_problem(names: dict[str, str]) -> str | None:
    """Why these names for the colors cannot be saved (each must pick one color), or None."""
    owner: dict[str, str] = {}
    for color, name in names.items():
        key = name.strip().lower()
        if key in COLORS and key != color:
            return f"“{name}” is the name of the color {key}: give {color} another name."
        if key.isdigit():
            return f"“{name}” is a color's number: give {color} a name."
        if key in owner:
            return f"{owner[key]} and {color} are both named “{name}”: give each color its own name."
        owner[key] = color
    return None


def normalize_tag(tag: str) -> str:
    """Tags are trimmed, with inner whitespace collapsed; case is kept as typed."""
    return " ".join(tag.strip().strip(",#").split())


def tag_key(tag: str) -> str:
    """Tags are case-insensitive, as in most tools: ``Logistics`` and ``logistics`` are one tag,
    shown as it was first written."""
    return tag.casefold()


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags:
        if tag:
            seen.setdefault(tag_key(tag), tag)
    return tuple(seen.values())


def clean_tags(values: Iterable[object]) -> tuple[str, ...]:
    """Tags from outside (a DB, an import): cleaned, one line each, no empties, no repeats."""
    return unique_tags(normalize_tag(clean_line(v, TAG_MAX)) for v in values)


@functools.lru_cache(maxsize=4096)
def _stored_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """``clean_tags`` of a DB's tags: a workspace has few sets of tags, each on many annotations."""
    return clean_tags(tags)


def parse_tags(value: str, known: Iterable[str] = ()) -> tuple[str, ...]:
    """``"dhs-quote, figures ,, Dhs-Quote"`` → ``("dhs-quote", "figures")``; a tag already in
    use (``known``) keeps the spelling it has there, whatever the case typed."""
    spelling = {tag_key(tag): tag for tag in known}
    return unique_tags(spelling.get(tag_key(tag), tag) for tag in map(normalize_tag, value.split(",")))


def complete_tag(value: str, known: Iterable[str]) -> str | None:
    """``value`` with the tag being typed (after the last comma) completed from ``known``, spelled
    as it is there (``lo`` → ``Logistics``); None if no tag in use starts with it."""
    head, _, token = value.rpartition(",")
    token = token.lstrip()
    if not token:
        return None
    typed = {tag_key(tag) for tag in parse_tags(head)}
    for tag in known:
        if tag_key(tag).startswith(tag_key(token)) and tag_key(tag) not in typed and len(tag) > len(token):
            return value[: len(value) - len(token)] + tag
    return None


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
    placed: Selector | None = None  # the words it was re-anchored on, when not its quote (see ``anchor``)

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

    def current_text(self, text: str | None) -> str:
        """The passage as the article reads now; the stored quote for an orphan, or when the
        article's text is not at hand (``None``), so every view shows the same words."""
        return self.selector.exact if self.orphaned or text is None else text[self.start : self.end]

    def has_tag(self, tag: str) -> bool:
        return tag_key(tag) in {tag_key(t) for t in self.tags}

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
            "anchor": {
                "state": self.state.value,
                "start": self.start,
                "end": self.end,
                **({"placed": self.placed.as_dict()} if self.placed is not None else {}),
            },
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Annotation:
        selector = Selector.from_dict(doc["selector"])
        anchor = doc.get("anchor") or {}
        tags = doc.get("tags", ())
        return cls(
            id=str(doc["id"]),
            article_id=str(doc["article_id"]),
            path=str(doc.get("path", "")),
            selector=selector,
            color=color if (color := doc.get("color")) in COLORS else "yellow",
            tags=_stored_tags(tuple(tags)) if all(type(t) is str for t in tags) else clean_tags(tags),
            note=clean_text(str(doc.get("note", ""))),
            created=clean_line(doc.get("created", ""), 40),
            updated=clean_line(doc.get("updated", ""), 40),
            state=AnchorState(anchor.get("state", AnchorState.ANCHORED)),
            start=int(anchor.get("start", selector.start)),
            end=int(anchor.get("end", selector.end)),
            placed=Selector.from_dict(placed) if isinstance(placed := anchor.get("placed"), dict) else None,
        )
