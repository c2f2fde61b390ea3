"""Run one command; print its wall time and peak RSS as one JSON line on stdout.

Usage: python bench/measure.py -- COMMAND [ARG]...

Each measurement gets its own wrapper process, so RUSAGE_CHILDREN covers exactly that
command and its descendants. ru_maxrss is the largest single process among them (not the sum
of processes alive at once). The command's own output goes to stderr; the exit status is the
command's.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.perf_counter()
    # stdout is reserved for the report, so the command writes to our stderr.
    completed = subprocess.run(argv, stdout=sys.stderr, check=False)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "argv": argv,
        "seconds": seconds,
        # Linux reports ru_maxrss in KiB.
        "peak_mib": usage.ru_maxrss / 1024,
        "returncode": completed.returncode,
    }
    print(json.dumps(report), flush=True)
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
