"""Exports: CommonMark-safe Markdown whatever the passage holds, W3C JSON that round-trips, import."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.conftest import ROOT, SEEDS
from tests.test_cli import run
from tui.core.anchoring import Selector
from tui.core.annotation import Annotation
from tui.core.export import Scope, blockquote, collect, escape_inline, markdown, overview, overview_markdown
from tui.core.workspace import Workspace

CHECKER = ROOT / "tests" / "w3c" / "check_annotations.py"  # the W3C test suite's assertions (see its LICENSE.md)
HOSTILE_LINES = [
    "> a line that looks like a quote",
    "# a line that looks like a heading",
    "- a list item",
    "1. an ordered item",
    "2) another",
    "```python",
    "`inline code` and ``double``",
    "| a | table | row |",
    "<script>alert('x')</script> and <b>bold</b> &amp; &#169;",
    "*stars* and **more** and _under_ and __scores__",
    "trailing spaces   ",
    "    four leading spaces (code block?)",
    "  two leading spaces",
    "[a link](http://example.com) and ![img](x.png) and <http://auto.link>",
    "\\ backslash \\* escaped? $5 and $6, ~~strike~~, %%comment%%, ==mark==",
    "---",
    "===",
    "+ plus item",
    "Setext candidate",
    "=====",
    "html: <!-- comment --> <div>",
    "non-ASCII: “curly” — dash, émigré, 日本語",
]


def split_front_matter(document: str) -> tuple[dict, str]:
    assert document.startswith("---\n")
    _, front, body = document.split("---\n", 2)
    return yaml.safe_load(front), body


def inline_text(children) -> str:
    out = []
    for child in children:
        if child.type == "text":
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        else:  # anything else means part of the passage was read as markup
            raise AssertionError(f"passage rendered as markup: {child.type} {child.content!r}")
    return "".join(out)


def blockquotes(body: str) -> list[str]:
    """The text each top-level blockquote renders to (paragraphs joined by a blank line)."""
    quotes, depth, current = [], 0, []
    for token in MarkdownIt("commonmark").parse(body):
        if token.type == "blockquote_open":
            depth += 1
            current = [] if depth == 1 else current
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0:
                quotes.append("\n\n".join(current))
        elif depth and token.type == "inline":
            current.append(inline_text(token.children))
        elif depth and token.type not in ("paragraph_open", "paragraph_close"):
            raise AssertionError(f"blockquote holds a {token.type}")
    return quotes


def normalized(passage: str) -> str:
    """Markdown has one kind of paragraph break: blank lines between paragraphs become one."""
    passage = re.sub(r"\A(?:[ \t]*\n)+|(?:\n[ \t]*)+\Z", "", passage)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)*", "\n\n", passage)


@pytest.mark.parametrize("line", HOSTILE_LINES)
def test_hostile_line_renders_exactly(line: str) -> None:
    assert blockquotes(blockquote(line)) == [line]


def test_hostile_multiline_passage() -> None:
    passage = "\n".join(HOSTILE_LINES) + "\n\nsecond paragraph\n\n\n  third, indented"
    assert blockquotes(blockquote(passage)) == [normalized(passage)]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
        | st.sampled_from(list("\n `*_[]<>#|~$&%=\\-+.!")),
        min_size=1,
        max_size=120,
    )
)
def test_property_any_passage_renders_exactly(passage: str) -> None:
    if not passage.strip():
        return
    expected = normalized(passage)
    # CommonMark treats a few Unicode spaces at a paragraph's edges as ordinary text; we compare all of it.
    assert blockquotes(blockquote(passage)) == [expected]


@pytest.fixture
def hostile_workspace(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "hostile.md").write_text("\n".join(HOSTILE_LINES) + "\n")
    workspace = Workspace.open([folder, SEEDS], db=db)
    article = workspace.corpus.articles[0]
    with workspace.store.change("seed") as change:
        for line in HOSTILE_LINES:
            start = article.text.index(line.strip())
            end = start + len(line.strip())
            change.put(
                Annotation.new(article.id, article.location, Selector.of(article.text, start, end), tags=("odd tag!",))
            )
        start = article.text.index(HOSTILE_LINES[0])
        end = article.text.index(HOSTILE_LINES[5]) + len(HOSTILE_LINES[5])
        change.put(
            Annotation.new(article.id, article.location, Selector.of(article.text, start, end), note="*my* note")
        )
    workspace.reanchor()
    yield workspace
    workspace.close()


def test_markdown_export_of_hostile_passages(hostile_workspace: Workspace) -> None:
    items = collect(hostile_workspace, Scope())
    document = markdown(items, scope=Scope(), exported="2026-01-01T00:00:00Z")
    front, body = split_front_matter(document)
    assert front["annotations"] == len(items) == len(HOSTILE_LINES) + 1
    assert front["orphans"] == 0 and front["changed"] == 0 and front["exported"] == "2026-01-01T00:00:00Z"
    assert blockquotes(body) == [normalized(i.quote) for i in items]
    assert "#odd-tag" in body and "<p>*my* note</p>" in MarkdownIt("commonmark").render(body)  # notes are text
    html = MarkdownIt("commonmark").render(body)
    assert "<script>" not in html and "<b>" not in html and "<table" not in html


@pytest.mark.parametrize(
    "note",
    ["<!-- start", "```", "~~~ python", "<div>", "<script>", "    indented", "> quote", "- item", "[x]: http://e.x"],
)
def test_a_note_cannot_swallow_what_follows(hostile_workspace: Workspace, note: str) -> None:
    """Whatever a note holds renders as its text, and every later passage still renders."""
    first = hostile_workspace.annotations()[0]
    with hostile_workspace.store.change("note") as change:
        change.edit(first.id, note=f"{note}\nsecond line\n\n{note} again")
    items = collect(hostile_workspace, Scope())
    body = split_front_matter(markdown(items, scope=Scope(), exported="2026-01-01T00:00:00Z"))[1]
    assert blockquotes(body) == [normalized(i.quote) for i in items]  # nothing after the note was swallowed
    tokens = MarkdownIt("commonmark").parse(body)
    texts = [
        inline_text(t.children)
        for t in tokens
        if t.type == "inline" and ("again" in t.content or "second" in t.content)
    ]
    assert f"{note}\nsecond line" in texts and f"{note} again" in texts
    assert not any(t.type in ("html_block", "fence", "code_block") for t in tokens)


def test_markdown_marks_changed_and_orphaned(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = folder / "a.txt"
    path.write_text("The agency hired 2,100 officers last year. It fired none of them. A third sentence stays.\n")
    workspace = Workspace.open([folder], db=db)
    article = workspace.corpus.articles[0]
    with workspace.store.change("seed") as change:
        for quote in ("hired 2,100 officers last year", "It fired none of them.", "A third sentence stays."):
            start = article.text.index(quote)
            change.put(
                Annotation.new(article.id, article.location, Selector.of(article.text, start, start + len(quote)))
            )
    workspace.close()
    path.write_text("The agency hired 2,290 officers last year. A third sentence stays.\n")
    workspace = Workspace.open([folder], db=db)
    items = collect(workspace, Scope())
    document = markdown(items, scope=Scope(), exported="t")
    front, body = split_front_matter(document)
    assert (front["annotations"], front["orphans"], front["changed"]) == (3, 1, 1)
    quotes = blockquotes(body)
    # The changed passage shows the article's words now, then the words as annotated.
    assert quotes[:2] == ["hired 2,290 officers last year", "hired 2,100 officers last year"]
    assert "text changed here" in body
    assert "### Orphans" in body and "It fired none of them." in quotes
    workspace.close()


def test_markdown_is_deterministic_and_grouped_by_tag(workspace: Workspace) -> None:
    reuters, nyt, _ = workspace.corpus.articles
    with workspace.store.change("seed") as change:
        for article, quote, tags in [
            (nyt, "qualified law enforcement personnel", ("dhs-quote",)),
            (reuters, "qualified law enforcement personnel", ("dhs-quote", "figures")),
            (reuters, "some $60 billion", ("figures",)),
        ]:
            start = article.text.index(quote)
            change.put(
                Annotation.new(
                    article.id, article.location, Selector.of(article.text, start, start + len(quote)), tags=tags
                )
            )
    scope = Scope(tags=["dhs-quote", "figures"])
    first = markdown(collect(workspace, scope), scope=scope, exported="t")
    assert first == markdown(collect(workspace, scope), scope=scope, exported="t")
    _, body = split_front_matter(first)
    headings = [
        line
        for line in body.splitlines()
        if line.startswith("#") and not line.startswith("#dhs") and not line.startswith("#fig")
    ]
    assert headings[1:] == [
        "## #dhs-quote",
        "### " + escape_inline(reuters.meta.title),
        "### " + escape_inline(nyt.meta.title),
        "## #figures",
        "### " + escape_inline(reuters.meta.title),
    ]
    assert "Reuters · Ted Hesson · 2025-02-10 · seeds/000\\_c2646e842424a595.txt" not in body
    assert "Reuters · Ted Hesson · 2025-02-10 · seeds/000_c2646e842424a595.txt" in body


def test_overview_table(workspace: Workspace) -> None:
    reuters, nyt, post = workspace.corpus.articles
    with workspace.store.change("seed") as change:
        for article, quote, tags in [
            (reuters, "qualified law enforcement personnel", ("dhs-quote",)),
            (nyt, "qualified law enforcement personnel", ("dhs-quote",)),
            (post, "qualified law enforcement personnel", ("dhs-quote",)),
            (nyt, "2,100 trained law enforcement officers", ("figures",)),
            (post, "2,290 special agents", ("figures",)),
            (post, "87,000 IRS agents", ("figures",)),
        ]:
            start = article.text.index(quote)
            change.put(
                Annotation.new(
                    article.id, article.location, Selector.of(article.text, start, start + len(quote)), tags=tags
                )
            )
    view = overview(collect(workspace, Scope()))
    assert view.tags == ["dhs-quote", "figures"]
    assert view.outlets == ["Reuters", "The New York Times", "The Washington Post"]
    assert view.counts[("figures", "The Washington Post")] == 2
    table = overview_markdown(view)
    assert table.splitlines()[2] == "| dhs-quote | 1 | 1 | 1 | 3 |"
    assert table.splitlines()[3] == "| figures | · | 1 | 2 | 3 |"
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    assert any(t.type == "table_open" for t in tokens)


def w3c_checker(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, check=False)


def test_json_round_trip_is_byte_identical_and_w3c_valid(tmp_path: Path) -> None:
    first_db = tmp_path / "first.json"
    for args in (
        ["000", "--quote", "qualified law enforcement personnel", "--tag", "dhs-quote", "--note", "Line one\nline two"],
        ["002", "--quote", "2,100 trained law enforcement officers", "--tag", "figures", "--color", "red"],
        ["003", "--quote", "2,290 special agents", "--color", "blue"],
    ):
        assert run("annotate", *args, "--db", str(first_db), cwd=tmp_path).returncode == 0
    exported = tmp_path / "export.json"
    result = run("export", "--format", "json", "-o", str(exported), "--db", str(first_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(exported.read_text())
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld" and document["total"] == 3
    item = document["first"]["items"][0]
    assert item["id"].startswith("urn:uuid:") and item["type"] == "Annotation"
    assert {b["purpose"] for b in item["body"]} == {"commenting", "tagging"}
    assert [s["type"] for s in item["target"]["selector"]] == ["TextQuoteSelector", "TextPositionSelector"]
    check = w3c_checker(exported)
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip().endswith(" passed, 0 failed")
    second_db = tmp_path / "second.json"
    result = run("import", str(exported), "--db", str(second_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3 anchored, 0 re-anchored, 0 orphaned; 3 new" in result.stdout
    again = tmp_path / "again.json"
    assert run("export", "--format", "json", "-o", str(again), "--db", str(second_db), cwd=tmp_path).returncode == 0
    assert again.read_bytes() == exported.read_bytes()
    # Importing the same file twice duplicates nothing.
    result = run("import", str(exported), "--db", str(second_db), cwd=tmp_path)
    assert "0 new, 0 updated, 3 unchanged" in result.stdout
    from tui.core.store import Store

    with Store(second_db, readonly=True) as store:
        assert len(store.annotations()) == 3


def test_import_dry_run_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert (
        run(
            "annotate", "000", "--quote", "Treasury Department", "--occurrence", "1", "--db", str(db), cwd=tmp_path
        ).returncode
        == 0
    )
    exported = tmp_path / "e.json"
    run("export", "--format", "json", "-o", str(exported), "--db", str(db), cwd=tmp_path)
    fresh = tmp_path / "fresh.json"
    result = run("import", str(exported), "--dry-run", "--db", str(fresh), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("would import 1: 1 anchored")
    assert not fresh.exists()


def test_import_foreign_annotation_finds_its_article(tmp_path: Path) -> None:
    foreign = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://hypothes.is/a/abc123",
        "type": "Annotation",
        "bodyValue": "From another tool",
        "target": {
            "source": "https://www.reuters.com/world/us/some-story",
            "selector": {"type": "TextQuoteSelector", "exact": "whole-of-government approach"},
        },
    }
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(foreign))
    db = tmp_path / "db.json"
    result = run("import", str(path), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 anchored, 1 re-anchored, 0 orphaned; 1 new" in result.stdout
    rows = json.loads(run("list", "--json", "--db", str(db), cwd=tmp_path).stdout)
    assert rows[0]["annotations"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"42", "expected a W3C Annotation"),
        (b'{"type": "AnnotationCollection", "first": {"items": "x"}}', "no items list"),
        (b'[{"type": "Annotation", "target": "http://x"}]', "annotation 1: target must be"),
        (
            b'[{"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": ""}}}]',
            "non-empty exact",
        ),
        (b'[{"type": "Note"}]', "annotation 1: not an object with type Annotation"),
        (
            b'[{"type": "Annotation", "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"},'
            b' {"type": "TextPositionSelector", "start": "a", "end": 2}]}}]',
            "must be a whole number",
        ),
        (
            b'[{"type": "Annotation", "target": {"selector":'
            b' {"type": "TextQuoteSelector", "exact": "x", "prefix": 5}}}]',
            "prefix and suffix must be text",
        ),
        (
            b'[{"type": "Annotation", "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"},'
            b' {"type": "TextPositionSelector", "start": 18446744073709551615, "end": 18446744073709551616}]}}]',
            "beyond any article's length",
        ),
        (
            b'[{"type": "Annotation", "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"},'
            b' {"type": "TextPositionSelector", "start": 18446744073709551615, "end": 18446744073709551615}]}}]',
            "beyond any article's length",
        ),
        (
            b'[{"type": "Annotation", "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"},'
            b' {"type": "TextPositionSelector", "start": 1e300, "end": 1e300}]}}]',
            "start 1e+300 is beyond any article's length",
        ),
        (
            b'[{"type": "Annotation", "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"},'
            b' {"type": "TextPositionSelector", "start": 18446744073709551616, "end": 1}]}}]',
            "start 1.84e+19 is beyond any article's length",  # a float to JSON, but a whole number
        ),
        (
            b'[{"type": "Annotation", "target": {"selector": [{"type": "TextQuoteSelector", "exact": "x"},'
            b' {"type": "TextPositionSelector", "start": 1.5, "end": 2}]}}]',
            "must be a whole number",
        ),
        (
            b'[{"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": "\\u001b[2J"}}}]',
            "only control characters",
        ),
    ],
)
def test_import_malformed_exit_2_changes_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    db = tmp_path / "db.json"
    assert (
        run("annotate", "000", "--quote", "whole-of-government approach", "--db", str(db), cwd=tmp_path).returncode == 0
    )
    journal = db.with_name(db.name + ".journal")
    before = (db.read_bytes(), journal.read_bytes() if journal.exists() else b"")
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = run("import", str(path), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 2
    assert str(path) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert (db.read_bytes(), journal.read_bytes() if journal.exists() else b"") == before


def test_export_cli_scopes_strict_and_safety(tmp_path: Path) -> None:
    db = tmp_path / "annotations" / "newsreader.json"
    run("annotate", "000", "--quote", "qualified law enforcement personnel", "--tag", "dhs-quote", cwd=tmp_path)
    run("annotate", "002", "--quote", "2,100 trained", "--tag", "figures", "--color", "red", cwd=tmp_path)
    result = run("export", "--tag", "figures", cwd=tmp_path)
    assert result.returncode == 0
    assert "2,100 trained" in result.stdout and "qualified law" not in result.stdout
    result = run("export", "--color", "yellow", cwd=tmp_path)
    assert "qualified law" in result.stdout and "2,100" not in result.stdout
    result = run("export", "--article", str(SEEDS / "002_db01bee56135c3f7.txt"), cwd=tmp_path)
    assert "2,100 trained" in result.stdout and "qualified law" not in result.stdout
    assert run("export", "--strict", cwd=tmp_path).returncode == 0
    result = run("export", "--tag", "no-such-tag", cwd=tmp_path)
    assert result.returncode == 1 and "no annotation has the tag #no-such-tag" in result.stderr
    result = run("export", "--tag", "figures", "--color", "blue", cwd=tmp_path)
    assert result.returncode == 0 and "no annotations in this scope" in result.stderr
    # Refuses to write the export over the DB.
    result = run("export", "-o", str(db), cwd=tmp_path)
    assert result.returncode == 2 and "annotation DB" in result.stderr
    assert json.loads(db.read_text())["_meta"]
    out = tmp_path / "out" / "export.md"
    out.parent.mkdir()
    result = run("export", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0 and out.read_text().startswith("---\n")
    assert run("export", "--color", "pink", cwd=tmp_path).returncode == 2


def test_export_strict_fails_on_changed_text(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    nyt = folder / "002_db01bee56135c3f7.txt"
    assert run("annotate", str(nyt), "--quote", "2,100 trained law enforcement officers", cwd=tmp_path).returncode == 0
    nyt.write_text(nyt.read_text().replace("2,100 trained law", "2,300 trained law"))
    result = run("export", str(folder), "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert "text changed since annotated" in result.stderr
    assert "2,300 trained law enforcement officers" in result.stdout


def test_export_never_over_the_journal(tmp_path: Path) -> None:
    db = tmp_path / "annotations" / "newsreader.json"
    assert run("annotate", "000", "--quote", "whole-of-government approach", cwd=tmp_path).returncode == 0
    journal = db.with_name(db.name + ".journal")
    before = journal.read_bytes()
    for target in (journal, db.with_name(db.name + ".bak")):
        result = run("export", "-o", str(target), cwd=tmp_path)
        assert result.returncode == 2 and "annotation DB's files" in result.stderr
    assert journal.read_bytes() == before
    assert run("export", "-o", "~nosuchuser/x.md", cwd=tmp_path).returncode == 2


def _w3c(exact: str, *, uid: str, start: int | None = None, end: int | None = None, note: str = "") -> dict:
    selectors: list[dict] = [{"type": "TextQuoteSelector", "exact": exact}]
    if start is not None:
        selectors.append({"type": "TextPositionSelector", "start": start, "end": end})
    document: dict = {"type": "Annotation", "id": f"urn:uuid:{uid}", "target": {"selector": selectors}}
    if note:
        document["bodyValue"] = note
    return document


def test_import_counts_a_repeated_id_once_and_says_so(tmp_path: Path) -> None:
    uid = "0c7f2d8e-1b5a-4c3d-9e8f-7a6b5c4d3e2f"
    path = tmp_path / "twice.json"
    path.write_text(
        json.dumps(
            [
                _w3c("whole-of-government approach", uid=uid, note="first"),
                _w3c("whole-of-government approach", uid=uid, note="second"),
            ]
        )
    )
    db = tmp_path / "db.json"
    result = run("import", str(path), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported 1:") and "1 new" in result.stdout
    assert "1 repeated id(s) in the file counted once (the last one kept)" in result.stdout
    exported = json.loads(run("export", "--format", "json", "--db", str(db), cwd=tmp_path).stdout)
    assert [a["body"][0]["value"] for a in exported["first"]["items"]] == ["second"]


def test_import_negative_positions_anchor_by_quote(tmp_path: Path) -> None:
    path = tmp_path / "negative.json"
    path.write_text(json.dumps([_w3c("whole-of-government approach", uid="1" * 32, start=-50, end=-20)]))
    db = tmp_path / "db.json"
    result = run("import", str(path), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 orphaned" in result.stdout
    rows = json.loads(run("list", "--json", "--db", str(db), cwd=tmp_path).stdout)
    assert sum(r["annotations"] for r in rows) == 1 and sum(r["orphans"] for r in rows) == 0


def test_import_anchors_in_the_paths_given(tmp_path: Path) -> None:
    """Articles outside the workspace, named on the command line, anchor the import."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "story.md").write_text("A council met on Tuesday. Residents packed the chamber to object.")
    path = tmp_path / "import.json"
    path.write_text(json.dumps([_w3c("Residents packed the chamber", uid="2" * 32)]))
    db = tmp_path / "db.json"
    result = run("import", str(path), str(elsewhere), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 re-anchored, 0 orphaned" in result.stdout
    exported = run("export", str(elsewhere), "--db", str(db), cwd=tmp_path).stdout
    assert "> Residents packed the chamber" in exported and "orphan" not in exported.lower().split("---")[-1]


def test_metadata_edits_and_url_round_trip_through_json(tmp_path: Path) -> None:
    """Retitled, with an author and a URL: the export carries them, an import into an empty DB
    restores them, and the second export is byte-identical to the first."""
    from tui.core.store import Store

    first_db = tmp_path / "first.json"
    assert run("annotate", "000", "--quote", "whole-of-government approach", "--db", str(first_db), cwd=tmp_path)
    with Store(first_db) as store, store.change("edit metadata") as change:
        seed = json.loads(run("list", "--json", "--db", str(first_db), cwd=tmp_path).stdout)[0]
        edits = {"title": "IRS agents for immigration", "author": "T. Hesson", "url": "https://example.org/irs?a=1&b=2"}
        change.set_overrides(seed["id"], edits)
    markdown_out = run("export", "--db", str(first_db), cwd=tmp_path).stdout
    assert "## IRS agents for immigration" in markdown_out
    citation = next(line for line in markdown_out.splitlines() if line.startswith("Reuters"))
    assert "T. Hesson" in citation and "<https://example.org/irs?a=1&b=2>" in citation and " · accessed 20" in citation
    html = MarkdownIt().render(citation)
    assert 'href="https://example.org/irs?a=1&amp;b=2"' in html
    exported = tmp_path / "e.json"
    assert run("export", "--format", "json", "-o", str(exported), "--db", str(first_db), cwd=tmp_path).returncode == 0
    item = json.loads(exported.read_text())["first"]["items"][0]
    assert item["target"]["source"] == "https://example.org/irs?a=1&b=2"
    assert item["newsreader"]["article"]["edited"] == dict(sorted(edits.items()))
    assert item["newsreader"]["article"]["accessed"].startswith("20")
    assert w3c_checker(exported).returncode == 0
    second_db = tmp_path / "second.json"
    result = run("import", str(exported), "--db", str(second_db), cwd=tmp_path)
    assert "metadata edits restored for 1 article(s)" in result.stdout, result.stdout
    rows = json.loads(run("list", "--json", "--db", str(second_db), cwd=tmp_path).stdout)
    assert (rows[0]["title"], rows[0]["author"]) == ("IRS agents for immigration", "T. Hesson")
    again = tmp_path / "again.json"
    assert run("export", "--format", "json", "-o", str(again), "--db", str(second_db), cwd=tmp_path).returncode == 0
    assert again.read_bytes() == exported.read_bytes()


def test_tags_are_one_tag_whatever_their_case(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert run(
        "annotate",
        "000",
        "--quote",
        "whole-of-government approach",
        "--tag",
        "Logistics",
        "--db",
        str(db),
        cwd=tmp_path,
    )
    result = run("annotate", "002", "--quote", "2,100", "--tag", "logistics", "--db", str(db), cwd=tmp_path)
    assert "#Logistics" in result.stderr  # the tag in use keeps its spelling
    overview_out = run("export", "--format", "overview", "--db", str(db), cwd=tmp_path).stdout
    assert [line for line in overview_out.splitlines() if "ogistics" in line] == ["| Logistics | 1 | 1 | 2 |"]
    exported = run("export", "--tag", "LOGISTICS", "--db", str(db), cwd=tmp_path).stdout
    assert exported.count("> ") == 2


def test_export_of_a_tag_nobody_used_says_so(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert run(
        "annotate", "000", "--quote", "whole-of-government approach", "--tag", "figures", "--db", str(db), cwd=tmp_path
    )
    result = run("export", "--tag", "figurs", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "no annotation has the tag #figurs; closest: #figures" in result.stderr


def test_export_finds_an_annotated_article_outside_the_workspace(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "memo.md").write_text("# A memo\n\nThe committee met on Tuesday and voted to delay the plan.\n")
    work = tmp_path / "work"
    work.mkdir()
    db = work / "db.json"
    memo = str(elsewhere / "memo.md")
    assert run("annotate", memo, "--quote", "voted to delay", "--db", str(db), cwd=work).returncode == 0
    exported = run("export", "--strict", "--db", str(db), cwd=work)
    assert exported.returncode == 0, exported.stderr
    assert (
        "## A memo" in exported.stdout and "not loaded" not in exported.stdout and "not verified" not in exported.stdout
    )
    assert "memo.md" in exported.stdout


def test_import_says_how_to_anchor_in_annotated_files_outside_the_workspace(tmp_path: Path) -> None:
    """An import never opens the files it names unasked (a hostile one could name any file), but
    when an orphan's file exists it says how to anchor in it, and that then works."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    memo = elsewhere / "memo.md"
    memo.write_text("# A memo\n\nThe committee met on Tuesday and voted to delay the plan.\n")
    work = tmp_path / "work"
    work.mkdir()
    db, exported = work / "a.json", work / "export.json"
    assert run("annotate", str(memo), "--quote", "voted to delay", "--db", str(db), cwd=work).returncode == 0
    assert run("export", "--format", "json", "-o", str(exported), "--db", str(db), cwd=work).returncode == 0
    plain = run("import", str(exported), "--db", str(work / "b.json"), cwd=work)
    assert plain.returncode == 0 and "1 orphaned" in plain.stdout
    assert f"name them: newsreader import {exported} {memo}" in plain.stderr
    named = run("import", str(exported), str(memo), "--db", str(work / "c.json"), cwd=work)
    assert named.returncode == 0 and "1 anchored" in named.stdout and "name them" not in named.stderr
