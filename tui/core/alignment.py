"""Cross-source alignment: which passages outlets share, which only one reports, which figures differ.

Each article is split into sentences. Sentence pairs across articles are scored two
ways, on text normalized for the small differences between house styles (case,
quotes, accents, ``D.H.S.`` → ``DHS``, ``2,100`` → ``2100``, ``work force`` →
``workforce``):

- *wording*: rapidfuzz ``ratio`` and ``partial_ratio``, which find near-verbatim
  passages, such as a quote every outlet prints;
- *content*: the overlap of content words weighted by how rare each word is across
  the articles (IDF), which finds paraphrases that share the telling words (names,
  figures, the rare verbs) but not the phrasing.

Content is scored for every pair at once (one matrix product); wording only for the
pairs that share enough content. A pair is linked when either is high, or when both sentences report a comparable
figure (counts within 25 %) with some shared content: outlets disagreeing on a
number is what a fact-checker most needs to see. Linked sentences are merged into
passages (adjacent sentences of one article join) and grouped across articles,
strongest links first, never putting two separate passages of one article in one
group. Precision comes first: a wrong link is worse than a missing one.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from tui.core.article import Article
from tui.core.passages import Span, sentences
from tui.core.search import fold

VERBATIM = 85.0  # ratio or partial_ratio (0-100) for near-verbatim wording
VERBATIM_MIN_CHARS = 30  # shorter sentences are not judged on wording alone
CONTENT_CONTAINMENT = 0.38  # IDF-weighted share of the shorter sentence's content found in the other
CONTENT_JACCARD = 0.22  # IDF-weighted overlap of both
FIGURE_CONTAINMENT = 0.30  # content shared by two sentences that report comparable counts
FIGURE_JACCARD = 0.12
FIGURE_CLOSENESS = 0.25  # counts within 25 % of each other are "the same figure, differently reported"

STOPWORDS = frozenset(
    """a an the and or but nor of to in on at by for with from as into onto about after before over under
    up out off than then there here this that these those it its it's they them their he him his she her hers
    we us our you your i me my who whom whose which what when where while why how is are was were be been being
    has have had do does did not no so such also just only very more most some any all each both either neither
    would could should will can may might must shall said says say according told""".split()
)

_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NON_WORD = re.compile(r"[^\w%$]+")
_COMPOUNDS = {"work force": "workforce", "health care": "healthcare", "e mail": "email", "web site": "website"}

_NUMBER = re.compile(
    r"(?P<money>\$)?(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<percent>\s?%| percent\b)?"
    r"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def normalize(text: str) -> str:
    """Text as compared: folded, acronyms and numbers unpunctuated, compounds closed."""
    folded = fold(text)
    folded = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), folded)
    folded = _THOUSANDS.sub("", folded)
    folded = " ".join(_NON_WORD.sub(" ", folded).split())
    for spaced, closed in _COMPOUNDS.items():
        folded = folded.replace(spaced, closed)
    return folded


def content_tokens(normalized: str) -> frozenset[str]:
    """Content words, crudely stemmed (plural s dropped, cut to 7 letters)."""
    tokens = set()
    for token in normalized.split():
        if token in STOPWORDS or len(token) < 2:
            continue
        if token.endswith("s") and len(token) > 3 and not token.endswith("ss"):
            token = token[:-1]
        tokens.add(token[:7])
    return frozenset(tokens)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as reported: its kind, value and where it is in the article."""

    kind: str  # count, money, percent, year
    value: float
    span: Span
    text: str


def figures(text: str, offset: int = 0) -> list[Figure]:
    """Counts, money, percentages and years in ``text`` (offsets shifted by ``offset``)."""
    found = []
    for match in _NUMBER.finditer(text):
        raw = match.group("value")
        value = float(raw.replace(",", ""))
        if match.group("scale"):
            value *= _SCALES[match.group("scale").lower()]
        if match.group("percent"):
            kind = "percent"
        elif match.group("money"):
            kind = "money"
        elif "," not in raw and "." not in raw and 1900 <= value <= 2100:
            kind = "year"
        else:
            kind = "count"
        span = Span(offset + match.start(), offset + match.end())
        found.append(Figure(kind, value, span, match.group(0)))
    return found


def _comparable(a: Figure, b: Figure) -> bool:
    """Same kind, same order of magnitude: two reports of one figure (equal or not)."""
    if a.kind != b.kind or a.kind == "year":
        return False
    if a.kind == "count" and min(a.value, b.value) < 100:
        return False  # small counts ("two years", "3 agencies") are rarely the same figure
    high = max(a.value, b.value)
    return high > 0 and abs(a.value - b.value) / high <= FIGURE_CLOSENESS


@dataclass(frozen=True, slots=True, eq=False)
class Unit:
    """A sentence of one article, ready to compare."""

    article: int  # index into the articles being aligned
    index: int  # sentence number within its article
    span: Span
    normalized: str
    tokens: frozenset[str]
    figures: tuple[Figure, ...]


@dataclass
class Passage:
    """A run of adjacent sentences of one article."""

    article: int
    first: int  # sentence numbers, inclusive
    last: int
    span: Span
    text: str
    figures: list[Figure] = field(default_factory=list)  # those that differ from a counterpart's


@dataclass
class Group:
    """Passages of several articles that report the same thing."""

    passages: list[Passage]
    score: float  # 0-1, the mean of the links that made the group
    kind: str  # near-verbatim or paraphrase


@dataclass
class Alignment:
    """The result: groups of shared passages, and each article's passages no other article has."""

    articles: list[Article]
    groups: list[Group]
    unique: list[list[Passage]]


def units_of(article: Article, number: int) -> list[Unit]:
    """The sentences worth comparing (not image placeholders, not fragments of one word)."""
    units = []
    for index, span in enumerate(sentences(article.text)):
        if any(f.start <= span.start < f.end for f in article.figures):
            continue
        text = article.text[span.start : span.end]
        normalized = normalize(text)
        tokens = content_tokens(normalized)
        if len(tokens) < 2:
            continue
        units.append(Unit(number, index, span, normalized, tokens, tuple(figures(text, span.start))))
    return units


@dataclass(frozen=True, slots=True, eq=False)
class Link:
    a: Unit
    b: Unit
    score: float
    verbatim: float  # best of ratio and partial_ratio, 0-100


def _idf(all_units: Sequence[Unit]) -> dict[str, float]:
    counts = Counter(token for unit in all_units for token in unit.tokens)
    total = len(all_units)
    return {token: math.log((total + 1) / (count + 0.5)) for token, count in counts.items()}


def _overlap(left: Sequence[frozenset[str]], right: Sequence[frozenset[str]], idf: dict[str, float]) -> tuple[Any, Any]:
    """IDF-weighted containment and Jaccard of every left/right pair of token sets, as matrices.

    Only tokens both sides use can overlap, so the matrices are built over that
    shared vocabulary, and one matrix product gives every pair's shared weight.
    """
    shared = sorted({t for tokens in left for t in tokens} & {t for tokens in right for t in tokens})
    column = {token: k for k, token in enumerate(shared)}
    weights = np.array([idf[t] for t in shared], dtype=np.float64)
    lhs = np.zeros((len(left), len(shared)), dtype=np.float64)
    rhs = np.zeros((len(right), len(shared)), dtype=np.float64)
    for matrix, sets in ((lhs, left), (rhs, right)):
        for row, tokens in enumerate(sets):
            for token in tokens:
                if token in column:
                    matrix[row, column[token]] = 1.0
    inter = (lhs * weights) @ rhs.T
    wa = np.array([sum(idf[t] for t in tokens) for tokens in left])[:, None]
    wb = np.array([sum(idf[t] for t in tokens) for tokens in right])[None, :]
    containment = inter / np.maximum(np.minimum(wa, wb), 1e-9)
    jaccard = inter / np.maximum(wa + wb - inter, 1e-9)
    return containment, jaccard


def _links(left: list[Unit], right: list[Unit], idf: dict[str, float]) -> list[Link]:
    if not left or not right:
        return []
    containment, jaccard = _overlap([u.tokens for u in left], [u.tokens for u in right], idf)
    # Only pairs sharing enough content are worth comparing word by word: near-verbatim
    # sentences share their content words too, so nothing is missed by skipping the rest.
    closer = (containment >= FIGURE_CONTAINMENT) & (jaccard >= FIGURE_JACCARD)
    links = []
    for i, j in zip(*np.nonzero(closer), strict=True):
        a, b = left[i], right[j]
        c, jac = float(containment[i, j]), float(jaccard[i, j])
        long_enough = min(len(a.normalized), len(b.normalized)) >= VERBATIM_MIN_CHARS
        verbatim = fuzz.ratio(a.normalized, b.normalized)
        if long_enough:
            verbatim = max(verbatim, fuzz.partial_ratio(a.normalized, b.normalized))
        content = (c + jac) / 2
        if (verbatim >= VERBATIM and long_enough) or (c >= CONTENT_CONTAINMENT and jac >= CONTENT_JACCARD):
            links.append(Link(a, b, max(verbatim / 100, content), verbatim))
        elif any(_comparable(x, y) for x in a.figures for y in b.figures):
            links.append(Link(a, b, content, verbatim))
    return links


def _figure_windows(units: list[list[Unit]], idf: dict[str, float]) -> list[Link]:
    """Figures reported in one sentence and explained in the next: compare a sentence with a pair.

    "The division had 2,290 special agents. Agents … are law enforcement officers …"
    reports what another outlet says in one sentence: "… 2,100 trained law enforcement
    officers …". The pair carries both the figure and the shared content.
    """
    links = []
    for left, right in itertools.permutations(range(len(units)), 2):
        following = {u.index: u for u in units[right]}
        reported = sorted((f.value, n) for n, u in enumerate(units[right]) for f in u.figures if f.kind != "year")
        values = [value for value, _ in reported]
        for a in units[left]:
            near: set[int] = set()
            for figure in a.figures:
                low = bisect.bisect_left(values, figure.value * (1 - FIGURE_CLOSENESS))
                high = bisect.bisect_right(values, figure.value / (1 - FIGURE_CLOSENESS))
                near.update(n for _, n in reported[low:high])
            for n in sorted(near):
                b = units[right][n]
                after = following.get(b.index + 1)
                if after is None or not any(_comparable(x, y) for x in a.figures for y in b.figures):
                    continue
                c, jac = _pair_overlap(a.tokens, b.tokens | after.tokens, idf)
                if c >= FIGURE_CONTAINMENT and jac >= FIGURE_JACCARD:
                    links += [Link(a, b, (c + jac) / 2, 0.0), Link(a, after, (c + jac) / 2, 0.0)]
    return links


def _pair_overlap(left: frozenset[str], right: frozenset[str], idf: dict[str, float]) -> tuple[float, float]:
    inter = sum(idf[t] for t in left & right)
    wa, wb = sum(idf[t] for t in left), sum(idf[t] for t in right)
    return inter / (min(wa, wb) or 1e-9), inter / ((wa + wb - inter) or 1e-9)


class _Groups:
    """Union-find over sentences that refuses unions joining two separate runs of one article."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}
        self.members: dict[tuple[int, int], set[tuple[int, int]]] = {}

    def find(self, key: tuple[int, int]) -> tuple[int, int]:
        self.parent.setdefault(key, key)
        self.members.setdefault(key, {key})
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        merged = self.members[ra] | self.members[rb]
        by_article: dict[int, list[int]] = {}
        for article, index in merged:
            by_article.setdefault(article, []).append(index)
        for indices in by_article.values():
            indices.sort()
            if indices[-1] - indices[0] != len(indices) - 1:
                return False  # two separate passages of one article: keep them apart
        self.parent[rb] = ra
        self.members[ra] = merged
        del self.members[rb]
        return True


def align(articles: Sequence[Article]) -> Alignment:
    """Align two or more articles."""
    units = [units_of(article, number) for number, article in enumerate(articles)]
    idf = _idf([u for per_article in units for u in per_article])
    links: list[Link] = []
    for left in range(len(units)):
        for right in range(left + 1, len(units)):
            links += _links(units[left], units[right], idf)
    links += _figure_windows(units, idf)
    links.sort(key=lambda link: -link.score)

    groups = _Groups()
    accepted: list[Link] = []
    for link in links:
        if groups.union((link.a.article, link.a.index), (link.b.article, link.b.index)):
            accepted.append(link)

    by_key = {(u.article, u.index): u for per_article in units for u in per_article}
    components: dict[tuple[int, int], list[Unit]] = {}
    for key in list(groups.parent):
        components.setdefault(groups.find(key), []).append(by_key[key])
    links_of: dict[tuple[int, int], list[Link]] = {}
    for link in accepted:
        links_of.setdefault(groups.find((link.a.article, link.a.index)), []).append(link)
    result: list[Group] = []
    grouped: set[tuple[int, int]] = set()
    for root, members in components.items():
        if len({u.article for u in members}) < 2:
            continue
        grouped.update((u.article, u.index) for u in members)
        mine = links_of[root]
        passages = [_passage(articles, sorted(us, key=lambda u: u.index)) for us in _by_article(members)]
        group = Group(passages, round(sum(link.score for link in mine) / len(mine), 3), _kind(passages))
        _flag_figures(group)
        result.append(group)
    result.sort(key=lambda g: (g.passages[0].article, g.passages[0].span.start))

    unique = [_unique_passages(articles, per_article, grouped) for per_article in units]
    return Alignment(list(articles), result, unique)


def _kind(passages: list[Passage]) -> str:
    """Near-verbatim when every two passages share their wording (one may quote part of the other)."""
    texts = [normalize(p.text) for p in passages]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if max(fuzz.ratio(a, b), fuzz.partial_ratio(a, b)) < VERBATIM:
                return "paraphrase"
    return "near-verbatim"


def _by_article(members: list[Unit]) -> list[list[Unit]]:
    per: dict[int, list[Unit]] = {}
    for unit in members:
        per.setdefault(unit.article, []).append(unit)
    return [per[k] for k in sorted(per)]


def _passage(articles: Sequence[Article], run: list[Unit]) -> Passage:
    article = articles[run[0].article]
    span = Span(run[0].span.start, run[-1].span.end)
    return Passage(run[0].article, run[0].index, run[-1].index, span, article.text[span.start : span.end])


def _flag_figures(group: Group) -> None:
    """Mark numbers that differ from a comparable number in another passage of the group."""
    per_passage = [figures(p.text, p.span.start) for p in group.passages]
    for number, found in enumerate(per_passage):
        others = [f for other, fs in enumerate(per_passage) if other != number for f in fs]
        group.passages[number].figures = [
            mine for mine in found if any(_comparable(mine, theirs) and mine.value != theirs.value for theirs in others)
        ]


def _unique_passages(articles: Sequence[Article], units: list[Unit], grouped: set[tuple[int, int]]) -> list[Passage]:
    """Runs of adjacent sentences with no counterpart, merged within a paragraph."""
    passages: list[Passage] = []
    run: list[Unit] = []
    for unit in units:
        if (unit.article, unit.index) in grouped:
            if run:
                passages.append(_passage(articles, run))
            run = []
            continue
        same_paragraph = run and "\n" not in articles[unit.article].text[run[-1].span.end : unit.span.start]
        if run and (unit.index != run[-1].index + 1 or not same_paragraph):
            passages.append(_passage(articles, run))
            run = []
        run.append(unit)
    if run:
        passages.append(_passage(articles, run))
    return passages


def as_json(alignment: Alignment, *, path: Callable[[Article], str] = lambda a: str(a.path)) -> dict[str, Any]:
    """The alignment as plain data (what ``newsreader align --json`` prints)."""
    articles = alignment.articles

    def passage(p: Passage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "article": articles[p.article].id,
            "start": p.span.start,
            "end": p.span.end,
            "text": p.text,
        }
        if p.figures:
            data["figures"] = [
                {"text": f.text, "kind": f.kind, "value": f.value, "start": f.span.start, "end": f.span.end}
                for f in p.figures
            ]
        return data

    return {
        "articles": [{"id": a.id, "path": path(a), "title": a.meta.title, "outlet": a.meta.outlet} for a in articles],
        "groups": [
            {"score": g.score, "kind": g.kind, "passages": [passage(p) for p in g.passages]} for g in alignment.groups
        ],
        "unique": [
            {"article": articles[n].id, "passages": [passage(p) for p in unique]}
            for n, unique in enumerate(alignment.unique)
        ],
    }
