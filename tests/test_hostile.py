"""Hostile articles: nothing breaks, text shows literally, no escape sequence reaches the terminal."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile
from tests.conftest import make_app, wait_for_notice
from tests.test_cli import run
from tests.test_export import blockquotes, normalized
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.reader import Reader
from tui.core.anchoring import Selector, anchor
from tui.core.article import Article
from tui.core.cleaning import clean_text, printable
from tui.core.export import blockquote

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str | None]]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    return folder, hostile.write(folder)


def test_list_survives_and_prints_no_escapes(corpus, tmp_path: Path) -> None:
    folder, expected = corpus
    result = run("list", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and not CONTROL.search(stream.replace("\n", ""))
    assert "[bold]x[/bold]" in result.stdout
    assert "binary" in result.stderr and "loops back" in result.stderr and "dangling.txt" in result.stderr
    for name, reason in hostile.SKIPPED.items():
        assert f"{name}: skipped" in result.stderr and reason in result.stderr, name
    assert "front matter uses YAML aliases" in result.stderr
    listed = run("list", "--json", str(folder), cwd=tmp_path)
    assert not CONTROL.search(listed.stdout.replace("\n", ""))
    rows = json.loads(listed.stdout)
    names = {Path(r["path"]).name for r in rows}
    assert {printable(name) for name in expected} <= names  # file names shown escaped
    assert not names & set(hostile.SKIPPED)
    assert next(r for r in rows if r["path"].endswith("empty.txt"))["empty"]
    front = next(r for r in rows if r["path"].endswith("front-matter-escapes.md"))
    assert front["title"].startswith("Title") and front["title"].endswith("end")
    assert front["author"] == "First line Second line evil" and front["outlet"] == "The Daily Example"
    for row in rows:
        assert not any(CONTROL.search(str(value)) for value in row.values()), row


def test_export_align_search_import_print_no_escapes(corpus, tmp_path: Path) -> None:
    """Escapes hidden in front matter, file names and an imported file reach no output."""
    folder, _ = corpus
    db = ["--db", str(tmp_path / "db.json")]
    front = next(folder.glob("front-matter-escapes.md"))
    named = next(folder.glob("name *"))
    assert run("annotate", str(front), "--quote", "Body of an article", *db, cwd=tmp_path).returncode == 0
    article_id = run("list", "--json", str(front), *db, cwd=tmp_path).stdout.split('"id": "')[1][:12]
    imports = tmp_path / "hostile-import.json"
    imports.write_text(json.dumps(hostile.import_file(article_id, "whose front matter")))
    outputs = [run("import", str(imports), str(folder), *db, cwd=tmp_path)]
    assert outputs[0].returncode == 0, outputs[0].stderr
    for export_format in ("markdown", "json", "overview"):
        outputs.append(run("export", str(folder), "--format", export_format, *db, cwd=tmp_path))
    outputs.append(run("align", str(front), str(named), *db, cwd=tmp_path))
    outputs.append(run("align", str(front), str(named), "--json", *db, cwd=tmp_path))
    outputs.append(run("search", "article", str(folder), *db, cwd=tmp_path))
    for result in outputs:
        assert result.returncode == 0, result.args
        for stream in (result.stdout, result.stderr):
            assert not CONTROL.search(stream.replace("\n", "")), (result.args, stream[:500])
    markdown_export = outputs[1].stdout
    assert "note  end" in markdown_export or "note end" in markdown_export
    assert "#tag" in markdown_export and "whose front matter" in markdown_export


def test_loaded_text_is_clean_and_literal(corpus) -> None:
    from tui.core.corpus import Corpus

    folder, expected = corpus
    loaded = {a.path.name: a for a in Corpus.load([folder])}
    for name, shown in expected.items():
        article = loaded[name]
        assert not CONTROL.search(article.text), name
        if shown is not None:
            assert shown in article.text, (name, article.text[:200])
    if os.geteuid() != 0:
        assert "unreadable.txt" not in loaded


def rendered(widget, rows: int) -> str:
    return "\n".join("".join(segment.text for segment in widget.render_line(y)) for y in range(rows))


async def test_app_reads_every_hostile_article(corpus, db: Path, in_root: Path) -> None:
    folder, expected = corpus
    app = make_app(db, [folder])
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await wait_for_notice(pilot, "skipped")  # at once: the notice goes after 8 s
        listing = app.query_one(ArticleList)
        reader = app.query_one(Reader)
        seen = set()
        for index in range(listing.count):
            listing.highlighted = index
            await pilot.pause()
            article = reader.article
            seen.add(article.path.name)
            screen = rendered(reader, 46) + rendered(listing, 46)
            assert "\x1b" not in screen and not CONTROL.search(screen.replace("\n", "")), article.path.name
            shown = expected.get(article.path.name)
            if shown is not None and len(shown) < 60:
                assert shown in " ".join(reader.visible_text()).replace("  ", " ") or shown in article.text
        assert set(expected) <= seen
        assert "[bold]x[/bold]" in listing.item_text(
            listing.index_of(next(a.id for a in app.workspace.corpus if a.path.name == "markup.txt"))
        )
        # The 100,000-character line and the 5 MB article scroll like any other.
        big = next(a for a in app.workspace.corpus if a.path.name == "big.txt")
        app.open_article(big.id)
        await pilot.pause()
        await pilot.press("pagedown", "pagedown", "G")
        assert reader.cursor == len(big.text)


_HOSTILE_CHARS = st.sampled_from(
    ["\x1b", "\x1b[31m", "\x1b]8;;http://x\x1b\\", "\x1b]52;c;eA==\x07", "\x00", "\x9b", "\x85", "\r", "\r\n", "\t",
     "\u202e", "\u2066", "\u200b", "\ufeff", "[bold]", "[/]", "[", "]", "\\", "*", "`", ">", "#", "|", "<b>", "&amp;"]
)  # fmt: skip
hostile_text = st.lists(st.one_of(st.text(min_size=1, max_size=8), _HOSTILE_CHARS), min_size=1, max_size=40).map(
    "".join
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=hostile_text, data=st.data())
def test_property_load_anchor_export(raw: str, data: st.DataObject) -> None:
    article = Article.from_raw(Path("x.txt"), raw)
    assert not CONTROL.search(article.text)
    assert clean_text(article.text) == article.text  # cleaning is idempotent
    if not article.text.strip():
        return
    start = data.draw(st.integers(0, len(article.text) - 1))
    end = data.draw(st.integers(start + 1, len(article.text)))
    selector = Selector.of(article.text, start, end)
    assert anchor(article.text, selector).span == (start, end)
    passage = article.text[start:end]
    if passage.strip():
        assert blockquotes(blockquote(passage)) == [normalized(passage)]


async def test_app_shows_hostile_metadata_and_imported_annotations_literally(corpus, db: Path, in_root: Path) -> None:
    """Front matter escapes and an imported annotation's escapes never reach the screen."""
    from tui.core.importing import import_annotations, parse_w3c
    from tui.core.workspace import Workspace

    folder, _ = corpus
    front = next(folder.glob("front-matter-escapes.md"))
    with Workspace.open([front], db=db, remember=False) as workspace:
        article = workspace.corpus.articles[0]
        imported = parse_w3c(json.dumps(hostile.import_file(article.id, "whose front matter")).encode())
        import_annotations(workspace, imported, dry_run=False, label="import")
    app = make_app(db, [front])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")  # the notes pane, all articles
        svg = app.export_screenshot()
        assert "Title" in svg and "note" in svg and "#tag" in svg
        assert not CONTROL.search(svg.replace("\n", "")), CONTROL.search(svg.replace("\n", ""))
