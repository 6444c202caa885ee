"""Corpus search: folding, phrases, every-term paragraphs, annotations, CLI and the app screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SEEDS, make_app, wait_until
from tests.test_cli import run
from tui.app.screens.search import SearchScreen
from tui.core.search import FoldedTexts, fold_same_length, terms
from tui.core.workspace import Workspace


@pytest.mark.parametrize(
    "text",
    ["Guantánamo Bay", "D.H.S.’s “work force” — ÉMIGRÉ", "İstanbul and straße", "日本語 text", "ﬁne ligature"],
)
def test_fold_keeps_every_offset(text: str) -> None:
    assert len(fold_same_length(text)) == len(text)


def test_terms() -> None:
    assert terms('IRS "law  Enforcement" émigré') == ["irs", "law enforcement", "emigre"]
    assert terms("“Quoted” words") == ["quoted", "words"]
    assert terms("   ") == []


def search(texts: dict[str, str], query: str) -> list[tuple[str, str]]:
    index = FoldedTexts([(key, fold_same_length(text)) for key, text in texts.items()])
    return [(hit.key, texts[hit.key][hit.span.start : hit.span.end]) for hit in index.search(query)]


def test_every_term_in_one_paragraph() -> None:
    texts = {"a": "The IRS hired agents.\nThe agents left.", "b": "Agents and the IRS.", "c": "Nothing here."}
    assert search(texts, "irs agents") == [("a", "IRS"), ("b", "IRS")]
    assert search(texts, '"the agents"') == [("a", "The agents")]
    assert search(texts, "agents left") == [("a", "left")]  # the rarer term is scanned for


def test_case_accents_quotes_and_word_starts() -> None:
    texts = {"a": "Sent to GUANTÁNAMO; D.H.S.’s view; an outlaw's laws."}
    assert search(texts, "guantanamo") == [("a", "GUANTÁNAMO")]
    assert search(texts, "d.h.s.'s") == [("a", "D.H.S.’s")]
    assert search(texts, "law") == [("a", "law")]  # "laws", not the "law" inside "outlaw"


def test_workspace_search_over_seeds_and_annotations(workspace: Workspace) -> None:
    reuters = workspace.corpus.articles[0]
    from tui.core.anchoring import Selector
    from tui.core.annotation import Annotation

    start = reuters.text.index("whole-of-government")
    with workspace.store.change("seed") as change:
        change.put(
            Annotation.new(
                reuters.id, reuters.location, Selector.of(reuters.text, start, start + 28), note="Compare Guantanamo"
            )
        )
    found = list(workspace.search("guantanamo"))
    kinds = [(f.hit.kind, f.article.meta.outlet) for f in found]
    # Text hits come ranked (best first), then the annotations.
    assert sorted(kinds[:2]) == [("text", "Reuters"), ("text", "The Washington Post")]
    assert kinds[2:] == [("annotation", "Reuters")]
    post = next(f for f in found if f.article.meta.outlet == "The Washington Post")
    context, span = post.context()
    assert context[span.start : span.end] == "Guantánamo"
    assert post.article.text[post.hit.span.start : post.hit.span.end] == "Guantánamo"


def test_cli_search(tmp_path: Path) -> None:
    result = run("search", '"law enforcement" treasury', cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 8 and "«law enforcement»" in lines[1]
    data = json.loads(run("search", "billy long", "--json", cwd=tmp_path).stdout)
    assert {row["outlet"] for row in data} == {"The New York Times", "The Washington Post"}
    assert all(row["match"].lower() in ("billy", "long") for row in data)
    assert json.loads(run("search", "agents", "--json", "--limit", "2", cwd=tmp_path).stdout).__len__() == 2
    assert run("search", "zzzz-nothing", cwd=tmp_path).stderr.startswith("newsreader: no matches")
    assert run("search", "  ", cwd=tmp_path).returncode == 2


async def test_search_screen_streams_and_opens(db: Path, in_root: Path) -> None:
    app = make_app(db, [SEEDS])
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"guantanamo")
        await wait_until(pilot, lambda: "2 matches" in str(screen.query_one("#search-status").render()))
        outlets = [found.article.meta.outlet for found in screen.results]  # ranked: best passage first
        await pilot.press(*["down"] * (outlets.index("The Washington Post") + 1), "enter")
        await pilot.pause()
        assert app.current.meta.outlet == "The Washington Post"
        span = app.reader.selection
        assert app.reader.article.text[span.start : span.end] == "Guantánamo"


def test_query_folded_like_the_text() -> None:
    texts = {"a": "Die Straße, the ﬁnal ½ and İstanbul."}
    assert search(texts, "straße") == [("a", "Straße")]
    assert search(texts, "ﬁnal") == [("a", "ﬁnal")]
    from tui.core.search import find_all

    assert [texts["a"][s.start : s.end] for s in find_all(texts["a"], "STRASSE")] == []  # ß is not "ss" here
    assert [texts["a"][s.start : s.end] for s in find_all(texts["a"], "Straße")] == ["Straße"]


def test_annotation_terms_match_across_quote_note_and_tags(workspace: Workspace) -> None:
    from tui.core.anchoring import Selector
    from tui.core.annotation import Annotation

    reuters = workspace.corpus.articles[0]
    start = reuters.text.index("whole-of-government")
    with workspace.store.change("seed") as change:
        change.put(
            Annotation.new(
                reuters.id, reuters.location, Selector.of(reuters.text, start, start + 28), tags=("figures",)
            )
        )
    found = [f for f in workspace.search("government figures") if f.annotation is not None]
    assert len(found) == 1


def test_annotation_hits_in_reading_order(workspace: Workspace) -> None:
    """Scripts and diffs need the same output every run: annotations are listed by article, then position."""
    from tui.core.anchoring import Selector
    from tui.core.annotation import Annotation

    reuters = workspace.corpus.articles[0]
    starts = [m.start() for m in re.finditer(r"\bthe\b", reuters.text)][:6]
    with workspace.store.change("seed") as change:
        for start in reversed(starts):  # stored last-first
            change.put(Annotation.new(reuters.id, reuters.location, Selector.of(reuters.text, start, start + 3)))
    found = [f.annotation.start for f in workspace.search("the") if f.annotation is not None]
    assert found == starts


def test_quotes_match_whole_words_and_whole_graphemes() -> None:
    from tui.core.passages import Span, selected_passage, whole_graphemes
    from tui.core.search import find_all, find_quote

    text = "On the other hand, the café (cafe\u0301 vs cafe\u0301) served 👍🏽 and 👩\u200d💻."
    assert [text[s.start : s.end] for s in find_quote(text, "the")] == ["the", "the"]  # not in "other"
    assert [text[s.start : s.end] for s in find_quote(text, "café vs café")] == ["cafe\u0301 vs cafe\u0301"]
    assert [text[s.start : s.end] for s in find_all(text, "cafe")] == ["café", "cafe\u0301", "cafe\u0301"]
    thumb = text.index("👍")
    assert whole_graphemes(text, Span(thumb, thumb + 1)) == Span(thumb, thumb + 2)  # the skin tone stays
    coder = text.index("👩")
    assert whole_graphemes(text, Span(coder + 2, coder + 3)) == Span(coder, coder + 3)  # the ZWJ sequence
    accent = text.index("cafe\u0301")
    assert selected_passage(text, Span(accent - 2, accent + 4)) == Span(accent - 1, accent + 5)
    assert selected_passage(text, Span(0, 0)) is None and selected_passage(text, Span(2, 3)) is None


def test_find_folds_initialisms_and_compounds_like_the_alignment() -> None:
    """In the reader's find (and loose quotes), "dhs's" finds the Times' "D.H.S.’s" and
    "workforce" finds Reuters' "work force", as the compare view already treats them alike."""
    from tui.core.search import find_all

    text = "The D.H.S.’s plan for the work force, the workforce and the work-force. DHS said so."
    found = {
        query: [text[a:b] for a, b in find_all(text, query, words=True)]
        for query in ("dhs's", "dhs", "workforce", "work force", "plan")
    }
    assert found == {
        "dhs's": ["D.H.S.’s"],
        "dhs": ["D.H.S.", "DHS"],
        "workforce": ["work force", "workforce", "work-force"],
        "work force": ["work force", "workforce", "work-force"],
        "plan": ["plan"],
    }


def test_corpus_search_folds_initialisms_and_compounds(workspace: Workspace) -> None:
    """Across the seeds, "dhs's" finds Reuters' "DHS's" and the Times' "D.H.S.’s"; "workforce"
    and "work force" find Reuters' "work force" and the Post's "workforce" alike."""

    def found(query: str) -> set[tuple[str, str]]:
        return {
            (f.article.meta.outlet, f.context()[0][f.context()[1].start : f.context()[1].end])
            for f in workspace.search(query, annotations=False)
        }

    assert found('"dhs\'s understanding"') == {
        ("Reuters", "DHS's understanding"),
        ("The New York Times", "D.H.S.’s understanding"),
    }
    for query in ("workforce", "work force"):
        spellings = found(query)
        assert ("Reuters", "work force") in spellings and ("The Washington Post", "workforce") in spellings, query
