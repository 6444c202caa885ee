"""The store: atomic writes, refusing foreign files, locking, merging, undo."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.anchoring import Selector
from tui.core.annotation import Annotation
from tui.core.store import HISTORY_LIMIT, SaveFailed, Store, StoreBusy, StoreError, backup_path, journal_path

TEXT = "The quick brown fox jumps over the lazy dog."


def note(**values: object) -> Annotation:
    return Annotation.new("article1", "a.txt", Selector.of(TEXT, 4, 9), **values)


def test_change_is_on_disk_when_done(db: Path) -> None:
    store = Store(db)
    annotation = note(tags=("fox",))
    with store.change("highlight") as change:
        change.put(annotation)
    # Another process reading the files now (as after a crash: the writer never closed) sees it.
    with Store(db, readonly=True) as reader:
        assert reader.annotations() == [annotation]
    assert db.with_name(db.name + ".journal").stat().st_size > 0
    store.close()


def test_failed_write_changes_nothing(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db) as store:
        with store.change("first") as change:
            change.put(note())
        files = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.name.startswith("newsreader.json")}

        def boom(fd: int) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(os, "fsync", boom)
        with pytest.raises(SaveFailed), store.change("second") as change:
            change.put(note())
        monkeypatch.undo()
        assert len(store.annotations()) == 1  # memory went back to what is on disk
        with Store(db, readonly=True) as reader:
            assert len(reader.annotations()) == 1  # the unacknowledged line is not trusted
        with store.change("third") as change:  # and the next change writes cleanly after it
            change.put(note())
    with Store(db, readonly=True) as reader:
        assert len(reader.annotations()) == 2
    assert files  # (the snapshot itself was never rewritten in place)


def test_torn_journal_tail_is_ignored_then_dropped(db: Path) -> None:
    with Store(db) as store, store.change("first") as change:
        change.put(note())
    journal = db.with_name(db.name + ".journal")
    good = journal.read_bytes()
    journal.write_bytes(good + b'0badc0de [["annotations", "x", {"half": ')  # a kill mid-append
    with Store(db) as store:
        assert len(store.annotations()) == 1
        with store.change("second") as change:
            change.put(note())
    assert journal.read_bytes().startswith(good) and b"half" not in journal.read_bytes()
    with Store(db, readonly=True) as reader:
        assert len(reader.annotations()) == 2


def test_damaged_journal_line_is_refused(db: Path) -> None:
    with Store(db) as store:
        for _ in range(3):
            with store.change("x") as change:
                change.put(note())
    journal = db.with_name(db.name + ".journal")
    lines = journal.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"fox", b"cat").replace(b"quick", b"slow")
    journal.write_bytes(b"\n".join(lines))
    before = journal.read_bytes()
    with pytest.raises(StoreError, match="line 2 of the journal") as refused:
        Store(db)
    assert journal.read_bytes() == before
    # The message says how to keep the changes before the damage; doing so opens the DB with them.
    assert f"head -n 1 {journal} >" in str(refused.value)
    journal.write_bytes(lines[0] + b"\n")
    with Store(db) as store:
        assert len(store.annotations()) == 1


def test_journal_folds_into_snapshot(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.core.store.JOURNAL_MIN_FOLD", 4000)
    with Store(db) as store:
        for _ in range(30):
            with store.change("x") as change:
                change.put(note())
        journal = db.with_name(db.name + ".journal")
        assert journal.stat().st_size < 4000 + 2000
        assert len(json.loads(db.read_text())["annotations"]) >= 20
    with Store(db, readonly=True) as reader:
        assert len(reader.annotations()) == 30


def test_new_store_writes_schema_only_snapshot(db: Path) -> None:
    with Store(db):
        pass
    assert json.loads(db.read_text())["_meta"]["schema"]["app"] == "newsreader"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"_meta": {"schema": {"app": "newsreader", "vers', "not valid JSON"),
        (b"<html>not json</html>", "not valid JSON"),
        (b'{"_default": {"1": {"name": "x"}}}', "not a newsreader DB"),
        (b"[1, 2, 3]", "not a newsreader DB"),
        (b'{"_meta": {"schema": {"app": "newsreader", "version": 99}}}', "newer newsreader"),
        (b'{"_meta": {"schema": {"app": "newsreader", "version": 1}}, "annotations": [1]}', "damaged"),
    ],
)
def test_refuses_bad_files_untouched(db: Path, content: bytes, problem: str) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(content)
    with pytest.raises(StoreError, match=problem) as caught:
        Store(db)
    assert str(db) in str(caught.value)
    assert db.read_bytes() == content
    assert caught.value.exit_code == 2


def test_backup_of_last_good_snapshot(db: Path) -> None:
    with Store(db) as store:
        with store.change("x") as change:
            change.put(note())
        previous = db.read_bytes()
        store.compact()
    assert backup_path(db).read_bytes() == previous
    assert len(json.loads(db.read_text())["annotations"]) == 1
    db.write_bytes(b"garbage")
    with pytest.raises(StoreError, match="last good snapshot"):
        Store(db)


def test_two_stores_merge_on_write(db: Path) -> None:
    first, second = Store(db), Store(db)
    a, b = note(note="from first"), note(note="from second")
    with first.change("a") as change:
        change.put(a)
    with second.change("b") as change:  # reloads first's change before writing
        change.put(b)
    assert first.sync()
    assert {x.note for x in first.annotations()} == {"from first", "from second"}
    with Store(db) as third:
        assert len(third.annotations()) == 2
    first.close()
    second.close()


def test_lock_held_by_another_process(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db) as store:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
                "print('locked', flush=True); time.sleep(30)",
                str(store.lock_path),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            monkeypatch.setattr("tui.core.store.LOCK_TIMEOUT", 0.2)
            with pytest.raises(StoreBusy, match="another newsreader"), store.change("x") as change:
                change.put(note())
        finally:
            holder.kill()
            holder.wait()
        with store.change("x") as change:  # the lock died with its process
            change.put(note())
    assert fcntl  # imported for the child's benefit


def test_undo_redo_persist_across_restarts(db: Path) -> None:
    annotation = note()
    with Store(db) as store:
        with store.change("highlight") as change:
            change.put(annotation)
        with store.change("tag") as change:
            change.put(annotation.edited(tags=("x",)))
    with Store(db) as store:
        assert str(store.undo()) == f"tag “{TEXT[4:9]}”"  # the message names the passage
        assert store.annotations()[0].tags == ()
    with Store(db) as store:
        assert store.undo().label == "highlight"
        assert store.annotations() == []
        assert store.undo() is None
        assert store.redo().label == "highlight"
        assert store.redo().label == "tag"
        assert store.redo() is None
        assert store.annotations()[0].tags == ("x",)


def test_new_change_drops_redo_branch(db: Path) -> None:
    with Store(db) as store:
        with store.change("one") as change:
            change.put(note())
        store.undo()
        with store.change("two") as change:
            change.put(note())
        assert store.redo() is None
        assert store.undo().label == "two"


def test_history_is_bounded(db: Path) -> None:
    with Store(db) as store:
        for i in range(HISTORY_LIMIT + 20):
            with store.change(f"c{i}") as change:
                change.put(note())
        undone = 0
        while store.undo() is not None:
            undone += 1
        assert undone == HISTORY_LIMIT >= 100
        assert len(store.annotations()) == 20


def test_readonly_store_does_not_create_files(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "db.json"
    store = Store(path, readonly=True)
    assert store.annotations() == []
    assert not path.parent.exists()


def test_a_short_write_is_completed_or_refused_never_acknowledged_torn(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk writes part of a line, then fails: the change is refused, the journal stays valid."""
    real_write = os.write
    with Store(db) as store:
        with store.change("first") as change:
            change.put(note())
        calls = {"n": 0}

        def short_then_full(fd: int, data: bytes) -> int:
            calls["n"] += 1
            if calls["n"] == 1:
                return real_write(fd, bytes(data[:7]))  # a short write, as on a nearly full disk
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", short_then_full)
        with pytest.raises(SaveFailed, match=r"not saved.*No space left.*disk full"), store.change("2") as change:
            change.put(note(note="lost?"))
        monkeypatch.undo()
        assert len(store.annotations()) == 1
        assert journal_path(db).read_bytes().endswith(b"\n")  # no torn line left behind
        for _ in range(3):  # later changes append after the intact part: nothing is padded or damaged
            with store.change("more") as change:
                change.put(note())
    with Store(db, readonly=True) as reader:
        assert len(reader.annotations()) == 4
    assert b"\x00" not in journal_path(db).read_bytes()


def test_short_writes_that_complete_are_acknowledged(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:5])))  # 5 bytes at a time
    with Store(db) as store, store.change("slow disk") as change:
        change.put(note(note="written in pieces"))
    monkeypatch.undo()
    with Store(db, readonly=True) as reader:
        assert [a.note for a in reader.annotations()] == ["written in pieces"]


def test_a_db_path_through_a_symlink_stays_one_db(tmp_path: Path) -> None:
    target = tmp_path / "real" / "newsreader.json"
    target.parent.mkdir()
    with Store(target) as store, store.change("first") as change:
        change.put(note())
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with Store(link) as store:
        with store.change("through the link") as change:
            change.put(note())
        store.compact()  # folding replaces the snapshot: the target's, not the link
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]  # no lock or journal beside the link
    with Store(target, readonly=True) as reader:
        assert len(reader.annotations()) == 2


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 300 KiB tmpfs (needs root, as in CI); skipped where it cannot be mounted."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root?)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("fold_at", [2 * 1024 * 1024, 20_000], ids=["journal", "journal-and-snapshots"])
def test_a_full_disk_refuses_changes_and_keeps_every_acknowledged_one(
    tiny_disk: Path, fold_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.core.store.JOURNAL_MIN_FOLD", fold_at)
    db = tiny_disk / "newsreader.json"
    acknowledged: list[str] = []
    refused = 0
    with Store(db) as store:
        for number in range(400):
            annotation = note(note=f"{number} " + "x" * 2000)
            try:
                with store.change("annotate") as change:
                    change.put(annotation)
            except SaveFailed:
                refused += 1
                continue
            acknowledged.append(annotation.id)
        assert refused, "the disk never filled"
        assert {a.id for a in store.annotations()} == set(acknowledged)
    with Store(db, readonly=True) as reader:  # the DB opens, valid, holding every acknowledged change
        assert {a.id for a in reader.annotations()} == set(acknowledged)


def test_reanchoring_never_overwrites_a_change_made_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process deletes one annotation and edits another while this one re-anchors them."""
    from tui.core import workspace as workspace_module
    from tui.core.workspace import Workspace

    article = tmp_path / "a.txt"
    text = "First sentence here. The quick brown fox jumps over the lazy dog. Another sentence follows it."
    article.write_text(text)
    db = tmp_path / "annotations" / "newsreader.json"
    with Workspace.open([article], db=db) as ws:
        a = ws.corpus.articles[0]
        fox = Annotation.new(a.id, a.location, Selector.of(a.text, text.index("quick"), text.index(" jumps")))
        dog = Annotation.new(a.id, a.location, Selector.of(a.text, text.index("lazy"), text.index(". Another")))
        with ws.store.change("two") as change:
            change.put(fox)
            change.put(dog)
    article.write_text("A new lede goes first. " + text)  # edited in place: both must be re-anchored

    real_anchor = workspace_module.anchor
    done = []

    def anchor_while_another_process_writes(*args: object, **kwargs: object) -> object:
        if not done:  # the other process acts while this one is anchoring
            done.append(True)
            with Store(db) as other, other.change("meanwhile") as change:
                change.delete(fox.id)
                change.edit(dog.id, note="written meanwhile")
        return real_anchor(*args, **kwargs)

    monkeypatch.setattr(workspace_module, "anchor", anchor_while_another_process_writes)
    with Workspace.open([article], db=db) as ws:
        assert ws.store.annotation(fox.id) is None  # the deletion stands
        kept = ws.store.annotation(dog.id)
        assert kept is not None and kept.note == "written meanwhile"  # the edit stands…
        assert ws.corpus.articles[0].text[kept.start : kept.end] == "lazy dog"  # …and is re-anchored
    with Store(db, readonly=True) as reader:
        assert [a.id for a in reader.annotations()] == [dog.id]


def test_one_change_may_set_a_document_more_than_once(db: Path) -> None:
    """A change's writes reach TinyDB together: each sees the ones before it, undo walks them back."""
    kept, dropped = note(), note()
    with Store(db) as store:
        with store.change("first") as change:
            change.put(kept)
            change.put(kept.edited(note="second thoughts"))
            change.put(dropped)
            change.delete(dropped.id)
        assert [a.note for a in store.annotations()] == ["second thoughts"]
        with store.change("retag") as change:
            change.put(kept.edited(tags=("fox",)))
            change.delete(kept.id)
            change.put(kept.edited(tags=("dog",)))
        with Store(db, readonly=True) as reader:
            assert [a.tags for a in reader.annotations()] == [("dog",)]
        assert store.undo() is not None
        assert [a.note for a in store.annotations()] == ["second thoughts"]
        assert store.undo() is not None
        assert store.annotations() == []
    with Store(db, readonly=True) as reader:
        assert reader.annotations() == []
