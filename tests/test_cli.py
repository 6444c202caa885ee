"""The command line: help, version, list, errors and exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tui.cli import main


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_and_version(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "newsreader list" in result.stdout
    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("newsreader ")
    assert run("list", "--help", cwd=tmp_path).returncode == 0


def test_list_seeds_by_default(tmp_path: Path) -> None:
    result = run("list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "OUTLET", "AUTHOR"]
    assert "Reuters" in lines[1] and "Ted Hesson" in lines[1] and "2025-02-10" in lines[1]
    assert "The New York Times" in lines[2]
    assert "The Washington Post" in lines[3]
    # Listing writes no DB, only the index (derived data, in the cache folder).
    assert [p.name for p in (tmp_path / "annotations").iterdir()] == [".newsreader-cache"]
    assert (tmp_path / "annotations" / ".newsreader-cache" / "index.sqlite").is_file()


def test_list_json(tmp_path: Path) -> None:
    result = run("list", "--json", str(SEEDS), cwd=tmp_path)
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert [r["outlet"] for r in rows] == ["Reuters", "The New York Times", "The Washington Post"]
    assert set(rows[0]) >= {"id", "outlet", "author", "date", "words", "annotations", "orphans", "title", "path", "via"}
    assert rows[0]["author"] == "Ted Hesson" and rows[0]["date"] == "2025-02-10"
    assert rows[2]["via"] == "Anchorage Daily News"
    assert all(r["annotations"] == 0 and r["orphans"] == 0 for r in rows)


def test_missing_path_exit_2(tmp_path: Path) -> None:
    result = run("list", str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"foo": 1}'])
def test_bad_db_exit_2_and_untouched(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "my.json"
    db.write_bytes(content)
    for args in (["list", "--db", str(db)], ["--db", str(db)]):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert str(db) in result.stderr
        assert "Traceback" not in result.stderr
    assert db.read_bytes() == content


def test_db_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.json"
    db.write_bytes(b"nope")
    result = run("list", cwd=tmp_path, env={"NEWSREADER_DB": str(db)})
    assert result.returncode == 2 and str(db) in result.stderr


def test_bad_usage_exit_2(tmp_path: Path) -> None:
    result = run("list", "--bogus", cwd=tmp_path)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_hostile_file_names_and_text_never_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "evil\x1b[31m.txt").write_text("\x1b]52;c;ZXZpbA==\x07[bold]Title[/bold] \x1b[2J text.")
    result = run("list", str(folder), cwd=tmp_path)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
    assert "[bold]Title[/bold]" in result.stdout
    result = run("list", "--json", str(folder), cwd=tmp_path)
    assert "\x1b" not in result.stdout
    assert json.loads(result.stdout)[0]["title"] == "[bold]Title[/bold] text"


def test_internal_error_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(args: object) -> int:
        raise RuntimeError("boom")

    commands = __import__("tui.cli").cli.COMMANDS
    monkeypatch.setitem(commands, "list", replace(commands["list"], run=explode))
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "internal error: boom" in err and "Traceback" not in err


def test_annotate_and_list_counts(tmp_path: Path) -> None:
    result = run(
        "annotate", "000", "--quote", "qualified law enforcement personnel", "--tag", "dhs-quote, figures",
        "--tag", "noem", "--note", "Same in all three", "--color", "disputed", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    annotation_id = result.stdout.strip()
    assert len(annotation_id) == 32
    assert "annotated b405679a47e6" in result.stderr
    from tui.core.store import Store

    with Store(tmp_path / "annotations" / "newsreader.json", readonly=True) as store:
        (annotation,) = store.annotations()
    assert annotation.id == annotation_id
    assert annotation.tags == ("dhs-quote", "figures", "noem")
    assert annotation.note == "Same in all three" and annotation.color == "red"
    rows = json.loads(run("list", "--json", cwd=tmp_path).stdout)
    assert [r["annotations"] for r in rows] == [1, 0, 0]


def test_annotate_typographic_quotes_match(tmp_path: Path) -> None:
    # Typed with straight quotes; the NYT prints D.H.S.’s with a curly apostrophe.
    result = run("annotate", "e7bac", "--quote", "It is D.H.S.'s understanding", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["000", "--quote", "words that are not there"], 1, "quote not found"),
        (["002", "--quote", "IRS"], 1, "occurs 8 times; choose one with --occurrence N"),
        (["002", "--quote", "IRS", "--occurrence", "9"], 1, "occurs 8 time(s)"),
        (["002", "--quote", "IRS", "--color", "pink"], 2, "unknown color 'pink'"),
        (["nope", "--quote", "IRS"], 2, "no article 'nope'"),
        (["000"], 2, "--quote"),
        (["000", "--quote", " "], 2, "--quote is empty"),
        (["002", "--quote", "IRS", "--occurrence", "0"], 2, "at least 1, not '0'"),
        (["00", "--quote", "IRS"], 2, "matches 3 articles"),
    ],
)
def test_annotate_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run("annotate", *args, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    db = tmp_path / "annotations" / "newsreader.json"
    if db.exists():
        from tui.core.store import Store

        with Store(db, readonly=True) as store:
            assert store.annotations() == []


def test_annotate_occurrence_and_orphans_in_list(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    article = folder / "002_db01bee56135c3f7.txt"
    result = run("annotate", str(article), "--quote", "IRS", "--occurrence", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run("annotate", str(article), "--quote", "Elon Musk and his team", cwd=tmp_path)
    assert result.returncode == 0
    article.write_text(article.read_text().replace("Elon Musk and his team have also taken an interest", "Others"))
    rows = json.loads(run("list", "--json", str(folder), cwd=tmp_path).stdout)
    nyt = next(r for r in rows if r["outlet"] == "The New York Times")
    assert (nyt["annotations"], nyt["orphans"]) == (2, 1)


def test_crash_log_is_private_and_never_written_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tempfile

    def explode(args: object) -> int:
        raise RuntimeError("boom")

    commands = __import__("tui.cli").cli.COMMANDS
    monkeypatch.setitem(commands, "list", replace(commands["list"], run=explode))
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    folder = tmp_path / f"newsreader-{os.getuid()}"
    folder.mkdir(mode=0o700)
    (folder / "crash.log").symlink_to(victim)  # someone aims the log at another file
    assert main(["list"]) == 1
    assert "could not write a crash log" in capsys.readouterr().err
    assert victim.read_text() == "precious"
    (folder / "crash.log").unlink()
    assert main(["list"]) == 1
    assert str(folder / "crash.log") in capsys.readouterr().err
    assert "RuntimeError: boom" in (folder / "crash.log").read_text()
    assert (folder / "crash.log").stat().st_mode & 0o777 == 0o600
    folder.chmod(0o755)  # a folder others can write into is not private
    assert main(["list"]) == 1
    assert "not a private folder" in capsys.readouterr().err


def test_output_a_terminal_cannot_encode_is_replaced_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Café “quoted” — 日本語\n---\nBody.\n")
    result = run("list", str(folder), cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "Caf? ?quoted? ? ???" in result.stdout


@pytest.mark.parametrize("env", [{"NO_COLOR": "1", "TERM": "xterm"}, {"TERM": "dumb"}, {"TERM": "xterm"}])
def test_search_is_bold_only_on_a_terminal_that_wants_it(tmp_path: Path, env: dict[str, str]) -> None:
    import pty

    controller, terminal = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "search", "qualified law", str(SEEDS)],
        cwd=tmp_path,
        env={**environment, "PYTHONPATH": str(ROOT), **env},
        stdout=terminal,
        stderr=subprocess.DEVNULL,
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=60) == 0
    os.close(controller)
    bold = b"\x1b[1m" in output
    assert bold == ("NO_COLOR" not in env and env["TERM"] != "dumb"), output[:300]
    assert b"law enforcement personnel" in output


def test_help_and_readme_list_every_option_of_every_command() -> None:
    """``--help`` is generated from the parsers; the README's command block must name the same options."""
    import re as regex_module

    from tui.cli import COMMANDS, usage_line

    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Command line", 1)[1].split("```", 2)[1]
    for command in COMMANDS:
        line = next((row for row in block.splitlines() if row.startswith(f"newsreader {command} ")), None)
        assert line is not None, f"README's command block lacks `newsreader {command}`"
        options = set(regex_module.findall(r"--[a-z-]+|-o\b", usage_line(command)))
        missing = {o for o in options if o not in line}
        assert not missing, f"README's `newsreader {command}` line lacks {sorted(missing)}"
