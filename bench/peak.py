"""Peak memory of one command, measured from a small process of its own.

A child's peak resident set (``ru_maxrss``) starts from its parent's at the fork: measured
straight from the benchmark (a large process by the time the commands run) it would be the
benchmark's own size. Run as ``python -m bench.peak COMMAND [ARG ...]``, this starts the
command from a fresh interpreter, its output to /dev/null, and prints the command's peak
resident set in KB; it exits with the command's exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    print(usage.ru_maxrss)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
