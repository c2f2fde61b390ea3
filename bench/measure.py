"""Run one command; print its wall time and peak memory as one JSON line on stdout.

Usage: python bench/measure.py [--trace FILE] -- COMMAND [ARG]...

Each measurement gets its own wrapper process, so RUSAGE_CHILDREN covers exactly that
command and its descendants. Two peaks are reported: `peak_mib`, ru_maxrss, the largest
single process among them; and `tree_peak_mib`, the largest sum of the RSS of every process of
the tree alive at once (folio and its workers), sampled every 50 ms with psutil, with the
processes that made it up (`tree_peak_processes`); and `cpu_s`, the tree's user + system
CPU time. `--trace FILE` writes every sample as a
JSON line (seconds, total MiB, each process's MiB), to see which stage holds the memory. The
command's own output goes to stderr; the exit status is the command's.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psutil
except ImportError:  # the `test` extra installs it; without it the tree's peak is left out
    psutil = None

INTERVAL_S = 0.05
MIB = 1024 * 1024


@dataclass
class TreeSampler:
    """Samples the summed RSS of a process and its descendants until stopped."""

    pid: int
    trace: Path | None = None
    peak_mib: float = 0.0
    peak_processes: list[dict] = field(default_factory=list)
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _start: float = field(default_factory=time.perf_counter)

    def run(self) -> None:
        # Line-buffered: a trace of a build still running can be read as it goes.
        out = self.trace.open("w", encoding="utf-8", buffering=1) if self.trace else None
        try:
            while not self._stop.is_set():
                self.sample(out)
                self._stop.wait(INTERVAL_S)
        finally:
            if out:
                out.close()

    def sample(self, out) -> None:
        processes = tree(self.pid)
        # Rounded as each process is: the report's peak and the trace's sample are one number.
        total = round(sum(p["mib"] for p in processes), 1)
        self.samples += 1
        if total > self.peak_mib:
            self.peak_mib = total
            self.peak_processes = processes
        if out and processes:
            seconds = round(time.perf_counter() - self._start, 3)
            out.write(json.dumps({"s": seconds, "mib": total, "processes": processes}))
            out.write("\n")

    def stop(self) -> None:
        self._stop.set()


def tree(pid: int) -> list[dict]:
    """The process and its descendants now: pid, parent, a short command, RSS in MiB."""
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    found = []
    for process in members:
        # A worker may end between the listing and the read: it holds nothing any more.
        try:
            with process.oneshot():
                rss = process.memory_info().rss
                ppid = process.ppid()
                command = " ".join(process.cmdline()[:4])[:120]
        except psutil.Error:
            continue
        found.append({"pid": process.pid, "ppid": ppid, "cmd": command, "mib": round(rss / MIB, 1)})
    return found


def main(argv: list[str]) -> int:
    trace = None
    if argv[:1] == ["--trace"] and len(argv) > 1:
        trace, argv = Path(argv[1]), argv[2:]
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.perf_counter()
    # stdout is reserved for the report, so the command writes to our stderr.
    child = subprocess.Popen(argv, stdout=sys.stderr)
    sampler = TreeSampler(child.pid, trace) if psutil else None
    thread = threading.Thread(target=sampler.run, daemon=True) if sampler else None
    if thread:
        thread.start()
    returncode = child.wait()
    seconds = time.perf_counter() - start
    if sampler and thread:
        sampler.stop()
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "argv": argv,
        "seconds": seconds,
        # Linux reports ru_maxrss in KiB.
        "peak_mib": usage.ru_maxrss / 1024,
        # CPU time of the tree (every process waited for): grows with the work, less with the
        # load of other programs than wall time does.
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "tree_peak_mib": sampler.peak_mib if sampler else None,
        "tree_peak_processes": sampler.peak_processes if sampler else [],
        "returncode": returncode,
    }
    print(json.dumps(report), flush=True)
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
