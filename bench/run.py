"""The benchmark suite: ``make bench`` (or ``python -m bench.run``; ``--smoke`` for a quick check).

Generates its corpora in a temporary folder, measures each figure (median of several
runs), compares it with a baseline measured in the same run where there is one, and
prints a table beside each goal; the figures also go to ``bench/results/latest.json``.
Timings are reported, never asserted: machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from bench.corpus import Writer, big_article, write_corpus

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Figure:
    name: str
    value: float  # seconds
    goal: str
    met: bool | None
    baseline: float | None = None
    detail: str = ""
    unit: str = "s"  # or "MB"

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paint(*args: str) -> float:
    """First paint measured by a fresh interpreter (imports and all).

    Bytecode caching is on, as for any installed program (some sandboxes set
    PYTHONDONTWRITEBYTECODE, which makes every start compile our modules afresh).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.paint", *args], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    )
    return float(result.stdout.strip().splitlines()[-1])


def bench_paint(work: Path, articles: int, repeat: int) -> list[Figure]:
    seeds_db = work / "seeds-db" / "newsreader.json"
    paint("newsreader", str(seeds_db), str(ROOT / "seeds"))  # compiles bytecode once, as an install does
    bare = statistics.median(paint("bare") for _ in range(repeat))
    seeds = statistics.median(paint("newsreader", str(seeds_db), str(ROOT / "seeds")) for _ in range(repeat))
    corpus = work / "corpus"
    if not corpus.exists():
        write_corpus(corpus, articles)
    from tui.core.corpus import Corpus

    db = work / "corpus-db" / "newsreader.json"
    cold = paint("newsreader", str(db), str(corpus))  # no cache yet: the list fills while files are read
    reading = median_time(lambda: Corpus.load([corpus]), 1)  # what the app then does in the background
    from tui.core.workspace import Workspace

    Workspace.open([corpus], db=db).close()  # fills the cache, as a finished first session has
    warm = statistics.median(paint("newsreader", str(db), str(corpus)) for _ in range(repeat))
    return [
        Figure(
            "first paint, the 3 seeds",
            seeds,
            "≤ 1.25× bare app",
            seeds <= 1.25 * bare,
            bare,
            "baseline: a bare three-pane Textual app",
        ),
        Figure(
            f"first paint, {articles:,} articles",
            warm,
            "≤ 1.0 s",
            warm <= 1.0,
            detail=(
                f"listed from the workspace cache; the first start ever paints in {cold:.2f} s and the list"
                f" fills in the background while every file is read ({reading:.1f} s)"
            ),
        ),
    ]


def _annotations(count: int, articles: int) -> list:
    from tui.core.anchoring import Selector
    from tui.core.annotation import Annotation

    text = "The quick brown fox jumps over the lazy dog, the agency said on Monday. " * 12
    return [
        Annotation.new(
            f"{n % articles:012x}",
            f"/corpus/article-{n % articles:05d}.txt",
            Selector.of(text, 40 + n % 200, 120 + n % 200),
            tags=("figures", f"topic-{n % 40}"),
            note="Check against the other outlets." if n % 3 == 0 else "",
        )
        for n in range(count)
    ]


def bench_saves(work: Path, sizes: tuple[int, ...], repeat: int) -> list[Figure]:
    from tinydb import TinyDB

    from tui.core.store import Store

    goals = {10_000: 0.010, 50_000: 0.040}
    figures = []
    for size in sizes:
        existing = _annotations(size, 3000)
        folder = work / f"saves-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        store = Store(folder / "newsreader.json")
        with store.change("bulk", record=False) as change:
            for annotation in existing:
                change.put(annotation)
        store.compact()
        extra = iter(_annotations(repeat * 2, 3000))

        def save() -> None:
            with store.change("highlight") as change:  # noqa: B023 - run right here, in this iteration
                change.put(next(extra))  # noqa: B023

        ours = median_time(save, repeat)
        store.close()
        baseline_db = TinyDB(folder / "tinydb-default.json")  # TinyDB's own JSONStorage
        table = baseline_db.table("annotations")
        table.insert_multiple(a.to_doc() for a in existing)
        docs = iter(a.to_doc() for a in _annotations(repeat * 2, 3000))
        baseline = median_time(lambda: table.insert(next(docs)), repeat)  # noqa: B023
        baseline_db.close()
        goal = goals.get(size, 0.010)
        figures.append(
            Figure(
                f"durable save of one annotation, {size:,} in the DB",
                ours,
                f"≤ {goal * 1000:.0f} ms",
                ours <= goal,
                baseline,
                "baseline: TinyDB's default JSONStorage (no fsync)",
            )
        )
    return figures


def _console_env(db: Path) -> dict[str, str]:
    """The environment a user's shell gives the console script (bytecode cached, as installed)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"NEWSREADER_DB": str(db), "NO_COLOR": "1"}


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("newsreader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def console(*args: str, db: Path, cwd: Path) -> float:
    """One whole run of the ``newsreader`` console script, launch to exit, in seconds.

    Output goes to /dev/null (the work of printing it is still done).
    """
    start = time.perf_counter()
    child = subprocess.run(
        [*_console_script(), *args], cwd=cwd, env=_console_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"newsreader {' '.join(args)} failed: {child.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def peak_memory(*args: str, db: Path, cwd: Path) -> float:
    """The peak resident set of one run of the console script, in MB (see ``bench.peak``)."""
    command = [sys.executable, "-m", "bench.peak", *_console_script(), *args]
    env = _console_env(db) | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if child.returncode != 0:
        raise RuntimeError(f"newsreader {' '.join(args)} failed: {child.stderr[-500:]}")
    return int(child.stdout.split()[-1]) / 1024


def shell(*command: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def bench_commands(work: Path, articles: int, repeat: int, *, large: bool = False) -> list[Figure]:
    """The commands as a user runs them: whole processes through the console script, beside grep."""
    corpus = work / "corpus"
    if not corpus.exists():
        write_corpus(corpus, articles)
    count = f"{articles:,} articles"
    words = Writer().words
    queries = [words[900], f'"{words[60]} {words[61]}"', f"{words[300]} {words[1200]}"]
    figures = []
    version = statistics.median(console("--version", db=work / "none" / "db.json", cwd=work) for _ in range(5))
    if not large:
        figures.append(
            Figure(
                "`newsreader --version`",
                version,
                "≤ 50 ms",
                version <= 0.050,
                detail="the start-up floor: only the entry module is imported",
            )
        )
    cold_search = console("search", queries[0], str(corpus), db=work / "cold-search" / "db.json", cwd=work)
    cold_list = console("list", str(corpus), db=work / "cold-list" / "db.json", cwd=work)
    db = work / "cold-search" / "db.json"  # the index the first search left behind
    listed = statistics.median(console("list", str(corpus), db=db, cwd=work) for _ in range(repeat))
    timings = [
        statistics.median(console("search", q, str(corpus), db=db, cwd=work) for _ in range(repeat)) for q in queries
    ]
    peak = max(peak_memory("search", q, str(corpus), db=db, cwd=work) for q in queries)
    grep = statistics.median(shell("grep", "-ril", words[900], str(corpus)) for _ in range(repeat))
    searched = statistics.median(timings)
    search_goal, list_goal = (0.300, 1.0) if large else (0.150, 0.300)
    query_detail = "median of 3 queries (rare word, phrase, two words: " + ", ".join(f"{t * 1000:.0f}" for t in timings)
    figures += [
        Figure(
            f"`newsreader search`, {count}, index built",
            searched,
            f"≤ {search_goal * 1000:.0f} ms" + ("" if large else ", ≤ 3× grep -ril"),
            searched <= search_goal and (large or searched <= 3 * grep),
            grep,
            f"baseline: `grep -ril {words[900]}` on the same files; {query_detail} ms)",
        ),
        Figure(
            f"`newsreader list`, {count}, index built",
            listed,
            f"≤ {list_goal * 1000:.0f} ms",
            listed <= list_goal,
        ),
    ]
    if large:
        return figures
    figures += [
        Figure(
            f"`newsreader search`, {count}, new folder",
            cold_search,
            "≤ 4 s",
            cold_search <= 4.0,
            detail="every file read once, the index written as a side effect",
        ),
        Figure(f"`newsreader list`, {count}, new folder", cold_list, "≤ 4 s", cold_list <= 4.0),
        Figure(
            f"peak memory of `newsreader search`, {count}",
            peak,
            "≤ 150 MB",
            peak <= 150,
            detail="maximum resident set of the searches above, each started from a small process (bench/peak.py)",
            unit="MB",
        ),
    ]
    return figures


def bench_search(work: Path, repeat: int) -> list[Figure]:
    from tui.core.workspace import Workspace

    db = work / "corpus-db" / "newsreader.json"
    workspace = Workspace.open([work / "corpus"], db=db)
    cold = median_time(lambda: list(workspace.search("zz-no-such-word")), 1)  # builds the index, fills the cache
    workspace.close()
    workspace = Workspace.open([work / "corpus"], db=db)
    try:
        build = median_time(lambda: list(workspace.search("zz-no-such-word")), 1)  # from the workspace cache
        words = Writer().words
        queries = [words[900], f'"{words[60]} {words[61]}"', f"{words[300]} {words[1200]}", words[40]]
        timings = [median_time(lambda q=q: list(workspace.search(q)), repeat) for q in queries]
        count = len(workspace.corpus)
    finally:
        workspace.close()
    value = statistics.median(timings)
    return [
        Figure(
            f"corpus search, {count:,} articles",
            value,
            "≤ 200 ms",
            value <= 0.200,
            detail=(
                "median over 4 queries (rare word, phrase, two words, common word: "
                + ", ".join(f"{t * 1000:.0f}" for t in timings)
                + f" ms); the index is built once per session: {build:.2f} s from the workspace cache"
                f" ({cold:.2f} s the first time, reading every article)"
            ),
        )
    ]


def bench_align(repeat: int, sentences: int) -> list[Figure]:
    from tui.core.alignment import align
    from tui.core.article import Article

    first, second = Writer().pair(sentences)
    articles = [Article.from_raw(Path("a.txt"), first), Article.from_raw(Path("b.txt"), second)]
    value = median_time(lambda: align(articles), repeat)
    groups = len(align(articles).groups)
    return [
        Figure(
            f"align two {sentences}-sentence articles",
            value,
            "≤ 150 ms",
            value <= 0.150,
            detail=f"{groups} groups found (about 12% of sentences are shared, lightly edited)",
        )
    ]


def bench_export(work: Path, count: int, repeat: int) -> list[Figure]:
    from tui.core.anchoring import Selector
    from tui.core.annotation import Annotation
    from tui.core.export import Scope, collect, markdown
    from tui.core.workspace import Workspace

    db = work / "export-db" / "newsreader.json"
    shutil.rmtree(db.parent, ignore_errors=True)
    workspace = Workspace.open([work / "corpus"], db=db)
    articles = workspace.corpus.articles[:500]  # research has many annotations per article
    with workspace.store.change("bulk", record=False) as change:
        for n in range(count):
            article = articles[n % len(articles)]
            start = (n * 37) % max(len(article.text) - 60, 1)
            change.put(
                Annotation.new(article.id, article.location, Selector.of(article.text, start, start + 50), tags=("x",))
            )
    try:
        value = median_time(lambda: markdown(collect(workspace, Scope()), scope=Scope(), exported="now"), repeat)
    finally:
        workspace.close()
    out = work / "export.md"
    version = statistics.median(console("--version", db=db, cwd=work) for _ in range(5))
    whole = statistics.median(
        console("export", "-o", str(out), str(work / "corpus"), db=db, cwd=work) for _ in range(repeat)
    )
    beyond = whole - version
    return [
        Figure(
            f"`newsreader export` of {count:,} annotations to Markdown, beyond `--version`",
            beyond,
            "≤ 0.5 s",
            beyond <= 0.5,
            version,
            f"whole process {whole:.2f} s, less the start-up floor (baseline: `newsreader --version`)",
        ),
        Figure(
            f"Markdown export of {count:,} annotations",
            value,
            "≤ 0.5 s",
            value <= 0.5,
            detail=f"over {len(articles)} articles, every quote checked against the article's text",
        ),
    ]


def bench_feed(work: Path, items: int, repeat: int) -> list[Figure]:
    """A feed refresh from a news site on 127.0.0.1: every item fetched, extracted and saved."""
    from tests.newsserver import NewsServer, made_up_stories, rss
    from tui.core.feeds import Feed, feed_id, refresh
    from tui.core.intake import Intake

    stories = made_up_stories(items)
    times, unchanged, added = [], [], 0
    with NewsServer() as server:
        server.publish(stories)
        url = server.page("/rss", rss(stories, server.base), content_type="application/rss+xml", etag='"1"')
        for run in range(repeat):
            folder = work / f"feed-{run}"
            with Intake(folder) as intake:
                feed = Feed(feed_id(url), url, "bench")
                start = time.perf_counter()
                report, feed = refresh(feed, intake)
                times.append(time.perf_counter() - start)
                start = time.perf_counter()
                refresh(feed, intake)
                unchanged.append(time.perf_counter() - start)
            added = report.new
    value = statistics.median(times)
    return [
        Figure(
            f"feed refresh of {items} items (local server)",
            value,
            "≤ 5 s",
            value <= 5.0,
            detail=(
                f"{added} articles fetched, extracted and saved; an unchanged feed (304) then takes"
                f" {statistics.median(unchanged) * 1000:.0f} ms"
            ),
        )
    ]


def bench_paging(work: Path, megabytes: float, presses: int) -> list[Figure]:
    folder = work / "big"
    folder.mkdir(exist_ok=True)
    big_article(folder / "big.txt", megabytes)
    result = asyncio.run(_page_through(folder, work / "big-db" / "newsreader.json", presses))
    return [
        Figure(
            f"open a {megabytes:g} MB article",
            result["open"],
            "≤ 1 s",
            result["open"] <= 1.0,
            detail="read, clean, split into paragraphs and wrap for the reader",
        ),
        Figure(
            f"page down in a {megabytes:g} MB article (key to render)",
            result["page"],
            "≤ 50 ms: no visible lag",
            result["page"] <= 0.050,
            detail=f"median of {presses} presses; slowest {result['worst'] * 1000:.0f} ms",
        ),
    ]


@contextlib.contextmanager
def _timed_page_down(samples: list[float]) -> Iterator[None]:
    """While inside, each page down in a reader adds to ``samples`` the time from the key being
    handled to the next frame drawn: what the user waits for."""
    from tui.app.widgets.reader import Reader

    page_down = Reader.action_page_down

    def probe(reader: Reader) -> None:
        start = time.perf_counter()
        page_down(reader)
        reader.call_after_refresh(lambda: samples.append(time.perf_counter() - start))

    Reader.action_page_down = probe  # type: ignore[method-assign]
    try:
        yield
    finally:
        Reader.action_page_down = page_down  # type: ignore[method-assign]


async def _page_through(folder: Path, db: Path, presses: int) -> dict[str, float]:
    """Open the folder's one article in the app (its text read from the file), then page down
    ``presses`` times: how long the opening and each page took."""
    from tui.app.app import NewsreaderApp
    from tui.app.widgets.reader import Reader
    from tui.core.corpus import read_text
    from tui.core.workspace import Workspace

    workspace = Workspace.open([folder], db=db)
    article = workspace.corpus.articles[0]
    article._text, article.loader = None, read_text  # as after a start from the cache: opening reads the file
    app = NewsreaderApp(workspace)
    samples: list[float] = []
    try:
        with _timed_page_down(samples):
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.pause()
                app.reader.article = None
                opened = asyncio.get_running_loop().create_future()
                start = time.perf_counter()
                app.main.show(article)
                app.reader.call_after_refresh(lambda: opened.set_result(time.perf_counter() - start))
                seconds = await opened
                app.reader.focus()
                await pilot.pause()
                for _ in range(presses):
                    await pilot.press("pagedown")
                    await pilot.pause()
                assert app.query_one(Reader).scroll_offset.y > 0
    finally:
        workspace.close()
    return {"open": seconds, "page": statistics.median(samples), "worst": max(samples)}


def table(figures: list[Figure]) -> str:
    rows = [("figure", "measured", "baseline", "ratio", "goal", "met")]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.value:.0f} MB"
                if f.unit == "MB"
                else f"{f.value * 1000:.1f} ms"
                if f.value < 1
                else f"{f.value:.2f} s",
                f"{f.baseline * 1000:.1f} ms" if f.baseline else "—",
                ("—" if not f.ratio else f"{f.ratio:.2f}×" if f.ratio >= 0.1 else f"1/{1 / f.ratio:,.0f}"),
                f.goal,
                "yes" if f.met else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, Textual {textual.__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the suite runs (seconds)")
    parser.add_argument("--large", action="store_true", help="only the commands, on 100,000 articles (not in CI)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = parser.parse_args(argv)
    smoke = args.smoke
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsreader-bench-") as tmp:
        work = Path(tmp)
        articles = 200 if smoke else 100_000 if args.large else 10_000
        figures: list[Figure] = []
        steps: list[tuple[str, Callable[[], list[Figure]]]] = [
            ("first paint", lambda: bench_paint(work, articles, 1 if smoke else 5)),
            ("commands", lambda: bench_commands(work, articles, 1 if smoke else 5)),
            ("saves", lambda: bench_saves(work, (500, 2000) if smoke else (10_000, 50_000), 5 if smoke else 25)),
            ("search", lambda: bench_search(work, 1 if smoke else 5)),
            ("align", lambda: bench_align(1 if smoke else 5, 60 if smoke else 500)),
            ("export", lambda: bench_export(work, 300 if smoke else 10_000, 1 if smoke else 3)),
            ("paging", lambda: bench_paging(work, 0.3 if smoke else 5.0, 5 if smoke else 30)),
            ("feed", lambda: bench_feed(work, 10 if smoke else 50, 1 if smoke else 3)),
        ]
        if args.large:
            steps = [("commands", lambda: bench_commands(work, articles, 5, large=True))]
        for label, step in steps:
            print(f"… {label}", file=sys.stderr, flush=True)
            figures += step()
    report = table(figures)
    print(report)
    from bench.gold import score

    print("\nAlignment against the gold set (tests/gold/alignment.json):")
    gold = score()
    for result in gold:
        print(f"  {result.line()}")
    print(f"\n{machine()}; suite took {time.perf_counter() - started:.0f} s{' (smoke sizes)' if smoke else ''}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(
        orjson.dumps(
            {
                "machine": machine(),
                "smoke": smoke,
                "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
                "gold": [{"name": g.name, "precision": g.precision, "recall": g.recall} for g in gold],
            },
            option=orjson.OPT_INDENT_2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
