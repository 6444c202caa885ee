"""The ``newsreader`` command: parse arguments, then call the domain or start the app.

Data goes to stdout, messages to stderr. Exit codes: 0 ok, 1 the work failed,
2 bad usage or bad input. No traceback reaches a user: an unexpected error is
written to a log file in $TMPDIR and named in a one-line message.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shutil
import stat
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from tui import __version__
from tui.core.anchoring import Selector
from tui.core.annotation import COLORS, Annotation, now, parse_tags, resolve_color, tag_key
from tui.core.article import shorten
from tui.core.atomic import write_export
from tui.core.cleaning import printable
from tui.core.errors import NewsreaderError, UsageError, WorkFailed
from tui.core.search import find_quote, terms
from tui.core.workspace import DB_ENV, Workspace, db_path, display_path

if TYPE_CHECKING:  # imported by the commands that use them, so opening the app starts faster
    from tui.core.alignment import Alignment
    from tui.core.export import Scope

COMMANDS = ("list", "annotate", "export", "import", "align", "search", "add", "feed")

DESCRIPTION = """\
A keyboard-first terminal reader and annotator for news research.

  newsreader [PATH ...]            open the app on these files and folders
                                   (none: this workspace's folders, else the bundled seeds)
"""


def usage_line(command: str) -> str:
    """``newsreader export [--format markdown|json|overview] …``: one command's synopsis, from its
    parser, so ``--help`` (and the README, checked by a test) list every option there is."""
    usage = " ".join(_command_parser(command).format_usage().split())
    usage = usage.removeprefix("usage: ").replace(" [-h]", "").replace(" [--db FILE]", "")
    return re.sub(r"\{([^}]*)\}", lambda m: m.group(1).replace(",", "|"), usage)


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="FILE",
        help=f"the annotation DB (default: ${DB_ENV} or annotations/newsreader.json in the current folder)",
    )


def _open_parser() -> argparse.ArgumentParser:
    synopsis = "".join(f"  {usage_line(command)}\n" for command in COMMANDS)
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description=DESCRIPTION + synopsis,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="article files (.txt, .md, saved .html pages) or folders"
    )
    _add_db(parser)
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    return parser


def _counting(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``least`` (anything else is bad usage, exit 2)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = least - 1
        if number < least:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {least}, not {value!r}")
        return number

    return parse


def _command_parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"newsreader {command}")
    _add_db(parser)
    if command == "list":
        parser.description = "List articles: id, outlet, author, date, words, annotations, orphans, title, path."
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    elif command == "annotate":
        parser.description = "Highlight a passage of an article, found by its quote, with tags, a note and a color."
        parser.add_argument("article", metavar="ARTICLE", help="a path, or an article id (a unique prefix is enough)")
        parser.add_argument("--quote", required=True, help="the passage's exact words (quotes and spacing may differ)")
        parser.add_argument(
            "--occurrence",
            type=_counting(1),
            metavar="N",
            help="which occurrence, if the quote appears more than once (1 = first)",
        )
        parser.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeat, or comma-separate)")
        parser.add_argument("--note", default="", help="a note")
        parser.add_argument(
            "--color", default="yellow", metavar="C", help=f"{', '.join(COLORS)}, 1-5, or your name for a color"
        )
    elif command == "export":
        parser.description = (
            "Export annotations as Markdown (default), W3C Web Annotation JSON, or a tag x outlet overview table."
            " Scope options combine; with none, everything is exported."
        )
        parser.add_argument(
            "paths", nargs="*", type=Path, metavar="PATH", help="articles to load (default: the workspace's folders)"
        )
        parser.add_argument("--format", choices=("markdown", "json", "overview"), default="markdown")
        parser.add_argument(
            "--article", action="append", default=[], metavar="A", help="an article (path or id); repeatable"
        )
        parser.add_argument(
            "--tag", action="append", default=[], metavar="T", help="annotations with this tag; repeatable"
        )
        parser.add_argument(
            "--color", action="append", default=[], metavar="C", help="annotations of this color; repeatable"
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
        parser.add_argument("--strict", action="store_true", help="exit 1 if a quote no longer matches its article")
    elif command == "align":
        parser.description = (
            "Align two or three articles: the passages they share (near-verbatim or paraphrased), "
            "the figures that differ, and what only one reports."
        )
        parser.add_argument("articles", nargs="+", metavar="ARTICLE", help="paths or ids of two or three articles")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a side-by-side listing")
        parser.add_argument(
            "--format",
            choices=("text", "json", "markdown"),
            default="text",
            help="text: side by side (default); json: as --json; markdown: the story table, to paste into a draft",
        )
    elif command == "search":
        parser.description = (
            "Search every article (and the annotations' quotes, notes and tags) for paragraphs holding every term."
            ' Case, accents and typographic quotes do not matter; "quoted words" must appear together.'
        )
        parser.add_argument("query", metavar="QUERY")
        parser.add_argument(
            "paths", nargs="*", type=Path, metavar="PATH", help="articles to search (default: the workspace's)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
        parser.add_argument("--limit", type=_counting(0), default=0, metavar="N", help="stop after N hits (0: all)")
    elif command == "import":
        parser.description = "Import W3C Web Annotation JSON; each annotation is re-anchored in the loaded articles."
        parser.add_argument("file", metavar="FILE", type=Path)
        parser.add_argument(
            "paths", nargs="*", type=Path, metavar="PATH", help="articles to anchor in (default: the workspace folders)"
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; change nothing")
    elif command == "add":
        parser.description = (
            "Fetch web pages (or read saved .html pages), extract each article's text and metadata, and save it"
            " as Markdown with YAML front matter (title, outlet, author, date, url, fetched). The folder joins"
            " the workspace, so `newsreader` and `newsreader list` show the articles. The same URL or text is"
            " added once. Prints each article's id."
        )
        parser.add_argument("sources", nargs="+", metavar="URL|FILE.html", help="http(s) URLs or saved .html pages")
        _add_intake_options(parser)
        parser.add_argument(
            "--raw", action="store_true", help="save the page's whole text when no article is found in it"
        )
    elif command == "feed":
        parser.description = "RSS and Atom feeds: subscribe, list, and refresh them into articles."
        actions = parser.add_subparsers(dest="action", required=True, metavar="add|list|refresh|remove")
        add = actions.add_parser("add", help="subscribe to a feed (it is fetched once to check it)")
        add.add_argument("url", metavar="URL")
        add.add_argument("--name", default="", help="the feed's name (default: its title)")
        add.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS")
        listing = actions.add_parser("list", help="the feeds, with the last refresh's result")
        listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
        refresh = actions.add_parser(
            "refresh", help="add the new items of every feed (or of NAME) as articles; a summary line per feed"
        )
        refresh.add_argument("name", nargs="?", metavar="NAME", help="a feed's name, id, URL or a unique prefix")
        _add_intake_options(refresh)
        remove = actions.add_parser("remove", help="unsubscribe (the articles stay)")
        remove.add_argument("name", metavar="NAME")
        for sub in (add, listing, refresh, remove):  # --db before or after the action
            sub.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS, help="the annotation DB")
    return parser


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not 0 < number <= 3600:
        raise argparse.ArgumentTypeError(f"expected a number of seconds (more than 0), not {value!r}")
    return number


def _add_intake_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        metavar="FOLDER",
        help="where to save articles (default: articles/ beside the DB's annotations/ folder)",
    )
    parser.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS", help="per page (default: 20)")


def _notices(workspace: Workspace) -> None:
    for notice in workspace.corpus.notices:
        print(f"newsreader: {printable(str(notice))}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    workspace = Workspace.open(args.paths, db=db_path(args.db), readonly=True)
    _notices(workspace)
    by_article: dict[str, list] = {}
    for annotation in workspace.annotations():
        by_article.setdefault(annotation.article_id, []).append(annotation)
    rows = []
    for article in workspace.corpus:
        mine = by_article.get(article.id, [])
        rows.append(
            {
                "id": article.id,
                "outlet": article.meta.outlet,
                "author": article.meta.author,
                "date": article.meta.date,
                "words": article.words,
                "annotations": len(mine),
                "orphans": sum(a.orphaned for a in mine),
                "title": article.meta.title,
                "path": display_path(article.path, article.location),
                "via": article.meta.via,
                "url": article.meta.url,
                "empty": article.is_empty,
            }
        )
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    if not rows:
        print("newsreader: no articles found", file=sys.stderr)
        return 0
    headings = ("ID", "OUTLET", "AUTHOR", "DATE", "WORDS", "NOTES", "ORPH", "TITLE")
    table = [
        (
            r["id"],
            r["outlet"] or "—",
            r["author"] or "—",
            r["date"] or "—",
            str(r["words"]),
            str(r["annotations"]),
            str(r["orphans"]),
            "(empty) " + r["path"] if r["empty"] else r["title"],
        )
        for r in rows
    ]
    widths = [min(max(len(h), *(len(row[i]) for row in table)), 28) for i, h in enumerate(headings[:-1])]
    for row in [headings, *table]:
        cells = [
            printable(cell)[:width].ljust(width) if i < 4 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        print("  ".join([*cells, printable(row[-1])]))
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    paths = [Path(args.article)] if os.path.isfile(args.article) else []
    workspace = Workspace.open(paths, db=db_path(args.db), remember=False)
    try:
        article = workspace.corpus.resolve(args.article)
        color = resolve_color(args.color, workspace.store.color_names())
        if color is None:
            raise UsageError(f"unknown color {args.color!r}: use {', '.join(COLORS)}, 1-5, or a color's name")
        if not args.quote.strip():
            raise UsageError("--quote is empty: give the passage's words")
        spans = find_quote(article.text, args.quote)
        if not spans:
            raise WorkFailed(f"quote not found in {display_path(article.path)}: {shorten(args.quote, 80)!r}")
        if args.occurrence is not None:
            if not 1 <= args.occurrence <= len(spans):
                raise WorkFailed(f"--occurrence {args.occurrence}: the quote occurs {len(spans)} time(s)")
            span = spans[args.occurrence - 1]
        elif len(spans) > 1:
            places = "; ".join(
                f"{i}: …{shorten(article.text[max(0, s.start - 30) : s.end + 30], 90)}…"
                for i, s in enumerate(spans[:5], 1)
            )
            raise WorkFailed(f"the quote occurs {len(spans)} times; choose one with --occurrence N ({places})")
        else:
            span = spans[0]
        tags = parse_tags(",".join(args.tag), workspace.store.tags())  # a tag in use keeps its spelling
        annotation = Annotation.new(
            article.id, article.location, Selector.of(article.text, *span), color=color, tags=tags, note=args.note
        )
        with workspace.store.change("annotate from the command line") as change:
            change.put(annotation)
    finally:
        workspace.close()
    print(annotation.id)
    tag_text = " ".join(f"#{t}" for t in tags)
    print(
        f"newsreader: annotated {article.id} {shorten(annotation.selector.exact, 60)!r} {tag_text}".rstrip(),
        file=sys.stderr,
    )
    return 0


def _scope(workspace: Workspace, args: argparse.Namespace) -> Scope:
    from tui.core.export import Scope

    names = workspace.store.color_names()
    colors = []
    for value in args.color:
        color = resolve_color(value, names)
        if color is None:
            raise UsageError(f"unknown color {value!r}: use {', '.join(COLORS)}, 1-5, or a color's name")
        colors.append(color)
    known = workspace.store.tags()
    tags = list(parse_tags(",".join(args.tag), known))
    for tag in tags:
        if not any(tag_key(tag) == tag_key(k) for k in known):
            raise WorkFailed(f"no annotation has the tag #{tag}{_closest(tag, known)}")
    return Scope([workspace.corpus.resolve(ref) for ref in args.article], tags, colors)


def _closest(tag: str, known: list[str]) -> str:
    """``; closest: #a, #b`` (the tags in use most like ``tag``), or what tags there are."""
    if not known:
        return " (no annotation has any tag yet)"
    from rapidfuzz import fuzz, process

    close = process.extract(tag_key(tag), {k: tag_key(k) for k in known}, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    shown = [key for _, _, key in close] or known[:5]
    return ("; closest: " if close else "; tags in use: ") + ", ".join(f"#{t}" for t in shown)


def _output(path: str | None, data: bytes, db: Path) -> None:
    if path is None:
        sys.stdout.buffer.write(data)
        return
    write_export(Path(path), data, db=db)


def cmd_export(args: argparse.Namespace) -> int:
    from tui.core.export import collect, markdown, overview, overview_markdown, w3c

    db = db_path(args.db)
    also = [Path(ref) for ref in args.article if os.path.isfile(ref)]
    workspace = Workspace.open(args.paths, db=db, readonly=True, also=also)
    try:
        _notices(workspace)
        scope = _scope(workspace, args)
        items = collect(workspace, scope)
        if args.format == "json":
            data = w3c(items, scope=scope, edits=workspace.store.overrides())
        elif args.format == "overview":
            data = overview_markdown(overview(items)).encode()
        else:
            text = markdown(items, scope=scope, exported=now(), color_names=workspace.store.color_names())
            data = text.encode()
    finally:
        workspace.close()
    _output(args.output, data, db)
    problems = [i for i in items if i.changed or i.annotation.orphaned]
    for item in problems:
        where = display_path(item.article.path if item.article else item.annotation.path)
        what = "orphaned (not in the current text)" if item.annotation.orphaned else "text changed since annotated"
        print(
            f"newsreader: {printable(where)}: {what}: {shorten(item.annotation.selector.exact, 70)!r}", file=sys.stderr
        )
    if not items:
        print("newsreader: no annotations in this scope; the export is empty", file=sys.stderr)
    if args.output:
        print(f"newsreader: exported {len(items)} annotation(s) to {printable(args.output)}", file=sys.stderr)
    return 1 if args.strict and problems else 0


MAX_IMPORT_BYTES = 1 * 2**30  # W3C JSON of a few million annotations; more is not an export


def cmd_import(args: argparse.Namespace) -> int:
    from tui.core.atomic import FileTooLarge, read_bytes
    from tui.core.importing import import_annotations, parse_w3c

    try:
        data, _ = read_bytes(args.file, MAX_IMPORT_BYTES)
    except FileTooLarge as error:
        raise UsageError(f"{args.file}: {error}; not an export of ours") from None
    except OSError as error:
        raise UsageError(f"{args.file}: cannot read ({error.strerror or error})") from None
    try:
        imported = parse_w3c(data)
    except UsageError as error:
        raise UsageError(f"{args.file}: {error}") from None
    workspace = Workspace.open(
        args.paths, db=db_path(args.db), readonly=args.dry_run, remember=False, store_anchors=not args.dry_run
    )
    try:
        report = import_annotations(workspace, imported, dry_run=args.dry_run, label=f"import {args.file.name}")
        # Files named in an import are never opened unasked (a hostile file could name any
        # file to quote from): when orphans' files exist, say how to anchor in them.
        paths = {i.path for i in imported if i.path} if report.orphaned else set()
        unopened = sorted(p for p in paths if workspace.corpus.by_location(p) is None and os.path.isfile(p))
    finally:
        workspace.close()
    prefix = "would import" if args.dry_run else "imported"
    print(f"{prefix} {len(imported) - report.repeated}: {report}")
    if unopened:
        shown = " ".join(printable(p) for p in unopened[:3]) + (" …" if len(unopened) > 3 else "")
        print(
            f"newsreader: {len(unopened)} annotated file(s) outside the workspace exist; to anchor in them,"
            f" name them: newsreader import {printable(str(args.file))} {shown}",
            file=sys.stderr,
        )
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from tui.core.alignment import align, as_json

    if not 2 <= len(args.articles) <= 3:
        raise UsageError(f"align takes two or three articles, not {len(args.articles)}")
    files = [Path(ref) for ref in args.articles if os.path.isfile(ref)]
    workspace = Workspace.open(files, db=db_path(args.db), readonly=True, remember=False)
    try:
        _notices(workspace)
        articles = [workspace.corpus.resolve(ref) for ref in args.articles]
    finally:
        workspace.close()
    if len({a.id for a in articles}) < len(articles):
        raise UsageError("the same article was given twice")
    alignment = align(articles)
    if args.json or args.format == "json":
        data = as_json(alignment, path=lambda a: display_path(a.path))
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    elif args.format == "markdown":
        from tui.core.story import markdown

        sys.stdout.write(markdown(alignment))
    else:
        print(side_by_side(alignment, shutil.get_terminal_size((160, 48)).columns))
    return 0


def side_by_side(alignment: Alignment, width: int) -> str:
    """Groups as columns of wrapped text, one column per article, then what only one reports."""
    articles = alignment.articles
    count = len(articles)
    column = max((width - 3 * (count - 1)) // count, 20)

    def wrap(text: str) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), column) or [""]

    def row(cells: list[list[str]]) -> list[str]:
        height = max(len(c) for c in cells)
        return [
            " | ".join(printable(c[i] if i < len(c) else "").ljust(column) for c in cells).rstrip()
            for i in range(height)
        ]

    names = [a.meta.outlet or a.file_name for a in articles]
    out = [*row([wrap(n) for n in names]), "=" * min(width, column * count + 3 * (count - 1))]
    for number, group in enumerate(alignment.groups, 1):
        out.append(f"[{number}] {group.kind} · score {group.score:.2f}")
        cells = [["—"] for _ in articles]
        for passage in group.passages:
            cells[passage.article] = wrap(passage.text)
        out += row(cells)
        out += [f"    figures differ: {d.describe(names)}" for d in group.differences]
        if group.shared:
            out.append(f"    shared: {', '.join(group.shared)}")
        out.append("")
    for name, unique in zip(names, alignment.unique, strict=True):
        out.append(f"Only in {name} ({len(unique)}):")
        out += [f"  - {printable(shorten(p.text, width - 4))}" for p in unique]
        out.append("")
    return "\n".join(out).rstrip()


def cmd_search(args: argparse.Namespace) -> int:
    workspace = Workspace.open(args.paths, db=db_path(args.db), readonly=True)
    try:
        _notices(workspace)
        if not terms(args.query):
            raise UsageError("the query has no words to search for")
        found = workspace.search(args.query)
        if args.limit > 0:
            found = itertools.islice(found, args.limit)
        rows = []
        bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM", "") not in ("", "dumb")
        for hit in found:
            context, span = hit.context()
            article = hit.article
            row = {
                "kind": hit.hit.kind,
                "article": article.id if article else (hit.annotation.article_id if hit.annotation else ""),
                "path": display_path(article.path, article.location) if article else "",
                "title": article.meta.title if article else "",
                "outlet": article.meta.outlet if article else "",
                # An annotation hit points at the annotation's passage; a text hit at the match.
                "start": hit.annotation.start if hit.annotation else hit.hit.span.start,
                "end": hit.annotation.end if hit.annotation else hit.hit.span.end,
                "match": context[span.start : span.end],
                "context": context,
            }
            if hit.annotation is not None:
                row["annotation"] = hit.annotation.id
            if args.json:
                rows.append(row)
                continue
            where = " · ".join(p for p in (row["outlet"], shorten(row["title"], 70)) if p)
            label = "annotation" if hit.annotation else "text"
            on, off = ("\x1b[1m", "\x1b[0m") if bold else ("«", "»")  # our own escapes, never the text's
            before, match, after = (printable(p) for p in (context[: span.start], row["match"], context[span.end :]))
            print(f"{printable(where)} ({label}, {printable(row['path'])}:{row['start']})")
            print(f"    {before}{on}{match}{off}{after}")
            rows.append(row)
    finally:
        workspace.close()
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    elif not rows:
        print(f"newsreader: no matches for {args.query!r}", file=sys.stderr)
    return 0


def _intake_workspace(db: Path, folder: Path) -> Workspace:
    """The workspace's articles (and those already in ``folder``), to refuse duplicates."""
    also = [folder] if folder.is_dir() else []
    return Workspace.open([], db=db, remember=False, also=also)


def cmd_add(args: argparse.Namespace) -> int:
    from tui.core.intake import HTML_SUFFIXES, Intake, NotAnArticle, articles_folder, is_url

    db = db_path(args.db)
    folder = articles_folder(db, args.to)
    workspace = _intake_workspace(db, folder)
    code, saved = 0, []
    try:
        with Intake.over(workspace.corpus, folder, timeout=args.timeout) as intake:
            for source in args.sources:
                try:
                    if is_url(source) or "://" in source:  # another scheme is refused as a URL, not a file
                        added = intake.add_url(source, raw=args.raw)
                    else:
                        path = Path(source)
                        if not path.is_file():
                            raise UsageError(
                                f"{source}: no such file (give an http(s) URL or a saved .html page)"
                                if not path.exists()
                                else f"{source}: not a file"
                            )
                        if path.suffix.lower() not in HTML_SUFFIXES:
                            raise UsageError(f"{source}: not an .html page (open .txt and .md files directly)")
                        added = intake.add_file(path, raw=args.raw)
                except NotAnArticle as error:
                    print(
                        f"newsreader: {printable(source)}: {printable(str(error))}; nothing saved"
                        " (--raw saves the page's text)",
                        file=sys.stderr,
                    )
                    code = max(code, error.exit_code)
                    continue
                except NewsreaderError as error:
                    print(f"newsreader: {printable(str(error))}", file=sys.stderr)
                    code = max(code, error.exit_code)
                    continue
                print(added.id, flush=True)
                article = added.article
                if added.new:
                    saved.append(article.id)
                    what = " · ".join(p for p in (article.meta.outlet, shorten(article.meta.title, 70)) if p)
                    print(f"newsreader: added {printable(what)} → {display_path(article.path)}", file=sys.stderr)
                else:
                    print(
                        f"newsreader: already added: {printable(source)} is {article.id}"
                        f" ({display_path(article.path)})",
                        file=sys.stderr,
                    )
        if saved:
            workspace.store.add_intake_folder(os.path.realpath(folder))
            workspace.store.mark_unread(saved)
    finally:
        workspace.close()
    return code


def cmd_feed(args: argparse.Namespace) -> int:
    from tui.core import feeds as feeds_module
    from tui.core.feeds import Feed
    from tui.core.intake import Intake, articles_folder
    from tui.core.store import Store

    db = db_path(args.db)
    if args.action == "list":
        with Store(db, readonly=True) as store:
            stored = [Feed.from_doc(k, d) for k, d in store.feeds().items()]
        stored.sort(key=lambda f: f.name.lower())
        if args.json:
            rows = [{"id": f.id, "name": f.name, "url": f.url, "items": f.items, "seen": len(f.seen),
                     "refreshed": f.refreshed, "result": f.result} for f in stored]  # fmt: skip
            sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        elif not stored:
            print("newsreader: no feeds yet: newsreader feed add URL", file=sys.stderr)
        for feed in [] if args.json else stored:
            print(f"{feed.id}  {printable(feed.name)}  {printable(feed.url)}")
            last = f"last refresh {feed.refreshed}: {feed.result}" if feed.refreshed else "never refreshed"
            print(f"    {len(feed.seen)} items seen · {printable(last)}")
        return 0
    if args.action == "remove":
        with Store(db) as store:
            stored = [Feed.from_doc(k, d) for k, d in store.feeds().items()]
            matches = feeds_module.find(stored, args.name)
            if len(matches) != 1:
                raise UsageError(_feed_choice(args.name, matches))
            with store.change(f"remove feed {matches[0].name}", record=False) as change:
                change.set_feed(matches[0].id, None)
        print(f"newsreader: removed feed {printable(matches[0].name)} (its articles stay)", file=sys.stderr)
        return 0
    folder = articles_folder(db, getattr(args, "to", None))
    if args.action == "add":
        with Store(db) as store:
            stored = [Feed.from_doc(k, d) for k, d in store.feeds().items()]
            with Intake(folder, timeout=args.timeout) as intake:
                feed = feeds_module.subscribe(args.url, name=args.name, intake=intake, existing=stored)
            with store.change(f"add feed {feed.name}", record=False) as change:
                change.set_feed(feed.id, feed.to_doc())
        print(feed.id)
        print(
            f"newsreader: added feed {printable(feed.name)} ({feed.items} items);"
            " `newsreader feed refresh` fetches them",
            file=sys.stderr,
        )
        return 0
    workspace = _intake_workspace(db, folder)
    code = 0
    try:
        stored = [Feed.from_doc(k, d) for k, d in workspace.store.feeds().items()]
        chosen = sorted(stored, key=lambda f: f.name.lower())
        if args.name:
            chosen = feeds_module.find(stored, args.name)
            if len(chosen) != 1:
                raise UsageError(_feed_choice(args.name, chosen))
        if not chosen:
            print("newsreader: no feeds yet: newsreader feed add URL", file=sys.stderr)
            return 0
        with Intake.over(workspace.corpus, folder, timeout=args.timeout) as intake:
            for feed in chosen:
                report, state = feeds_module.refresh(feed, intake)
                with workspace.store.change(f"refresh feed {feed.name}", record=False) as change:
                    if feed.id in workspace.store.feeds():  # not removed meanwhile
                        change.set_feed(feed.id, state.to_doc())
                if report.added:
                    workspace.store.add_intake_folder(os.path.realpath(folder))
                    workspace.store.mark_unread(a.id for a in report.added)
                for added in report.added:
                    print(
                        f"newsreader: added {added.id} {printable(shorten(added.article.meta.title, 70))}",
                        file=sys.stderr,
                    )
                print(printable(report.summary()), flush=True)
                if not report.ok:
                    code = 1
    finally:
        workspace.close()
    return code


def _feed_choice(name: str, matches: list) -> str:
    if not matches:
        return f"no feed {name!r} (see `newsreader feed list`)"
    listed = ", ".join(f"{f.name} ({f.id})" for f in matches[:5])
    return f"{name!r} matches {len(matches)} feeds: {listed}; give more of the name or the id"


def cmd_open(args: argparse.Namespace) -> int:
    workspace = Workspace.open(args.paths, db=db_path(args.db), defer=True)
    try:
        from tui.app.app import NewsreaderApp

        app = NewsreaderApp(workspace)
        app.run()
        return app.return_code or 0
    finally:
        workspace.close()


HANDLERS = {
    "list": cmd_list,
    "annotate": cmd_annotate,
    "export": cmd_export,
    "import": cmd_import,
    "align": cmd_align,
    "search": cmd_search,
    "add": cmd_add,
    "feed": cmd_feed,
}


def _crash_log(error: BaseException) -> str:
    """Write the traceback somewhere a user can send it; return where.

    The log goes in a private folder of this user's (``$TMPDIR/newsreader-<uid>``, mode
    0700, checked) and is opened without following links, so nobody can aim it elsewhere.
    """
    folder = Path(tempfile.gettempdir()) / f"newsreader-{os.getuid()}"
    path = folder / "crash.log"
    try:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return f"(no crash log: {folder} is not a private folder of this user's)"
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(path, flags, 0o600), "w", encoding="utf-8", errors="replace") as log:
            log.write("".join(traceback.format_exception(error)))
        return str(path)
    except OSError:
        return "(could not write a crash log)"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets a stand-in
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")
    try:
        # Intermixed: options may come between positionals (`search QUERY --db F PATH`);
        # argparse cannot intermix around subcommands, so `feed` parses plainly.
        if argv and argv[0] in COMMANDS:
            parser = _command_parser(argv[0])
            parse = parser.parse_args if argv[0] == "feed" else parser.parse_intermixed_args
            return HANDLERS[argv[0]](parse(argv[1:]))
        return cmd_open(_open_parser().parse_intermixed_args(argv))
    except NewsreaderError as error:
        print(f"newsreader: {printable(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # `newsreader list | head`: not an error
        return 0
    except Exception as error:
        where = _crash_log(error)
        print(
            f"newsreader: internal error: {printable(str(error)) or type(error).__name__} (details in {where})",
            file=sys.stderr,
        )
        return 1
