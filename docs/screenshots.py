"""Regenerate the README's screenshots from the real app: `make screenshots`.

Runs newsreader headless on the bundled seeds with a throwaway DB, drives it with
the keys a user would press, and saves SVGs next to this file.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from tui.app.app import NewsreaderApp
from tui.core.workspace import Workspace, bundled_seeds

DOCS = Path(__file__).resolve().parent
SIZE = (160, 48)


async def find(pilot: Pilot, text: str, *keys: str) -> None:
    await pilot.press("slash")
    pilot.app.query_one("#find-input").value = text
    await pilot.press("enter", *keys)


async def annotated(pilot: Pilot) -> None:
    """Reuters with three highlights, a tagged and noted quote, the cursor on it."""
    await pilot.press("enter")
    await find(pilot, "whole-of-government approach", "3")
    await find(pilot, "some $60 billion", "2")
    await find(pilot, "qualified law enforcement personnel", "v", "t", *"dhs-quote", "enter")
    await pilot.press("a", *"Same wording in all three outlets", "ctrl+s")


async def compare(pilot: Pilot) -> None:
    """The three seeds side by side, on the group whose figures differ, unique passages shown."""
    await pilot.press("space", "space", "space", "c")
    await pilot.pause()
    screen = pilot.app.screen
    target = next(i for i, g in enumerate(screen.alignment.groups) if any(p.figures for p in g.passages))
    while screen.group_index != target:
        await pilot.press("right_square_bracket")
    await pilot.press("o")


async def export(pilot: Pilot) -> None:
    """The export dialog over an annotated article."""
    await annotated(pilot)
    await pilot.press("E")


SHOTS: dict[str, Callable[[Pilot], Awaitable[None]]] = {"main": annotated, "compare": compare, "export": export}


async def shoot(name: str, drive: Callable[[Pilot], Awaitable[None]], db: Path) -> Path:
    workspace = Workspace.open([bundled_seeds()], db=db)
    app = NewsreaderApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await drive(pilot)
        await pilot.pause(0.5)
        app.save_screenshot(filename=f"{name}.svg", path=str(DOCS))
    workspace.close()
    return DOCS / f"{name}.svg"


def main() -> None:
    os.chdir(bundled_seeds().parent)  # paths show as seeds/…
    with tempfile.TemporaryDirectory() as tmp:
        for name, drive in SHOTS.items():
            print(asyncio.run(shoot(name, drive, Path(tmp) / f"{name}.json")))


if __name__ == "__main__":
    main()
