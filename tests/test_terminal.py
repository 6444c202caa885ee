"""End to end in a real terminal: tmux runs newsreader at 160×48; real keys; the screen is read back.

Find a passage, highlight, tag and note it, quit, start again, see it in the notes pane,
and export Markdown that holds the passage. ``.ci/run`` installs tmux when it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import unicodedata
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT

QUOTE = "qualified law enforcement personnel"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


class Terminal:
    """One tmux session on a private server socket, running newsreader on the seeds with a private DB."""

    def __init__(self, cwd: Path, articles: Path = ROOT / "seeds") -> None:
        self.socket = f"newsreader-test-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        newsreader = Path(sys.executable).parent / "newsreader"
        self.command = f"{newsreader} {articles}" if newsreader.exists() else f"{sys.executable} -m tui {articles}"
        self.env = {
            **os.environ,
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
            "NEWSREADER_DB": str(cwd / "db.json"),
        }
        for inherited in ("TMUX", "COLUMNS", "LINES"):  # pytest-xdist sets COLUMNS/LINES: tmux gives the size
            self.env.pop(inherited, None)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env, check=False
        )
        return result.stdout

    def start(self, ready: str = "Reuters · Ted Hesson · 2025-02-10") -> None:
        self.tmux(
            "new-session", "-d", "-x", "160", "-y", "48", "-s", "main", "-c", str(self.cwd), self.command + "; sleep 30"
        )
        self.wait_for(ready)

    def keys(self, *keys: str, literal: bool = False, pause: float = 0.4) -> None:
        self.tmux("send-keys", "-t", "main", *(["-l"] if literal else []), *keys)
        time.sleep(pause)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")


def test_annotate_quit_relaunch_export(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    try:
        terminal.start()
        terminal.keys("Enter")
        terminal.keys("/")
        terminal.keys(QUOTE, literal=True)
        terminal.keys("Enter")
        terminal.keys("h")
        terminal.keys("t")
        terminal.wait_for("Tags")
        terminal.keys("dhs-quote", literal=True)
        terminal.keys("Enter")
        terminal.keys("a")
        terminal.wait_for("ctrl+s saves")
        terminal.keys("Same words in all three outlets.", literal=True)
        terminal.keys("C-s")
        screen = terminal.wait_for("#dhs-quote")
        assert "1 annotation" in screen
        terminal.keys("q", pause=1.5)
        terminal.close()

        terminal = Terminal(tmp_path)
        terminal.start()
        screen = terminal.wait_for("#dhs-quote")
        assert "qualified law enforcement" in screen
        assert "Same words in all three outlets." in screen
        assert "This article · 1 annotation" in screen
        terminal.keys("q", pause=1.0)
    finally:
        terminal.close()
    result = subprocess.run(
        [sys.executable, "-m", "tui", "export", str(ROOT / "seeds")],
        cwd=tmp_path,
        env=terminal.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"> {QUOTE}" in result.stdout and "#dhs-quote" in result.stdout


def test_keys_sent_in_one_burst(tmp_path: Path) -> None:
    """One send-keys: find, highlight and tag arrive before the app has handled the first key."""
    terminal = Terminal(tmp_path)
    try:
        terminal.start()
        terminal.keys("Enter", "/" + QUOTE, "Enter", "h", "t", "dhs-quote", "Enter")
        screen = terminal.wait_for("#dhs-quote")
        assert "This article · 1 annotation" in screen and "qualified law enforcement" in screen
        terminal.keys("q", pause=1.5)
    finally:
        terminal.close()


def terminal_cells(line: str) -> int:
    """Cells a line takes in tmux 3.3 (its wcwidth): wide characters two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_emoji_and_accents_keep_every_line_at_the_terminal_s_width(tmp_path: Path) -> None:
    """A skin tone, a ZWJ sequence, a variation selector, a flag and combining accents: each line
    of the list, the reader and the notes is drawn exactly as wide as the terminal (no border shifts)."""
    article = tmp_path / "emoji.md"
    line = "Voters 👍🏽 the plan, a coder 👩\u200d💻 wrote it, ❤️ and 🇺🇸 flags, cafe\u0301 and nai\u0308ve. "
    article.write_text(f"# Reactions 👍🏽 to the vote\n\n{line * 4}\n\n{line}\n")
    terminal = Terminal(tmp_path, article)
    try:
        terminal.start(ready="Reactions")
        terminal.keys("Enter")
        screen = terminal.wait_for("coder")
        rows = [row for row in screen.split("\n") if row.endswith(("│", "╮", "╯"))]  # the panes' rows
        assert len(rows) == 47 and any("👍" in row for row in rows)
        assert [terminal_cells(row) for row in rows] == [160] * len(rows), screen
    finally:
        terminal.close()


def test_add_a_url_from_the_running_app(tmp_path: Path) -> None:
    """Paste a local page's URL into the add dialog; read and annotate the article seconds later."""
    from tests.newsserver import NewsServer, made_up_stories

    story = made_up_stories(1, seed=5)[0]
    with NewsServer() as server:
        url = server.publish([story])[story.slug]
        terminal = Terminal(tmp_path)
        try:
            terminal.start()
            terminal.keys("A")
            terminal.wait_for("Add article from URL")
            terminal.keys(url, literal=True)
            terminal.keys("Enter")
            screen = terminal.wait_for(f"{story.outlet} · {story.author} · {story.date}")
            assert story.title in screen
            terminal.keys("Enter", "v", "h")
            screen = terminal.wait_for("1 annotation")
            terminal.keys("q", pause=1.0)
        finally:
            terminal.close()
    [saved] = (tmp_path / "articles").glob("*.md")
    assert f"url: {url}" in saved.read_text()
