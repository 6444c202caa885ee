"""A tiny run of the benchmark suite, so it keeps working (timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(out.read_text())["figures"]
    names = " / ".join(f["name"] for f in figures)
    for expected in (
        "first paint",
        "durable save",
        "corpus search",
        "align",
        "Markdown export",
        "page down",
        "feed refresh",
    ):
        assert expected in names
    assert all(f["value"] > 0 for f in figures)
    assert "| figure" in result.stdout
