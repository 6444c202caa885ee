"""Time to first paint, measured inside a fresh process (imports included).

    python -m bench.paint bare
    python -m bench.paint newsreader DB PATH [PATH ...]

Prints the seconds from interpreter start to the first frame that shows the first
article in the reader (or, for ``bare``, the first frame of a plain three-pane app).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

SIZE = (160, 48)


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal
    from textual.widgets import Footer, Static

    class Bare(App[None]):
        """The baseline: three bordered panes and a footer, nothing loaded."""

        CSS = "Static { width: 1fr; height: 1fr; border: round $panel; }"

        def compose(self) -> ComposeResult:
            with Horizontal():
                yield Static("articles")
                yield Static("reader")
                yield Static("notes")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            print(f"{time.perf_counter() - STARTED:.4f}")
            self.exit()

    Bare().run(headless=True, size=SIZE)


def newsreader(db: Path, paths: list[Path]) -> None:
    from tui.app.app import NewsreaderApp
    from tui.core.workspace import Workspace

    class Measured(NewsreaderApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(self.done)

        def done(self) -> None:
            if self.workspace.corpus.articles and self.reader.article is None:
                self.call_after_refresh(self.done)  # not painted with an article yet
                return
            print(f"{time.perf_counter() - STARTED:.4f}")
            self.exit()

    workspace = Workspace.open(paths, db=db, defer=True)  # as `newsreader` opens it
    try:
        Measured(workspace).run(headless=True, size=SIZE)
    finally:
        workspace.close()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        newsreader(Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]])
