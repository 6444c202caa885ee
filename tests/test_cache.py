"""The article cache: unchanged files are listed without being read; anything else is re-read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.conftest import SEEDS
from tui.core.cache import ArticleCache
from tui.core.corpus import Corpus


def load(folder: Path, cache_dir: Path) -> Corpus:
    cache = ArticleCache.open(cache_dir, writable=True)
    corpus = Corpus.load([folder], cache=cache)
    cache.save()
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
    (tmp_path / "cache" / "articles.json").write_bytes(b"{ damaged")
    corpus = load(folder, tmp_path / "cache")
    assert len(corpus) == 3 and all(a.fresh for a in corpus)
    assert load(folder, tmp_path / "cache").articles[0].fresh is False  # and rebuilt
