"""The build's caches (build/.cache/): the same bytes with or without them, and after an edit
only what the edit touched is computed again, stage by stage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_folio
from folio import align, cache, fonts, pandoc
from folio.build import build
from folio.config import find_project
from folio.render import html

DOC = "shared-global-security"


def outputs(root: Path) -> dict[str, bytes]:
    """Every file under build/ but the caches, the lock and the search index (whose files
    Pagefind numbers in the order its threads finish: not reproducible, see README)."""
    build_dir = root / "build"
    return {
        path.relative_to(build_dir).as_posix(): path.read_bytes()
        for path in sorted(build_dir.rglob("*"))
        if path.is_file()
        and not path.relative_to(build_dir).as_posix().startswith((".cache/", "site/pagefind/"))
        and path.name != ".lock"
    }


@pytest.mark.slow
def test_outputs_are_the_same_bytes_with_a_cold_a_warm_a_damaged_and_no_cache(
    project: Path,
) -> None:
    args = ("build", "--format", "html", "--format", "pdf", "--edition", "en+zh-Hans")
    assert run_folio(project, *args).returncode == 0  # cold: the caches are made
    cold = outputs(project)
    assert list((project / "build" / ".cache" / "rows" / DOC).glob("*.pickle"))
    assert run_folio(project, *args, "--force").returncode == 0  # warm: everything from them
    assert outputs(project) == cold
    # Half the caches gone, another one damaged, as a crash or a user may leave them.
    shutil.rmtree(project / "build" / ".cache" / "rows")
    for fragments in (project / "build" / ".cache" / "fragments" / DOC).glob("*.pickle"):
        fragments.write_bytes(fragments.read_bytes()[:1000])
    assert run_folio(project, *args, "--force").returncode == 0
    assert outputs(project) == cold
    assert run_folio(project, *args, "--force", "--no-cache").returncode == 0
    assert outputs(project) == cold


def test_a_cache_from_elsewhere_is_not_read(project: Path) -> None:
    """The caches are pickles signed with the user's key: a build/ folder that came with a
    project from someone else is never unpickled (it would run their code)."""
    assert run_folio(project, "build", "--format", "html").returncode == 0
    source = project / "build" / ".cache" / "source" / f"{DOC}.pickle"
    data = source.read_bytes()
    (project / ".cache" / "folio" / "cache-key").write_bytes(b"another user's key, 32 bytes..")
    calls = Calls()
    with pytest.MonkeyPatch.context() as patch:
        own_key(patch, project)
        patch.setattr(align, "align_group", calls.wrap(align.align_group))
        build(find_project(project), formats=["html"], force=True)
    assert calls.count > 0  # every row aligned again: the signature did not match
    assert source.read_bytes() != data  # signed again with this key


class Calls:
    """Counts the calls of a function it wraps (the function still runs)."""

    def __init__(self) -> None:
        self.count = 0
        self.args: list[tuple] = []

    def wrap(self, function):
        def counted(*args, **kwargs):
            self.count += 1
            self.args.append(args)
            return function(*args, **kwargs)

        return counted


def own_key(patch: pytest.MonkeyPatch, home: Path) -> None:
    """This process signs and checks the caches with the key kept under `home`."""
    patch.setenv("HOME", str(home))
    patch.delenv("XDG_CACHE_HOME", raising=False)
    patch.setattr(cache, "_key", None)


@pytest.fixture
def warm(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project's web pages built once, in this process."""
    own_key(monkeypatch, project)
    build(find_project(project), formats=["html"])
    return project


def edit_msgstr(project: Path, old: str, new: str) -> None:
    """Replace text in the first paragraph's msgstr, as a translator would."""
    po = project / "translations" / "zh-Hans" / f"{DOC}.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    at = next(
        i for i in range(lines.index("#. paragraph"), len(lines)) if lines[i].startswith("msgstr")
    )
    while old not in lines[at]:
        at += 1
    lines[at] = lines[at].replace(old, new, 1)
    po.write_text("\n".join(lines), encoding="utf-8")


def pandoc_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str]]:
    """Every pandoc run of the build to come: its arguments and its input."""
    calls: list[tuple[list[str], str]] = []
    real = pandoc.run

    def recorded(args: list[str], text: str) -> str:
        calls.append((args, text))
        return real(args, text)

    monkeypatch.setattr(pandoc, "run", recorded)
    return calls


def test_an_edited_msgstr_is_read_and_written_alone(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_msgstr(warm, "。", "（修订）。")
    calls = pandoc_calls(monkeypatch)
    rows = Calls()
    monkeypatch.setattr(align, "align_group", rows.wrap(align.align_group))
    result = build(find_project(warm), formats=["html"])
    assert sorted(r.target.edition for r in result.rebuilt) == ["en+zh-Hans", "zh-Hans"]
    reads = [text for args, text in calls if "--to=json" in args]
    writes = [text for args, text in calls if "--from=json" in args]
    # The source is not parsed again; the edited msgstr alone is read (once for both editions).
    assert len(reads) == 1 and "修订" in reads[0]
    assert "Global Security Initiative" not in reads[0]
    # Only its row is aligned again, in Chinese (both editions share that text); each edition
    # writes that row again.
    assert rows.count == 1
    assert len(writes) == 2  # one call per edition
    for write in writes:
        text = json.dumps(json.loads(write), ensure_ascii=False)
        assert text.count("修订") == 2  # the row's print and web HTML
        assert "Global Security Initiative" not in text  # no other row
    page = (warm / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    assert "（修订）。" in page


def test_an_edited_source_paragraph_is_parsed_again(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = warm / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Global Security Initiative", "GSIX", 1), encoding="utf-8")
    calls = pandoc_calls(monkeypatch)
    build(find_project(warm), formats=["html"])
    reads = [text for args, text in calls if "--to=json" in args]
    assert any("GSIX" in read for read in reads)  # the source, parsed again


def test_font_subsets_are_made_only_for_new_characters(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subsets, scans = Calls(), Calls()
    monkeypatch.setattr(fonts, "subset", subsets.wrap(fonts.subset))
    monkeypatch.setattr(html, "text_by_language", scans.wrap(html.text_by_language))
    edit_msgstr(warm, "。", "。。")  # no new character
    build(find_project(warm), formats=["html"])
    assert subsets.count == 0
    # The pages that changed are read for their characters (zh-Hans, en+zh-Hans); the English
    # one and the home page are not.
    assert scans.count == 2
    edit_msgstr(warm, "。。", "龘。")  # a character no page had
    build(find_project(warm), formats=["html"])
    assert subsets.count > 0  # the faces whose characters changed (the Latin ones take all)


def test_a_new_format_is_one_module_and_one_registry_entry(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry is the only place the build learns of a format: a plain-text edition,
    from a renderer module of a few lines, is planned, keyed, rendered and listed."""
    import sys
    import types

    from folio.render import formats
    from folio.render.job import Job, Made

    module = types.ModuleType("folio.render.plain")

    def render(job: Job) -> Made:
        return Made(job.parts.field("title", job.edition.primary).encode("utf-8"))

    module.render = render
    monkeypatch.setitem(sys.modules, "folio.render.plain", module)
    plain = formats.Format("txt", "plain", (), "build/{doc}/{doc}.{edition}.txt")
    monkeypatch.setitem(formats.FORMATS, "txt", plain)
    own_key(monkeypatch, project)

    result = build(find_project(project), formats=["txt"], only=["zh-Hans"])

    (output,) = result.outputs
    assert output.path == f"build/{DOC}/{DOC}.zh-Hans.txt" and output.format == "txt"
    assert (project / output.path).read_text(encoding="utf-8") == "中国的全球共同安全愿景"


def test_a_cache_kept_in_memory_between_builds_sees_edits(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`folio serve` keeps one cache for all its rebuilds: its tables are not read again, and
    an edit is still seen (then the pages equal those of a build without cache)."""
    from folio.build import open_cache

    own_key(monkeypatch, project)
    caches = open_cache(find_project(project), True)
    build(find_project(project), formats=["html"], cache=caches)
    edit_msgstr(project, "。", "（又一修订）。")
    rows = Calls()
    monkeypatch.setattr(align, "align_group", rows.wrap(align.align_group))
    build(find_project(project), formats=["html"], cache=caches)
    assert rows.count == 1
    kept = outputs(project)
    build(find_project(project), formats=["html"], force=True, cache=False)
    assert outputs(project) == kept


def source_reads(calls: list[tuple[list[str], str]]) -> list[str]:
    """The Markdown pandoc read in a build (the source and the msgstrs)."""
    return [text for args, text in calls if "--to=json" in args]


def test_an_edited_paragraph_of_prose_is_parsed_alone(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandoc reads the edited paragraph, not the whole source; the pages are those of a
    build without cache."""
    source = warm / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    assert text.count("The security interests of every country") == 1
    source.write_text(text.replace("of every country", "of each country", 1), encoding="utf-8")
    calls = pandoc_calls(monkeypatch)
    rows = Calls()
    monkeypatch.setattr(align, "align_group", rows.wrap(align.align_group))
    build(find_project(warm), formats=["html"])
    reads = source_reads(calls)
    assert any("of each country" in read for read in reads)
    assert not any("Bo'ao Forum" in read for read in reads)  # no other paragraph
    assert rows.count == 2  # its row in English and in Chinese (the bilingual page shares them)
    kept = outputs(warm)
    build(find_project(warm), formats=["html"], force=True, cache=False)
    assert outputs(warm) == kept


# Paragraphs of prose whose reading depends on the blocks around them: an edit there has the
# whole source read again. Each has a twin that pandoc reads the same (a paragraph of its own),
# which the edit must not be taken for.
HELD = {
    "in a fenced code block": "```\ncode\n\nHeld words here\n```",
    "in a comment": "<!-- a note\n\nHeld words here\n\n-->",
    "a term of a definition list": "Held words here\n\n:   its definition",
    "in a div": "::: aside\n\nHeld words here\n\n:::",
}


@pytest.mark.parametrize("held", HELD.values(), ids=HELD.keys())
def test_an_edit_of_a_paragraph_held_by_others_reads_the_whole_source(
    warm: Path, monkeypatch: pytest.MonkeyPatch, held: str
) -> None:
    source = warm / "source" / f"{DOC}.md"
    twin = "Held words  here"
    text = source.read_text(encoding="utf-8")
    source.write_text(f"{text}\n{twin}\n\n{held}\n", encoding="utf-8")
    build(find_project(warm), formats=["html"])
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Held words here", "Held words there"), encoding="utf-8")
    calls = pandoc_calls(monkeypatch)
    build(find_project(warm), formats=["html"])
    assert any("Bo'ao Forum" in read for read in source_reads(calls))  # the whole source
    kept = outputs(warm)
    build(find_project(warm), formats=["html"], force=True, cache=False)
    assert outputs(warm) == kept


def test_a_page_read_in_pieces_reads_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cuts that would fall inside a comment, a script or a tag are not made: the characters
    and search records of a page read piece by piece (and again from the pieces kept) are
    those of the page read whole."""
    from folio.cache import Table
    from folio.render import pieces, search

    rows = "\n".join(
        f'<div id="u{n}" class="unit" lang="{"zh-Hans" if n % 2 else "en"}"><p>text {n} 文{n}</p>'
        "</div>"
        for n in range(1, 7)
    )
    tricky = (
        '<!-- a comment\n<div id="u90">hidden 隐</div> -->\n'
        '<script>var s = "\n<div id="u91">";</script>\n'
        '<div title="a\n<div id="u92">" id="u93" lang="en"><p>inside</p></div>'
    )
    page = (
        '<!DOCTYPE html><html lang="en"><body><main><article>\n<h1>Title 题</h1>\n'
        f"{rows}\n{tricky}\n{rows}\n</article></main></body></html>"
    )
    assert len(pieces.pieces(page)) > 10 and "".join(pieces.pieces(page)) == page
    whole, state = html.drawn_in(page, ((), 0))
    memo = Table(None)
    for _ in range(2):  # read, then from the pieces kept
        found = html.text_by_language(page, memo)
        assert {lang: "".join(sorted(chars)) for lang, chars in found.items()} == {
            lang: chars for lang, chars in whole.items() if chars
        }
    with monkeypatch.context() as whole_page:
        whole_page.setattr(search, "cut_page", lambda text: [text])
        whole_records = search.page_records(search.Page("d", "e", page.encode()))
    assert any("inside" in record.text for record in whole_records)
    memo = Table(None)
    for _ in range(2):
        assert search.page_records(search.Page("d", "e", page.encode()), memo) == whole_records


def clear_font_answers() -> None:
    for function in (fonts.find_face, fonts.known_answers, fonts.fontconfig_stamp):
        function.cache_clear()


def test_fontconfigs_answers_are_kept_until_its_fonts_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fc-match is asked once per face while fontconfig's folders and configuration stay as
    they were; a change of them, or a face whose file is gone, asks it again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    clear_font_answers()
    serif = fonts.find_face("Noto Serif")
    kept_file = tmp_path / fonts.ANSWERS_FILE
    kept = json.loads(kept_file.read_text(encoding="utf-8"))
    pattern = "Noto Serif:weight=regular:slant=roman"
    assert kept["answers"][pattern][:2] == ["Noto Serif", str(serif.path)]
    # An answer kept is used as it is (here another installed file, to tell it apart).
    other = fonts.find_face("Noto Sans").path
    kept["answers"][pattern][1] = str(other)
    kept_file.write_text(json.dumps(kept), encoding="utf-8")
    clear_font_answers()
    assert fonts.find_face("Noto Serif").path == other
    # Kept under another state of fontconfig's folders: asked again.
    kept["stamp"] = "before a font was installed"
    kept_file.write_text(json.dumps(kept), encoding="utf-8")
    clear_font_answers()
    assert fonts.find_face("Noto Serif").path == serif.path
    clear_font_answers()


def test_rows_written_in_batches_are_the_rows_written_in_one_call(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long book's rows go to pandoc a thousand at a time; cut into batches of three, the
    seed's pages are the same bytes."""
    own_key(monkeypatch, project)
    build(find_project(project), formats=["html"], cache=False)
    whole = outputs(project)
    monkeypatch.setattr(pandoc, "BATCH", 3)
    calls = Calls()
    monkeypatch.setattr(pandoc, "write_pieces", calls.wrap(pandoc.write_pieces))
    build(find_project(project), formats=["html"], force=True, cache=False)
    assert calls.count > 20
    assert outputs(project) == whole


def test_a_kept_text_travels_to_a_worker_with_its_blocks_pickled_once() -> None:
    """A row taken from the memo and read in the build's process is pickled (a job sent to a
    worker) as kept, not with a second copy of its blocks as objects; the worker reads them."""
    import pickle

    from folio.edition import Text

    blocks = [pandoc.plain([{"t": "Str", "c": f"word{n}"}]) for n in range(200)]
    kept = align.Kept.of(align.Aligned(Text("en", blocks, False, "k"), 0)).aligned().text
    unread = len(pickle.dumps(kept))
    assert kept.blocks == blocks  # read: now held as objects too
    sent = pickle.dumps(kept)
    assert len(sent) < unread * 1.1, (len(sent), unread)
    assert pickle.loads(sent).blocks == blocks


def test_prepared_editions_hold_their_rows_and_source_pickled(project: Path) -> None:
    """Once the jobs are prepared, the build's process holds every edition's rows and the
    source as kept (pickled), not as objects too: it read one edition's at a time. A worker
    that reads them unpickles them then."""
    from folio.align import KeptText
    from folio.build import open_cache
    from folio.build.plan import plan
    from folio.build.prepare import prepare
    from folio.build.state import BuildState

    found = find_project(project)
    state = BuildState(found, open_cache(found, True))
    jobs = prepare(state, plan(found, None, None), [], {})
    texts = [text for job in jobs if job.edition for row in job.edition.rows for text in row.texts]
    assert len(texts) > 100
    assert [t for t in texts if not isinstance(t, KeptText) or "blocks" in t.__dict__] == []
    assert [s for s in state.sources.values() if "blocks" in s.document.__dict__] == []
    assert texts[0].blocks and texts[0].blocks[0]["t"]
