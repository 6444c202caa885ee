"""The domain core must not depend on the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CORE = ROOT / "tui" / "core"


def test_core_source_has_no_textual_import() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("textual", "tui.app")]
    assert offenders == []


def test_importing_core_and_cli_loads_no_textual() -> None:
    modules = [f"tui.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"] + ["tui.cli"]
    code = f"import sys; import {', '.join(modules)}; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_seeds_are_the_shared_originals() -> None:
    names = sorted(p.name for p in (ROOT / "seeds").iterdir())
    assert names == ["000_c2646e842424a595.txt", "002_db01bee56135c3f7.txt", "003_9f0d3ca73a883f57.txt"]
    assert Path(ROOT / "seeds" / names[0]).read_text().startswith(" date 2025-02-10 By Ted Hesson")


def test_tui_reaches_no_private_name_of_tinydb() -> None:
    """TinyDB is used through its public API only (a Table subclass keyed by strings, Document ids)."""
    sources = [p.read_text() for p in (ROOT / "tui").rglob("*.py")]
    private = ("._storage.tables", "._update_table", "._read_table", "._get_next_id", "._next_id", "._query_cache")
    assert [name for name in private if any(name in source for source in sources)] == []


PUBLIC = {"_replace", "_asdict", "_fields", "_make"}  # NamedTuple's documented API


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_tui_reads_no_private_name_of_another_object() -> None:
    """No ``other._name`` and no ``textual._module``: Textual, TinyDB and our own classes are used
    through what they publish (a private name may change in any release, or mean something else)."""
    offenders = []
    for path in (ROOT / "tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in PUBLIC:
                own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
                if not own:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            modules = []
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                if module.split(".")[0] in ("textual", "tinydb", "rich") and any(map(_private, module.split("."))):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    assert offenders == []
