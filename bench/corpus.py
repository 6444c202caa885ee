"""Synthetic but realistic corpora for the benchmarks: news-like sentences, Zipfian words.

Words follow a Zipf distribution over a 30,000-word vocabulary (a few very common
words, a long tail of rare ones, as in real text); one sentence in seven carries a
figure. Everything is seeded, so every run measures the same text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

SYLLABLES = [a + b for a, b in itertools.product("bcdfghjklmnprstvwz", "aeiou")] + ["an", "er", "in", "on", "st", "th"]
COMMON = (
    "the of and to a in that is was for on with as by at from said it his her they this has have be are "
    "which would but not an will its their who more after been were about officials department agency "
    "government president state federal report told people year new last percent million"
).split()
OUTLETS = ["Reuters", "AP", "AFP", "Bloomberg"]
PLACES = ["WASHINGTON", "NEW YORK", "LONDON", "BRUSSELS", "CHICAGO"]


def vocabulary(size: int = 30_000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Writer:
    """Makes sentences, articles and pairs of articles that share passages."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(self.words))))

    def figure(self) -> str:
        rng = self.rng
        return rng.choice(
            [
                f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}",
                f"{rng.randint(2, 95)}%",
                f"${rng.randint(1, 900)} million",
                str(rng.randint(1990, 2025)),
                f"{rng.randint(100, 999)}",
            ]
        )

    def sentence(self) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=self.rng.randint(12, 32))
        if self.rng.random() < 1 / 7:
            words.insert(self.rng.randrange(len(words)), self.figure())
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraphs(self, sentences: list[str]) -> str:
        out, i = [], 0
        while i < len(sentences):
            n = self.rng.randint(1, 4)
            out.append(" ".join(sentences[i : i + n]))
            i += n
        return "\n\n".join(out)

    def article(self, sentences: int) -> str:
        rng = self.rng
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        head = f"date {date.isoformat()} By {rng.choice(self.words).title()} {rng.choice(self.words).title()}\n\n"
        body = [self.sentence() for _ in range(sentences)]
        body[0] = f"{rng.choice(PLACES)} ({rng.choice(OUTLETS)}) - {body[0]}"
        return head + self.paragraphs(body)

    def edited(self, sentence: str) -> str:
        """The same sentence as another outlet prints it: a few words changed, added or dropped."""
        words = sentence.split()
        for _ in range(self.rng.randint(1, 3)):
            position = self.rng.randrange(len(words))
            action = self.rng.random()
            if action < 0.4:
                words[position] = self.rng.choices(self.words, cum_weights=self.cumulative)[0]
            elif action < 0.7:
                words.insert(position, self.rng.choices(self.words, cum_weights=self.cumulative)[0])
            elif len(words) > 8:
                del words[position]
        return " ".join(words)

    def pair(self, sentences: int = 500, shared: float = 0.12) -> tuple[str, str]:
        """Two articles of ``sentences`` sentences; a share of them reported by both, lightly edited."""
        first = [self.sentence() for _ in range(sentences)]
        second = [self.edited(s) if self.rng.random() < shared else self.sentence() for s in first]
        return self.paragraphs(first), self.paragraphs(second)


def write_corpus(folder: Path, articles: int, *, sentences: tuple[int, int] = (25, 45), seed: int = 3) -> list[Path]:
    """``articles`` files of realistic size (about 4-7 KB) in ``folder``, 100 per subfolder."""
    writer = Writer(seed)
    paths = []
    for number in range(articles):
        sub = folder / f"batch-{number // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"article-{number:05d}.txt"
        path.write_text(writer.article(writer.rng.randint(*sentences)), encoding="utf-8")
        paths.append(path)
    return paths


def big_article(path: Path, megabytes: float = 5.0, seed: int = 5) -> Path:
    """One article of about ``megabytes`` MB."""
    writer = Writer(seed)
    parts, size = [], 0
    while size < megabytes * 1_000_000:
        paragraph = " ".join(writer.sentence() for _ in range(writer.rng.randint(2, 5)))
        parts.append(paragraph)
        size += len(paragraph) + 2
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path
