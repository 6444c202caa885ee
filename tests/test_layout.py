"""Wrapping for the reader: every offset on exactly one line, no line too wide."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.app.layout import col_of, index_at, layout, wrap_span
from tui.core.passages import Span, paragraphs

words = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghij", min_size=1, max_size=12),
        st.text(alphabet="日本語中文", min_size=1, max_size=6),
        st.sampled_from(["“quoted”", "naïve", "x" * 50, "U.S.", "e\u0301"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(words=words, width=st.integers(min_value=3, max_value=90), sep=st.sampled_from([" ", "  ", "\n"]))
def test_wrap_covers_every_offset_once_within_width(words: list[str], width: int, sep: str) -> None:
    text = sep.join(words)
    lines = wrap_span(text, Span(0, len(text)), width)
    assert lines[0].start == 0 and lines[-1].end == len(text)
    for left, right in itertools.pairwise(lines):
        assert left.end == right.start  # contiguous: no offset lost or doubled
    for line in lines:
        shown = text[line.start : line.end].replace("\n", " ")
        assert cell_len(shown.rstrip(" ")) <= width or len(line) == 1


def test_layout_rows_and_header() -> None:
    text = "First paragraph here.\nSecond one, which is a bit longer than the width."
    result = layout(text, paragraphs(text), 20, [("title", "A title"), ("rule", ""), ("blank", "")])
    kinds = [line.kind for line in result.lines]
    assert kinds[:3] == ["title", "rule", "blank"]
    assert "blank" in kinds[4:]  # between paragraphs
    assert result.row_of(0) == result.first_body_row == 3
    second = text.index("Second")
    assert result.lines[result.row_of(second)].start == second
    assert result.body_row(0) == 3 and result.body_row(99, -1) == len(result.lines) - 1


def test_columns_with_wide_characters() -> None:
    line = "ab日本c"
    assert col_of(line, 3) == 4
    assert index_at(line, 4) == 3 and index_at(line, 3) == 2 and index_at(line, 99) == len(line)


def test_long_line_without_spaces_hard_breaks() -> None:
    text = "x" * 100_000
    lines = wrap_span(text, Span(0, len(text)), 80)
    assert len(lines) == 1250 and all(len(line) == 80 for line in lines)


def test_narrow_details_keep_the_outlet_before_the_date() -> None:
    from tui.app.widgets.article_list import details_of
    from tui.core.article import Article

    article = Article.from_raw(Path("a.txt"), "---\noutlet: Reuters\ndate: 2025-02-10\n---\nText.\n")
    assert details_of(article, 3, 40) == "Reuters · 2025-02-10 · 3 annotations"
    assert details_of(article, 3, 26) == "Reuters · 2025-02-10 · ✎ 3"
    assert details_of(article, 3, 14) == "Reuters · ✎ 3"  # not "R… · 2025-02-10 · ✎ 3"
    assert details_of(article, 0, 10) == "Reuters"
    assert details_of(article, 3, 10) == "Reu… · ✎ 3"


def test_emoji_are_drawn_as_wide_as_they_are_laid_out() -> None:
    from rich.cells import cell_len

    from tui.app.layout import cells, drawn

    text = "👍🏽 a 👩\u200d💻 b ❤️ c 🇺🇸 d cafe\u0301"
    lines = wrap_span(text, Span(0, len(text)), 7)
    for span in lines:
        piece = text[span.start : span.end]
        assert cell_len(drawn(piece)) == cells(piece) <= 7 + 1  # + the space a line wraps at
    assert drawn("👍🏽 👩\u200d💻 ❤️") == "👍 👩💻 ❤"
