"""The benchmark's wrapper adds up the memory of a command's processes alive at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import run

MEASURE = Path(__file__).resolve().parent.parent / "bench" / "measure.py"
# Two children that each hold 120 MiB for a second, at the same time.
TWO_CHILDREN = """
import subprocess, sys
hold = "x = bytearray(120 * 2**20); x[::4096] = b'y' * len(x[::4096]); import time; time.sleep(1)"
children = [subprocess.Popen([sys.executable, "-c", hold]) for _ in range(2)]
for child in children:
    child.wait()
"""


def test_tree_peak_adds_up_processes_alive_together(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    argv = [sys.executable, str(MEASURE), "--trace", str(trace), "--", sys.executable]
    done = subprocess.run([*argv, "-c", TWO_CHILDREN], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # ru_maxrss sees one child; the tree's sum sees both (and their parent).
    assert report["peak_mib"] < 200
    assert report["tree_peak_mib"] > 240
    assert len(report["tree_peak_processes"]) == 3
    assert report["cpu_s"] > 0
    samples = [json.loads(line) for line in trace.read_text().splitlines()]
    assert max(s["mib"] for s in samples) == report["tree_peak_mib"]


def test_only_selects_lines_by_id() -> None:
    settings = run.parse(["--only", "k,e,m"])
    assert [x for x in run.LINE_ORDER if settings.wants(x)] == ["b", "e1", "e2", "e3", "e4", "k"]
    assert all(run.parse([]).wants(x) for x in run.LINE_ORDER)
