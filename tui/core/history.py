"""The undo history: every recorded change, persisted in the DB, that undo and redo walk.

An entry holds each document the change set, before and after; undo writes the
befores back (last first), redo the afters. A new change ends the redo branch, and
only the latest ``HISTORY_LIMIT`` changes are kept, across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.cleaning import clean_line
from tui.core.database import Batch, Database
from tui.core.journal import ANNOTATIONS, HISTORY

HISTORY_LIMIT = 200  # changes undo can walk back, across restarts

Entry = dict[str, Any]  # {"seq", "label", "steps": [{"table", "key", "before", "after"}], "undone"}


@dataclass(frozen=True, slots=True)
class Step:
    """An undone or redone change: its label and the annotations it touched."""

    label: str
    annotations: set[str]
    quotes: tuple[str, ...] = ()  # of the passages it touched, so a message can name them

    def __str__(self) -> str:
        """``highlight “qualified law enforcement…”``, or ``retag (3 passages)``."""
        if len(self.quotes) == 1:
            words = " ".join(self.quotes[0].split())
            return f"{self.label} “{words[:40].rstrip() + '…' if len(words) > 40 else words}”"
        return f"{self.label} ({len(self.quotes)} passages)" if self.quotes else self.label


def _entries(database: Database) -> list[tuple[str, Entry]]:
    return sorted(database.documents(HISTORY).items(), key=lambda item: item[1]["seq"])


def record(database: Database, batch: Batch, label: str, steps: list[dict[str, Any]]) -> None:
    """Add a change to the history, in the batch that makes the change itself."""
    entries = _entries(database)
    for key, entry in entries:
        if entry.get("undone"):
            batch.put(HISTORY, key, None)  # a new change ends the redo branch
    kept = [(key, entry) for key, entry in entries if not entry.get("undone")]
    for key, _ in kept[: max(len(kept) - HISTORY_LIMIT + 1, 0)]:
        batch.put(HISTORY, key, None)
    seq = (kept[-1][1]["seq"] + 1) if kept else 1
    batch.put(HISTORY, f"{seq:09d}", {"seq": seq, "label": label, "steps": steps, "undone": False})


def next_to_walk(database: Database, *, undo: bool) -> tuple[str, Entry] | None:
    """The change undo (the latest done) or redo (the earliest undone) would walk, or None."""
    candidates = [(key, entry) for key, entry in _entries(database) if bool(entry.get("undone")) != undo]
    if not candidates:
        return None
    return candidates[-1] if undo else candidates[0]


def walk(batch: Batch, key: str, entry: Entry, *, undo: bool) -> Step:
    """Undo or redo one change in the batch, and mark it so in the history."""
    side = "before" if undo else "after"
    for step in reversed(entry["steps"]) if undo else entry["steps"]:
        batch.put(step["table"], step["key"], step[side])
    batch.put(HISTORY, key, {**entry, "undone": undo})
    steps = [s for s in entry["steps"] if s["table"] == ANNOTATIONS]
    quotes = {s["key"]: _quote_of(s["after"] or s["before"]) for s in steps}
    return Step(str(entry["label"]), {s["key"] for s in steps}, tuple(q for q in quotes.values() if q))


def _quote_of(doc: Any) -> str:
    try:
        return clean_line(doc["selector"]["exact"])
    except (TypeError, KeyError):
        return ""
