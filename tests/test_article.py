"""Metadata inference, cleaning and ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NYT, POST, REUTERS
from tui.core.article import Article, article_id, parse
from tui.core.cleaning import clean_text


def load(path: Path) -> Article:
    return Article.from_raw(path, path.read_text(encoding="utf-8"))


def test_reuters_header_and_dateline() -> None:
    article = load(REUTERS)
    assert article.meta.outlet == "Reuters"
    assert article.meta.author == "Ted Hesson"
    assert article.meta.date == "2025-02-10"
    assert article.meta.title.startswith("The U.S. Department of Homeland Security wants to deputize")
    assert len(article.meta.title) <= 101
    # The header line is metadata, not text; the dateline stays in the text.
    assert article.text.startswith("WASHINGTON (Reuters) - The U.S. Department")
    assert "date 2025-02-10" not in article.text


def test_nyt_outlet_from_viewed_by() -> None:
    article = load(NYT)
    assert article.meta.outlet == "The New York Times"
    assert article.meta.via == ""
    assert article.meta.title == (
        "The Department of Homeland Security is asking for the Internal Revenue Service"
        " to help crack down on immigration"
    )
    assert article.text.startswith("The Department")  # leading blank lines dropped


def test_post_republished_by_adn() -> None:
    article = load(POST)
    assert article.meta.outlet == "The Washington Post"
    assert article.meta.via == "Anchorage Daily News"
    assert article.citation() == "The Washington Post (via Anchorage Daily News)"
    assert article.meta.title.startswith("Homeland Security Secretary Kristi L. Noem has requested")
    # The Markdown image is a short placeholder, not raw Markdown.
    assert article.text.startswith("[image: adn.com]\n")
    assert "![](" not in article.text
    assert article.figures and article.text[article.figures[0].start : article.figures[0].end] == "[image: adn.com]"


def test_wall_street_journal_is_not_taken_for_the_outlet() -> None:
    # "first reported by the Wall Street Journal" names another outlet, not this one.
    parsed = parse("The memo was first reported by the Wall Street Journal.\nMore text here.")
    assert parsed.inferred.outlet == ""


def test_front_matter_overrides_inference() -> None:
    raw = (
        "---\ntitle: A Real Headline\noutlet: The Guardian\nauthor: [Jane Roe, John Doe]\n"
        "date: 2024-03-05\nurl: https://example.org/story\n---\n"
        "WASHINGTON (Reuters) - Text viewed by The New York Times.\n"
    )
    parsed = parse(raw)
    assert parsed.inferred.title == "A Real Headline"
    assert parsed.inferred.outlet == "The Guardian"
    assert parsed.inferred.author == "Jane Roe, John Doe"
    assert parsed.inferred.date == "2024-03-05"
    assert parsed.inferred.url == "https://example.org/story"
    assert parsed.text.startswith("WASHINGTON")


def test_broken_front_matter_is_text_with_a_warning() -> None:
    parsed = parse("---\ntitle: [unclosed\n---\nBody.")
    assert parsed.warnings and "YAML" in parsed.warnings[0]
    assert "Body." in parsed.text


def test_markdown_heading_and_byline() -> None:
    parsed = parse("# The Headline\n\nBy Ada Lovelace\n\nFirst paragraph.\n")
    assert parsed.inferred.title == "The Headline"
    assert parsed.inferred.author == "Ada Lovelace"
    assert parsed.text == "First paragraph."


def test_outlet_from_image_host_when_nothing_else() -> None:
    parsed = parse("![photo](https://static01.nytimes.com/a.jpg)\nSome text about things.")
    assert parsed.inferred.outlet == "The New York Times"
    assert parsed.text.startswith("[image: photo — static01.nytimes.com]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("a\x1b[31mred\x1b[0m b", "ared b"),
        ("x\x1b[2J\x1b[Hy", "xy"),
        ("link \x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\ end", "link text end"),
        ("clip \x1b]52;c;ZXZpbA==\x07 done", "clip  done"),
        ("title \x1b]0;pwned\x07!", "title !"),
        ("bell\x07 nul\x00 c1\x9b31m csi\x85", "bell nul c1 csi\n"),
        ("crlf\r\nlone\rcr", "crlf\nlone\ncr"),
        ("\ufeffbom", "bom"),
        ("rtl\u202eoverride\u2066iso\u2069 zw\u200bsp", "rtloverrideiso zwsp"),
        ("[bold]x[/bold] [link=http://x]y[/link]", "[bold]x[/bold] [link=http://x]y[/link]"),
        ("tab\there", "tab here"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_ids_are_stable_and_whitespace_insensitive() -> None:
    assert article_id("Hello  world.\n") == article_id("Hello world.")
    assert article_id("Hello world.") != article_id("Hello world!")
    assert len(article_id("x")) == 12
    a, b = load(REUTERS), load(REUTERS)
    assert a.id == b.id


def test_empty_articles_have_distinct_ids(tmp_path: Path) -> None:
    one = Article.from_raw(tmp_path / "a.txt", "")
    two = Article.from_raw(tmp_path / "b.txt", "  \n")
    assert one.is_empty and two.is_empty
    assert one.id != two.id


def test_single_newline_paragraphs_give_one_line_metadata() -> None:
    raw = (
        "Agency asks for help with records\n"
        "The agency has asked for help checking records, according to documents viewed by The Daily Example.\n"
        "In a memo sent last week, officials said the work would start soon.\n"
        "The plan covers 2,100 officers.\n"
    )
    article = Article.from_raw(Path("pasted.txt"), raw)
    assert article.meta.outlet == "The Daily Example"
    assert article.meta.title == "Agency asks for help with records"
    assert len(article.paragraphs) == 4
    for value in article.meta.as_dict().values():
        assert "\n" not in value and value == value.strip()


@pytest.mark.parametrize(
    ("sentence", "outlet"),
    [
        ("The memo was obtained by The Daily Example. In it, officials said so.", "The Daily Example"),
        ("The memo was reviewed by The Example Times.\nIt says more.", "The Example Times"),
        ("The memo was seen by The Example Post, which said so.", "The Example Post"),
        ("The memo was viewed by the U.S. Example Office. It said so.", "The U.S. Example Office"),
        ("The memo was viewed by\nThe Example Herald in March.", "The Example Herald"),
    ],
)
def test_outlet_from_attribution_stops_at_the_sentence_end(sentence: str, outlet: str) -> None:
    assert parse(sentence).inferred.outlet == outlet
