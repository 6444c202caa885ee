"""The article cache: unchanged files are listed without being read; anything else is re-read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.conftest import SEEDS, wait_until
from tui.core.cache import ArticleCache
from tui.core.corpus import Corpus


def load(folder: Path, cache_dir: Path) -> Corpus:
    cache = ArticleCache.open(cache_dir, writable=True)
    corpus = Corpus.load([folder], cache=cache)
    cache.save()
    cache.close()  # texts listed from it are then read from their files
    return corpus


def test_second_load_reads_no_text(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    first = load(folder, tmp_path / "cache")
    assert all(a.fresh and a.loaded for a in first)
    second = load(folder, tmp_path / "cache")
    assert all(not a.fresh and not a.loaded for a in second)
    for old, new in zip(first, second, strict=True):
        assert (new.id, new.meta, new.figures, new.words, new.warnings) == (
            old.id,
            old.meta,
            old.figures,
            old.words,
            old.warnings,
        )
        assert new.text == old.text  # read on demand, the same
        assert new.loaded


def test_changed_file_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    load(folder, tmp_path / "cache")
    path = folder / "002_db01bee56135c3f7.txt"
    path.write_text(path.read_text() + "\nA new last paragraph.")
    corpus = load(folder, tmp_path / "cache")
    changed = next(a for a in corpus if a.path == path)
    assert changed.fresh and changed.text.endswith("A new last paragraph.")
    assert sum(a.fresh for a in corpus) == 1


def test_same_size_new_mtime_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    load(folder, tmp_path / "cache")
    path = folder / "000_c2646e842424a595.txt"
    text = path.read_text()
    path.write_text(text.replace("Ted Hesson", "Ted Hessen"))  # same size
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    corpus = load(folder, tmp_path / "cache")
    assert next(a for a in corpus if a.path == path).meta.author == "Ted Hessen"


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    load(folder, tmp_path / "cache")
    (tmp_path / "cache" / "index.sqlite").write_bytes(b"{ damaged")
    corpus = load(folder, tmp_path / "cache")
    assert len(corpus) == 3 and all(a.fresh for a in corpus)
    assert load(folder, tmp_path / "cache").articles[0].fresh is False  # and rebuilt


async def test_app_lists_uncached_articles_while_reading_them(tmp_path: Path, in_root: Path) -> None:
    from tests.conftest import SEEDS
    from tui.app.app import NewsreaderApp
    from tui.app.widgets.article_list import ArticleList
    from tui.core.anchoring import AnchorState, Selector
    from tui.core.annotation import Annotation
    from tui.core.workspace import Workspace

    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder / "seeds")
    for n in range(450):
        (folder / f"article-{n:03d}.txt").write_text(f"Article number {n} says something about topic {n % 7}.")
    db = tmp_path / "annotations" / "newsreader.json"
    # An annotation made earlier (by the CLI, say) on an article the cache has not seen.
    reuters = next(a for a in Corpus.load([folder]) if a.meta.outlet == "Reuters")
    start = reuters.text.index("whole-of-government")
    from tui.core.store import Store

    with Store(db) as store, store.change("earlier") as change:
        change.put(Annotation.new(reuters.id, reuters.location, Selector.of(reuters.text, start, start + 28)))
    workspace = Workspace.open([folder], db=db, defer=True)
    assert workspace.corpus.articles == [] and len(workspace.corpus.pending) == 453
    app = NewsreaderApp(workspace)
    async with app.run_test(size=(110, 36)) as pilot:
        await wait_until(pilot, lambda: not workspace.corpus.pending)
        await pilot.pause()
        listing = app.query_one(ArticleList)
        assert listing.count == 453 and listing.border_title == "Articles"
        assert [a.path.name for a in workspace.corpus.articles[:3]] == [
            "article-000.txt",
            "article-001.txt",
            "article-002.txt",
        ]  # in the order the files were found, not the order they were read
        (annotation,) = workspace.annotations()
        assert annotation.state is AnchorState.ANCHORED and annotation.article_id == reuters.id
    workspace.close()
    # The cache now knows every file: the next start reads none.
    again = Workspace.open([folder], db=db, defer=True)
    assert len(again.corpus.articles) == 453 and not again.corpus.pending
    again.close()
