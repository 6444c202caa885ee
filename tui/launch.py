"""The ``newsreader`` console script's entry: ``--version`` is answered before anything is imported.

Every start pays for what it imports; ``tui.cli`` and the domain load only for a command,
and each command imports what it alone needs.
"""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from tui import __version__

        print(f"newsreader {__version__}")
        return 0
    from tui.cli import main as run

    return run(argv)
