"""Paragraphs and sentences with offsets."""

from __future__ import annotations

from tests.conftest import NYT
from tests.test_article import load
from tui.core.passages import Span, paragraphs, sentences, span_at


def test_one_paragraph_per_line() -> None:
    text = "First line.\nSecond line.\n\nThird."
    assert [text[s.start : s.end] for s in paragraphs(text)] == ["First line.", "Second line.", "Third."]


def test_hard_wrapped_blocks_are_one_paragraph() -> None:
    text = "A wrapped paragraph that\ncontinues here.\n\n- a list item\n- another item\n\nNext block\nwraps too."
    assert [text[s.start : s.end] for s in paragraphs(text)] == [
        "A wrapped paragraph that\ncontinues here.",
        "- a list item",
        "- another item",
        "Next block\nwraps too.",
    ]


def test_sentences_keep_abbreviations() -> None:
    article = load(NYT)
    texts = [article.text[s.start : s.end] for s in sentences(article.text)]
    assert any(t.startswith("“It is D.H.S.’s understanding") and t.endswith("Noem wrote.") for t in texts)
    assert any("in the U.S. illegally, according to the memo." in t for t in texts)
    assert all(t == t.strip() and t for t in texts)


def test_span_at() -> None:
    spans = [Span(0, 5), Span(10, 20)]
    assert span_at(spans, 3) == 0
    assert span_at(spans, 7) == 0
    assert span_at(spans, 10) == 1
    assert span_at(spans, 99) == 1
    assert span_at([], 3) is None
