"""Finding text the way a reader types it: case, accents, quotes and spacing don't matter.

The query becomes a regular expression over the original text (each letter a
class of its accented forms, each quote a class of its typographic forms, each
run of spaces ``\\s+``), so matches come back as offsets into the article text.
A corpus search asks the workspace index (``tui.core.index``, SQLite FTS5) for the lines
that may match, and checks each with the same patterns, so both agree on every hit.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from tui.core.passages import Span, whole_graphemes

_QUOTES = {
    "'": "'‘’‚‛′`´",
    '"': '"“”„‟″«»',
    "-": "-‐‑‒–—―−",
}
_QUOTE_OF = {variant: base for base, variants in _QUOTES.items() for variant in variants}


_PLAIN = str.maketrans(_QUOTE_OF)
_MARKS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_COMBINING = re.compile(_MARKS)


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


# Words written closed or open ("workforce" / "work force" / "work-force"): either form finds both.
COMPOUNDS = {"workforce": ("work", "force"), "healthcare": ("health", "care"), "email": ("e", "mail"),
             "website": ("web", "site")}  # fmt: skip
OPEN_COMPOUNDS = {" ".join(parts): closed for closed, parts in COMPOUNDS.items()}
_INITIALISM = re.compile(r"[a-z]{2,5}")  # "dhs" also finds "D.H.S." (and "dhs's" "D.H.S.’s")


def _letters(word: str) -> str:
    """A folded word as a pattern over the original text: each letter any of its accented
    forms, each quote or dash any of its typographic forms."""
    parts = []
    for char in word:
        if char in _QUOTES:
            parts.append("[" + re.escape(_QUOTES[char]) + "]")
        elif char in _ACCENTS:  # a letter, precomposed or followed by its accents as code points of their own
            parts.append("[" + re.escape(_ACCENTS[char]) + "]" + _MARKS + "*")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=256)
def pattern(query: str) -> re.Pattern[str] | None:
    """The regex for ``query``, or None for a blank query."""
    folded = " ".join(fold_same_length(query).split())  # folded as the text is, so "Straße" finds "Straße"
    if not folded:
        return None
    forms = (r"\s+".join(map(_letters, form.split(" "))) for form in term_forms(folded))
    return re.compile("|".join(forms), re.IGNORECASE)


def find_all(text: str, query: str, *, limit: int | None = None, words: bool = False) -> list[Span]:
    """Every match of ``query`` in ``text``, as spans of the original text, in whole graphemes.

    With ``words``, a match that starts (ends) with a letter or digit must start (end) a word.
    """
    compiled = pattern(query)
    if compiled is None:
        return []
    spans = []
    for match in compiled.finditer(text):
        span = whole_graphemes(text, Span(match.start(), match.end()))
        if words and not _whole_words(text, span):
            continue
        spans.append(span)
        if limit is not None and len(spans) >= limit:
            break
    return spans


def _word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _whole_words(text: str, span: Span) -> bool:
    """``span`` does not start or end inside a word ("the" is not in "other")."""
    start, end = span
    if start > 0 and _word_char(text[start]) and _word_char(text[start - 1]):
        return False
    return not (end < len(text) and _word_char(text[end - 1]) and _word_char(text[end]))


def find_quote(text: str, quote: str) -> list[Span]:
    """Occurrences of a quote as whole words and graphemes: exact ones if any, else loosely
    matched ones (case, accents, quotes and spacing may differ)."""
    exact, index = [], text.find(quote) if quote else -1
    while index >= 0:
        span = Span(index, index + len(quote))
        if _whole_words(text, span) and whole_graphemes(text, span) == span:
            exact.append(span)
        index = text.find(quote, index + 1)
    return exact or find_all(text, quote, words=True)


# --- corpus search ------------------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_TERMS = re.compile(r"[\"“”]([^\"“”]+)[\"“”]|(\S+)")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = fold(char)
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def fold_same_length(text: str) -> str:
    """``fold`` that keeps every character in place, so offsets into it are offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lowercase to two ("İ")
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if lowered.isascii():
        return lowered
    return _NON_ASCII.sub(lambda m: _fold_char(m.group()), lowered)


def terms(query: str) -> list[str]:
    """The query's terms: "quoted phrases" and single words, folded; two words that are an
    open compound ("work force") are one term, as the closed one ("workforce") is."""
    found: list[str] = []
    for match in _TERMS.finditer(query):
        term = " ".join(fold_same_length(match.group(1) or match.group(2)).split())
        if match.group(2) and found and f"{found[-1]} {term}" in OPEN_COMPOUNDS:
            found[-1] = f"{found[-1]} {term}"
        elif term and term not in found:
            found.append(term)
    return found


def term_forms(term: str) -> list[str]:
    """A folded term and the other ways it is written, as the alignment treats them alike: an
    initialism with its dots ("dhs's" / "d.h.s.'s") and a compound closed or open ("workforce"
    / "work force" / "work-force")."""
    for open_form, closed in OPEN_COMPOUNDS.items():
        term = re.sub(rf"\b{open_form}\b", closed, term)
    forms = [""]
    for word in term.split(" "):
        stem, apostrophe, rest = word.partition("'")
        spellings = [word]
        if stem in COMPOUNDS:
            first, second = COMPOUNDS[stem]
            spellings += [f"{first} {second}{apostrophe}{rest}", f"{first}-{second}{apostrophe}{rest}"]
        if _INITIALISM.fullmatch(stem):
            spellings.append(".".join(stem) + f".{apostrophe}{rest}")
        forms = [f"{form} {spelling}".lstrip() for form in forms for spelling in spellings][:16]
    return forms


def _term_pattern(term: str) -> re.Pattern[str]:
    """A phrase's words in order (in any of its forms), across any spacing within a line: a
    phrase never spans two paragraphs. (Word starts are checked by ``_at_word_start``: a
    ``\\b`` in the pattern would cost the regex engine its fast literal scan.)"""
    forms = ["[^\\S\\n]+".join(re.escape(word) for word in form.split(" ")) for form in term_forms(term)]
    return re.compile("|".join(forms))


def _at_word_start(text: str, index: int) -> bool:
    """A term matches at the start of a word: "law" finds "laws", not "outlaw"."""
    return index == 0 or not (text[index - 1].isalnum() and text[index].isalnum())


HitKind = Literal["text", "annotation"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A paragraph (or an annotation) holding every term of a query."""

    kind: HitKind
    key: str  # the article id, or the annotation id
    span: Span  # the first term's match, in the article's text (or the annotation's quote)
    paragraph: Span  # the paragraph it is in


def _found_in(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return any(_at_word_start(text, m.start()) for m in pattern.finditer(text, start, end))


class FoldedTexts:
    """Many texts folded into one string (NUL-separated), searched with one regex pass."""

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        self.keys = [key for key, _ in entries]
        self.starts: list[int] = []
        parts, offset = [], 0
        for _, folded in entries:
            self.starts.append(offset)
            parts.append(folded)
            offset += len(folded) + 1
        self.blob = "\x00".join(parts)

    def search(self, query: str, kind: HitKind = "text") -> Iterator[Hit]:
        """Paragraphs holding every term, in order, as they are found."""
        wanted = terms(query)
        if not wanted:
            return
        blob, last_paragraph = self.blob, None
        if len(wanted) > 1:  # scan for the rarest term, check the others around each match
            wanted.sort(key=lambda term: blob.count(term.split(" ")[0]))
        patterns = [_term_pattern(t) for t in wanted]
        for match in patterns[0].finditer(blob):
            if not _at_word_start(blob, match.start()):
                continue
            start = max(blob.rfind("\n", 0, match.start()), blob.rfind("\x00", 0, match.start())) + 1
            ends = [e for e in (blob.find("\n", match.end()), blob.find("\x00", match.end())) if e >= 0]
            end = min(ends) if ends else len(blob)
            if (start, end) == last_paragraph:
                continue
            if all(_found_in(p, blob, start, end) for p in patterns[1:]):
                last_paragraph = (start, end)
                index = bisect.bisect_right(self.starts, match.start()) - 1
                base = self.starts[index]
                yield Hit(
                    kind,
                    self.keys[index],
                    Span(match.start() - base, match.end() - base),
                    Span(start - base, end - base),
                )


def term_patterns(wanted: list[str]) -> list[re.Pattern[str]]:
    """The compiled patterns of a query's folded terms (see ``terms``)."""
    return [_term_pattern(term) for term in wanted]


def line_match(patterns: list[re.Pattern[str]], folded: str) -> Span | None:
    """Where the first term starts a word in this folded line, if every term does somewhere in it."""
    first = next((m for m in patterns[0].finditer(folded) if _at_word_start(folded, m.start())), None)
    if first is None or not all(_found_in(p, folded, 0, len(folded)) for p in patterns[1:]):
        return None
    return Span(first.start(), first.end())


def excerpt_around(text: str, paragraph: Span, span: Span, width: int = 160) -> tuple[str, Span]:
    """A window of the paragraph around the match, and where the match is in it."""
    start = max(paragraph.start, span.start - width // 2)
    end = min(paragraph.end, max(span.end + width // 2, start + width))
    if start > paragraph.start:
        start = text.find(" ", start, span.start) + 1 or start
    prefix = "…" if start > paragraph.start else ""
    suffix = "…" if end < paragraph.end else ""
    window = prefix + text[start:end].replace("\n", " ") + suffix
    offset = len(prefix) - start
    return window, Span(span.start + offset, span.end + offset)
