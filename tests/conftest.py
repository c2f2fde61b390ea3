"""Fixtures: a copy of the project in a temporary folder, built with the real `folio` command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The benchmark's project helpers are the tests' too.
sys.path.insert(0, str(ROOT / "bench"))
from chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402, F401 (the browser tests import them from here)
from generate import drop_converted_languages  # noqa: E402

PROJECT_FILES = ("pyproject.toml", "source", "translations", "templates")
DOC = "shared-global-security"
EDITIONS = ("en", "zh-Hans", "en+zh-Hans")
# The seed's Traditional Chinese editions, converted from zh-Hans: built too, but the checks that
# run per edition over EDITIONS (EpubCheck's seconds each) do not repeat on them.
ALL_EDITIONS = (*EDITIONS, "zh-Hant", "en+zh-Hant")
# Builds in tests are reproducible: dates come from here, not from the clock.
ENV_EPOCH = "1695427200"  # 2023-09-23


def copy_project(target: Path, converted: bool = False) -> Path:
    """The project's inputs, copied into `target`; without the languages converted by OpenCC
    (zh-Hant) unless asked: most tests need one translation, and each edition costs time."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            # Without the example collection (source/*.yaml): tests/test_collection.py has its own.
            skip = shutil.ignore_patterns("*.yaml") if name == "source" else None
            shutil.copytree(source, target / name, ignore=skip)
        else:
            shutil.copy2(source, target / name)
    if not converted:
        drop_converted_languages(target)
    return target


def user_env(project: Path) -> dict[str, str]:
    """What folio runs with in the tests: a plain PATH, a fixed date, `project` as home."""
    return {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": ENV_EPOCH, "HOME": str(project)}


def run_folio(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command line exactly as a user would, in `project`."""
    env = user_env(project)
    return subprocess.run(
        [sys.executable, "-m", "folio", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@dataclass(frozen=True)
class Built:
    root: Path
    stdout: str
    stderr: str

    @property
    def manifest(self) -> list[dict]:
        return json.loads((self.root / "build" / "manifest.json").read_text())["outputs"]

    def output(self, edition: str, fmt: str) -> Path:
        (entry,) = [e for e in self.manifest if e["edition"] == edition and e["format"] == fmt]
        return self.root / entry["path"]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The seed project, built once for the whole session: every edition, every format."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project", converted=True)
    result = run_folio(root, "build")
    assert result.returncode == 0, result.stderr
    return Built(root, result.stdout, result.stderr)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project that a test may change (without zh-Hant)."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def whole_project(tmp_path: Path) -> Path:
    """A fresh copy of the whole project, its zh-Hant edition converted from zh-Hans included."""
    return copy_project(tmp_path / "project", converted=True)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium, headless, launched once for a module's browser tests (Playwright's
    event loop runs while it is open: the modules after it build in-process without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
