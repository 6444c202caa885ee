"""Cross-source alignment: which passages outlets share, which only one reports, which figures differ.

Each article is split into sentences, and each sentence and each pair of adjacent
sentences is a *window*: a passage of one or two sentences may link to one of one
or two. Windows are compared on terms normalized for what differs only in form
between outlets: case, quotes and accents; organisations and their abbreviations
(``Internal Revenue Service (IRS)`` read from the texts, plus a small built-in list);
``Department of the Treasury`` / ``Treasury Department``; dates (``Feb. 7`` /
``February 7``); numbers (``2,100`` / ``2100``, ``10%`` / ``10 percent``); and
lemmas (simplemma, whose dictionaries ship inside its package).

Two windows are scored on wording (rapidfuzz, for near-verbatim passages such as a
quote every outlet prints) and on content: the overlap of their terms weighted by
how rare each is across the sentences aligned (IDF), computed for every pair of
sentences that share a term through an inverted index. A link needs shared *specific* content: names, organisations,
figures, dates or rare words, never only common words. Figures count as shared
content only when of the same kind (what they count, their currency).

Links are merged into groups strongest first, never joining two separate runs of
one article, never more than two sentences of one article, and a two-sentence window
links only if each of its sentences shares specific content with the other side, so
a neighbouring sentence about something else is not dragged in. Precision comes
first: a wrong link is worse than a missing one.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from rapidfuzz import fuzz

from tui.core.article import Article
from tui.core.passages import Span, sentences
from tui.core.search import OPEN_COMPOUNDS, fold

VERBATIM = 85.0  # ratio or partial_ratio (0-100) for near-verbatim wording
VERBATIM_MIN_CHARS = 30  # shorter sentences are not judged on wording alone
CONTENT_CONTAINMENT = 0.34  # IDF-weighted share of the smaller window's terms found in the other
CONTENT_JACCARD = 0.20  # IDF-weighted overlap of both
FIGURE_CONTAINMENT = 0.26  # windows reporting a comparable figure (same kind, within 25 %)
FIGURE_JACCARD = 0.12
FIGURE_CLOSENESS = 0.25  # counts within 25 % of each other are "the same figure, differently reported"
SPECIFIC_MIN = 2  # specific terms two windows must share (a comparable figure counts as one)
RARE_PER_ARTICLE = 2  # a word in at most this many sentences per article aligned is rare
MAX_RUN = 2  # sentences of one article in one group
PAIR_GAIN = 1.3
SENTENCE_CANDIDATE = 0.2  # two sentences sharing less content are not the start of a link
LEDE_SHARED = 4  # terms two ledes must share
LEDE_CONTAINMENT = 0.15  # a two-sentence window must score this much better than its better sentence alone

STOPWORDS = frozenset(
    """a an the and or but nor of to in on at by for with from as into onto about after before over under
    up out off than then there here this that these those it its it's they them their he him his she her hers
    we us our you your i me my who whom whose which what when where while why how is are was were be been being
    has have had do does did not no so such also just only very more most some any all each both either neither
    would could should will can may might must shall said says say according told tell s t
    like including include includes other others another new former recent last next many much several
    one two three four five first second third since because however among against through during though
    although across around within without between amid per via get got make made take took go went come came
    use used way part even still well yet again back now then ago week weeks year years month months day days
    time times people thing things lot mr mrs ms dr""".split()
)
# Verbs and adjectives so common in news that sharing them says nothing about which fact is told.
COMMON_WORDS = frozenset(
    """write wrote written note cite add ask want need seek try help work move begin start end keep give put
    show find know think see look call run set turn become remain seem lead leave let mean hold bring happen
    provide include follow continue change report describe suggest expect plan decide allow offer serve
    good great big small large high low long short early late major key top full whole certain likely able
    own same different important possible public federal national local""".split()
)

# Organisations every outlet names one way or another: abbreviation -> long forms (folded,
# after "Department of the X" became "X department").
ORGANISATIONS = {
    "dhs": ("homeland security department", "homeland security"),
    "irs": ("internal revenue service",),
    "fbi": ("federal bureau of investigation",),
    "ice": ("immigration and customs enforcement",),
    "cbp": ("customs and border protection",),
    "doj": ("justice department",),
    "dod": ("defense department",),
    "doge": ("government efficiency department",),
    "cia": ("central intelligence agency",),
    "nsa": ("national security agency",),
    "dea": ("drug enforcement administration",),
    "atf": ("bureau of alcohol tobacco firearms and explosives",),
    "fema": ("federal emergency management agency",),
    "epa": ("environmental protection agency",),
    "fda": ("food and drug administration",),
    "cdc": ("centers for disease control and prevention", "centers for disease control"),
    "sec": ("securities and exchange commission",),
    "ftc": ("federal trade commission",),
    "faa": ("federal aviation administration",),
    "nasa": ("national aeronautics and space administration",),
    "gao": ("government accountability office",),
    "cbo": ("congressional budget office",),
    "un": ("united nations",),
    "eu": ("european union",),
    "nato": ("north atlantic treaty organization",),
    "imf": ("international monetary fund",),
    "who": ("world health organization",),
}
_DEPARTMENTS = (
    "homeland security|treasury|justice|defense|state|labor|commerce|energy|education|agriculture|interior|"
    "transportation|veterans affairs|health and human services|housing and urban development|government efficiency"
)
_DEPARTMENT_OF = re.compile(rf"\bdepartment of (?:the )?({_DEPARTMENTS})\b")
# "Internal Revenue Service (IRS)": a name of capitalized words, then its abbreviation in parentheses.
_DEFINED = re.compile(
    r"((?:[A-Z][\w'’&.-]*\s+(?:(?:of|and|for|the|on|&)\s+)*)*[A-Z][\w'’-]*)\s+\(([A-Z][A-Za-z.&]{1,7})\)"
)
_NAME_FILLERS = frozenset({"of", "and", "for", "the", "on", "&"})

_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
_POSSESSIVE = re.compile(r"'s\b")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_PERCENT = re.compile(r"(\d)\s?(?:%|percent\b|per cent\b)")
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_NAMES = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(rf"\b(?:({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\.?)(?!\d)")
_DATE_CASED = re.compile(
    rf"\b(?:({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\.?)(?![\d])",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w]+")
_DIGIT = re.compile(r"\d")
_CAPITALIZED = re.compile(r"(?<=[\w,;’'”\"] )[A-Z][\w’'-]*")


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A word's dictionary form (simplemma's English dictionary, inside the package: nothing is downloaded)."""
    import simplemma  # imported here: only aligning needs it, and its dictionary takes a moment to load

    return simplemma.lemmatize(word, lang="en").lower()


def _organisation_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    if not names:
        return None
    forms = sorted(names, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(form) for form in forms) + r")\b")


def defined_abbreviations(text: str) -> dict[str, str]:
    """Organisations a text abbreviates itself ("Internal Revenue Service (IRS)"): long form -> abbreviation."""
    found = {}
    for match in _DEFINED.finditer(text):
        words, abbreviation = match.group(1).split(), match.group(2).replace(".", "").lower()
        for start in range(len(words)):
            name = words[start:]
            initials = "".join(w[0] for w in name if w.lower() not in _NAME_FILLERS).lower()
            if initials == abbreviation or (
                initials.startswith(abbreviation[0]) and _subsequence(abbreviation, initials)
            ):
                if len(name) >= 2:
                    found[normalize_form(" ".join(name))] = abbreviation
                break
    return found


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(c in letters for c in short) and len(short) >= len(long) - 1


def normalize_form(text: str) -> str:
    """Text folded and unpunctuated, acronyms closed up (``D.H.S.`` -> ``dhs``), possessives dropped."""
    folded = fold(text)
    folded = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), folded)
    folded = _POSSESSIVE.sub("", folded)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def normalize(
    text: str,
    organisations: re.Pattern[str] | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """Text as compared: folded, names of organisations abbreviated, dates, numbers and compounds in one form."""
    folded = fold(text)
    if "." in folded:
        folded = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), folded)
    if "'" in folded:
        folded = _POSSESSIVE.sub("", folded)
    if _DIGIT.search(folded):
        folded = _THOUSANDS.sub("", folded)
        folded = _PERCENT.sub(r"\1pct", folded)
        folded = _DATE.sub(_date_token, folded)
    folded = " ".join(_NON_WORD.sub(" ", folded).split())
    for spaced, closed in OPEN_COMPOUNDS.items():
        folded = folded.replace(spaced, closed)
    if "department of" in folded:
        folded = _DEPARTMENT_OF.sub(r"\1 department", folded)
    if organisations is not None and names is not None and not _first_words(names).isdisjoint(folded.split()):
        folded = organisations.sub(lambda m: names[m.group(0)], folded)
    return folded


@lru_cache(maxsize=16)
def _first_words_of(forms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(form.split()[0] for form in forms)


def _first_words(names: dict[str, str]) -> frozenset[str]:
    """The words organisations' long names start with: a sentence without any needs no substitution."""
    return _first_words_of(tuple(names))


def _date_token(match: re.Match[str]) -> str:
    month = match.group(1) or match.group(4)
    day = match.group(2) or match.group(3)
    return f" date{_MONTHS[month.lower()]:02d}{int(day):02d} "


FigureKind = Literal["count", "money", "percent", "year", "date"]
GroupKind = Literal["near-verbatim", "paraphrase"]  # every two passages share their wording, or not


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as reported: its kind, value, what it counts and where it is in the article."""

    kind: FigureKind
    value: float
    span: Span
    text: str  # the number as printed ("2,290", "$80 billion", "Feb. 7")
    what: str = ""  # what a count counts, as printed ("special agents"); a sum's currency
    unit: str = ""  # what is compared: the counted noun's class ("officer"), the currency ("USD")

    @property
    def label(self) -> str:
        """The figure with what it counts: "2,290 special agents"."""
        return f"{self.text} {self.what}" if self.kind == "count" and self.what else self.text

    @property
    def key(self) -> tuple[str, str] | None:
        """What this figure is compared with: figures of the same kind and unit; None for no comparison."""
        if self.kind == "year" or (self.kind == "count" and not self.unit):
            return None
        return (self.kind, self.unit)


_NUMBER = re.compile(
    r"(?P<money>[$€£])?(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?P<percent>\s?%| percent\b| per cent\b)?"
    r"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?(?:\s(?P<currency>dollars|euros|pounds)\b)?",
    re.IGNORECASE,
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "dollars": "USD", "euros": "EUR", "pounds": "GBP"}
_AFTER = re.compile(r"\s+([A-Za-z][\w’'-]*)")
# Nouns counted without a plural -s, and classes of nouns that count the same thing.
_UNCOUNTED = frozenset({"personnel", "staff", "people", "police", "troops", "children", "men", "women", "workforce"})
_SAME_COUNT = {
    "agent": "officer",
    "officer": "officer",
    "investigator": "officer",
    "employee": "employee",
    "staffer": "employee",
    "staff": "employee",
    "person": "people",
    "people": "people",
    "resident": "people",
}


def figures(text: str, offset: int = 0) -> list[Figure]:
    """Counts (with what they count), money (with its currency), percentages, dates and years in ``text``."""
    if _DIGIT.search(text) is None:
        return []
    found = []
    dates = [m.span() for m in _DATE_CASED.finditer(text)]
    for match in _DATE_CASED.finditer(text):
        month = (match.group(1) or match.group(4)).lower()
        day = int(match.group(2) or match.group(3))
        if 1 <= day <= 31:
            span = Span(offset + match.start(), offset + match.end())
            found.append(Figure("date", _MONTHS[month] * 100 + day, span, match.group(0), unit="date"))
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in dates):
            continue
        raw = match.group("value")
        value = float(raw.replace(",", ""))
        if match.group("scale"):
            value *= _SCALES[match.group("scale").lower()]
        what = unit = ""
        kind: FigureKind
        if match.group("percent"):
            kind, unit = "percent", "percent"
        elif match.group("money") or match.group("currency"):
            kind = "money"
            unit = what = _CURRENCIES[(match.group("money") or match.group("currency")).lower()]
        elif "," not in raw and "." not in raw and 1900 <= value <= 2100 and not _counted(text, match.end())[0]:
            kind = "year"
        else:
            kind = "count"
            what, unit = _counted(text, match.end())
        span = Span(offset + match.start(), offset + match.end())
        found.append(Figure(kind, value, span, match.group(0), what, unit))
    found.sort(key=lambda f: f.span.start)
    return found


def _counted(text: str, position: int) -> tuple[str, str]:
    """What the count ending at ``position`` counts: "2,290 special agents" -> ("special agents", "officer").

    The counted noun is the first plural (or a noun such as "personnel") among the next
    four words, before any punctuation or function word; without one, nothing is compared.
    """
    words = []
    for _ in range(4):
        match = _AFTER.match(text, position)
        if match is None:
            break
        word = match.group(1)
        lower = word.lower()
        if lower in STOPWORDS and lower not in _UNCOUNTED:
            break
        words.append(word)
        position = match.end()
        if word.isupper() and len(word) > 1:
            continue  # "87,000 IRS agents": an abbreviation is not the noun counted
        if lower in _UNCOUNTED or (lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3):
            head = lemma(lower)
            return " ".join(words), _SAME_COUNT.get(head, head)
    return "", ""


def _comparable(a: Figure, b: Figure) -> bool:
    """Two reports of one figure (equal or not): same kind and unit, same order of magnitude."""
    key = a.key
    if key is None or key != b.key:
        return False
    if a.kind == "date":
        return True
    high = max(a.value, b.value)
    return high > 0 and abs(a.value - b.value) / high <= FIGURE_CLOSENESS


@dataclass(frozen=True, slots=True, eq=False)
class Window:
    """One sentence of one article, or two adjacent ones, ready to compare."""

    article: int  # index into the articles being aligned
    first: int  # sentence numbers, inclusive
    last: int
    span: Span
    normalized: str
    terms: frozenset[str]
    figures: tuple[Figure, ...]
    parts: tuple[frozenset[str], ...]  # each sentence's terms (one, or two for a pair)
    split: int = 0  # where a pair's second sentence starts


@dataclass
class Passage:
    """A run of adjacent sentences of one article."""

    article: int
    first: int  # sentence numbers, inclusive
    last: int
    span: Span
    text: str
    figures: list[Figure] = field(default_factory=list)  # those that differ from a counterpart's


@dataclass(frozen=True, slots=True)
class Reported:
    """One outlet's value in a difference: the figure and which of the group's passages has it."""

    article: int
    passage: int
    figure: Figure


@dataclass(frozen=True, slots=True)
class Difference:
    """Outlets reporting a figure of one kind differently, each outlet named once."""

    kind: str  # "count of officer", "money (USD)", "percent", "date"
    values: tuple[Reported, ...]

    def describe(self, names: Sequence[str] | None = None) -> str:
        """``2,100 officers vs 2,290 special agents`` (each followed by its outlet when ``names`` are given)."""
        parts = [r.figure.label + (f" ({names[r.article]})" if names else "") for r in self.values]
        return " vs ".join(parts)


@dataclass
class Group:
    """Passages of several articles that report the same thing, and why they were linked."""

    passages: list[Passage]
    score: float  # 0-1, the mean of the links that made the group
    kind: GroupKind
    shared: list[str] = field(default_factory=list)  # the specific terms the links shared, rarest first
    differences: list[Difference] = field(default_factory=list)


@dataclass
class Alignment:
    """The result: groups of shared passages, and each article's passages no other article has."""

    articles: list[Article]
    groups: list[Group]
    unique: list[list[Passage]]


class Vocabulary:
    """What the articles aligned say about their words: organisations, names, how rare each term is."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.names = {form: abbreviation for abbreviation, forms in ORGANISATIONS.items() for form in forms}
        for article in articles:
            self.names.update(defined_abbreviations(article.text))
        self.abbreviations = set(self.names.values())
        self.pattern = _organisation_pattern(self.names)
        self.display: dict[str, str] = {a: a.upper() for a in self.abbreviations}
        self.capitalized: set[str] = set()
        for article in articles:
            for match in _CAPITALIZED.finditer(article.text):
                word = match.group(0)
                self.capitalized.add(fold(word).replace("’", "'").split("'")[0])
        self.df: Counter[str] = Counter()
        self.total = 0
        self.idf: dict[str, float] = {}
        self.rare_df = RARE_PER_ARTICLE * max(len(articles), 3)  # two short articles: still a handful
        self._specific: set[str] = set()
        self._term_of: dict[str, str] = {}

    def terms(self, normalized: str) -> frozenset[str]:
        """Content terms: lemmas cut to seven letters; figures, dates and abbreviations whole."""
        term_of = self._term_of
        found = set()
        for word in normalized.split():
            if word in term_of:
                term = term_of[word]
            else:
                term = term_of[word] = self._term(word)
            if term:
                found.add(term)
        return frozenset(found)

    def _term(self, word: str) -> str:
        """A word's term, or "" for a word that says nothing about the fact."""
        if word in STOPWORDS or len(word) < 2:
            return ""
        if word in self.abbreviations or _figure_term(word):
            term = word
            if term not in self.display:
                self.display[term] = _display_number(term)
            return term
        base = lemma(word)
        if base in STOPWORDS or base in COMMON_WORDS:
            return ""
        term = base[:7]
        if term not in self.display:  # shown as first written: "requested", "Bessent"
            self.display[term] = word.capitalize() if word in self.capitalized else word
        return term

    def count(self, sentence_terms: Iterable[frozenset[str]]) -> None:
        for terms in sentence_terms:
            self.df.update(terms)
            self.total += 1
        self.idf = {t: math.log((self.total + 1) / (n + 0.5)) for t, n in self.df.items()}
        self._specific = {t for t in self.df if self._is_specific(t)}

    def weight(self, terms: Iterable[str]) -> float:
        return sum(self.idf[t] for t in terms)

    def specific(self, term: str) -> bool:
        """Names, organisations, figures and dates, and words rare in these articles: what identifies a fact."""
        return term in self._specific

    def _is_specific(self, term: str) -> bool:
        if _figure_term(term):
            return True
        count = self.df[term]
        if count <= self.rare_df:
            return True
        named = term in self.abbreviations or self.display.get(term, "")[:1].isupper()
        return named and count <= self.total / 6


def _display_number(term: str) -> str:
    if term.startswith("date") and len(term) == 8 and term[4:].isdigit():
        month, day = int(term[4:6]), int(term[6:])
        return f"{_MONTH_NAMES[month]} {day}" if 1 <= month <= 12 else term
    if term.endswith("pct"):
        return term[:-3] + "%"
    return f"{int(term):,}" if term.isdigit() and len(term) > 4 else term


@dataclass(frozen=True, slots=True, eq=False)
class Link:
    a: Window
    b: Window
    score: float
    verbatim: float  # best of ratio and partial_ratio, 0-100
    shared: frozenset[str]
    figure: bool = False  # both report a comparable figure
    lede: bool = False  # the first sentences of two articles: linked first


def _sentences_of(article: Article, number: int, vocabulary: Vocabulary) -> list[Window]:
    """The sentences worth comparing (not image placeholders, not fragments of one word)."""
    found = []
    for index, span in enumerate(sentences(article.text)):
        if any(f.start <= span.start < f.end for f in article.figures):
            continue
        text = article.text[span.start : span.end]
        normalized = normalize(text, vocabulary.pattern, vocabulary.names)
        terms = vocabulary.terms(normalized)
        if len(terms) < 2:
            continue
        found.append(Window(number, index, index, span, normalized, terms, tuple(figures(text, span.start)), (terms,)))
    return found


def _windows(singles: list[Window]) -> list[Window]:
    """Every sentence, and every two adjacent sentences."""
    found = list(singles)
    for a, b in itertools.pairwise(singles):
        if b.first == a.last + 1:
            span = Span(a.span.start, b.span.end)
            found.append(
                Window(
                    a.article, a.first, b.last, span, f"{a.normalized} {b.normalized}", a.terms | b.terms,
                    a.figures + b.figures, (a.terms, b.terms), b.span.start,
                )
            )  # fmt: skip
    return found


def _links(left: list[Window], right: list[Window], vocabulary: Vocabulary) -> list[Link]:
    """The links between two articles' windows.

    An inverted index of terms scores the shared content of every two sentences that
    share any (sentences hold a few dozen of thousands of terms, so this is far less
    work than a dense matrix product); only the windows around sentence pairs that
    share enough are judged, so a fact told across two sentences is found without
    scoring every pair of windows.
    """
    singles_left = [w for w in left if w.first == w.last]
    singles_right = [w for w in right if w.first == w.last]
    if not singles_left or not singles_right:
        return []
    around_left = _around(left)
    around_right = _around(right)
    judged: set[tuple[int, int]] = set()
    weights_of: dict[int, float] = {}

    def weight_of(window: Window) -> float:
        weight = weights_of.get(id(window))
        if weight is None:
            weight = weights_of[id(window)] = vocabulary.weight(window.terms)
        return weight

    links = []
    candidates = _sentence_candidates(singles_left, singles_right, vocabulary)
    candidates |= _figure_candidates(singles_left, singles_right)
    for i, j in sorted(candidates):
        for a in around_left[singles_left[i].first]:
            for b in around_right[singles_right[j].first]:
                if (id(a), id(b)) in judged:
                    continue
                judged.add((id(a), id(b)))
                inter_ab = vocabulary.weight(a.terms & b.terms)
                if a.figures and b.figures:
                    inter_ab += _figure_weight(a, b, vocabulary)
                wa_, wb_ = weight_of(a), weight_of(b)
                c, jac = inter_ab / (min(wa_, wb_) or 1e-9), inter_ab / ((wa_ + wb_ - inter_ab) or 1e-9)
                # Near-verbatim sentences share their content words too: nothing is missed
                # by looking no closer at pairs that share too little.
                if c < FIGURE_CONTAINMENT or jac < FIGURE_JACCARD:
                    continue
                link = _judge(a, b, c, jac, vocabulary)
                if link is not None:
                    links.append(link)
    return links


def _sentence_candidates(left: list[Window], right: list[Window], vocabulary: Vocabulary) -> set[tuple[int, int]]:
    """Sentence pairs (by index) whose shared terms weigh enough, found through an inverted index."""
    idf = vocabulary.idf
    postings: dict[str, list[int]] = {}
    for j, window in enumerate(right):
        for term in window.terms:
            postings.setdefault(term, []).append(j)
    inter: dict[int, float] = {}  # keyed i * width + j
    width = len(right)
    for i, window in enumerate(left):
        row = i * width
        for term in window.terms:
            right_ones = postings.get(term)
            if right_ones:
                weight = idf[term]
                for j in right_ones:
                    inter[row + j] = inter.get(row + j, 0.0) + weight
    wa = [vocabulary.weight(w.terms) for w in left]
    wb = [vocabulary.weight(w.terms) for w in right]
    return {
        divmod(key, width)
        for key, shared in inter.items()
        if shared >= SENTENCE_CANDIDATE * min(wa[key // width], wb[key % width])
    }


def _figure_candidates(left: list[Window], right: list[Window]) -> set[tuple[int, int]]:
    """Sentence pairs reporting a comparable figure (same kind, within 25 %): worth a closer look
    even when they share few words, as outlets disagreeing on a number is what a fact-checker needs."""
    by_key: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for j, window in enumerate(right):
        for figure in window.figures:
            if figure.key is not None:
                by_key.setdefault(figure.key, []).append((figure.value, j))
    found = set()
    for i, window in enumerate(left):
        for figure in window.figures:
            for value, j in by_key.get(figure.key, ()) if figure.key is not None else ():
                high = max(value, figure.value)
                if high > 0 and abs(value - figure.value) / high <= FIGURE_CLOSENESS:
                    found.add((i, j))
    return found


def _figure_weight(a: Window, b: Window, vocabulary: Vocabulary) -> float:
    """Two reports of one figure that differ count as shared content: "38,000 vehicles" / "40,000 vehicles"."""
    for x in a.figures:
        for y in b.figures:
            if x.value != y.value and _comparable(x, y):
                terms = [_figure_token(x), _figure_token(y)]
                return min((vocabulary.idf.get(t, 0.0) for t in terms), default=0.0)
    return 0.0


def _figure_token(figure: Figure) -> str:
    """The term a figure's number became when normalized ("2,100" -> "2100", "10%" -> "10pct")."""
    number = figure.text.lstrip("$€£").split()[0].split("%")[0].replace(",", "")
    return number + "pct" if figure.kind == "percent" else number


def _around(windows: list[Window]) -> dict[int, list[Window]]:
    """For each sentence, the windows holding it."""
    found: dict[int, list[Window]] = {}
    for window in windows:
        for n in range(window.first, window.last + 1):
            found.setdefault(n, []).append(window)
    return found


def _judge(a: Window, b: Window, c: float, jac: float, vocabulary: Vocabulary) -> Link | None:
    """A link between two windows, or None: near-verbatim, shared rare content, or a comparable figure."""
    shared = a.terms & b.terms
    specific = frozenset(t for t in shared if vocabulary.specific(t) and not _figure_term(t))
    figure = next(((x, y) for x in a.figures for y in b.figures if _comparable(x, y)), None)
    equal_figures = {
        t for t in shared if _figure_term(t) and _agreeing_figure(t, a, b)
    }  # a number both print, for the same kind of thing
    evidence = len(specific) + len(equal_figures) + (1 if figure else 0)
    if evidence < SPECIFIC_MIN and not (figure and specific):
        return None
    single = a.first == a.last and b.first == b.last
    verbatim = 0.0
    long_enough = min(len(a.normalized), len(b.normalized)) >= VERBATIM_MIN_CHARS
    if single:
        verbatim = fuzz.ratio(a.normalized, b.normalized)
        if long_enough:
            verbatim = max(verbatim, fuzz.partial_ratio(a.normalized, b.normalized))
    else:
        for window, other in ((a, b), (b, a)):
            if len(window.parts) == 2 and not _both_tell(window, other, vocabulary):
                return None
    content = (c + jac) / 2
    shown = specific | equal_figures
    if single and verbatim >= VERBATIM and long_enough:
        return Link(a, b, max(verbatim / 100, content), verbatim, shown, figure is not None)
    if c >= CONTENT_CONTAINMENT and jac >= CONTENT_JACCARD:
        return Link(a, b, content, verbatim, shown, figure is not None)
    if figure and c >= FIGURE_CONTAINMENT and jac >= FIGURE_JACCARD:
        return Link(a, b, content, verbatim, shown, True)
    return None


def _ledes(windows: list[list[Window]], vocabulary: Vocabulary) -> list[Link]:
    """The first sentences of reports of one story tell its news: they link on shared content alone.

    A lede names the story's main actors and act, which are the words every other
    sentence uses too, so they are rarely *specific*; the position says what they are.
    """
    links = []
    firsts = [next((w for w in per_article if w.first == w.last), None) for per_article in windows]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1 :]:
            if a is None or b is None:
                continue
            c, jac = _pair_overlap(a.terms, b.terms, vocabulary.idf)
            shared = a.terms & b.terms
            if len(shared) >= LEDE_SHARED and c >= LEDE_CONTAINMENT:
                shown = frozenset(t for t in shared if vocabulary.specific(t)) or shared
                links.append(Link(a, b, (c + jac) / 2, 0.0, shown, lede=True))
    return links


def _pair_overlap(left: frozenset[str], right: frozenset[str], idf: dict[str, float]) -> tuple[float, float]:
    inter = sum(idf[t] for t in left & right)
    wa, wb = sum(idf[t] for t in left), sum(idf[t] for t in right)
    return inter / (min(wa, wb) or 1e-9), inter / ((wa + wb - inter) or 1e-9)


def _both_tell(pair: Window, other: Window, vocabulary: Vocabulary) -> bool:
    """Each sentence of a pair shares with the other window something specific the other sentence does not:
    a fact told across two sentences, not a neighbour about something else dragged in."""
    sentences_figures = _split_figures(pair)
    first, second = pair.parts
    for part, rest, own in ((first, second, sentences_figures[0]), (second, first, sentences_figures[1])):
        contributed = [t for t in (part & other.terms) - rest if vocabulary.specific(t)]
        figure = any(_comparable(x, y) for x in own for y in other.figures)
        if len(contributed) < SPECIFIC_MIN and not figure:
            return False
    return True


def _split_figures(pair: Window) -> tuple[tuple[Figure, ...], tuple[Figure, ...]]:
    first: list[Figure] = []
    second: list[Figure] = []
    for figure in pair.figures:
        (first if figure.span.start < pair.split else second).append(figure)
    return tuple(first), tuple(second)


def _figure_term(term: str) -> bool:
    """A term holding a digit: a number, a percentage, a date."""
    return not term.isalpha() and _DIGIT.search(term) is not None


def _agreeing_figure(term: str, a: Window, b: Window) -> bool:
    """A shared number counts as shared content only where both report it as the same kind of thing."""
    if term.startswith("date"):
        return True
    digits = term.removesuffix("pct")
    try:
        value = float(digits)
    except ValueError:
        return False
    keys_a = {f.key for f in a.figures if f.value == value or f.value == value * 1e3 or _scaled(f, value)}
    keys_b = {f.key for f in b.figures if f.value == value or f.value == value * 1e3 or _scaled(f, value)}
    return bool((keys_a & keys_b) - {None})


def _scaled(figure: Figure, value: float) -> bool:
    return any(abs(figure.value - value * scale) < 1e-6 for scale in _SCALES.values())


class _Groups:
    """Union-find over sentences that keeps each article's part of a group one short run."""

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

    def union(self, left: list[tuple[int, int]], right: list[tuple[int, int]]) -> bool:
        """Join two linked windows' sentences into one group, unless that would join two facts,
        break a run of one article, or make one too long."""
        keys = left + right
        roots = {self.find(key) for key in keys}
        merged = set().union(*(self.members[root] for root in roots))
        facts = [root for root in roots if len({article for article, _ in self.members[root]}) > 1]
        if len(facts) > 1:
            return False  # two groups, each a fact several outlets report: one group holds one fact
        if facts and not any(all(self.find(k) == facts[0] for k in side) for side in (left, right)):
            return False  # neither window is that fact already: extending it would drag in something else
        by_article: dict[int, list[int]] = {}
        for article, index in merged:
            by_article.setdefault(article, []).append(index)
        for indices in by_article.values():
            indices.sort()
            if indices[-1] - indices[0] != len(indices) - 1 or len(indices) > MAX_RUN:
                return False  # two separate passages of one article, or too long a run: keep them apart
        root, *others = sorted(roots)
        for other in others:
            self.parent[other] = root
            del self.members[other]
        self.members[root] = merged
        return True


def align(articles: Sequence[Article]) -> Alignment:
    """Align two or more articles."""
    vocabulary = Vocabulary(articles)
    singles = [_sentences_of(article, number, vocabulary) for number, article in enumerate(articles)]
    vocabulary.count(w.terms for per_article in singles for w in per_article)
    windows = [_windows(per_article) for per_article in singles]
    links: list[Link] = []
    for left in range(len(windows)):
        for right in range(left + 1, len(windows)):
            links += _links(windows[left], windows[right], vocabulary)
    links = _prefer_single(links + _ledes(windows, vocabulary), vocabulary)
    links.sort(
        key=lambda link: (not link.lede, -link.score, link.a.article, link.a.first, link.b.article, link.b.first)
    )

    groups = _Groups()
    accepted: list[Link] = []
    for link in links:
        left = [(link.a.article, n) for n in range(link.a.first, link.a.last + 1)]
        right = [(link.b.article, n) for n in range(link.b.first, link.b.last + 1)]
        if groups.union(left, right):
            accepted.append(link)

    by_key = {(w.article, w.first): w for per_article in singles for w in per_article}
    components: dict[tuple[int, int], list[Window]] = {}
    for key in list(groups.parent):
        components.setdefault(groups.find(key), []).append(by_key[key])
    links_of: dict[tuple[int, int], list[Link]] = {}
    for link in accepted:
        links_of.setdefault(groups.find((link.a.article, link.a.first)), []).append(link)
    result: list[Group] = []
    grouped: set[tuple[int, int]] = set()
    for root, members in components.items():
        if len({w.article for w in members}) < 2:
            continue
        grouped.update((w.article, w.first) for w in members)
        mine = links_of[root]
        passages = [_passage_spanning(articles, sorted(ws, key=lambda w: w.first)) for ws in _by_article(members)]
        shared = sorted(
            {t for link in mine for t in link.shared}, key=lambda t: (-vocabulary.idf.get(t, 0), vocabulary.display[t])
        )
        group = Group(
            passages,
            round(sum(link.score for link in mine) / len(mine), 3),
            _kind(passages),
            [vocabulary.display[t] for t in shared],
        )
        _compare_figures(group)
        result.append(group)
    result.sort(key=lambda g: (g.passages[0].article, g.passages[0].span.start))

    unique = [_unique_passages(articles, per_article, grouped) for per_article in singles]
    return Alignment(list(articles), result, unique)


class _SentenceLinks:
    """The links between single sentences, looked up to judge a link of a two-sentence window."""

    def __init__(self, links: list[Link]) -> None:
        self.elsewhere: dict[tuple[int, int, int], list[tuple[float, int]]] = {}  # a sentence's scores, per article
        self.alone: dict[tuple[int, int, int, int], float] = {}
        self.with_figure: set[tuple[int, int, int, int]] = set()
        for link in links:
            a, b = link.a, link.b
            if a.first == a.last and b.first == b.last:
                self.elsewhere.setdefault((a.article, a.first, b.article), []).append((link.score, b.first))
                self.elsewhere.setdefault((b.article, b.first, a.article), []).append((link.score, a.first))
                key = (a.article, a.first, b.article, b.first)
                self.alone[key] = link.score
                if link.figure:
                    self.with_figure.add(key)

    def _pairs(self, link: Link) -> Iterator[tuple[int, int, int, int]]:
        a, b = link.a, link.b
        return ((a.article, m, b.article, n) for m in range(a.first, a.last + 1) for n in range(b.first, b.last + 1))

    def best(self, link: Link) -> float:
        """The best score of the window's sentences linked alone."""
        return max((self.alone.get(key, 0.0) for key in self._pairs(link)), default=0.0)

    def best_has_figure(self, link: Link) -> bool:
        return any(key in self.with_figure for key in self._pairs(link))

    def belongs_elsewhere(self, pair: Window, other: Window, vocabulary: Vocabulary) -> bool:
        """Whether a sentence of ``pair`` tells another fact, found elsewhere in ``other``'s article."""
        for sentence, terms in zip(range(pair.first, pair.last + 1), pair.parts, strict=True):
            c, jac = _pair_overlap(terms, other.terms, vocabulary.idf)
            best = max(
                (
                    score
                    for score, n in self.elsewhere.get((pair.article, sentence, other.article), ())
                    if not other.first <= n <= other.last
                ),
                default=0.0,
            )
            if best > (c + jac) / 2:
                return True
        return False


def _prefer_single(links: list[Link], vocabulary: Vocabulary) -> list[Link]:
    """Drop a two-sentence window's link unless it beats what its sentences link to alone,
    and unless each of its sentences shares more with the other side than with anything else.

    A pair of sentences is needed when the fact is told across two sentences ("The
    division had 2,290 special agents. Agents … are law enforcement officers"); when one
    sentence carries it alone, its neighbour is left to its own counterparts.
    """
    singles = _SentenceLinks(links)
    kept = []
    for link in links:
        a, b = link.a, link.b
        if a.first != a.last or b.first != b.last:
            if link.score < singles.best(link) * PAIR_GAIN and not (link.figure and not singles.best_has_figure(link)):
                continue
            if any(len(w.parts) == 2 and singles.belongs_elsewhere(w, o, vocabulary) for w, o in ((a, b), (b, a))):
                continue
        kept.append(link)
    return kept


def _kind(passages: list[Passage]) -> GroupKind:
    """Near-verbatim when every two passages share their wording (one may quote part of the other)."""
    texts = [normalize(p.text) for p in passages]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if max(fuzz.ratio(a, b), fuzz.partial_ratio(a, b)) < VERBATIM:
                return "paraphrase"
    return "near-verbatim"


def _by_article(members: list[Window]) -> list[list[Window]]:
    per: dict[int, list[Window]] = {}
    for window in members:
        per.setdefault(window.article, []).append(window)
    return [per[k] for k in sorted(per)]


def _passage_spanning(articles: Sequence[Article], run: list[Window]) -> Passage:
    """The passage a run of adjacent windows of one article covers, first to last."""
    article = articles[run[0].article]
    span = Span(run[0].span.start, run[-1].span.end)
    return Passage(run[0].article, run[0].first, run[-1].last, span, article.text[span.start : span.end])


def _kind_label(key: tuple[str, str]) -> str:
    kind, unit = key
    if kind == "count":
        return f"count of {unit}"
    if kind == "money":
        return f"money ({unit})"
    return kind


def _compare_figures(group: Group) -> None:
    """Figures of one kind that the group's outlets report differently; each outlet once, its nearest value."""
    per_passage = [figures(p.text, p.span.start) for p in group.passages]
    keys = sorted({f.key for found in per_passage for f in found if f.key is not None})
    for key in keys:
        present = [(n, [f for f in found if f.key == key]) for n, found in enumerate(per_passage)]
        present = [(n, fs) for n, fs in present if fs]
        if len(present) < 2:
            continue  # "3,000 personnel" when no other outlet counts personnel: nothing to compare
        chosen = []
        for n, mine in present:
            others = [f.value for m, fs in present if m != n for f in fs]
            chosen.append((n, min(mine, key=lambda f: min(_distance(f.value, v) for v in others))))
        if len({f.value for _, f in chosen}) < 2:
            continue
        values = tuple(Reported(group.passages[n].article, n, f) for n, f in chosen)
        group.differences.append(Difference(_kind_label(key), values))
        for n, f in chosen:
            if f not in group.passages[n].figures:
                group.passages[n].figures.append(f)
    for passage in group.passages:
        passage.figures.sort(key=lambda f: f.span.start)


def _distance(a: float, b: float) -> float:
    return abs(math.log(max(a, 1e-9)) - math.log(max(b, 1e-9)))


def _unique_passages(articles: Sequence[Article], units: list[Window], grouped: set[tuple[int, int]]) -> list[Passage]:
    """Runs of adjacent sentences with no counterpart, merged within a paragraph."""
    passages: list[Passage] = []
    run: list[Window] = []
    for unit in units:
        if (unit.article, unit.first) in grouped:
            if run:
                passages.append(_passage_spanning(articles, run))
            run = []
            continue
        same_paragraph = run and "\n" not in articles[unit.article].text[run[-1].span.end : unit.span.start]
        if run and (unit.first != run[-1].last + 1 or not same_paragraph):
            passages.append(_passage_spanning(articles, run))
            run = []
        run.append(unit)
    if run:
        passages.append(_passage_spanning(articles, run))
    return passages


def as_json(alignment: Alignment, *, path: Callable[[Article], str] = lambda a: str(a.path)) -> dict[str, Any]:
    """The alignment as plain data (what ``newsreader align --json`` prints)."""
    articles = alignment.articles

    def figure(f: Figure) -> dict[str, Any]:
        return {
            "text": f.text,
            "label": f.label,
            "kind": f.kind,
            "unit": f.unit,
            "value": f.value,
            "start": f.span.start,
            "end": f.span.end,
        }

    def passage(p: Passage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "article": articles[p.article].id,
            "start": p.span.start,
            "end": p.span.end,
            "text": p.text,
        }
        if p.figures:
            data["figures"] = [figure(f) for f in p.figures]
        return data

    def difference(d: Difference) -> dict[str, Any]:
        return {
            "kind": d.kind,
            "values": [
                {"article": articles[r.article].id, "outlet": articles[r.article].meta.outlet, "passage": r.passage}
                | figure(r.figure)
                for r in d.values
            ],
        }

    return {
        "articles": [{"id": a.id, "path": path(a), "title": a.meta.title, "outlet": a.meta.outlet} for a in articles],
        "groups": [
            {
                "score": g.score,
                "kind": g.kind,
                "shared": g.shared,
                "figures": [difference(d) for d in g.differences],
                "passages": [passage(p) for p in g.passages],
            }
            for g in alignment.groups
        ],
        "unique": [
            {"article": articles[n].id, "passages": [passage(p) for p in unique]}
            for n, unique in enumerate(alignment.unique)
        ],
    }
