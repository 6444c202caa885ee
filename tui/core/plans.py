"""What a view or a change will cover, worked out before anything is drawn or written.

Plain functions over a Workspace, shared by the app and the CLI: which annotations an export
takes (``export_scope``), which the notes pane lists (``notes_view``), and what marking a passage
with its counterparts in other outlets writes (``mirror_plan``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tui.core.anchoring import Selector
from tui.core.annotation import COLORS, Annotation, parse_tags, resolve_color, tag_key, unique_tags
from tui.core.errors import UsageError, WorkFailed
from tui.core.passages import Span, selected_passage

if TYPE_CHECKING:
    from tui.core.article import Article
    from tui.core.catalog import Catalog
    from tui.core.export import Scope
    from tui.core.workspace import Workspace


def export_scope(
    workspace: Workspace | Catalog, articles: Iterable[str] = (), tags: Iterable[str] = (), colors: Iterable[str] = ()
) -> Scope:
    """The scope of an export: articles by path or id, tags as spelled in the store, colors by
    name, number or the user's name for them. Raises ``UsageError`` or ``WorkFailed`` on an
    unknown one, naming what there is."""
    from tui.core.export import Scope

    names = workspace.store.color_names()
    chosen_colors = []
    for value in colors:
        color = resolve_color(value, names)
        if color is None:
            raise UsageError(f"unknown color {value!r}: use {', '.join(COLORS)}, 1-5, or a color's name")
        chosen_colors.append(color)
    known = workspace.store.tags()
    chosen_tags = list(parse_tags(",".join(tags), known))
    for tag in chosen_tags:
        if not any(tag_key(tag) == tag_key(k) for k in known):
            raise WorkFailed(f"no annotation has the tag #{tag}{closest_tags(tag, known)}")
    return Scope([workspace.corpus.resolve(ref) for ref in articles], chosen_tags, chosen_colors)


def closest_tags(tag: str, known: list[str]) -> str:
    """``; closest: #a, #b`` (the tags in use most like ``tag``), or what tags there are."""
    if not known:
        return " (no annotation has any tag yet)"
    from rapidfuzz import fuzz, process

    close = process.extract(tag_key(tag), {k: tag_key(k) for k in known}, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    shown = [key for _, _, key in close] or known[:5]
    return ("; closest: " if close else "; tags in use: ") + ", ".join(f"#{t}" for t in shown)


def notes_view(annotations: Iterable[Annotation], wanted: str | None) -> tuple[list[Annotation], list[Annotation]]:
    """The annotations the notes pane lists, in reading order, placed then orphaned; ``wanted`` is
    a color, ``#tag`` or None for all."""
    placed: list[Annotation] = []
    orphans: list[Annotation] = []
    for annotation in sorted(annotations, key=lambda a: (a.start, a.end)):
        if wanted is None or (annotation.color == wanted if wanted in COLORS else annotation.has_tag(wanted[1:])):
            (orphans if annotation.orphaned else placed).append(annotation)
    return placed, orphans


def mirror_plan(
    workspace: Workspace, passages: Sequence[tuple[Article | None, Span]], **values: object
) -> list[Annotation]:
    """One annotation per passage (an article and a span in it) with ``values``: a passage
    already annotated is edited (tags are added to its own), any other gets a new annotation."""
    plan: list[Annotation] = []
    for article, chosen in passages:
        span = selected_passage(article.text, chosen) if article is not None else None
        if article is None or span is None:
            continue
        same = [a for a in workspace.annotations(article.id) if (a.start, a.end) == tuple(span)]
        if same and "tags" in values:
            merged = unique_tags((*same[0].tags, *values["tags"]))  # type: ignore[misc]
            plan.append(same[0].edited(tags=merged))
        elif same:
            plan.append(same[0].edited(**values))
        else:
            plan.append(Annotation.new(article.id, article.location, Selector.of(article.text, *span), **values))
    return plan
