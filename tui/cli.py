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
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from tui import __version__
from tui.core.anchoring import Selector
from tui.core.annotation import COLORS, Annotation, now, parse_tags, resolve_color
from tui.core.article import shorten
from tui.core.atomic import write_export
from tui.core.cleaning import printable
from tui.core.errors import NewsreaderError, UsageError, WorkFailed
from tui.core.search import find_quote, terms
from tui.core.workspace import DB_ENV, Workspace, db_path, display_path

if TYPE_CHECKING:  # imported by the commands that use them, so opening the app starts faster
    from tui.core.alignment import Alignment
    from tui.core.catalog import Catalog
    from tui.core.export import Scope
    from tui.core.feeds import Feed
    from tui.core.store import Store

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
    parser = argparse.ArgumentParser(prog=f"newsreader {command}", description=COMMANDS[command].description)
    _add_db(parser)
    COMMANDS[command].arguments(parser)
    return parser


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _annotate_arguments(parser: argparse.ArgumentParser) -> None:
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


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="articles to load (default: the workspace's folders)"
    )
    parser.add_argument("--format", choices=("markdown", "json", "overview"), default="markdown")
    parser.add_argument(
        "--article", action="append", default=[], metavar="A", help="an article (path or id); repeatable"
    )
    parser.add_argument("--tag", action="append", default=[], metavar="T", help="annotations with this tag; repeatable")
    parser.add_argument(
        "--color", action="append", default=[], metavar="C", help="annotations of this color; repeatable"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a quote no longer matches its article")


def _align_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("articles", nargs="+", metavar="ARTICLE", help="paths or ids of two or three articles")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a side-by-side listing")
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text: side by side (default); json: as --json; markdown: the story table, to paste into a draft",
    )


def _search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY")
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="articles to search (default: the workspace's)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--limit", type=_counting(0), default=0, metavar="N", help="stop after N hits (0: all)")


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="articles to anchor in (default: the workspace folders)"
    )
    parser.add_argument("--dry-run", action="store_true", help="report what would happen; change nothing")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="URL|FILE.html", help="http(s) URLs or saved .html pages")
    _add_intake_options(parser)
    parser.add_argument("--raw", action="store_true", help="save the page's whole text when no article is found in it")


def _feed_arguments(parser: argparse.ArgumentParser) -> None:
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


def _notices(workspace: Workspace | Catalog) -> None:
    for notice in workspace.notices:
        print(f"newsreader: {printable(str(notice))}", file=sys.stderr)


def _read_only(paths: list[Path], db: Path, also: Sequence[Path] = ()) -> Workspace | Catalog:
    """A read-only command's workspace: listed from the index when it is current (no Article is
    made per file), else opened, which brings the index up to date."""
    from tui.core.catalog import Catalog

    return Catalog.open(paths, db=db, also=also)


def cmd_list(args: argparse.Namespace) -> int:
    with _read_only(args.paths, db_path(args.db)) as workspace:
        return _list(workspace, args)


def _list(workspace: Workspace | Catalog, args: argparse.Namespace) -> int:
    _notices(workspace)
    by_article: dict[str, list] = {}
    for annotation in workspace.annotations():
        by_article.setdefault(annotation.article_id, []).append(annotation)
    rows = []
    for article in workspace.records():
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
                "empty": article.empty,
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
    lines = []
    for row in [headings, *table]:
        cells = [
            printable(cell)[:width].ljust(width) if i < 4 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, printable(row[-1])]))
    sys.stdout.write("\n".join(lines) + "\n")  # one write, not a print per article
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


def _scope(workspace: Workspace | Catalog, args: argparse.Namespace) -> Scope:
    from tui.core.plans import export_scope

    return export_scope(workspace, args.article, args.tag, args.color)


def _output(path: str | None, data: bytes, db: Path) -> None:
    if path is None:
        sys.stdout.buffer.write(data)
        return
    write_export(Path(path), data, db=db)


def cmd_export(args: argparse.Namespace) -> int:
    from tui.core.export import collect, markdown, overview, overview_markdown, w3c

    db = db_path(args.db)
    also = [Path(ref) for ref in args.article if os.path.isfile(ref)]
    workspace = _read_only(args.paths, db, also)
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
        import shutil

        print(side_by_side(alignment, shutil.get_terminal_size((160, 48)).columns))
    return 0


def side_by_side(alignment: Alignment, width: int) -> str:
    """Groups as columns of wrapped text, one column per article, then what only one reports."""
    import textwrap

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
    workspace = _read_only(args.paths, db_path(args.db))
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
    actions = {"list": _feed_list, "remove": _feed_remove, "add": _feed_add, "refresh": _feed_refresh}
    return actions[args.action](db_path(args.db), args)


def _stored_feeds(store: Store) -> list[Feed]:
    from tui.core.feeds import Feed

    return [Feed.from_doc(k, d) for k, d in store.feeds().items()]


def _feed_list(db: Path, args: argparse.Namespace) -> int:
    from tui.core.store import Store

    with Store(db, readonly=True) as store:
        stored = sorted(_stored_feeds(store), key=lambda f: f.name.lower())
    if args.json:
        rows = [{"id": f.id, "name": f.name, "url": f.url, "items": f.items, "seen": len(f.seen),
                 "refreshed": f.refreshed, "result": f.result} for f in stored]  # fmt: skip
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    if not stored:
        print("newsreader: no feeds yet: newsreader feed add URL", file=sys.stderr)
    for feed in stored:
        print(f"{feed.id}  {printable(feed.name)}  {printable(feed.url)}")
        last = f"last refresh {feed.refreshed}: {feed.result}" if feed.refreshed else "never refreshed"
        print(f"    {len(feed.seen)} items seen · {printable(last)}")
    return 0


def _feed_remove(db: Path, args: argparse.Namespace) -> int:
    from tui.core import feeds
    from tui.core.store import Store

    with Store(db) as store:
        matches = feeds.find(_stored_feeds(store), args.name)
        if len(matches) != 1:
            raise UsageError(_feed_choice(args.name, matches))
        with store.change(f"remove feed {matches[0].name}", record=False) as change:
            change.set_feed(matches[0].id, None)
    print(f"newsreader: removed feed {printable(matches[0].name)} (its articles stay)", file=sys.stderr)
    return 0


def _feed_add(db: Path, args: argparse.Namespace) -> int:
    from tui.core import feeds
    from tui.core.intake import Intake, articles_folder
    from tui.core.store import Store

    with Store(db) as store:
        with Intake(articles_folder(db, None), timeout=args.timeout) as intake:
            feed = feeds.subscribe(args.url, name=args.name, intake=intake, existing=_stored_feeds(store))
        with store.change(f"add feed {feed.name}", record=False) as change:
            change.set_feed(feed.id, feed.to_doc())
    print(feed.id)
    print(
        f"newsreader: added feed {printable(feed.name)} ({feed.items} items); `newsreader feed refresh` fetches them",
        file=sys.stderr,
    )
    return 0


def _feed_refresh(db: Path, args: argparse.Namespace) -> int:
    from tui.core import feeds
    from tui.core.intake import Intake, articles_folder

    folder = articles_folder(db, args.to)
    workspace = _intake_workspace(db, folder)
    code = 0
    try:
        stored = _stored_feeds(workspace.store)
        chosen = sorted(stored, key=lambda f: f.name.lower())
        if args.name:
            chosen = feeds.find(stored, args.name)
            if len(chosen) != 1:
                raise UsageError(_feed_choice(args.name, chosen))
        if not chosen:
            print("newsreader: no feeds yet: newsreader feed add URL", file=sys.stderr)
            return 0
        with Intake.over(workspace.corpus, folder, timeout=args.timeout) as intake:
            for feed in chosen:
                report, state = feeds.refresh(feed, intake)
                with workspace.store.change(f"refresh feed {feed.name}", record=False) as change:
                    if feed.id in workspace.store.feeds():  # not removed meanwhile
                        change.set_feed(feed.id, state.to_doc())
                if report.added:
                    workspace.store.add_intake_folder(os.path.realpath(folder))
                    workspace.store.mark_unread(a.id for a in report.added)
                for added in report.added:
                    title = printable(shorten(added.article.meta.title, 70))
                    print(f"newsreader: added {added.id} {title}", file=sys.stderr)
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


@dataclass(frozen=True, slots=True)
class Command:
    """One ``newsreader`` command: its ``--help`` description, its arguments, what runs it."""

    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    # Options may come between positionals (`search QUERY --db F PATH`); argparse cannot
    # intermix around subcommands, so a command with them (`feed`) parses plainly.
    intermixed: bool = True


# Every command, in the order ``--help`` lists them.
COMMANDS: dict[str, Command] = {
    "list": Command(
        "List articles: id, outlet, author, date, words, annotations, orphans, title, path.",
        _list_arguments,
        cmd_list,
    ),
    "annotate": Command(
        "Highlight a passage of an article, found by its quote, with tags, a note and a color.",
        _annotate_arguments,
        cmd_annotate,
    ),
    "export": Command(
        "Export annotations as Markdown (default), W3C Web Annotation JSON, or a tag x outlet overview table."
        " Scope options combine; with none, everything is exported.",
        _export_arguments,
        cmd_export,
    ),
    "import": Command(
        "Import W3C Web Annotation JSON; each annotation is re-anchored in the loaded articles.",
        _import_arguments,
        cmd_import,
    ),
    "align": Command(
        "Align two or three articles: the passages they share (near-verbatim or paraphrased), "
        "the figures that differ, and what only one reports.",
        _align_arguments,
        cmd_align,
    ),
    "search": Command(
        "Search every article (and the annotations' quotes, notes and tags) for paragraphs holding every term."
        ' Case, accents and typographic quotes do not matter; "quoted words" must appear together.',
        _search_arguments,
        cmd_search,
    ),
    "add": Command(
        "Fetch web pages (or read saved .html pages), extract each article's text and metadata, and save it"
        " as Markdown with YAML front matter (title, outlet, author, date, url, fetched). The folder joins"
        " the workspace, so `newsreader` and `newsreader list` show the articles. The same URL or text is"
        " added once. Prints each article's id.",
        _add_arguments,
        cmd_add,
    ),
    "feed": Command(
        "RSS and Atom feeds: subscribe, list, and refresh them into articles.",
        _feed_arguments,
        cmd_feed,
        intermixed=False,
    ),
}


def _crash_log(error: BaseException) -> str:
    """Write the traceback somewhere a user can send it; return where.

    The log goes in a private folder of this user's (``$TMPDIR/newsreader-<uid>``, mode
    0700, checked) and is opened without following links, so nobody can aim it elsewhere.
    """
    import tempfile
    import traceback

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
        if argv and argv[0] in COMMANDS:
            command = COMMANDS[argv[0]]
            parser = _command_parser(argv[0])
            parse = parser.parse_intermixed_args if command.intermixed else parser.parse_args
            return command.run(parse(argv[1:]))
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
