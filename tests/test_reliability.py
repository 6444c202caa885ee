"""Nothing is lost: kill -9 in the middle of saves and exports, two writers at once, damaged DBs.

The kill test runs 50 times here; ``NEWSREADER_CRASH_RUNS=1000 pytest tests/test_reliability.py``
is the long run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.crash_child import VERSIONS
from tests.test_cli import run
from tui.core.store import Store

RUNS = int(os.environ.get("NEWSREADER_CRASH_RUNS", "50"))


def child(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.crash_child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.slow
def test_kill_9_never_loses_an_acknowledged_save(tmp_path: Path) -> None:
    rng = random.Random(20250210)
    acknowledged: set[bytes] = set()
    snapshots = 0
    for run_number in range(RUNS):
        db = tmp_path / f"round-{run_number // 50}" / "newsreader.json"  # a fresh DB every 50 kills
        if run_number % 50 == 0:
            acknowledged = set()
        process = child("save", str(db))
        time.sleep(rng.uniform(0.2, 0.6))
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
        acknowledged.update(output.split())
        with Store(db, readonly=True) as store:  # opens, and is valid
            present = {a.id.encode() for a in store.annotations()}
        missing = acknowledged - present
        assert not missing, f"{len(missing)} acknowledged saves lost"
        snapshots += db.with_name(db.name + ".bak").exists()
    assert len(acknowledged) > RUNS  # the kills landed while saves were going on
    assert snapshots  # and some landed around snapshot rewrites too
    with Store(db) as store:  # a writer can carry on after the last kill
        with store.change("after") as change:
            change.delete(next(iter(acknowledged)).decode())
        assert len(store.annotations()) >= len(acknowledged) - 1


@pytest.mark.slow
def test_kill_9_during_export_leaves_old_or_new_file(tmp_path: Path) -> None:
    path = tmp_path / "export.md"
    rng = random.Random(7)
    for _ in range(max(RUNS // 2, 10)):
        process = child("export", str(path))
        time.sleep(rng.uniform(0.15, 0.4))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        if path.exists():
            assert path.read_bytes() in VERSIONS


@pytest.mark.slow
def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "annotations" / "newsreader.json"
    Store(db).close()
    first, second = child("save", str(db)), child("save", str(db))
    time.sleep(2.0)
    acknowledged: set[bytes] = set()
    for process in (first, second):
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
        acknowledged.update(output.split())
    with Store(db, readonly=True) as store:
        present = {a.id.encode() for a in store.annotations()}
    assert acknowledged <= present
    assert len(acknowledged) > 20


BAD_DBS = {
    "truncated": lambda good: good[: len(good) // 2],
    "empty": lambda good: b"",
    "not JSON": lambda good: b"\x89PNG\r\n\x1a\n binary junk",
    "newer schema": lambda good: good.replace(b'"version":1', b'"version":7'),
    "foreign JSON": lambda good: b'{"_default": {"1": {"title": "some other app"}}}',
}
MESSAGES = {
    "truncated": "not valid JSON",
    "empty": "the file is empty",
    "not JSON": "not valid JSON",
    "newer schema": "made by a newer newsreader",
    "foreign JSON": "not a newsreader DB",
}
COMMANDS = [
    [],
    ["list"],
    ["annotate", "000", "--quote", "qualified law enforcement personnel"],
    ["export"],
    ["export", "--format", "json"],
    ["import", "IMPORT"],
    ["align", "000", "002"],
    ["search", "irs"],
]


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("good")
    db = folder / "db.json"
    with Store(db) as store:
        store.compact()
    return db.read_bytes()


@pytest.mark.parametrize("damage", list(BAD_DBS))
def test_damaged_db_every_command_exit_2_untouched(tmp_path: Path, good_db: bytes, damage: str) -> None:
    db = tmp_path / "annotations" / "newsreader.json"
    db.parent.mkdir()
    content = BAD_DBS[damage](good_db)
    db.write_bytes(content)
    importable = tmp_path / "import.json"
    importable.write_text(
        '{"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": "IRS"}}}'
    )
    for command in COMMANDS:
        args = [str(importable) if a == "IMPORT" else a for a in command]
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert str(db.name) in result.stderr and MESSAGES[damage] in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert db.read_bytes() == content, command  # never overwritten
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.endswith((".lock", ".sessions"))) == [
        "newsreader.json"
    ]


def test_cli_on_a_full_disk_refuses_with_exit_1_and_keeps_every_acknowledged_save(tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root?)")
    try:
        db = ["--db", str(mount / "newsreader.json")]
        acknowledged, refused = [], None
        for number in range(120):
            result = run(
                "annotate",
                "000",
                "--quote",
                "IRS",
                "--occurrence",
                "1",
                "--note",
                f"{number} " + "n" * 3000,
                *db,
                cwd=tmp_path,
            )
            if result.returncode == 0:
                acknowledged.append(result.stdout.strip())
                continue
            refused = result
            break
        assert refused is not None, "the disk never filled"
        assert refused.returncode == 1 and "not saved" in refused.stderr and "disk full" in refused.stderr
        assert "Traceback" not in refused.stderr and not refused.stdout  # no id: nothing acknowledged
        with Store(mount / "newsreader.json", readonly=True) as store:
            assert sorted(a.id for a in store.annotations()) == sorted(acknowledged)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_immutable_journal_is_a_message_not_an_internal_error(tmp_path: Path) -> None:
    db = tmp_path / "newsreader.json"
    assert (
        run("annotate", "000", "--quote", "whole-of-government approach", "--db", str(db), cwd=tmp_path).returncode == 0
    )
    journal = db.with_name(db.name + ".journal")
    journal.touch()
    if subprocess.run(["chattr", "+i", str(journal)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        before = (db.read_bytes(), journal.read_bytes())
        result = run(
            "annotate", "000", "--quote", "Treasury Department", "--occurrence", "1", "--db", str(db), cwd=tmp_path
        )
        assert result.returncode == 1, result.stderr
        assert "not saved" in result.stderr and "Operation not permitted" in result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        assert (db.read_bytes(), journal.read_bytes()) == before
    finally:
        subprocess.run(["chattr", "-i", str(journal)], check=False)


def test_a_fifo_or_a_device_as_db_journal_or_import_is_refused_at_once(tmp_path: Path) -> None:
    """Only articles were read as regular files within a cap: a FIFO as the DB or the import
    file hung, /dev/zero filled memory, and a journal linked to /dev/null took every change."""
    from tests.conftest import REUTERS

    os.mkfifo(tmp_path / "fifo.json")
    for db, what in ((tmp_path / "fifo.json", "a FIFO"), (Path("/dev/zero"), "a device")):
        result = run("list", "--db", str(db), str(REUTERS), cwd=tmp_path)
        assert result.returncode == 2 and what in result.stderr, result.stderr
    for source, what in ((tmp_path / "fifo.json", "a FIFO"), (Path("/dev/zero"), "a device")):
        result = run("import", "--db", str(tmp_path / "db.json"), str(source), cwd=tmp_path)
        assert result.returncode == 2 and what in result.stderr, result.stderr

    db = tmp_path / "linked.json"
    (tmp_path / "linked.json.journal").symlink_to("/dev/null")
    result = run("annotate", "--db", str(db), str(REUTERS), "--quote", "work force", cwd=tmp_path)
    with Store(db, readonly=True) as store:  # acknowledged means kept, never swallowed by a device
        assert (result.returncode == 0) == (len(store.annotations()) == 1), result.stderr
