"""Faults: a build killed at any point, a full or read-only disk. The next build starts at once,
and every file the manifest lists always has the hash the manifest gives it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DOC, copy_project, run_folio, user_env
from helpers import error_line, put_translation, tree_digest

pytestmark = pytest.mark.slow

# Runs `folio build …` and kills itself with SIGKILL at a chosen point, as a crash or an OOM
# kill would: at the n-th call of a function of the real build (argv: module, name, n, args…).
# Before dying it writes the pids of its pool's workers to workers.json.
KILLER = """
import importlib, json, multiprocessing, os, runpy, signal, sys
module, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
target = importlib.import_module(module)
original = getattr(target, name)
calls = 0

def killing(*args, **kwargs):
    global calls
    calls += 1
    if calls == count:
        pids = [p.pid for p in multiprocessing.active_children()]
        with open("workers.json", "w") as file:
            json.dump(pids, file)
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)

setattr(target, name, killing)
sys.argv = ["folio", "build", *sys.argv[4:]]
runpy.run_module("folio", run_name="__main__", alter_sys=True)
"""
BUILD = ("--edition", "zh-Hans")


def consistent(project: Path) -> int:
    """Every output the manifest lists exists with the listed size and hash; how many."""
    manifest = json.loads((project / "build" / "manifest.json").read_text())["outputs"]
    for entry in manifest:
        data = (project / entry["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["bytes"], entry["sha256"])
    return len(manifest)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state not in "ZX"


@pytest.fixture(scope="module")
def built_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("faults") / "project")
    result = run_folio(project, "build", *BUILD)
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize(
    ("module", "name", "count"),
    [
        ("folio.build.prepare", "prepare", 1),  # workers started, nothing rendered yet
        ("folio.build.render", "wait", 1),  # PDF and EPUB rendering in the workers
        ("os", "replace", 3),  # the manifest shortened, one output renamed, the others not
        ("os", "replace", 5),  # every output renamed, the site's files not
    ],
    ids=["before-rendering", "while-rendering", "between-renames", "late-renames"],
)
def test_a_killed_build_leaves_a_consistent_build_and_no_lock(
    built_edition: Path, tmp_path: Path, module: str, name: str, count: int
) -> None:
    project = tmp_path / "project"
    shutil.copytree(built_edition, project)
    put_translation(project, "In conclusion", "综上所述，全球安全倡议意义重大。")
    env = user_env(project)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, module, name, str(count), *BUILD],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr
    consistent(project)
    workers = json.loads((project / "workers.json").read_text())
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "the workers outlived the build"

    result = run_folio(project, "build", *BUILD)

    assert result.returncode == 0, result.stderr
    assert consistent(project) == 3
    assert not list((project / "build").rglob("*.tmp"))
    page = (project / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    assert "综上所述" in page


@pytest.fixture
def small_disk(tmp_path: Path):
    """A project whose build/ is a 4 MiB tmpfs of its own, built once (web pages only)."""
    project = copy_project(tmp_path / "project")
    build = project / "build"
    build.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(build)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        result = run_folio(project, "build", "--format", "html", *BUILD)
        assert result.returncode == 0, result.stderr
        yield project
    finally:
        subprocess.run(["umount", "-l", str(build)], check=False)


def fail_and_keep(project: Path, problem: str) -> None:
    """A build after an edit fails with one line naming a file under build/ and `problem`, and
    changes no output."""
    before = {k: v for k, v in tree_digest(project / "build").items() if k != "filler"}
    put_translation(project, "In conclusion", "综上所述，全球安全倡议意义重大。")
    result = run_folio(project, "build", "--format", "html", *BUILD)
    line = error_line(result)
    assert line.startswith("folio: error: build/") and problem in line, line
    after = {k: v for k, v in tree_digest(project / "build").items() if k != "filler"}
    assert after == before
    consistent(project)


def test_a_full_disk_is_one_line_and_changes_nothing(small_disk: Path) -> None:
    build = small_disk / "build"
    stats = os.statvfs(build)
    free = stats.f_bavail * stats.f_frsize
    (build / "filler").write_bytes(b"\0" * (free - 8192))
    fail_and_keep(small_disk, "no space left on device")
    (build / "filler").unlink()
    assert run_folio(small_disk, "build", "--format", "html", *BUILD).returncode == 0
    consistent(small_disk)


def test_a_read_only_build_folder_is_one_line_and_changes_nothing(small_disk: Path) -> None:
    build = small_disk / "build"
    subprocess.run(["mount", "-o", "remount,ro", str(build)], check=True)
    try:
        fail_and_keep(small_disk, "read-only file system")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(build)], check=True)
