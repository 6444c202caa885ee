"""Selectors that describe a passage robustly, and re-anchoring them in changed text.

In the spirit of Hypothesis's anchoring: a passage is stored as its exact quote,
about 32 characters of context either side, and its position. When the text
changes, ``anchor`` tries, in order:

1. the stored position, accepted only if it still holds the exact quote;
2. the exact quote elsewhere, the occurrence whose context matches best, then the
   nearest to the old position;
2b. where an earlier edit moved the passage off its quote, the words it was last
   placed on, in the same two ways (so a passage never drifts across edits that
   do not touch it);
3. a fuzzy search: candidates bracketed by the stored prefix and suffix, and the
   best fuzzy alignment of the quote (rapidfuzz), scored on quote, prefix, suffix
   and distance from the old position.

A passage that scores too low is an orphan: it keeps its stored quote and is
listed and exported as such, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tui.core.cleaning import clean_text
from tui.core.passages import Span

CONTEXT = 32  # characters of prefix and suffix kept, as Hypothesis does
MAX_OCCURRENCES = 2000
WINDOW = 4000  # characters either side of the old position searched first
QUOTE_MIN = 0.75  # the quote must be at least this similar to what is found
SCORE_MIN = 0.72
BRACKETED_QUOTE_MIN = 0.4  # with prefix and suffix both intact


class AnchorState(StrEnum):
    """Where the passage was found when the article was last loaded."""

    ANCHORED = "anchored"  # at its stored position
    REANCHORED = "re-anchored"  # found elsewhere, or in edited text
    ORPHANED = "orphaned"  # not found: kept, listed, exported, never dropped


@dataclass(frozen=True, slots=True)
class Selector:
    """A passage as a W3C TextQuoteSelector (exact, prefix, suffix) plus its position."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Selector:
        """Describe ``text[start:end]`` with its surrounding context."""
        return cls(
            exact=text[start:end],
            prefix=text[max(0, start - CONTEXT) : start],
            suffix=text[end : end + CONTEXT],
            start=start,
            end=end,
        )

    def as_dict(self) -> dict[str, object]:
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict) -> Selector:
        """A stored selector; its text cleaned as an article's is (a DB is outside input too)."""
        return cls(
            clean_text(str(data["exact"])),
            clean_text(str(data.get("prefix") or "")),
            clean_text(str(data.get("suffix") or "")),
            int(data["start"]),
            int(data["end"]),
        )


@dataclass(frozen=True, slots=True)
class Anchor:
    """The outcome of anchoring: where (None for an orphan) and how."""

    span: Span | None
    state: AnchorState
    score: float = 1.0


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occurrences(text: str, needle: str, limit: int = MAX_OCCURRENCES) -> list[int]:
    found, index = [], text.find(needle)
    while index >= 0 and len(found) < limit:
        found.append(index)
        index = text.find(needle, index + 1)
    return found


def _exact(text: str, selector: Selector) -> tuple[Span, float] | None:
    """The occurrence of the exact quote whose context matches best (then the nearest).

    Returns it with the share of the stored context it agrees with (0 to 1).
    """
    occurrences = _occurrences(text, selector.exact)
    if not occurrences:
        return None
    n = len(selector.exact)

    def context(index: int) -> int:
        return _common_suffix(text[max(0, index - CONTEXT) : index], selector.prefix) + _common_prefix(
            text[index + n : index + n + CONTEXT], selector.suffix
        )

    best = min(occurrences, key=lambda index: (-context(index), abs(index - selector.start)))
    stored = len(selector.prefix) + len(selector.suffix)
    return Span(best, best + n), (context(best) / stored if stored else 1.0)


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz  # the fuzzy search is rare; keep it off the start-up path

    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


class _Scorer:
    """Scores a candidate span on quote, prefix, suffix and distance from the old position.

    Returns ``(score, accepted)``. Where both stored contexts match closely, the
    quote may have changed more (it was edited inside), so less of it must remain.
    """

    def __init__(self, text: str, selector: Selector) -> None:
        self.text = text
        self.selector = selector

    def __call__(self, span: Span) -> tuple[bool, tuple[bool, float]]:
        """Whether ``span`` is acceptable, and its rank (intact context first, then score)."""
        text, sel = self.text, self.selector
        start, end = span
        quote = _similarity(sel.exact, text[start:end])
        prefix = (
            _similarity(sel.prefix, text[max(0, start - len(sel.prefix)) : start]) if sel.prefix else float(start == 0)
        )
        suffix = _similarity(sel.suffix, text[end : end + len(sel.suffix)]) if sel.suffix else float(end == len(text))
        distance = min(abs(start - sel.start) / max(len(text), 1), 1.0)
        score = 0.6 * quote + 0.2 * prefix + 0.2 * suffix - 0.05 * distance
        intact = min(prefix, suffix) >= 0.99
        accepted = quote >= (BRACKETED_QUOTE_MIN if intact else QUOTE_MIN) and (intact or score >= SCORE_MIN)
        return accepted, (intact, score)


def _bracketed(text: str, selector: Selector) -> list[Span]:
    """Spans between an occurrence of the stored prefix and the next of the suffix.

    This places a passage exactly when only its inside was edited. An empty prefix
    (suffix) means the passage began (ended) the text.
    """
    n = len(selector.exact)
    low, high = max(1, n // 3), n * 3 + 60
    prefix, suffix = selector.prefix[-16:], selector.suffix[:16]
    if (selector.prefix and len(prefix) < 3) or (selector.suffix and len(suffix) < 3):
        return []
    starts = [p + len(prefix) for p in _occurrences(text, prefix, 50)] if prefix else [0]
    spans = []
    for start in starts:
        if not suffix:
            if low <= len(text) - start <= high:
                spans.append(Span(start, len(text)))
            continue
        end = text.find(suffix, start + low, start + high + len(suffix))
        while end >= 0 and len(spans) < 200:  # the suffix may also occur inside the passage
            spans.append(Span(start, end))
            end = text.find(suffix, end + 1, start + high + len(suffix))
    return spans


def _aligned(text: str, selector: Selector, lo: int, hi: int) -> Span | None:
    """The best fuzzy alignment of the quote in ``text[lo:hi]``, snapped to word edges."""
    if hi - lo < 1:
        return None
    from rapidfuzz import fuzz

    result = fuzz.partial_ratio_alignment(selector.exact, text[lo:hi], score_cutoff=QUOTE_MIN * 100)
    if result is None:
        return None
    start, end = lo + result.dest_start, lo + result.dest_end
    # partial_ratio aligns a window of the quote's length; widen it to the quote's
    # first and last words if they are right there.
    first, last = selector.exact[:12], selector.exact[-12:]
    nearby = text.rfind(first, max(0, start - 40), start + 40)
    if nearby >= 0:
        start = nearby
    nearby = text.find(last, max(start, end - 40), end + 40)
    if nearby >= 0:
        end = nearby + len(last)
    if not selector.prefix and start < 40:
        start = 0
    if not selector.suffix and len(text) - end < 40:
        end = len(text)
    return Span(start, end) if end > start else None


def anchor(text: str, selector: Selector, placed: Selector | None = None) -> Anchor:
    """Find ``selector`` in ``text``: anchored at its position, re-anchored elsewhere, or orphaned.

    ``placed`` is where an earlier re-anchoring put the passage (its words then), if
    anywhere else than on its quote: found intact, it is kept.
    """
    if not selector.exact:
        return Anchor(None, AnchorState.ORPHANED, 0.0)
    if text[selector.start : selector.end] == selector.exact:
        return Anchor(Span(selector.start, selector.end), AnchorState.ANCHORED)
    found = _exact(text, selector)
    if found is not None and found[1] >= 0.5:
        return Anchor(found[0], AnchorState.REANCHORED)
    if placed is not None and placed.exact:
        if text[placed.start : placed.end] == placed.exact:
            return Anchor(Span(placed.start, placed.end), AnchorState.REANCHORED)
        still = _exact(text, placed)
        if still is not None and still[1] >= 0.5:
            return Anchor(still[0], AnchorState.REANCHORED)

    # The quote is gone, or only found out of context: weigh the candidates, and
    # search the whole text only if nothing near the old position will do.
    score = _Scorer(text, selector)
    candidates = set(_bracketed(text, selector))
    if found is not None:
        candidates.add(found[0])
    reach = WINDOW + 2 * len(selector.exact)
    lo, hi = max(0, selector.start - reach), min(len(text), selector.end + reach)
    best = _best(score, candidates | {_aligned(text, selector, lo, hi)})
    if best is None and (lo, hi) != (0, len(text)):
        best = _best(score, {_aligned(text, selector, 0, len(text))})
    if best is None:
        return Anchor(None, AnchorState.ORPHANED, 0.0)
    return Anchor(best[1], AnchorState.REANCHORED, round(best[0][1], 3))


def _best(score: _Scorer, candidates: set[Span | None]) -> tuple[tuple[bool, float], Span] | None:
    best: tuple[tuple[bool, float], Span] | None = None
    for span in candidates:
        if span is None:
            continue
        accepted, rank = score(span)
        if accepted and (best is None or rank > best[0]):
            best = (rank, span)
    return best
