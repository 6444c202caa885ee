"""Regenerate the README's screenshots from the real app: `make screenshots`.

Runs newsreader headless on the bundled seeds with a throwaway DB, drives it with
the same keys a user would press, and saves SVGs next to this file.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tui.app.app import NewsreaderApp
from tui.core.workspace import Workspace, bundled_seeds

DOCS = Path(__file__).resolve().parent
SIZE = (160, 48)

# name → keys pressed after launch
SHOTS: dict[str, Sequence[str]] = {
    "main": ("j", "enter", "j", "j", "j", "j", *["shift+down"] * 2),
}


async def shoot(name: str, keys: Sequence[str], db: Path) -> Path:
    workspace = Workspace.open([bundled_seeds()], db=db)
    app = NewsreaderApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.3)
        path = DOCS / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(DOCS))
    workspace.close()
    return path


def main() -> None:
    os.chdir(bundled_seeds().parent)  # paths show as seeds/…
    with tempfile.TemporaryDirectory() as tmp:
        for name, keys in SHOTS.items():
            print(asyncio.run(shoot(name, keys, Path(tmp) / f"{name}.json")))


if __name__ == "__main__":
    main()
