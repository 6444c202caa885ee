"""Alignment on the seeds, against expected groups and expected non-groups."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.test_cli import run
from tui.core.alignment import align, figures, normalize
from tui.core.article import Article
from tui.core.corpus import Corpus

ARTICLES = Corpus.load([SEEDS]).articles
R, N, P = 0, 1, 2

# What a careful reader finds shared, as (article, opening words) per group.
EXPECTED_GROUPS = {
    "noem quote": [
        (R, "\"It is DHS's understanding"),
        (N, "“It is D.H.S.’s understanding"),
        (P, "Noem noted that the Treasury"),
    ],
    "no comment": [
        (R, "The IRS and Treasury Department did not immediately respond"),
        (N, "A Treasury Department spokesperson did not respond"),
        (P, "The IRS and the Treasury Department did not immediately respond"),
    ],
    "billy long": [(N, "Trump has also halted the hiring"), (P, "Trump moved to install a new IRS commissioner")],
    "figures": [(N, "Of its 100,000 employees"), (P, "The division had 2,290 special agents")],
    "wsj first": [
        (R, "The Wall Street Journal first reported"),
        (N, "The Wall Street Journal reported earlier"),
        (P, "The memo, which was obtained by The Washington Post"),
    ],
    "the letter": [
        (R, "Homeland Security Secretary Kristi Noem sent a letter"),
        (N, "In the memo, Homeland Security Secretary"),
        (P, "In a Feb. 7 memo to Treasury Secretary"),
    ],
    "the ledes": [
        (R, "WASHINGTON (Reuters)"),
        (N, "The Department of Homeland Security is asking"),
        (P, "Homeland Security Secretary Kristi L. Noem has requested"),
    ],
    "criminal investigators": [(R, "The IRS is responsible"), (P, "The IRS criminal investigation division is tasked")],
    "republicans and funding": [
        (R, "Many Republicans have criticized"),
        (N, "Much of the Republican ire"),
        (P, "Budget improvements in 2022"),
    ],
}
# Passages only one outlet has: they must not be linked to anything.
EXPECTED_UNIQUE = [
    (N, "Elon Musk and his team have also taken an interest"),
    (N, "Representatives from the so-called Department of Government Efficiency"),
    (P, "“Instead of having Biden’s 87,000 IRS agents"),
    (R, "(Reporting by Ted Hesson"),
    (P, "Nick Miroff contributed"),
]


@pytest.fixture(scope="module")
def result():
    return align(ARTICLES)


def group_of(result, article: int, opening: str) -> int | None:
    for number, group in enumerate(result.groups):
        for passage in group.passages:
            if passage.article == article and opening in passage.text:
                return number
    return None


def pairs(groups: dict[str, list[tuple[int, str]]]) -> set[frozenset[tuple[int, str]]]:
    return {frozenset(pair) for members in groups.values() for pair in combinations(members, 2)}


def test_precision_and_recall_on_expected_groups(result) -> None:
    expected = pairs(EXPECTED_GROUPS)
    found, wrong = set(), []
    for group in result.groups:
        members = [(p.article, p.text) for p in group.passages]
        for (a, text_a), (b, text_b) in combinations(members, 2):
            match = next(
                (
                    pair
                    for pair in expected
                    if any(x == a and o in text_a for x, o in pair) and any(x == b and o in text_b for x, o in pair)
                ),
                None,
            )
            if match is None:
                wrong.append((text_a[:50], text_b[:50]))
            else:
                found.add(match)
    precision = len(found) / (len(found) + len(wrong))
    recall = len(found) / len(expected)
    print(
        f"alignment on the seeds: precision {precision:.2f}, recall {recall:.2f} ({len(found)}/{len(expected)} pairs)"
    )
    assert wrong == []
    assert precision == 1.0
    assert recall >= 0.6


@pytest.mark.parametrize("name", ["noem quote", "no comment", "billy long", "figures"])
def test_core_groups_are_found_whole(result, name: str) -> None:
    numbers = {group_of(result, article, opening) for article, opening in EXPECTED_GROUPS[name]}
    assert len(numbers) == 1 and None not in numbers, (name, numbers)


@pytest.mark.parametrize(("article", "opening"), EXPECTED_UNIQUE)
def test_expected_non_groups_stay_unique(result, article: int, opening: str) -> None:
    assert group_of(result, article, opening) is None
    assert any(opening in p.text for p in result.unique[article])


def test_kinds(result) -> None:
    quote = result.groups[group_of(result, R, '"It is DHS')]
    assert quote.kind == "near-verbatim"
    billy = result.groups[group_of(result, N, "Trump has also halted")]
    assert billy.kind == "paraphrase"
    assert all(0 < g.score <= 1 for g in result.groups)


def test_differing_figures_flagged_on_both_sides(result) -> None:
    group = result.groups[group_of(result, N, "Of its 100,000 employees")]
    flags = {(p.article, f.text) for p in group.passages for f in p.figures}
    assert flags == {(N, "2,100"), (P, "2,290")}  # 100,000 employees is not the same figure
    for passage in group.passages:
        for figure in passage.figures:
            assert ARTICLES[passage.article].text[figure.span.start : figure.span.end] == figure.text
    others = [p for g in result.groups if g is not group for p in g.passages]
    assert not any(p.figures for p in others)


def test_normalization() -> None:
    assert normalize("It is D.H.S.’s understanding") == normalize("It is DHS's understanding")
    # Possessives are dropped (they differ between house styles and say nothing about the fact).
    assert normalize("the Internal Revenue Service’s work force") == "the internal revenue service workforce"
    assert normalize("more than 2,100 officers") == "more than 2100 officers"


def test_figures() -> None:
    found = {(f.kind, f.value) for f in figures("2,290 agents, a 10% rise, $80 billion in 2024 and 3.5 million")}
    assert found == {("count", 2290), ("percent", 10), ("money", 80e9), ("year", 2024), ("count", 3.5e6)}


def test_two_articles_and_order_independence() -> None:
    pair = align([ARTICLES[N], ARTICLES[P]])
    flipped = align([ARTICLES[P], ARTICLES[N]])
    texts = {frozenset(p.text for p in g.passages) for g in pair.groups}
    assert texts == {frozenset(p.text for p in g.passages) for g in flipped.groups}
    assert len(pair.unique) == 2


def test_cli_json_matches_the_core(tmp_path) -> None:
    result = run("align", *(str(p) for p in sorted(SEEDS.iterdir())), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [a["outlet"] for a in data["articles"]] == ["Reuters", "The New York Times", "The Washington Post"]
    core = align(ARTICLES)
    assert len(data["groups"]) == len(core.groups)
    for mine, theirs in zip(data["groups"], core.groups, strict=True):
        assert mine["kind"] == theirs.kind and mine["score"] == theirs.score
        assert [(p["start"], p["end"]) for p in mine["passages"]] == [tuple(p.span) for p in theirs.passages]
        for passage in mine["passages"]:
            article = next(a for a in ARTICLES if a.id == passage["article"])
            assert article.text[passage["start"] : passage["end"]] == passage["text"]
    flagged = [f["text"] for g in data["groups"] for p in g["passages"] for f in p.get("figures", [])]
    assert sorted(flagged) == ["2,100", "2,290"]
    assert [len(u["passages"]) for u in data["unique"]] == [len(u) for u in core.unique]


def test_cli_plain_and_errors(tmp_path) -> None:
    result = run("align", "000", "002", cwd=tmp_path, env={"COLUMNS": "120"})
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("Reuters")
    assert "near-verbatim" in result.stdout and "Only in Reuters" in result.stdout
    assert run("align", "000", cwd=tmp_path).returncode == 2
    assert run("align", "000", "000", cwd=tmp_path).returncode == 2
    assert run("align", "000", "nope", cwd=tmp_path).returncode == 2


def test_figures_know_what_they_count() -> None:
    found = {f.label: f.unit for f in figures("approximately 3,000 personnel, including 2,100 special agents")}
    assert found == {"3,000 personnel": "personnel", "2,100 special agents": "officer"}
    (count,) = figures("Biden’s 87,000 IRS agents")
    assert count.what == "IRS agents" and count.unit == "officer"  # the abbreviation is not what is counted
    (date,) = [f for f in figures("In a Feb. 7 memo") if f.kind == "date"]
    assert date.value == figures("on February 7")[0].value
    (money,) = figures("€12 million")
    assert money.kind == "money" and money.unit == "EUR"
    assert figures("more than 2,600")[0].key is None  # a count of nothing said: compared with nothing


def story(outlet: str, body: str) -> Article:
    return Article.from_raw(Path(f"{outlet}.md"), f"---\ntitle: {outlet}\noutlet: {outlet}\n---\n{body}\n")


def test_differences_compare_figures_of_one_kind_and_name_each_outlet_once() -> None:
    """The issue's case: 3,000 personnel and 2,100 special agents against 2,290 special agents."""
    one = story(
        "Ledger",
        "The Lorvale Revenue Office (LRO) has approximately 3,000 personnel, including 2,100 special agents"
        " who investigate customs fraud for the ministry.",
    )
    other = story(
        "Courier",
        "The LRO's fraud unit had 2,290 special agents who investigate customs fraud for the ministry, its annual"
        " report said.",
    )
    result = align([one, other])
    (group,) = result.groups
    (difference,) = group.differences
    assert difference.kind == "count of officer"
    assert difference.describe(["Ledger", "Courier"]) == (
        "2,100 special agents (Ledger) vs 2,290 special agents (Courier)"
    )  # the 3,000 personnel are left out: nobody else counts personnel
    assert "LRO" in group.shared  # "Lorvale Revenue Office (LRO)" read from the text


def test_organisations_and_dates_in_one_form() -> None:
    assert normalize("the Department of the Treasury") == normalize("the Treasury Department")
    assert "date0207" in normalize("on Feb. 7") and "date0207" in normalize("on February 7th")
    assert normalize("a 10% rise") == normalize("a 10 percent rise")


def test_cli_json_has_shared_terms_and_figures_by_kind(tmp_path) -> None:
    result = run("align", *(str(p) for p in sorted(SEEDS.iterdir())), "--json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert all(isinstance(g["shared"], list) and g["shared"] for g in data["groups"])
    differences = [d for g in data["groups"] for d in g["figures"]]
    assert [d["kind"] for d in differences] == ["count of officer"]
    values = differences[0]["values"]
    assert [(v["outlet"], v["label"]) for v in values] == [
        ("The New York Times", "2,100 trained law enforcement officers"),
        ("The Washington Post", "2,290 special agents"),
    ]
    group = next(g for g in data["groups"] if g["figures"])
    for value in values:
        passage = group["passages"][value["passage"]]
        assert passage["start"] <= value["start"] < value["end"] <= passage["end"]


def test_seeds_link_the_ledes_the_letter_and_the_tasks(result) -> None:
    lede = result.groups[group_of(result, R, "WASHINGTON (Reuters)")]
    assert {p.article for p in lede.passages} == {R, N, P}
    letter = result.groups[group_of(result, P, "In a Feb. 7 memo")]
    assert group_of(result, R, "Kristi Noem sent a letter") == group_of(result, P, "In a Feb. 7 memo")
    assert group_of(result, N, "That work could include") == group_of(result, P, "In a Feb. 7 memo")  # the tasks
    assert "Feb 7" in letter.shared
    assert all(p.last - p.first <= 1 for g in result.groups for p in g.passages)  # one fact: 1-2 sentences


def test_three_seeds_align_quickly() -> None:
    import time

    align(ARTICLES)  # the lemmatizer's dictionary loads once
    start = time.perf_counter()
    align(ARTICLES)
    assert time.perf_counter() - start < 0.5  # about 20 ms; generous for loaded machines


def test_two_articles_compare_the_figures_too() -> None:
    """Words rare in two short articles are still rare: the Times and the Post alone find the agents' figures."""
    pair = align([ARTICLES[N], ARTICLES[P]])
    (difference,) = [d for g in pair.groups for d in g.differences]
    assert difference.describe() == "2,100 trained law enforcement officers vs 2,290 special agents"
