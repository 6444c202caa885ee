"""Looks: SVG snapshots of each screen (update with `pytest --snapshot-update`)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_app

SIZE = (160, 48)


def test_main_screen(snap_compare, db: Path, in_root: Path) -> None:
    assert snap_compare(make_app(db), terminal_size=SIZE)


def test_reading_the_post_with_a_selection(snap_compare, db: Path, in_root: Path) -> None:
    keys = ["j", "j", "enter", "j", "j", *["shift+right"] * 20]
    assert snap_compare(make_app(db), press=keys, terminal_size=SIZE)


def test_help_screen(snap_compare, db: Path, in_root: Path) -> None:
    assert snap_compare(make_app(db), press=["question_mark"], terminal_size=SIZE)


def test_annotated_article(snap_compare, db: Path, in_root: Path) -> None:
    async def annotate(pilot) -> None:
        app = pilot.app
        await pilot.press("enter")
        for text, keys in [
            ("qualified law enforcement personnel", ["h"]),
            ("whole-of-government approach", ["3"]),
            ("some $60 billion", ["2"]),
        ]:
            await pilot.press("slash")
            app.query_one("#find-input").value = text
            await pilot.press("enter", *keys)
        await pilot.press("v", "t", *"dhs-quote", "enter")
        await pilot.pause()

    assert snap_compare(make_app(db), run_before=annotate, terminal_size=SIZE)


def test_compare_view(snap_compare, db: Path, in_root: Path) -> None:
    keys = ["space", "space", "space", "c", "right_square_bracket", "right_square_bracket"]
    assert snap_compare(make_app(db), press=keys, terminal_size=SIZE)


def test_export_dialog_at_80x24(snap_compare, db: Path, in_root: Path) -> None:
    async def open_export(pilot) -> None:
        await pilot.press("enter", "v", "h", "E")
        await pilot.pause()
        pilot.app.screen.query_one("#export-path").value = "annotations/export-dhs.md"  # not the tmp path

    assert snap_compare(make_app(db), run_before=open_export, terminal_size=(80, 24))


def test_metadata_dialog_at_80x24(snap_compare, db: Path, in_root: Path) -> None:
    assert snap_compare(make_app(db), press=["e"], terminal_size=(80, 24))
