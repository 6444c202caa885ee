"""Import: W3C Web Annotation JSON (ours or another tool's) placed in the loaded articles.

Nothing is stored from a file that has a bad entry: ``parse_w3c`` names the first
problem, and ``import_annotations`` stores every annotation of the file as one
undoable change. Ids are kept, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from tui.core.anchoring import AnchorState, Selector, anchor
from tui.core.annotation import COLORS, Annotation, clean_tags, now
from tui.core.article import METADATA_FIELDS, Article
from tui.core.cleaning import clean_line, clean_text
from tui.core.errors import UsageError
from tui.core.export import ARTICLE_URN, PLAIN_URL
from tui.core.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Imported:
    """An annotation read from a W3C document, before it is placed in an article."""

    id: str
    article_id: str
    path: str
    selector: Selector
    color: str
    tags: tuple[str, ...]
    note: str
    created: str
    updated: str
    url: str = ""  # the target's source when it is a web address
    edits: dict[str, str] = field(default_factory=dict)  # the user's metadata edits to the article


def _edits(article: dict) -> dict[str, str]:
    """The metadata edits an export carried (``newsreader.article.edited``), cleaned."""
    edited = article.get("edited")
    if not isinstance(edited, dict):
        return {}
    return {
        name: clean_line(value) for name, value in edited.items() if name in METADATA_FIELDS and isinstance(value, str)
    }


def _items_of(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise UsageError("expected a W3C Annotation, a list of them, or an AnnotationCollection")
    if document.get("type") == "AnnotationCollection" or "first" in document or "items" in document:
        page = document.get("first") or {}
        items = document.get("items") if "items" in document else page.get("items") if isinstance(page, dict) else None
        if not isinstance(items, list):
            raise UsageError("AnnotationCollection has no items list (expected first.items)")
        return items
    return [document]


def _local_id(value: Any, fallback: str) -> str:
    """Our annotation id for a W3C id: the UUID of ``urn:uuid:…``, else a stable UUID of the id."""
    text = str(value or fallback)
    if text.startswith("urn:uuid:"):
        try:
            return uuid.UUID(text[9:]).hex
        except ValueError:
            pass
    if text.startswith("urn:newsreader:annotation:"):
        return text.rsplit(":", 1)[1]
    return uuid.uuid5(uuid.NAMESPACE_URL, text).hex


def parse_w3c(data: bytes) -> list[Imported]:
    """Read annotations from W3C JSON; ``UsageError`` naming the first problem (nothing partial)."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise UsageError(f"not valid JSON ({error})") from None
    return [_imported(item, f"annotation {number}") for number, item in enumerate(_items_of(document), 1)]


def _imported(item: Any, where: str) -> Imported:
    """One W3C Annotation as ours, or ``UsageError`` saying (``where``) what is wrong with it."""
    if not isinstance(item, dict) or "Annotation" not in (
        item.get("type") if isinstance(item.get("type"), list) else [item.get("type")]
    ):
        raise UsageError(f"{where}: not an object with type Annotation")
    target = item.get("target")
    target = target[0] if isinstance(target, list) and target else target
    if not isinstance(target, dict):
        raise UsageError(f"{where}: target must be a SpecificResource with selectors")
    selector, raw_exact = _selector(target, where)
    notes, tags = _bodies(item)
    extra = item.get("newsreader") if isinstance(item.get("newsreader"), dict) else {}
    article = extra.get("article") if isinstance(extra.get("article"), dict) else {}
    source = target.get("source")
    source = source.get("id") if isinstance(source, dict) else source
    article_id = str(article.get("id") or (source[len(ARTICLE_URN) :] if str(source).startswith(ARTICLE_URN) else ""))
    color = extra.get("color") or str(target.get("styleClass", "")).removeprefix("newsreader-")
    return Imported(
        id=_local_id(item.get("id"), f"{source}#{raw_exact}"),
        article_id=clean_line(article_id, 64),
        path=str(article.get("path") or ""),
        selector=selector,
        color=color if color in COLORS else "yellow",
        tags=clean_tags(tags),
        note=clean_text("\n\n".join(n for n in notes if n)),
        created=clean_line(item.get("created") or "", 40),
        updated=clean_line(item.get("modified") or item.get("created") or "", 40),
        url=clean_line(source, 2000) if isinstance(source, str) and PLAIN_URL.fullmatch(source) else "",
        edits=_edits(article),
    )


def _selector(target: dict[str, Any], where: str) -> tuple[Selector, str]:
    """The target's quote and position as a cleaned ``Selector``, and the quote as given (its id's seed)."""
    selectors = target.get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
    position = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        raise UsageError(f"{where}: needs a TextQuoteSelector with a non-empty exact quote")
    context = {part: quote.get(part) or "" for part in ("prefix", "suffix")}  # null: none given
    if not all(isinstance(text, str) for text in context.values()):
        raise UsageError(f"{where}: TextQuoteSelector prefix and suffix must be text")
    start, end = _position(position, where)
    exact = clean_text(quote["exact"])
    if not exact.strip():
        raise UsageError(f"{where}: the TextQuoteSelector's exact quote is only control characters")
    return Selector(exact, clean_text(context["prefix"]), clean_text(context["suffix"]), start, end), quote["exact"]


def _bodies(item: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The notes (commenting or describing bodies, and ``bodyValue``) and the tags of an annotation."""
    bodies = item.get("body") or []
    bodies = bodies if isinstance(bodies, list) else [bodies]
    purposes = [(b.get("purpose"), str(b.get("value", ""))) for b in bodies if isinstance(b, dict)]
    notes = [value for purpose, value in purposes if purpose in ("commenting", "describing")]
    tags = [value for purpose, value in purposes if purpose == "tagging"]
    if isinstance(item.get("bodyValue"), str):
        notes.append(item["bodyValue"])
    return notes, tags


POSITION_MAX = 2**53  # characters; past this a position is not a position in any article


def _position(selector: dict | None, where: str) -> tuple[int, int]:
    """A TextPositionSelector's start and end; (-1, -1) (anchor by quote) when absent or negative.

    A value that is not a whole number, or past any article's length, is bad input.
    """
    if selector is None:
        return -1, -1
    values = []
    for part in ("start", "end"):
        value = given = selector.get(part)
        if isinstance(value, float) and value.is_integer():  # JSON gives 2**64 and 1e300 as floats
            value = int(value) if abs(value) <= POSITION_MAX else POSITION_MAX + 1
        if not isinstance(value, int) or isinstance(value, bool):
            raise UsageError(f"{where}: TextPositionSelector {part} must be a whole number, not {value!r:.40}")
        if value > POSITION_MAX:
            raise UsageError(f"{where}: TextPositionSelector {part} {given:.3g} is beyond any article's length")
        values.append(value)
    start, end = values
    return (start, end) if 0 <= start <= end else (-1, -1)


@dataclass
class ImportReport:
    """What an import did (or, dry, would do)."""

    anchored: int = 0
    reanchored: int = 0
    orphaned: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # entries whose id came earlier in the same file
    metadata: int = 0  # articles whose metadata edits were restored

    def __str__(self) -> str:
        text = (
            f"{self.anchored} anchored, {self.reanchored} re-anchored, {self.orphaned} orphaned; "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        )
        if self.metadata:
            text += f"; metadata edits restored for {self.metadata} article(s)"
        if self.repeated:
            text += f"; {self.repeated} repeated id(s) in the file counted once (the last one kept)"
        return text


def _article_for(workspace: Workspace, imported: Imported) -> Article | None:
    """The imported annotation's article: by id, by path, else the one article quoting it."""
    corpus = workspace.corpus
    article = corpus.by_id(imported.article_id) if imported.article_id else None
    if article is None and imported.path:
        article = corpus.by_location(imported.path)
    if article is None and imported.url:
        with_url = [a for a in corpus.articles if a.meta.url == imported.url]
        article = with_url[0] if len(with_url) == 1 else None
    if article is None:
        holders = [a for a in corpus.articles if imported.selector.exact in a.text]
        article = holders[0] if len(holders) == 1 else None
    return article


def _placed(entry: Imported, article: Article | None) -> Annotation:
    """The imported annotation anchored in its article (an orphan without one)."""
    result = anchor(article.text, entry.selector) if article is not None else None
    selector = entry.selector
    if selector.start < 0 and result is not None and result.span is not None:
        selector = Selector(selector.exact, selector.prefix, selector.suffix, *result.span)
    state = result.state if result is not None else AnchorState.ORPHANED
    span = result.span if result is not None and result.span is not None else (-1, -1)
    stamp = now()
    return Annotation(
        id=entry.id,
        article_id=article.id if article is not None else entry.article_id,
        path=article.location if article is not None else entry.path,
        selector=selector,
        color=entry.color,
        tags=entry.tags,
        note=entry.note,
        created=entry.created or stamp,
        updated=entry.updated or entry.created or stamp,
        state=state,
        start=span[0],
        end=span[1],
    )


def import_annotations(
    workspace: Workspace, imported: Sequence[Imported], *, dry_run: bool, label: str
) -> ImportReport:
    """Place each imported annotation in the loaded articles and store it (one undoable change).

    Ids are kept, so importing the same file again updates nothing and duplicates nothing.
    """
    unique = list({entry.id: entry for entry in imported}.values())
    report = ImportReport(repeated=len(imported) - len(unique))
    changed: list[Annotation] = []
    stored = workspace.store.overrides()
    edits: dict[str, dict[str, str]] = {}
    for entry in unique:
        article = _article_for(workspace, entry)
        article_id = article.id if article is not None else entry.article_id
        if entry.edits and article_id:
            merged = {**stored.get(article_id, {}), **edits.get(article_id, {}), **entry.edits}
            if merged != stored.get(article_id, {}):
                edits[article_id] = merged
        annotation = _placed(entry, article)
        report.anchored += annotation.state is AnchorState.ANCHORED
        report.reanchored += annotation.state is AnchorState.REANCHORED
        report.orphaned += annotation.state is AnchorState.ORPHANED
        existing = workspace.store.annotation(annotation.id)
        if existing is None:
            report.new += 1
            changed.append(annotation)
        elif existing.to_doc() == annotation.to_doc():
            report.unchanged += 1
        else:
            report.updated += 1
            changed.append(annotation)
    report.metadata = len(edits)
    if (changed or edits) and not dry_run:
        with workspace.store.change(label) as change:
            for annotation in changed:
                change.put(annotation)
            for article_id, values in edits.items():
                change.set_overrides(article_id, values)
    return report
