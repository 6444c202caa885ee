"""Cleaning untrusted text: nothing a terminal could act on reaches the screen.

Article text, front matter, file names, stored and imported annotations all come
from outside. They are cleaned *after* decoding (YAML and JSON have escapes of
their own, ``"\\e]52;…"``), at the point they enter the domain, and what is printed
as a one-line message is escaped again.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(
    r"""
      (?:\x1b\]|\x9d) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?      # OSC: titles, OSC 8 links, OSC 52 clipboard
    | (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]?                        # CSI: colours, cursor moves
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x9c]* (?:\x1b\\|\x9c)?  # DCS, SOS, PM, APC strings
    | \x1b [ -/]* [0-~]?                                          # other escapes (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE,
)
_ESCAPE_START = re.compile("[\x1b\x90-\x9f]")
# C0 and C1 controls except tab and newline; DEL; bidi embeddings, overrides and
# isolates (they can reorder what the terminal shows); zero-width spaces and
# stray BOMs. ZWJ/ZWNJ stay: scripts and emoji need them.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")
# What a one-line message must not print raw: the above plus tab and newline.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff]")

FIELD_MAX = 500  # characters kept of a metadata field or a tag: a title, not a book


def clean_text(raw: str) -> str:
    """Return ``raw`` with newlines normalized and nothing a terminal could interpret."""
    if raw.isprintable():  # everything removed or changed below is unprintable: a quote or note has none
        return raw
    text = _NEWLINES.sub("\n", raw) if "\r" in raw or not raw.isascii() else raw
    if _ESCAPE_START.search(text):  # the escape regex is slow; most text has none
        text = _ESCAPES.sub("", text)
    if "\t" in text:
        text = text.expandtabs(4)
    return _CONTROLS.sub("", text)


def clean_line(raw: object, limit: int = FIELD_MAX) -> str:
    """A metadata field or tag: cleaned, on one line, spaces collapsed, at most ``limit`` characters."""
    text = raw if isinstance(raw, str) else str(raw)
    # Printable text has nothing to clean (controls, escapes, bidi marks, odd spaces are all unprintable).
    if not (text.isprintable() and "  " not in text and text == text.strip()):
        text = " ".join(clean_text(text).split())
    return text[:limit]


def printable(text: str) -> str:
    """Escape control characters (``\\x1b``, ``\\n`` ...) in a one-line message, e.g. a file name."""
    if text.isprintable():  # every character escaped below is unprintable: most text has none
        return text
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
