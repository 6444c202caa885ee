"""Shared fixtures: the seeds, a workspace on a temporary DB, and the app on it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
REUTERS = SEEDS / "000_c2646e842424a595.txt"
NYT = SEEDS / "002_db01bee56135c3f7.txt"
POST = SEEDS / "003_9f0d3ca73a883f57.txt"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "annotations" / "newsreader.json"


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repo root, so paths show as ``seeds/…`` (stable snapshots)."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def workspace(db: Path, in_root: Path):
    ws = Workspace.open([SEEDS], db=db)
    yield ws
    ws.close()


def make_app(db: Path, paths: list[Path] | None = None):
    from tui.app.app import NewsreaderApp

    return NewsreaderApp(Workspace.open(paths or [SEEDS], db=db))


async def wait_until(pilot, done, timeout: float = 10.0) -> None:
    """Let the app run until ``done()`` holds (no fixed pause: a loaded machine just takes longer)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {done}")
        await pilot.pause(0.02)


async def run_command(pilot, name: str) -> None:
    """Run a command palette entry as a user does: ctrl+p, its name, enter once it is listed."""
    from textual.command import CommandList

    await pilot.press("ctrl+p", *name)

    def listed() -> bool:
        found = pilot.app.screen.query(CommandList)
        if not found:
            return False
        options = found.first()
        return options.option_count > 0 and name.lower() in str(options.get_option_at_index(0).prompt).lower()

    await wait_until(pilot, listed)
    await pilot.press("enter")
    await pilot.pause()


async def paste(pilot, text: str) -> None:
    """Paste ``text`` where the focus is, as a terminal delivers a paste: one event, not a key per letter."""
    from textual import events

    pilot.app.focused.post_message(events.Paste(text))
    await pilot.pause()


def notices(app) -> str:
    """The notifications on screen as the user reads them: each toast's title and message."""
    return "\n".join(toast.render().plain for toast in app.screen.query("Toast"))


async def wait_for_notice(pilot, text: str, timeout: float = 10.0) -> None:
    """Wait until a notification saying ``text`` is on screen (toasts mount a turn later)."""
    await wait_until(pilot, lambda: text in notices(pilot.app), timeout)


def drawn_rows(widget) -> list[list]:
    """Every row of a scrolling Line-API widget as drawn, top to bottom, as lists of segments.

    Scrolls the widget through its whole height and back, as a user paging through would.
    """
    top, rows, height = widget.scroll_offset.y, [], widget.virtual_size.height
    for start in range(0, height, max(widget.size.height, 1)):
        widget.scroll_to(y=start, animate=False, immediate=True)
        first = widget.scroll_offset.y
        rows.extend(list(widget.render_line(y)) for y in range(start - first, min(widget.size.height, height - first)))
    widget.scroll_to(y=top, animate=False, immediate=True)
    return rows
