"""The build engine: what is rebuilt, reproducible bytes, atomic writes, and the lock."""

from __future__ import annotations

import fcntl
import gc
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DOC, ENV_EPOCH, Built, copy_project, run_folio
from helpers import error_line, po_path, tree_digest


def manifest(project: Path) -> dict[str, dict]:
    entries = json.loads((project / "build" / "manifest.json").read_text())["outputs"]
    return {entry["path"]: entry for entry in entries}


def mtimes(project: Path) -> dict[str, int]:
    return {path: (project / path).stat().st_mtime_ns for path in manifest(project)}


def change_one_chinese_entry(project: Path) -> None:
    po = po_path(project)
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "结语"' in text
    po.write_text(text.replace('msgstr "结语"', 'msgstr "结束语"'), encoding="utf-8")


def test_a_second_build_rebuilds_nothing(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html").returncode == 0
    before, times = manifest(project), mtimes(project)
    result = run_folio(project, "build", "--format", "html")
    assert result.returncode == 0
    assert "0 built, 3 up to date" in result.stdout
    assert manifest(project) == before and mtimes(project) == times


def test_one_chinese_entry_rebuilds_only_the_outputs_with_chinese(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html", "--format", "epub").returncode == 0
    before, times = manifest(project), mtimes(project)
    change_one_chinese_entry(project)

    result = run_folio(project, "build", "--format", "html", "--format", "epub")

    assert result.returncode == 0, result.stderr
    after, new_times = manifest(project), mtimes(project)
    rebuilt = {path for path in after if after[path]["key"] != before[path]["key"]}
    rewritten = {path for path in after if new_times[path] != times[path]}
    expected = {path for path, entry in after.items() if "zh-Hans" in entry["languages"]}
    assert rebuilt == rewritten == expected and len(expected) == 4
    for path in expected:
        assert after[path]["sha256"] != before[path]["sha256"]


def test_a_changed_template_rebuilds_only_what_uses_it(project: Path) -> None:
    args = ("build", "--edition", "en", "--format", "html", "--format", "pdf")
    assert run_folio(project, *args).returncode == 0
    before = manifest(project)
    css = project / "templates" / "print.css"
    css.write_text(css.read_text() + "\nmain p { letter-spacing: 0.01em; }\n")

    assert run_folio(project, *args).returncode == 0

    after = manifest(project)
    changed = {after[p]["format"] for p in after if after[p]["key"] != before[p]["key"]}
    assert changed == {"pdf", "html"}  # the web page lists the PDF with its size

    web = project / "templates" / "web.css"
    web.write_text(web.read_text() + "\nmain p { letter-spacing: 0.01em; }\n")
    assert run_folio(project, *args).returncode == 0
    again = manifest(project)
    changed = {again[p]["format"] for p in again if again[p]["key"] != after[p]["key"]}
    assert changed == {"html"}


def test_force_rebuilds_everything(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html").returncode == 0
    times = mtimes(project)
    time.sleep(0.01)
    result = run_folio(project, "build", "--format", "html", "--force")
    assert "3 built, 0 up to date" in result.stdout
    assert all(mtimes(project)[path] != times[path] for path in times)


def test_a_build_leaves_the_cycle_collector_as_it_found_it(project: Path) -> None:
    """Renders collect seldom (build.sparse_collection); folio serve builds in its own process."""
    from folio.build import build
    from folio.config import find_project

    threshold = gc.get_threshold()
    result = build(find_project(project), formats=["html"], jobs=1)
    assert len(result.rebuilt) == 3
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0


@pytest.mark.slow
def test_two_clean_builds_give_identical_bytes(built: Built, tmp_path: Path) -> None:
    """Same inputs and SOURCE_DATE_EPOCH, another folder and one process instead of many."""
    other = copy_project(tmp_path / "other", converted=True)
    result = run_folio(other, "build", "-j", "1")
    assert result.returncode == 0, result.stderr
    first = {e["path"]: e["sha256"] for e in built.manifest}
    second = {path: entry["sha256"] for path, entry in manifest(other).items()}
    assert first == second and len(first) == 15


def test_a_failing_build_writes_nothing(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html", "--format", "pdf").returncode == 0
    before = tree_digest(project / "build")
    change_one_chinese_entry(project)
    template = project / "templates" / "print.html.j2"
    template.write_text(template.read_text().replace("{% endfor %}", "{% endfor", 1))

    result = run_folio(project, "build", "--format", "html", "--format", "pdf")

    assert "print.html.j2" in error_line(result)
    # The HTML pages rendered fine, but none is written while another output failed.
    assert tree_digest(project / "build") == before


def test_a_killed_build_leaves_the_previous_outputs(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html", "--format", "pdf").returncode == 0
    before = tree_digest(project / "build")
    change_one_chinese_entry(project)
    build = subprocess.Popen(
        [sys.executable, "-m", "folio", "build", "--force", "-q"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": ENV_EPOCH},
        start_new_session=True,
    )
    time.sleep(1.0)
    subprocess.run(["pkill", "-KILL", "-s", str(build.pid)], check=False)
    assert build.wait() == -signal.SIGKILL, "the build finished before it could be killed"
    assert tree_digest(project / "build") == before


def test_two_builds_do_not_run_at_once(project: Path) -> None:
    lock = project / "build" / ".lock"
    lock.parent.mkdir()
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run_folio(project, "build", "--format", "html")
    assert error_line(result) == (
        "folio: error: build/.lock: another folio build is running in this project "
        "(wait for it to finish, then build again)"
    )
    assert not (project / "build" / "manifest.json").exists()


def test_an_epub_rebuilt_alone_keeps_the_page_list_of_its_current_pdf(project: Path) -> None:
    args = ("build", "--edition", "en", "--format", "pdf", "--format", "epub")
    assert run_folio(project, *args).returncode == 0
    epub = f"build/{DOC}/{DOC}.en.epub"
    page_map = project / "build" / ".pages" / f"{DOC}.en.json"
    before, stored = manifest(project), page_map.read_bytes()
    nav_before = page_list_of(project / epub)
    css = project / "templates" / "epub.css.j2"
    css.write_text(css.read_text() + "\n/* a change for the EPUB only */\n")

    assert run_folio(project, "build", "--edition", "en", "--format", "epub").returncode == 0

    after = manifest(project)
    assert after[epub]["key"] != before[epub]["key"]
    assert page_list_of(project / epub) == nav_before and nav_before.count("<li>") > 5
    assert page_map.read_bytes() == stored
    # The print edition's templates decide its page breaks: the EPUB's key follows them.
    print_css = project / "templates" / "print.css"
    print_css.write_text(print_css.read_text() + "\nmain p { font-size: 12pt; }\n")
    assert run_folio(project, "build", "--edition", "en", "--format", "epub").returncode == 0
    assert manifest(project)[epub]["key"] != after[epub]["key"]
    assert page_list_of(project / epub) != nav_before


def page_list_of(path: Path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as epub:
        nav = epub.read("EPUB/nav.xhtml").decode("utf-8")
    (found,) = re.findall(r'<nav epub:type="page-list".*?</nav>', nav)
    return found


def test_page_maps_of_pdfs_no_longer_built_are_removed(project: Path) -> None:
    assert run_folio(project, "build", "--format", "pdf", "--edition", "en").returncode == 0
    pages = project / "build" / ".pages"
    assert (pages / f"{DOC}.en.json").is_file()
    stale = pages / "withdrawn-paper.en.json"
    stale.write_text("{}")
    assert run_folio(project, "build", "--format", "pdf", "--edition", "en").returncode == 0
    assert not stale.exists()
    assert (pages / f"{DOC}.en.json").is_file()


def test_a_build_runs_inside_a_running_event_loop(project: Path) -> None:
    """folio called from asyncio code (a notebook): the site's search index still gets made."""
    import asyncio

    from folio.build import build
    from folio.config import find_project

    async def main() -> None:
        build(find_project(project), formats=["html"], jobs=1)

    asyncio.run(main())
    assert list((project / "build" / "site" / "pagefind").glob("*/*/pagefind-entry.json"))
