"""The alignment scored against a hand-made gold set (``tests/gold/alignment.json``).

Each gold pair names two passages by outlet and words they contain, and says whether a
careful reader links them. *Recall* is the share of linked pairs the alignment puts in
one group. *Precision* is the share of the pairs of passages the alignment links that
the gold set links: a linked pair the gold set keeps apart, or does not list at all,
is wrong, and so is a passage that must link to nothing found in a group.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from tui.core.alignment import Alignment, align
from tui.core.corpus import Corpus

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "alignment.json"


@dataclass
class Score:
    """Precision and recall over some stories, and what went wrong."""

    name: str
    pairs: int = 0  # gold pairs, linked or not
    expected: int = 0  # gold pairs a reader links
    found: int = 0
    linked: int = 0  # pairs of passages the alignment linked
    correct: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.linked if self.linked else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def line(self) -> str:
        return (
            f"{self.name}: precision {self.precision:.2f} ({self.correct}/{self.linked} links),"
            f" recall {self.recall:.2f} ({self.found}/{self.expected} pairs; {self.pairs} gold pairs)"
        )


def _has(alignment: Alignment, passage, outlet: str, words: str) -> bool:
    return alignment.articles[passage.article].meta.outlet == outlet and words in passage.text


def score_story(name: str, alignment: Alignment, pairs: list[dict], alone: list[dict], into: Score) -> None:
    """Add one story's counts to ``into``."""
    positives = [p for p in pairs if p["link"]]
    into.pairs += len(pairs)
    into.expected += len(positives)
    for pair in positives:
        (oa, wa), (ob, wb) = pair["a"], pair["b"]
        if any(
            any(_has(alignment, p, oa, wa) for p in g.passages) and any(_has(alignment, p, ob, wb) for p in g.passages)
            for g in alignment.groups
        ):
            into.found += 1
        else:
            into.missed.append(f"{name}: {pair['what']}: {wa!r} / {wb!r}")
    for group in alignment.groups:
        for x, y in itertools.combinations(group.passages, 2):
            into.linked += 1
            right = any(
                (_has(alignment, x, *p["a"]) and _has(alignment, y, *p["b"]))
                or (_has(alignment, y, *p["a"]) and _has(alignment, x, *p["b"]))
                for p in positives
            )
            if right:
                into.correct += 1
            else:
                into.wrong.append(f"{name}: {x.text[:60]!r} / {y.text[:60]!r}")
        for entry in alone:
            if any(_has(alignment, p, *entry["passage"]) for p in group.passages):
                into.linked += 1
                into.wrong.append(f"{name}: {entry['passage'][1]!r} should link to nothing")


def score(path: Path = GOLD) -> tuple[Score, Score]:
    """The gold set's scores on the seeds and on the made-up stories."""
    gold = orjson.loads(path.read_bytes())
    seeds, made_up = Score("seeds"), Score("made-up stories")
    for name, folder in gold["stories"].items():
        alignment = align(Corpus.load([ROOT / folder]).articles)
        pairs = [p for p in gold["pairs"] if p["story"] == name]
        alone = [a for a in gold["alone"] if a["story"] == name]
        score_story(name, alignment, pairs, alone, seeds if name == "seeds" else made_up)
    return seeds, made_up


if __name__ == "__main__":
    for result in score():
        print(result.line())
        for line in result.wrong:
            print("  wrong:", line)
        for line in result.missed:
            print("  missed:", line)
