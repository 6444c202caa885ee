"""Finding text the way a reader types it: case, accents, quotes and spacing don't matter.

The query becomes a regular expression over the original text (each letter a
class of its accented forms, each quote a class of its typographic forms, each
run of spaces ``\\s+``), so matches come back as offsets into the article text
with no index to build or keep in step.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tui.core.passages import Span

_QUOTES = {
    "'": "'‘’‚‛′`´",
    '"': '"“”„‟″«»',
    "-": "-‐‑‒–—―−",
}
_QUOTE_OF = {variant: base for base, variants in _QUOTES.items() for variant in variants}


_PLAIN = str.maketrans(_QUOTE_OF)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lowercase, accents stripped, typographic quotes and dashes made plain."""
    text = text.translate(_PLAIN)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).translate(_PLAIN)
    return text.casefold()


def _accent_table() -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = fold(char)
        if len(base) == 1 and base.isascii() and base.isalpha():
            variants.setdefault(base, {base}).update({char, char.upper(), char.lower()})
    return {base: "".join(sorted(chars)) for base, chars in variants.items()}


_ACCENTS = _accent_table()


@lru_cache(maxsize=256)
def pattern(query: str) -> re.Pattern[str] | None:
    """The regex for ``query``, or None for a blank query."""
    folded = " ".join(fold(query).split())
    if not folded:
        return None
    parts = []
    for char in folded:
        if char == " ":
            parts.append(r"\s+")
        elif char in _QUOTES:
            parts.append("[" + re.escape(_QUOTES[char]) + "]")
        elif char in _ACCENTS:
            parts.append("[" + re.escape(_ACCENTS[char]) + "]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE)


def find_all(text: str, query: str, *, limit: int | None = None) -> list[Span]:
    """Every match of ``query`` in ``text``, as spans of the original text."""
    compiled = pattern(query)
    if compiled is None:
        return []
    spans = []
    for match in compiled.finditer(text):
        spans.append(Span(match.start(), match.end()))
        if limit is not None and len(spans) >= limit:
            break
    return spans


def find_quote(text: str, quote: str) -> list[Span]:
    """Occurrences of a quote: exact ones if any, else loosely matched ones."""
    exact, index = [], text.find(quote) if quote else -1
    while index >= 0:
        exact.append(Span(index, index + len(quote)))
        index = text.find(quote, index + 1)
    return exact or find_all(text, quote)
