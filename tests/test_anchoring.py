"""Re-anchoring: exact position, moved, edited inside, orphaned — never lost."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SEEDS
from tui.core.anchoring import AnchorState, Selector, anchor
from tui.core.corpus import Corpus

TEXTS = [a.text for a in Corpus.load([SEEDS])]
WORDS = [
    "the",
    "agency",
    "said",
    "on",
    "Monday",
    "that",
    "officials",
    "would",
    "review",
    "a",
    "new",
    "plan",
    "for",
    "immigration",
    "enforcement",
]
QUOTE = "qualified law enforcement personnel"


def test_at_its_position() -> None:
    text = TEXTS[0]
    start = text.index(QUOTE)
    result = anchor(text, Selector.of(text, start, start + len(QUOTE)))
    assert result.state is AnchorState.ANCHORED
    assert result.span == (start, start + len(QUOTE))


def test_moved_by_an_edit_before() -> None:
    text = TEXTS[0]
    start = text.index(QUOTE)
    selector = Selector.of(text, start, start + len(QUOTE))
    edited = "An editor's note added at the top.\n\n" + text
    result = anchor(edited, selector)
    assert result.state is AnchorState.REANCHORED
    assert edited[result.span.start : result.span.end] == QUOTE


def test_context_picks_the_right_occurrence() -> None:
    text = "Alpha said no. Beta said no. Gamma said no."
    start = text.index("said no", text.index("Beta"))
    selector = Selector.of(text, start, start + 7)
    edited = "Intro. " + text
    span = anchor(edited, selector).span
    assert edited[span.start - 5 : span.end] == "Beta said no"


def test_edited_inside_keeps_the_passage() -> None:
    text = TEXTS[1]
    sentence = "Of its 100,000 employees, the IRS has more than 2,100 trained law enforcement officers"
    start = text.index(sentence)
    selector = Selector.of(text, start, start + len(sentence))
    edited = text.replace("more than 2,100 trained", "about 2,100 trained")
    result = anchor(edited, selector)
    assert result.state is AnchorState.REANCHORED
    assert edited[result.span.start : result.span.end] == sentence.replace("more than", "about")


def test_deleted_passage_is_an_orphan() -> None:
    text = TEXTS[2]
    sentence = "Noem wrote that law enforcement officials from the Treasury Department would have the authority"
    start = text.index(sentence)
    selector = Selector.of(text, start, start + len(sentence))
    edited = text[:start] + text[start + len(sentence) + 30 :]
    result = anchor(edited, selector)
    assert result.state is AnchorState.ORPHANED and result.span is None


def test_empty_quote_is_an_orphan() -> None:
    assert anchor("text", Selector("", "", "", 0, 0)).state is AnchorState.ORPHANED


def random_case(rng: random.Random) -> tuple[str, Selector, str, tuple[int, int], str]:
    """One passage of a seed, one random edit before, after or inside it, and where it should now be."""
    while True:
        text = rng.choice(TEXTS)
        start = rng.randrange(0, len(text) - 50)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = min(len(text), start + rng.randint(20, 300))
        while end < len(text) and not text[end].isspace():
            end += 1
        where = rng.choice(["before", "after", "inside"])
        size = rng.randint(1, 30)
        if where == "before" and start > 2:
            lo = rng.randrange(0, start)
            hi = min(start, lo + size)
        elif where == "after" and end < len(text) - 2:
            lo = rng.randrange(end, len(text))
            hi = min(len(text), lo + size)
        elif where == "inside" and end - start > 6:
            lo = rng.randrange(start + 1, end - 1)
            hi = min(end - 1, lo + size)
        else:
            continue
        kind = rng.choice(["insert", "delete", "replace"])
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))) + " "
        if kind == "insert":
            hi = lo
        inserted = "" if kind == "delete" else words
        edited = text[:lo] + inserted + text[hi:]
        delta = len(inserted) - (hi - lo)
        expected = {"before": (start + delta, end + delta), "after": (start, end), "inside": (start, end + delta)}[
            where
        ]
        return text, Selector.of(text, start, end), edited, expected, where


def test_random_edits_keep_at_least_95_percent_anchored_on_the_right_text() -> None:
    rng = random.Random(20250210)
    outcomes = {"right": 0, "orphan": 0, "wrong": 0}
    for _ in range(1500):
        _, selector, edited, expected, _ = random_case(rng)
        result = anchor(edited, selector)
        if result.span is None:
            outcomes["orphan"] += 1
        elif tuple(result.span) == expected:
            outcomes["right"] += 1
        else:
            outcomes["wrong"] += 1
    total = sum(outcomes.values())
    assert outcomes["right"] / total >= 0.95, outcomes
    assert outcomes["wrong"] == 0, outcomes  # what is not right is an orphan, never a wrong passage


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_property_edits_never_lose_or_misplace(seed: int) -> None:
    rng = random.Random(seed)
    _, selector, edited, expected, where = random_case(rng)
    result = anchor(edited, selector)
    if where in ("before", "after"):
        # The quote itself is untouched: it must be found, exactly where it went.
        assert tuple(result.span) == expected
        assert edited[result.span.start : result.span.end] == selector.exact
    elif result.span is not None:
        assert tuple(result.span) == expected
    else:
        assert result.state is AnchorState.ORPHANED


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(min_size=1, max_size=400),
    data=st.data(),
)
def test_property_any_text_any_selector(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    selector = Selector.of(text, start, end)
    other = data.draw(st.text(max_size=400))
    result = anchor(other, selector)  # never raises, whatever the texts
    if result.span is not None:
        assert 0 <= result.span.start < result.span.end <= len(other)
    assert anchor(text, selector).span == (start, end)


@pytest.mark.parametrize("readonly", [False, True], ids=["app", "list-export-search"])
def test_a_reanchored_passage_does_not_drift_across_unrelated_edits(tmp_path, readonly: bool) -> None:
    """Once re-anchored onto "Many residents packed the chamber.", later edits elsewhere keep it
    there, whether the workspace is opened by the app or by a read-only command."""
    from tui.core.annotation import Annotation
    from tui.core.workspace import Workspace

    article = tmp_path / "council.md"
    intro = "The council met on Tuesday evening to vote on the budget. "
    article.write_text(intro + "Residents packed the chamber. The vote was delayed until March.\n")
    db = tmp_path / "db.json"

    def passages() -> list[str]:
        with Workspace.open([article], db=db, remember=False, readonly=readonly) as workspace:
            found = workspace.corpus.articles[0]
            return [a.current_text(found.text) for a in workspace.annotations()]

    with Workspace.open([article], db=db, remember=False) as workspace:
        found = workspace.corpus.articles[0]
        start = found.text.index("Residents")
        span = (start, start + len("Residents packed the chamber."))
        annotation = Annotation.new(found.id, found.location, Selector.of(found.text, *span))
        with workspace.store.change("highlight") as change:
            change.put(annotation)
    article.write_text(intro + "Many residents packed the chamber. The vote was delayed until March.\n")
    first = passages()
    assert first in (["Many residents packed the chamber."], ["residents packed the chamber."])
    for edit in ("The vote was put off until March.", "The vote was put off until April, officials said."):
        article.write_text("Updated: " + intro + "Many residents packed the chamber. " + edit + "\n")
        assert passages() == first  # neither grows nor shrinks
    # The words it was made on come back: it goes back to them.
    article.write_text(intro + "Residents packed the chamber. The vote was delayed until March.\n")
    assert passages() == ["Residents packed the chamber."]
