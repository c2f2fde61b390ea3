"""Every case of tests/bad/: one exact line, a non-zero exit, no traceback, build/ untouched."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest

from conftest import copy_project, run_folio
from helpers import error_line, tree_digest

CASES = sorted(p for p in (Path(__file__).parent / "bad").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with an earlier build, copied for every case."""
    root = copy_project(tmp_path_factory.mktemp("bad") / "project")
    assert run_folio(root, "build", "--format", "html").returncode == 0
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gives_its_one_line(case: Path, built_once: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(built_once, project)
    before = tree_digest(project / "build")
    for file in case.rglob("*"):
        if file.is_file() and file.name not in ("make.py", "expected.txt"):
            target = project / file.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(file, target)
    if (case / "make.py").exists():
        runpy.run_path(str(case / "make.py"))["make"](project)

    result = run_folio(project, "build", "--format", "html")

    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert error_line(result) == expected
    assert tree_digest(project / "build") == before


# Catalogs folio cannot read: `folio check` stops at them as the build does (an unclosed fence is
# read fine, and is one of check's findings).
CATALOG_CASES = [c for c in CASES if c.name.startswith("po-") and c.name != "po-unclosed-fence"]


@pytest.mark.parametrize("case", CATALOG_CASES, ids=[case.name for case in CATALOG_CASES])
def test_folio_check_reports_a_bad_catalog_alike(case: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for file in case.rglob("*"):
        if file.is_file() and file.name not in ("make.py", "expected.txt"):
            shutil.copy(file, project / file.relative_to(case))
    if (case / "make.py").exists():
        runpy.run_path(str(case / "make.py"))["make"](project)

    result = run_folio(project, "check")

    assert error_line(result) == (case / "expected.txt").read_text(encoding="utf-8").strip()
