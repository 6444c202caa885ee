"""A child process for the crash tests: saves (or exports) in a loop until it is killed.

    python -m tests.crash_child save DB      print each annotation id once its save returned
    python -m tests.crash_child export FILE  rewrite FILE atomically, alternating two versions

Snapshots are forced often (a small journal limit), so kills land in journal appends
and in snapshot rewrites alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import tui.core.store as store_module
from tui.core.anchoring import Selector
from tui.core.annotation import Annotation
from tui.core.atomic import write_atomic
from tui.core.store import Store

TEXT = "The Department of Homeland Security asked the Internal Revenue Service for help. " * 4
VERSIONS = [b"A" * 200_000 + b"\nversion A complete\n", b"B" * 300_000 + b"\nversion B complete\n"]


def save(db: Path) -> None:
    store_module.JOURNAL_MIN_FOLD = 6_000
    store_module.JOURNAL_SHARE = 0.0
    with Store(db) as store:
        n = 0
        while True:
            annotation = Annotation.new("article", "a.txt", Selector.of(TEXT, n % 50, n % 50 + 30), note=f"n={n}")
            with store.change("highlight") as change:
                change.put(annotation)
            print(annotation.id, flush=True)  # acknowledged: the change is on disk
            n += 1


def export(path: Path) -> None:
    n = 0
    while True:
        write_atomic(path, VERSIONS[n % 2])
        n += 1


if __name__ == "__main__":
    {"save": save, "export": export}[sys.argv[1]](Path(sys.argv[2]))
