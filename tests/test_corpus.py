"""Finding and decoding files: encodings, binaries, empties, loops, duplicates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tui.core.corpus import Corpus, decode, discover
from tui.core.errors import UsageError


def test_seeds_load_in_order() -> None:
    corpus = Corpus.load([SEEDS])
    assert [a.path.name[:3] for a in corpus] == ["000", "002", "003"]
    assert [a.meta.outlet for a in corpus] == ["Reuters", "The New York Times", "The Washington Post"]
    assert corpus.notices == []


def test_decodings(tmp_path: Path) -> None:
    def text(name: str) -> str:
        return f"Café “quoted” naïve — 10 € ({name})"

    (tmp_path / "utf8.txt").write_text(text("utf8.txt"), encoding="utf-8")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text("bom.txt").encode())
    (tmp_path / "utf16.txt").write_text(text("utf16.txt"), encoding="utf-16")
    (tmp_path / "utf16le-nobom.txt").write_bytes(text("utf16le-nobom.txt").encode("utf-16-le"))
    (tmp_path / "cp1252.txt").write_bytes(text("cp1252.txt").encode("cp1252"))
    (tmp_path / "latin1.txt").write_bytes("Café naïve déjà vu, à la façon de Noël".encode("latin-1"))
    corpus = Corpus.load([tmp_path])
    by_name = {a.path.name: a for a in corpus}
    for name in ("utf8.txt", "bom.txt", "utf16.txt", "cp1252.txt", "utf16le-nobom.txt"):
        assert by_name[name].text == text(name), name
    assert by_name["latin1.txt"].text == "Café naïve déjà vu, à la façon de Noël"
    warned = {n.path.name for n in corpus.notices if not n.skipped}
    assert {"cp1252.txt", "latin1.txt", "utf16le-nobom.txt"} <= warned
    assert "utf8.txt" not in warned


def test_binary_empty_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / "notes.pdf").write_text("not an article suffix")
    (tmp_path / "real.md").write_text("Some words here.")
    corpus = Corpus.load([tmp_path])
    names = [a.path.name for a in corpus]
    assert names == ["empty.txt", "real.md"]
    assert corpus.by_id(corpus.articles[0].id).is_empty
    skipped = {n.path.name: n.message for n in corpus.notices if n.skipped}
    assert "binary" in skipped["image.txt"]
    assert any("empty" in n.message for n in corpus.notices if n.path.name == "empty.txt")


def test_decode_rejects_binary() -> None:
    from tui.core.corpus import BinaryFile

    with pytest.raises(BinaryFile):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


def test_recursive_with_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("One article.")
    (tmp_path / "a" / "b" / "two.md").write_text("Two article.")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "loop")
    corpus = Corpus.load([tmp_path])
    assert sorted(a.path.name for a in corpus) == ["one.txt", "two.md"]
    assert any("loop" in n.message for n in corpus.notices)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked.txt").write_text("secret")
    (tmp_path / "open.txt").write_text("Readable.")
    real_open = os.open

    def refusing_open(path: str | Path, flags: int, *args: int) -> int:
        if Path(path).name == "locked.txt":  # chmod 0 does not stop root, so refuse here
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)
    corpus = Corpus.load([tmp_path])
    assert [a.path.name for a in corpus] == ["open.txt"]
    assert "cannot read (Permission denied)" in corpus.notices[0].message


def test_duplicates_listed_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same words.")
    (tmp_path / "b.txt").write_text("Same   words.\n")
    corpus = Corpus.load([tmp_path])
    assert [a.path.name for a in corpus] == ["a.txt"]
    assert "same text as" in corpus.notices[0].message


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        Corpus.load([tmp_path / "nope"])


def test_resolve_by_path_id_and_prefix() -> None:
    corpus = Corpus.load([SEEDS])
    reuters = corpus.articles[0]
    assert corpus.resolve(str(reuters.path)) is reuters
    assert corpus.resolve(reuters.id) is reuters
    assert corpus.resolve(reuters.id[:5]) is reuters
    with pytest.raises(UsageError):
        corpus.resolve("zzzz")


def test_ambiguous_prefix(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"{i}.txt").write_text(f"Article number {i}.")
    corpus = Corpus.load([tmp_path])
    prefix = next(p for p in "0123456789abcdef" if sum(a.id.startswith(p) for a in corpus) > 1)
    with pytest.raises(UsageError, match="matches"):
        corpus.resolve(prefix)


def test_fifos_and_devices_are_skipped_not_read(tmp_path: Path) -> None:
    """A FIFO would block a reader forever; /dev/zero never ends (and reports size 0)."""
    os.mkfifo(tmp_path / "a.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "real.txt").write_text("A real article.")
    corpus = Corpus.load([tmp_path, Path("/dev/null")])
    assert [a.path.name for a in corpus] == ["real.txt"]
    skipped = {n.path.name: n.message for n in corpus.notices if n.skipped}
    assert "a FIFO, not a regular file" in skipped["a.txt"]
    assert "a device, not a regular file" in skipped["zero.txt"]
    assert "a device" in skipped["null"]


def test_bytes_read_are_capped_whatever_the_file_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.core import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_BYTES", 1000)
    (tmp_path / "big.txt").write_text("word " * 400)
    (tmp_path / "small.txt").write_text("word " * 100)
    corpus = Corpus.load([tmp_path])
    assert [a.path.name for a in corpus] == ["small.txt"]
    assert any(n.path.name == "big.txt" and "larger than" in n.message for n in corpus.notices)
    with pytest.raises(corpus_module.FileTooLarge):  # a file growing past its reported size is cut off too
        corpus_module.read_bytes(tmp_path / "big.txt", limit=10)


def test_folders_nested_deeper_than_python_recurses_are_read(tmp_path: Path) -> None:
    folders = [os.open(tmp_path, os.O_RDONLY)]
    for _ in range(1100):  # past Python's recursion limit, within PATH_MAX (made a level at a time)
        os.mkdir("d", dir_fd=folders[-1])
        folders.append(os.open("d", os.O_RDONLY, dir_fd=folders[-1]))
    article = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folders[-1])
    os.write(article, b"A deep article. It is found all the same.")
    os.close(article)
    (tmp_path / "top.txt").write_text("A top article. It comes first.")
    try:
        files, notices = discover([tmp_path])
        assert [f.path.name for f in files] == ["top.txt", "deep.txt"] and notices == []
    finally:  # a level at a time again: pytest's own clean-up recurses
        os.unlink("deep.txt", dir_fd=folders[-1])
        for inner, outer in zip(reversed(folders[1:]), reversed(folders[:-1]), strict=True):
            os.close(inner)
            os.rmdir("d", dir_fd=outer)
        os.close(folders[0])
