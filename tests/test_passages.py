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


def test_text_without_blank_lines_is_a_paragraph_per_line() -> None:
    # Pasted from a web page: a headline without a full stop, then one paragraph per line.
    text = (
        "Agency asks for help with records\n"
        "By Pat Example\n"
        "The agency has asked for help checking records, according to documents viewed by The Daily Example.\n"
        "In a memo sent last week, officials said the work would start soon.\n"
        "The plan covers 2,100 officers.\n"
        "Critics said it was rushed."
    )
    assert [text[s.start : s.end] for s in paragraphs(text)] == text.split("\n")


def test_hard_wrapped_text_without_blank_lines_is_still_wrapped() -> None:
    text = (
        "The agency has asked for help checking records, according\n"
        "to documents seen by reporters. In a memo sent last week,\n"
        "officials said the work would start soon and that the plan\n"
        "covers 2,100 officers."
    )
    assert [text[s.start : s.end] for s in paragraphs(text)] == [text]
