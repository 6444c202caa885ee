"""Paragraphs and sentences of an article's text, as character offsets.

Offsets always index the cleaned article text, the same string the reader shows
and annotations anchor to, so a passage found here can be highlighted as is.
"""

from __future__ import annotations

import bisect
import re
import sys
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import regex


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of character offsets."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


_LINE = re.compile(r"[^\n]*")
# A line that starts a block of its own even inside a hard-wrapped paragraph.
_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d{1,3}[.)]\s|>|#|\[image)")
_HARD_WRAP_WIDTH = 100
_SENTENCE_END = frozenset('.!?:;"”’)]')


_GRAPHEME_REACH = 32  # code points either side looked at: longer clusters (Zalgo text) may be cut


@cache
def _grapheme() -> regex.Pattern[str]:
    """Grapheme clusters; ``regex`` is imported when first needed (listing needs none)."""
    import regex

    return regex.compile(r"\X")


def _grapheme_starts(text: str, position: int) -> list[int]:
    lo, hi = max(0, position - _GRAPHEME_REACH), min(len(text), position + _GRAPHEME_REACH)
    return [match.start() for match in _grapheme().finditer(text, lo, hi)] + [hi]


def whole_graphemes(text: str, span: Span) -> Span:
    """``span`` widened to whole grapheme clusters: an accent typed as its own code point
    (``e`` + U+0301), a skin tone or a ZWJ emoji sequence stays with its letter."""
    start = max(b for b in _grapheme_starts(text, span.start) if b <= span.start)
    end = min(b for b in _grapheme_starts(text, span.end) if b >= span.end)
    return Span(start, max(start, end))


def selected_passage(text: str, span: Span) -> Span | None:
    """What a selection means as a passage: whole graphemes, never starting or ending in
    whitespace (a drag often overshoots by a space); None if nothing but whitespace."""
    trimmed = _trim(text, *whole_graphemes(text, span))
    return trimmed if trimmed.start < trimmed.end else None


def _lines(text: str) -> list[Span]:
    spans = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        if start == end and spans and spans[-1].end == start:
            continue  # finditer's empty match right after a non-empty line
        spans.append(Span(start, end))
    return spans


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def paragraphs(text: str) -> list[Span]:
    """Split text into paragraphs, trimmed of surrounding whitespace.

    News text comes two ways: one paragraph per line (most scraped articles), or
    hard-wrapped blocks separated by blank lines (Markdown, plain-text mail). A block
    of short lines where some line breaks mid-sentence is taken as one wrapped
    paragraph (in a text without any blank line: where most lines do); anything else
    is a paragraph per line. List items, quotes and
    headings always start a paragraph.
    """
    lines = [_trim(text, s.start, s.end) for s in _lines(text)]
    blocks: list[list[Span]] = [[]]
    for line in lines:
        if len(line) == 0:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    result: list[Span] = []
    # Text with no blank line at all is most often one paragraph per line (pasted from a web
    # page): there a stray line without final punctuation (a headline, a byline) does not make
    # the whole text one wrapped paragraph; most lines must break mid-sentence.
    alone = sum(1 for block in blocks if block) == 1
    for block in blocks:
        if not block:
            continue
        mid_sentence = sum(text[line.end - 1] not in _SENTENCE_END for line in block[:-1])
        wrapped = (
            len(block) > 1
            and all(len(line) <= _HARD_WRAP_WIDTH for line in block)
            and (mid_sentence * 2 > len(block) - 1 if alone else mid_sentence > 0)
        )
        if not wrapped:
            result.extend(block)
            continue
        current = block[0]
        for line in block[1:]:
            if _BLOCK_START.match(text, line.start):
                result.append(current)
                current = line
            else:
                current = Span(current.start, line.end)
        result.append(current)
    return result


def sentences(text: str, within: Span | None = None) -> list[Span]:
    """Sentences of ``text`` (or of the part ``within``), trimmed, never crossing a paragraph.

    sentencex knows abbreviations such as "U.S." and "D.H.S." and is fast enough to
    segment a paragraph on every key press.
    """
    parts = [within] if within is not None else paragraphs(text)
    result: list[Span] = []
    for part in parts:
        chunk = text[part.start : part.end]
        from sentencex import get_sentence_boundaries  # only sentences need it: listing and search do not

        for boundary in get_sentence_boundaries("en", chunk):
            span = _trim(text, part.start + boundary["start_index"], part.start + boundary["end_index"])
            if len(span):
                result.append(span)
    return result


def span_at(spans: list[Span], offset: int) -> int | None:
    """Index of the span holding ``offset`` (or the nearest one before it), ``None`` if none."""
    if not spans:
        return None
    return max(bisect.bisect_right(spans, (offset, sys.maxsize)) - 1, 0)
