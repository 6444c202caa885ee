"""The export dialog and the tag overview, driven through the app."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, RadioButton, Select

from tests.conftest import make_app, run_command, wait_for_notice
from tests.test_annotating import find, open_reader
from tests.test_export import blockquotes, split_front_matter
from tui.app.screens.export import ExportScreen, OverviewScreen

SIZE = (110, 36)  # the smallest that shows all three panes and what the tests read


async def annotate_seeds(pilot) -> None:
    await open_reader(pilot)
    await find(pilot, "qualified law enforcement personnel")
    await pilot.press("t", *"dhs-quote", "enter")
    await find(pilot, "some $60 billion")
    await pilot.press("2")
    await pilot.press("shift+tab", "j", "enter")
    await find(pilot, "2,100 trained law enforcement officers")
    await pilot.press("t", *"figures", "enter")
    await pilot.pause()


async def test_export_dialog_writes_markdown_and_json(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await annotate_seeds(pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        path = app.screen.query_one("#export-path", Input).value
        assert path.endswith(".md") and Path(path).parent == db.parent  # default: beside the DB, under annotations/
        app.screen.query_one("#all").value = True  # scope: everything
        await pilot.pause()
        target = db.parent / "export-all.md"
        assert app.screen.query_one("#export-path", Input).value == str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        front, body = split_front_matter(target.read_text())
        assert front["annotations"] == 3 and front["scope"] == "everything"
        assert blockquotes(body) == [
            "qualified law enforcement personnel",
            "some $60 billion",
            "2,100 trained law enforcement officers",
        ]
        # A tag, as W3C JSON.
        await pilot.press("E")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#tag").value = True
        screen.query_one("#tag-choice", Select).value = "figures"
        screen.query_one("#json").value = True
        await pilot.pause()
        assert screen.query_one("#export-path", Input).value.endswith("export-tag-figures.json")
        await pilot.press("ctrl+s")
        await pilot.pause()
        document = json.loads((db.parent / "export-tag-figures.json").read_text())
        assert document["total"] == 1
        assert (
            document["first"]["items"][0]["target"]["selector"][0]["exact"] == "2,100 trained law enforcement officers"
        )
        await wait_for_notice(pilot, "Exported 1 annotation(s)")
        # Never over the DB.
        await pilot.press("E")
        await pilot.pause()
        app.screen.query_one("#json", RadioButton).value = True
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(db)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert json.loads(db.read_text())["_meta"]["schema"]["app"] == "newsreader"
        # The dialog stays open, the reason beside the path, the choices kept: a new name exports.
        assert isinstance(app.screen, ExportScreen)
        assert "annotation DB's files" in str(app.screen.query_one("#export-error").render())
        assert app.screen.query_one("#json", RadioButton).value
        app.screen.query_one("#export-path", Input).value = str(db.parent / "again.json")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        assert json.loads((db.parent / "again.json").read_text())["total"] == 1  # this article


async def test_tag_overview_screen_and_markdown(db: Path, in_root: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await annotate_seeds(pilot)
        await run_command(pilot, "Tag overview")
        assert isinstance(app.screen, OverviewScreen)
        table = app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["tag", "Reuters", "The New York Times", "total"]
        assert [str(cell) for cell in table.get_row_at(0)] == ["#dhs-quote", "1", "·", "1"]
        assert all(c.get_render_width(table) > len(str(c.label)) for c in table.columns.values())  # readable
        await pilot.press("w")
        await pilot.pause()
        written = (db.parent / "tag-overview.md").read_text()
        assert "| figures | · | 1 | 1 |" in written
