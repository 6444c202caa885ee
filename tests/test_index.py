"""The workspace index: rebuilt when lost or damaged, kept in step with edits, renames and
deletions, shared by processes, and searching exactly as a plain scan does."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, SEEDS
from tests.test_cli import run
from tui.core.article import Article
from tui.core.catalog import Catalog
from tui.core.corpus import Corpus
from tui.core.index import FILE_NAME, Index, fts_query
from tui.core.search import FoldedTexts, fold_same_length
from tui.core.store import Store
from tui.core.workspace import Workspace, cache_folder, display_path


def index_file(db: Path) -> Path:
    return cache_folder(db) / FILE_NAME


def open_ws(folder: Path, db: Path) -> Workspace:
    return Workspace.open([folder], db=db, readonly=True)


def hits(workspace: Workspace, query: str) -> set[tuple[str, str]]:
    """(file name, matched text) of each text hit."""
    return {
        (f.article.path.name, f.article.text[f.hit.span.start : f.hit.span.end])
        for f in workspace.search(query, annotations=False)
    }


def test_read_only_commands_leave_the_index_and_reuse_it(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "annotations" / "newsreader.json"
    with open_ws(folder, db) as first:
        assert all(a.fresh for a in first.corpus)
    assert index_file(db).is_file() and not db.exists()  # derived data only: no DB written
    with open_ws(folder, db) as second:
        assert not any(a.fresh or a.loaded for a in second.corpus)  # listed without reading a file
        found = list(second.search("guantanamo", annotations=False))
        assert {f.context()[0][slice(*f.context()[1])] for f in found} == {"Guantanamo", "Guantánamo"}
        assert not any(a.loaded for a in second.corpus)  # the hits' paragraphs came from the index
        assert hits(second, "guantanamo") == {
            ("000_c2646e842424a595.txt", "Guantanamo"),
            ("003_9f0d3ca73a883f57.txt", "Guantánamo"),
        }
        assert second.cache is not None and second.cache.stats()["files"] == 3


def test_rebuilt_after_deletion(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "annotations" / "newsreader.json"
    open_ws(folder, db).close()
    shutil.rmtree(cache_folder(db))
    with open_ws(folder, db) as workspace:
        assert all(a.fresh for a in workspace.corpus) and not workspace.corpus.notices  # nothing to say
        assert len(hits(workspace, "guantanamo")) == 2
    with open_ws(folder, db) as workspace:
        assert not any(a.fresh for a in workspace.corpus)


def test_damaged_or_foreign_index_is_rebuilt_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "annotations" / "newsreader.json"
    open_ws(folder, db).close()
    path = index_file(db)

    def damage_with(how) -> None:
        how()
        result = run("search", "guantanamo", str(folder), cwd=tmp_path, env={"NEWSREADER_DB": str(db)})
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("(text,") == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith("newsreader: ") and "index" in line and "rebuilt" in line
        with open_ws(folder, db) as again:  # and the rebuilt index is used
            assert not any(a.fresh for a in again.corpus) and not again.corpus.notices

    damage_with(lambda: path.write_bytes(b"{ not a database" * 100))
    damage_with(lambda: path.write_bytes(path.read_bytes()[:1000]))  # truncated mid-page

    def foreign_version() -> None:
        with sqlite3.connect(path) as other:
            other.execute("PRAGMA user_version = 999")

    damage_with(foreign_version)

    def not_ours() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE recipes (name TEXT)")

    damage_with(not_ours)


def test_updated_after_an_edit_a_rename_and_a_deletion(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "annotations" / "newsreader.json"
    open_ws(folder, db).close()
    nyt, post = folder / "002_db01bee56135c3f7.txt", folder / "003_9f0d3ca73a883f57.txt"

    nyt.write_text(nyt.read_text() + "\n\nA zanzibar paragraph added later.", encoding="utf-8")
    with open_ws(folder, db) as workspace:
        assert [a.path.name for a in workspace.corpus if a.fresh] == [nyt.name]  # only the edited file is read
        assert hits(workspace, "zanzibar paragraph") == {(nyt.name, "zanzibar")}

    renamed = folder / "renamed.txt"
    post.rename(renamed)
    with open_ws(folder, db) as workspace:
        assert hits(workspace, "guantanamo") == {
            ("000_c2646e842424a595.txt", "Guantanamo"),
            ("renamed.txt", "Guantánamo"),
        }
        assert workspace.cache is not None and workspace.cache.stats()["files"] == 3  # the old name left it

    (folder / "000_c2646e842424a595.txt").unlink()
    with open_ws(folder, db) as workspace:
        assert hits(workspace, "guantanamo") == {("renamed.txt", "Guantánamo")}
        assert workspace.cache is not None and workspace.cache.stats()["files"] == 2
    with sqlite3.connect(index_file(db)) as check:  # the full-text index holds no stale lines either
        assert check.execute("SELECT count(*) FROM words WHERE words MATCH 'guantanamo'").fetchone()[0] == 1
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("INSERT INTO words(words, rank) VALUES('integrity-check', 0)").rowcount == 1


WRITER = """
import sys
from pathlib import Path
from tui.core.workspace import Workspace
for _ in range(3):
    Workspace.open([Path(sys.argv[1])], db=Path(sys.argv[2]), readonly=True).close()
"""


def test_two_processes_updating_at_once(tmp_path: Path) -> None:
    db = tmp_path / "annotations" / "newsreader.json"
    folders = []
    for n in range(2):
        folder = tmp_path / f"corpus-{n}"
        folder.mkdir()
        for k in range(150):
            (folder / f"a{k}.txt").write_text(f"Story {n}-{k} about the harbour.\n\nWords {k} and more words.")
        folders.append(folder)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(db)], cwd=ROOT, stderr=subprocess.PIPE)
        for folder in folders
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    with sqlite3.connect(index_file(db)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT count(*) FROM files").fetchone()[0] == 300
        assert check.execute("SELECT count(*) FROM words WHERE words MATCH 'harbour'").fetchone()[0] == 300
    with Workspace.open(folders, db=db, readonly=True) as workspace:
        assert not any(a.fresh for a in workspace.corpus)
        assert len(list(workspace.search('"about the harbour"'))) == 300


def test_fts_query() -> None:
    # Each term in each of its forms (an initialism with dots, a compound open or closed).
    assert (
        fts_query(["law enforcement", "irs"]) == '("law enforcement"* OR "l a w enforcement"*) AND ("irs"* OR "i r s"*)'
    )
    assert fts_query(["d.h.s.'s"]) == '("d h s s"*)'
    assert fts_query(["workforce"]) == '("workforce"* OR "work force"*)'
    assert fts_query(["—", "x_y"]) == '("x y"*)'
    assert fts_query(["—"]) is None


# --- the same results as a plain scan ------------------------------------------------------

WORDS = [
    "law", "Laws", "outlaw", "émigré", "EMIGRE", "D.H.S.’s", "dhs's", "straße", "ﬁne", "İstanbul",
    "agents", "the", "x_y", "co-op", "naïve", "2,100", "日本語", "“quoted”", "e\u0301te", "AND", "near",
]  # fmt: skip
SPACES = [" ", "  ", "\n", "\n\n", ", ", " — ", "\t", ". "]
documents = st.lists(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)), min_size=1, max_size=30).map(
        lambda pairs: "".join(w + s for w, s in pairs)
    ),
    min_size=1,
    max_size=6,
)


def _variant(word: str, cut: int, upper: bool) -> str:
    word = word[: max(1, len(word) - cut)]
    return word.upper() if upper else word


term = st.builds(_variant, st.sampled_from([*WORDS, "—", "'s", "zz"]), st.integers(0, 3), st.booleans())
queries = st.lists(
    st.one_of(term, st.lists(term, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"')),
    min_size=1,
    max_size=3,
).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=documents, query_list=st.lists(queries, min_size=1, max_size=4))
def test_index_finds_what_a_plain_scan_finds(docs: list[str], query_list: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "newsreader.json", readonly=True)
        index = Index.open(None)  # in memory: the same schema and queries as on disk
        corpus = Corpus()
        for n, raw in enumerate(docs):
            article = Article.from_raw(Path(tmp) / f"doc-{n}.txt", raw, size=len(raw), mtime_ns=n)
            article.location = str(Path(tmp) / f"doc-{n}.txt")
            corpus.add(article, None, cache=index)
        index.save()
        workspace = Workspace(store, corpus, [], index)
        plain = FoldedTexts([(a.id, fold_same_length(a.text)) for a in corpus])
        try:
            for query in query_list:
                found = [(f.hit.key, f.hit.paragraph) for f in workspace.search(query, annotations=False)]
                expected = [(h.key, h.paragraph) for h in plain.search(query)]
                assert sorted(found) == sorted(expected), query
        finally:
            workspace.close()


def _view(workspace: Workspace | Catalog, query: str) -> tuple[list, list, list, list]:
    """What a read-only command shows: notices, list rows, search hits (with context), annotations."""
    found = [
        (f.hit.kind, f.article.id if f.article else "", f.hit.span, f.context(), f.annotation)
        for f in workspace.search(query)
    ]
    rows = [(display_path(r.path, r.location), *r[2:]) for r in workspace.records()]
    return [str(n) for n in workspace.notices], rows, found, workspace.annotations()


def test_a_catalog_shows_what_the_workspace_shows(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    (folder / "copy.txt").write_bytes((folder / "000_c2646e842424a595.txt").read_bytes())  # a duplicate
    (folder / "blank.md").write_text("  \n")  # an empty article: a notice
    db = tmp_path / "annotations" / "newsreader.json"
    post = folder / "003_9f0d3ca73a883f57.txt"
    env = {"NEWSREADER_DB": str(db)}
    done = run("annotate", str(post), "--quote", "Guantánamo", "--tag", "camp", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    with Workspace.open([folder], db=db) as workspace, workspace.store.change("edit title") as change:
        change.set_overrides(workspace.corpus.resolve(post.name).id, {"title": "Edited title"})
    for query in ("guantanamo", '"2,100 officers"', "camp", "—", "'s"):
        with Workspace.open([folder], db=db, readonly=True) as workspace:
            expected = _view(workspace, query)
        with Catalog.open([folder], db=db) as catalog:
            assert isinstance(catalog, Catalog)  # every file as indexed: listed from the index
            assert _view(catalog, query) == expected, query
    assert any(meta.title == "Edited title" for _, _, meta, *_ in expected[1]) and expected[3]
    assert any("same text as" in n for n in expected[0]) and any("empty article" in n for n in expected[0])

    post.write_text(post.read_text() + "\n\nA later paragraph.", encoding="utf-8")
    with Catalog.open([folder], db=db) as opened:
        assert isinstance(opened, Workspace)  # a changed file: the workspace reads it and indexes it
    with Catalog.open([folder], db=db) as opened:
        assert isinstance(opened, Catalog) and "later paragraph" in opened.article_at(str(post.resolve())).text
    (folder / "blank.md").unlink()
    post.rename(folder / "renamed.txt")
    with Catalog.open([folder], db=db) as opened:
        assert isinstance(opened, Workspace)  # a new name, and a file gone: read, and pruned from the index
    with Catalog.open([folder], db=db) as opened:
        assert isinstance(opened, Catalog) and opened.cache.stats()["files"] == 4
        assert [r.path.rsplit("/", 1)[-1] for r in opened.records()] == [
            "000_c2646e842424a595.txt",
            "002_db01bee56135c3f7.txt",
            "renamed.txt",
        ]
        assert [a.path for a in opened.annotations()] == [str((folder / "renamed.txt").resolve())]
