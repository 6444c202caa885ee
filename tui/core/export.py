"""Exports: Markdown a writer can paste, W3C Web Annotation JSON that round-trips, a tag map.

Every exported passage is checked against the article's current text: the
blockquote shows the article's words as they are now, and a passage whose words
changed since it was annotated is marked (and counted, so the CLI can fail with
``--strict``). Orders are fixed so repeated exports diff cleanly. Reading W3C JSON
back is ``tui.core.importing``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import yaml

from tui.core.anchoring import AnchorState
from tui.core.annotation import DEFAULT_COLOR_NAMES, HIGHLIGHT_HEX, Annotation, tag_key
from tui.core.article import METADATA_FIELDS, Article
from tui.core.workspace import Workspace, display_path

ARTICLE_URN = "urn:newsreader:article:"
CHANGED_WARNING = "⚠ *The article's text changed here since this was annotated. The passage as annotated:*"
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


@dataclass(frozen=True, slots=True)
class Item:
    """One annotation ready to export, with its passage checked against the current text."""

    annotation: Annotation
    article: Article | None  # None: its article is not loaded, so the quote cannot be checked
    quote: str  # the article's words now; the stored quote for an orphan or an unloaded article

    @property
    def verified(self) -> bool | None:
        """True if the article still reads exactly as annotated; None if it cannot be checked."""
        if self.article is None or self.annotation.orphaned:
            return None
        return self.quote == self.annotation.selector.exact

    @property
    def changed(self) -> bool:
        return self.verified is False


@dataclass
class Scope:
    """Which annotations: some articles, tags and colors (all given must match), or everything."""

    articles: list[Article] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)

    def admits(self, annotation: Annotation) -> bool:
        if self.articles and annotation.article_id not in {a.id for a in self.articles}:
            return False
        if self.tags and not any(annotation.has_tag(tag) for tag in self.tags):
            return False
        return not self.colors or annotation.color in self.colors

    def label(self) -> str:
        parts = []
        if self.articles:
            parts.append("article " + ", ".join(a.meta.title or a.file_name for a in self.articles))
        if self.tags:
            parts.append("tag " + ", ".join(f"#{t}" for t in self.tags))
        if self.colors:
            parts.append("color " + ", ".join(self.colors))
        return "; ".join(parts) or "everything"


def collect(workspace: Workspace, scope: Scope) -> list[Item]:
    """The annotations in scope, in a fixed order: by article (corpus order), then position."""
    order = {article_id: n for n, article_id in enumerate(workspace.article_ids())}
    items = []
    for annotation in workspace.annotations():
        if not scope.admits(annotation):
            continue
        article = workspace.article_of(annotation)
        items.append(Item(annotation, article, annotation.current_text(article.text if article is not None else None)))
    items.sort(
        key=lambda i: (
            order.get(i.annotation.article_id, len(order)),
            i.annotation.path,
            i.annotation.orphaned,
            i.annotation.start,
            i.annotation.end,
            i.annotation.created,
            i.annotation.id,
        )
    )
    return items


# --- Markdown -----------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(
    r"[\\`*\[\]<>#|~$]"  # markup anywhere in a line
    r"|(?<![^\W_])_|_(?![^\W_])"  # _ that could emphasize (not inside a word like file_name)
    r"|&(?=[#A-Za-z])|%(?=%)|=(?==)"  # entities; Obsidian %%comments%% and ==highlights==
)
_MARKUP_CHARACTER = re.compile(r"[\\`*\[\]<>#|~$_&%=]")  # a quick test: most lines have none
_LINE_START = re.compile(r"^(\s*)([-+=]|\d{1,9}(?=[.)]))")


def escape_inline(text: str) -> str:
    """Escape one line of text so CommonMark (and GFM, Obsidian) render it literally.

    Backslash-escapes the ASCII punctuation that can start markup anywhere in a line
    (emphasis, code, links, HTML, entities, tables, strikethrough, math, Obsidian
    comments and highlights) and what starts a block at the start of a line (lists,
    setext underlines, ordered lists); leading and trailing whitespace becomes
    character references (``&#32;``) so it is neither stripped nor read as code or
    a hard break.
    """
    escaped = _INLINE_SPECIAL.sub(r"\\\g<0>", text) if _MARKUP_CHARACTER.search(text) else text
    match = _LINE_START.match(escaped)
    if match:
        lead, marker = match.group(1), match.group(2)
        if marker.isdigit():
            rest = escaped[match.end() :]
            escaped = lead + marker + "\\" + rest
        else:
            escaped = lead + "\\" + escaped[len(lead) :]
    core = escaped.strip()
    if len(core) == len(escaped):  # most lines: no whitespace at the edges
        return escaped
    if not core:
        return "".join(f"&#{ord(c)};" for c in escaped)
    lead = escaped[: escaped.index(core[0])]
    trail = escaped[len(lead) + len(core) :]
    return "".join(f"&#{ord(c)};" for c in lead) + core + "".join(f"&#{ord(c)};" for c in trail)


_EDGE_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+|(?:\n[ \t]*)+\Z")
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")


def literal(text: str) -> list[str]:
    """Markdown lines that render to exactly ``text``, and can open nothing that outlives them.

    Every line is escaped (``escape_inline``); lines of one paragraph are joined with
    hard breaks (a backslash at the end of the line); a blank line separates paragraphs.
    """
    if "\n" not in text:  # most passages: one line
        return [escape_inline(text if text.strip() else "")]
    text = _EDGE_BLANK_LINES.sub("", text)  # blank lines at the edges cannot be shown
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()] or [""]
    out: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            out.append("")
        lines = [escape_inline(line) for line in paragraph.split("\n")]
        out += [f"{line}\\" for line in lines[:-1]] + [lines[-1]]
    return out


def blockquote(passage: str) -> str:
    """A blockquote that renders to exactly ``passage``."""
    return "\n".join(f"> {line}".rstrip() for line in literal(passage))


_TAG_REJECTED = re.compile(r"[^\w/-]+")


@functools.lru_cache(maxsize=1024)  # an export repeats a few tags thousands of times
def tag_label(tag: str) -> str:
    """An Obsidian-style ``#tag``: spaces and punctuation Obsidian rejects become hyphens."""
    safe = _TAG_REJECTED.sub("-", tag).strip("-") or "tag"
    return f"#{safe}"


PLAIN_URL = re.compile(r"https?://[^\s<>\\`]+")


def accessed(items: Iterable[Item]) -> dict[str, str]:
    """The access date a citation gives, by article: the day it was first annotated."""
    days: dict[str, str] = {}
    for item in items:
        day, article_id = item.annotation.created[:10], item.annotation.article_id
        if day and (article_id not in days or day < days[article_id]):
            days[article_id] = day
    return days


def _citation(article: Article | None, annotation: Annotation, day: str) -> str:
    """``outlet · author · date · path · <url> · accessed day`` (what is known)."""
    if article is None:
        return escape_inline(f"article not loaded in this session · {display_path(annotation.path)}")
    parts = [escape_inline(p) for p in (article.citation(), display_path(article.path, article.location)) if p]
    if url := article.meta.url:
        parts.append(f"<{url}>" if PLAIN_URL.fullmatch(url) else escape_inline(url))
    if day:
        parts.append(f"accessed {day}")
    return " · ".join(parts)


def _item_markdown(item: Item, color_names: dict[str, str]) -> list[str]:
    annotation = item.annotation
    lines = [blockquote(item.quote), ""]
    if annotation.tags:
        lines += [" ".join(tag_label(t) for t in annotation.tags), ""]
    if annotation.note.strip():
        lines += [*literal(annotation.note), ""]  # as typed: a note is text, never markup
    details = [f"{annotation.color} ({color_names.get(annotation.color, annotation.color)})"]
    if annotation.orphaned:
        details.append("orphaned: not found in the current text; the quote is as annotated")
    else:
        details.append(f"characters {annotation.start}–{annotation.end}")
    verified = item.verified
    if verified is None and not annotation.orphaned:
        details.append("not verified: article not loaded")
    elif annotation.state is AnchorState.REANCHORED and verified is not False:
        details.append("re-anchored")
    lines.append("*" + escape_inline(" · ".join(details)) + "*")
    if verified is False:
        lines += ["", CHANGED_WARNING, "", blockquote(annotation.selector.exact)]
    return [*lines, ""]


def markdown(items: Sequence[Item], *, scope: Scope, exported: str, color_names: dict[str, str] | None = None) -> str:
    """The Markdown export (front matter, then per article, or per tag then article)."""
    names = color_names or DEFAULT_COLOR_NAMES
    articles = {i.annotation.article_id for i in items}
    front = {
        "title": f"Annotations: {scope.label()}",
        "exported": exported,
        "scope": scope.label(),
        "articles": len(articles),
        "annotations": len(items),
        "orphans": sum(i.annotation.orphaned for i in items),
        "changed": sum(i.changed for i in items),
    }
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000).rstrip(), "---", ""]
    out += [f"# {escape_inline(front['title'])}", ""]
    groups: list[tuple[str, list[Item]]]
    if scope.tags:
        groups = [(tag_label(tag), [i for i in items if i.annotation.has_tag(tag)]) for tag in scope.tags]
    else:
        groups = [("", list(items))]
    level = "###" if scope.tags else "##"
    days = accessed(items)
    for heading, group in groups:
        if heading:
            out += [f"## {heading}", ""]
        by_article: dict[str, list[Item]] = {}
        for item in group:
            by_article.setdefault(item.annotation.article_id, []).append(item)
        for entries in by_article.values():
            first = entries[0]
            title = first.article.meta.title if first.article else first.annotation.selector.exact[:60]
            day = days.get(first.annotation.article_id, "")
            out += [f"{level} {escape_inline(title)}", "", _citation(first.article, first.annotation, day), ""]
            placed = [e for e in entries if not e.annotation.orphaned]
            orphans = [e for e in entries if e.annotation.orphaned]
            for entry in placed:
                out += _item_markdown(entry, names)
            if orphans:
                out += [f"{level}# Orphans", "", "Not found in the article's current text; quoted as annotated.", ""]
                for entry in orphans:
                    out += _item_markdown(entry, names)
    if not items:
        out += ["No annotations in this scope.", ""]
    return "\n".join(out).rstrip() + "\n"


# --- W3C Web Annotation JSON ----------------------------------------------------------


def _urn(annotation_id: str) -> str:
    try:
        return uuid.UUID(hex=annotation_id).urn
    except ValueError:
        return f"urn:newsreader:annotation:{annotation_id}"


def w3c_annotation(item: Item, edits: dict[str, str] | None = None, day: str = "") -> dict[str, Any]:
    """One annotation in the Web Annotation Data Model, color and article identity kept.

    The target's ``source`` is the article's URL when it has one (else its URN); the
    article's metadata travel along, with the user's ``edits`` to it, so an import
    restores them.
    """
    a = item.annotation
    meta = item.article.meta if item.article else None
    where = (item.article.path, item.article.location) if item.article else (a.path, None)
    bodies: list[dict[str, Any]] = []
    if a.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": a.note, "format": "text/plain"})
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in a.tags]
    motivation = "commenting" if a.note else "tagging" if a.tags else "highlighting"
    document: dict[str, Any] = {
        "id": _urn(a.id),
        "type": "Annotation",
        "motivation": motivation,
        "created": a.created,
        "modified": a.updated,
        "target": {
            "type": "SpecificResource",
            "source": (meta.url if meta and PLAIN_URL.fullmatch(meta.url) else ARTICLE_URN + a.article_id),
            "styleClass": f"newsreader-{a.color}",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": a.selector.exact,
                    "prefix": a.selector.prefix,
                    "suffix": a.selector.suffix,
                },
            ]
            + (
                [{"type": "TextPositionSelector", "start": a.selector.start, "end": a.selector.end}]
                if a.selector.start >= 0
                else []
            ),
        },
        "stylesheet": {
            "type": "CssStylesheet",
            "value": f".newsreader-{a.color} {{ background-color: {HIGHLIGHT_HEX[a.color]}; }}",
        },
        "newsreader": {
            "color": a.color,
            "article": {
                "id": a.article_id,
                "path": display_path(*where),
                **{name: getattr(meta, name) if meta else "" for name in METADATA_FIELDS},
                "accessed": day,
                **({"edited": dict(sorted(edits.items()))} if edits else {}),
            },
            "anchor": {"state": a.state.value, "start": a.start, "end": a.end},
        },
    }
    if bodies:
        document["body"] = bodies
    return document


def w3c(items: Sequence[Item], *, scope: Scope, edits: dict[str, dict[str, str]] | None = None) -> bytes:
    """An AnnotationCollection; no export timestamp, so the same annotations give the same bytes.

    ``edits`` are the user's metadata edits by article id (``Store.overrides``).
    """
    edits = edits or {}
    days = accessed(items)
    annotations = [
        w3c_annotation(i, edits.get(i.annotation.article_id), days.get(i.annotation.article_id, "")) for i in items
    ]
    digest = hashlib.sha256(orjson.dumps(annotations, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    collection = {
        "@context": W3C_CONTEXT,
        "id": f"urn:newsreader:collection:{digest}",
        "type": "AnnotationCollection",
        "label": f"newsreader annotations: {scope.label()}",
        "total": len(annotations),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": annotations},
    }
    return orjson.dumps(collection, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


# --- tag × outlet overview --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overview:
    """For each tag, how many passages each outlet has."""

    tags: list[str]
    outlets: list[str]
    counts: dict[tuple[str, str], int]


def overview(items: Iterable[Item]) -> Overview:
    counts: dict[tuple[str, str], int] = {}
    outlets: dict[str, None] = {}
    spelling: dict[str, str] = {}  # tags are case-insensitive: one row, spelled as first seen
    for item in items:
        outlet = (item.article.meta.outlet if item.article else "") or "unknown outlet"
        outlets.setdefault(outlet)
        for tag in item.annotation.tags:
            tag = spelling.setdefault(tag_key(tag), tag)
            counts[(tag, outlet)] = counts.get((tag, outlet), 0) + 1
    tags = sorted(
        {t for t, _ in counts}, key=lambda t: (-sum(v for (tt, _), v in counts.items() if tt == t), t.lower())
    )
    return Overview(tags, sorted(outlets), counts)


def overview_markdown(view: Overview) -> str:
    """The overview as a Markdown (GFM) table."""
    if not view.tags:
        return "No tagged annotations yet.\n"
    head = "| tag | " + " | ".join(escape_inline(o) for o in view.outlets) + " | total |"
    rule = "|---|" + "---:|" * (len(view.outlets) + 1)
    rows = []
    for tag in view.tags:
        cells = [view.counts.get((tag, o), 0) for o in view.outlets]
        rows.append(
            f"| {escape_inline(tag)} | " + " | ".join(str(c) if c else "·" for c in cells) + f" | {sum(cells)} |"
        )
    return "\n".join([head, rule, *rows]) + "\n"
