"""Finding and loading article files: folders, odd encodings, binaries, duplicates.

Loading never raises for a bad file: it becomes a ``Notice`` the CLI prints and the
app shows, and the rest of the corpus loads.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tui.core.article import Article
from tui.core.atomic import FileTooLarge, read_bytes
from tui.core.cache import ArticleCache
from tui.core.errors import UsageError
from tui.core.index import note_of

MAX_BYTES = 64 * 1024 * 1024  # an article
HTML_SUFFIXES = frozenset({".html", ".htm"})  # saved web pages, read through the intake's extraction
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"}) | HTML_SUFFIXES
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class BinaryFile(Exception):
    """The bytes are not text in any encoding we should guess at."""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know about a file that was skipped or loaded oddly."""

    path: Path
    message: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode UTF-16 text that lacks a BOM: ASCII-heavy text has a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    encoding = "utf-16-le" if odd > 0.6 * half and even < 0.05 * half else None
    if encoding is None and even > 0.6 * half and odd < 0.05 * half:
        encoding = "utf-16-be"
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _guess_single_byte(data: bytes) -> str:
    """charset-normalizer's guess; among equally good guesses, Western cp1252 wins.

    Short Latin-script samples score the same in cp1250, cp1252 and cp1257; for
    news text cp1252 (a superset of Latin-1's printable range) is the likely one.
    """
    from charset_normalizer import from_bytes  # only non-UTF-8 files need it

    results = from_bytes(data[:262144])
    best = results.best()
    if best is None:
        return "cp1252"
    tied = {r.encoding for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.01}
    return "cp1252" if "cp1252" in tied else best.encoding


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes to text and an optional warning; raises ``BinaryFile`` for non-text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    sample = data[:8192]
    if b"\x00" in sample:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, "no byte-order mark; decoded as UTF-16"
        raise BinaryFile
    controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\x1b")
    if controls > len(sample) * 0.05:
        raise BinaryFile
    encoding = _guess_single_byte(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "cp1252"
        text = data.decode(encoding, errors="replace")
    return text, f"not valid UTF-8; decoded as {encoding}"


class ArticleFile(NamedTuple):
    """A file to load, and its resolved path (how the cache and annotations know it)."""

    path: Path
    real: str
    stat: os.stat_result | None = None  # from the folder walk (None: stat it when loading)


def discover(paths: Iterable[Path], *, exclude: Iterable[Path] = ()) -> tuple[list[ArticleFile], list[Notice]]:
    """Article files under ``paths`` (recursively), in a stable order, plus notices.

    Symlinked folders are followed once (a loop is reported, not walked forever);
    hidden folders and ``exclude`` (the workspace's own store folder) are skipped.
    Raises ``UsageError`` for a path that does not exist.
    """
    files, notices = walk(paths, exclude=exclude)
    return [ArticleFile(Path(path), real, stat) for path, real, stat in files], notices


def _is_article(entry: os.DirEntry) -> bool:
    """A file a folder's articles are read from: not hidden, with an article's suffix."""
    name = entry.name
    dot = name.rfind(".")
    return dot > 0 and not name.startswith(".") and name[dot:].lower() in ARTICLE_SUFFIXES


def walk(
    paths: Iterable[Path], *, exclude: Iterable[Path] = ()
) -> tuple[list[tuple[str, str, os.stat_result | None]], list[Notice]]:
    """``discover``'s files as (path, resolved path, stat): plain strings, each file's stat from
    its folder entry, so a command can check 10,000 files against the index without a ``Path``
    or a second system call per file."""
    excluded = {os.path.realpath(p) for p in exclude}
    files: list[tuple[str, str, os.stat_result | None]] = []
    notices: list[Notice] = []
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir():
            _walk_folder(str(path), excluded, seen, files, notices)
        elif (real := os.path.realpath(path)) not in seen:
            seen.add(real)
            files.append((str(path), real, None))
    return files, notices


def _walk_folder(
    top: str,
    excluded: set[str],
    seen: set[str],
    files: list[tuple[str, str, os.stat_result | None]],
    notices: list[Notice],
) -> None:
    """The article files under ``top``, depth first in name order, added to ``files``.

    A stack rather than recursion, so no nesting is too deep; a folder link that loops back is
    reported once and not followed.
    """
    visited: set[str] = set()
    stack = [(top, os.path.realpath(top))]  # a folder and its resolved path
    while stack:
        root, real_root = stack.pop()
        if real_root in visited:
            notices.append(Notice(Path(root), "folder link loops back; not followed again", True))
            continue
        if real_root in excluded:
            continue
        visited.add(real_root)
        try:
            with os.scandir(root) as scan:
                entries = list(scan)
        except OSError as error:
            notices.append(Notice(Path(error.filename or root), f"cannot read folder: {error.strerror}", True))
            continue
        dirs, names = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else names).append(entry)
        inside = real_root.rstrip(os.sep) + os.sep
        for entry in sorted(filter(_is_article, names), key=lambda e: e.name):
            real = os.path.realpath(entry.path) if entry.is_symlink() else inside + entry.name
            if real in seen:
                continue
            try:
                stat = entry.stat()
            except OSError:
                stat = None  # loading reports why
            seen.add(real)
            files.append((entry.path, real, stat))
        # A browser's "save page" puts the page's assets (and ad frames) in NAME_files/.
        subfolders = sorted(
            (e for e in dirs if not e.name.startswith(".") and not e.name.endswith("_files")), key=lambda e: e.name
        )
        for entry in reversed(subfolders):  # resolved as files are: only a link costs a realpath
            stack.append((entry.path, os.path.realpath(entry.path) if entry.is_symlink() else inside + entry.name))


def _read_file(found: ArticleFile) -> tuple[Article | None, Notice | None]:
    article, notice = read_article(found.path)
    if article is not None:
        article.location = found.real
    return article, notice


PARALLEL_FROM = 400  # files to read before it pays to start worker processes
_CHUNK = 100


def _read_chunk(chunk: list[ArticleFile]) -> list[tuple[Article | None, Notice | None]]:
    return [_read_file(found) for found in chunk]


def _read_all(files: list[ArticleFile]) -> Iterator[tuple[Article | None, Notice | None]]:
    """Read and parse ``files``, in order; many of them in worker processes, one per other core.

    Parsing is pure Python (cleaning, metadata, ids), so on a new folder of 10,000 files
    the cores share it while this process writes the index (SQLite works without the GIL).
    """
    workers = min((os.cpu_count() or 1) - 1, 4)  # one core stays with this process: it writes the index
    if len(files) < PARALLEL_FROM or workers < 1:
        yield from map(_read_file, files)
        return
    import multiprocessing  # only a big first read needs them (they cost a listing 25 ms to import)
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_read_file, files)
        return
    chunks = [files[start : start + _CHUNK] for start in range(0, len(files), _CHUNK)]
    context = multiprocessing.get_context("fork")  # no re-import: the children start at once
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for chunk in pool.map(_read_chunk, chunks):
            yield from chunk


def read_text(path: Path) -> str:
    """An article's cleaned text, read again (for an article listed from the cache)."""
    article, _ = read_article(path)
    return article.text if article is not None else ""


def _notice_for(article: Article) -> Notice | None:
    note = note_of(article)
    return Notice(article.path, note) if note else None


def read_article(path: Path) -> tuple[Article | None, Notice | None]:
    """Load one file: an Article (maybe with a warning) or a Notice saying why not."""
    try:
        data, stat = read_bytes(path, MAX_BYTES)
    except FileTooLarge as error:
        return None, Notice(path, f"skipped: {error}", True)
    except OSError as error:
        return None, Notice(path, f"skipped: cannot read ({error.strerror or error})", True)
    if path.suffix.lower() in HTML_SUFFIXES:
        from tui.core.intake import NotAnArticle, read_html

        try:
            raw, warning = read_html(data), None
        except NotAnArticle as error:
            return None, Notice(path, f"skipped: {error}", True)
    else:
        try:
            raw, warning = decode(data)
        except BinaryFile:
            return None, Notice(path, "skipped: binary file, not text", True)
    warnings = (warning,) if warning else ()
    article = Article.from_raw(path, raw, warnings=warnings, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    return article, _notice_for(article)


@dataclass
class Corpus:
    """The articles of one session, in the order they were found."""

    articles: list[Article] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    pending: list[tuple[ArticleFile, os.stat_result]] = field(default_factory=list)  # files still to read
    _index: dict[str, Article] = field(default_factory=dict, repr=False)
    _locations: dict[str, Article] = field(default_factory=dict, repr=False)
    order: dict[str, int] = field(default_factory=dict, repr=False)  # discovery order, by resolved path
    _seen: dict[str, Path] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        paths: Iterable[Path],
        *,
        exclude: Iterable[Path] = (),
        cache: ArticleCache | None = None,
        defer: bool = False,
    ) -> Corpus:
        """Find and load articles; with a cache, unchanged files are listed without being read.

        With ``defer``, files the cache does not know are left in ``pending`` for
        ``read_pending`` (the app reads them in a worker while the list is on screen).
        """
        files, notices = discover(paths, exclude=exclude)
        corpus = cls(notices=notices, order={found.real: n for n, found in enumerate(files)})
        listed: list[tuple[ArticleFile, Article | None]] = []  # in the order found; None: to be read
        for found in files:
            try:
                stat = found.stat or os.stat(found.path)
            except OSError as error:
                corpus.notices.append(Notice(found.path, f"skipped: cannot read ({error.strerror or error})", True))
                continue
            article = cache.lookup(found.path, found.real, stat, read_text) if cache is not None else None
            if article is None and defer:
                corpus.pending.append((found, stat))
            else:
                listed.append((found, article))
        read = _read_all([found for found, article in listed if article is None])
        for _, article in listed:  # added in the order found, so the same duplicate is listed once
            if article is not None:
                corpus.add(article, _notice_for(article))
            else:
                corpus.add(*next(read), cache=cache)
        return corpus

    @staticmethod
    def read_pending(pending: list[tuple[ArticleFile, os.stat_result]], batch: int = 200) -> Iterator[list[tuple]]:
        """Read deferred files in batches (no shared state: safe in a worker thread)."""
        for start in range(0, len(pending), batch):
            yield [_read_file(found) for found, _ in pending[start : start + batch]]

    def add(self, article: Article | None, notice: Notice | None, *, cache: ArticleCache | None = None) -> bool:
        """Take one loaded file; False if it was skipped or a duplicate."""
        if notice:
            self.notices.append(notice)
        if article is None:
            return False
        if cache is not None and article.fresh:
            cache.remember(article)
        if article.id in self._seen:
            self.notices.append(Notice(article.path, f"same text as {self._seen[article.id]}; listed once", True))
            return False
        self._seen[article.id] = article.path
        self.articles.append(article)  # atomic: a search thread iterating sees it or not, never half
        return True

    def settle(self) -> None:
        """Put articles read late back in the order their files were found."""
        last = len(self.order)
        # A new list, not an in-place sort: a search thread may be reading the old one.
        self.articles = sorted(self.articles, key=lambda a: self.order.get(a.location, last))
        self._index, self._locations = {}, {}

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def by_id(self, article_id: str) -> Article | None:
        if len(self._index) != len(self.articles):
            self._index = {a.id: a for a in self.articles}
        return self._index.get(article_id)

    def by_location(self, location: str) -> Article | None:
        """The article loaded from this file (a resolved path), if any."""
        if len(self._locations) != len(self.articles):
            self._locations = {a.location: a for a in self.articles}
        return self._locations.get(os.path.realpath(location))

    def resolve(self, ref: str) -> Article:
        """An article by path, id, unique id prefix, or unique file-name prefix.

        Raises ``UsageError`` if it matches no article, or more than one.
        """
        if (article := self.by_location(ref)) is not None:
            return article
        matches = [a for a in self.articles if a.id.startswith(ref.lower())] if ref else []
        if not matches and ref:
            matches = [a for a in self.articles if a.path.name.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            listed = ", ".join(f"{a.id} ({a.file_name})" for a in matches[:5])
            raise UsageError(f"{ref!r} matches {len(matches)} articles: {listed}; give more of the id")
        raise UsageError(f"no article {ref!r} (give a path or an id from `newsreader list`)")

    def apply_overrides(self, overrides: dict[str, dict[str, str]]) -> None:
        """Apply all of the user's stored metadata edits (keyed by article id) over the inferred values."""
        self.articles = [
            a.with_overrides(overrides.get(a.id, {})) if a.id in overrides or a.meta is not a.inferred else a
            for a in self.articles
        ]
        self._index, self._locations = {}, {}
