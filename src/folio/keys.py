"""Build keys: a digest of everything an output is made from, so unchanged outputs are skipped."""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from folio import __version__
from folio.config import Project
from folio.render.formats import FORMATS, downloads

# Packages whose versions change what folio writes.
TOOLS = ("pypandoc-binary", "weasyprint", "babel", "uharfbuzz", "jinja2", "pypdfium2", "nh3")
TOOLS += ("opencc",)  # converts zh-Hant, zh-HK and zh-TW text from the zh-Hans catalogs


@functools.cache
def tool_versions() -> str:
    versions = []
    for name in TOOLS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    return ";".join(versions)


@functools.cache
def folio_digest() -> str:
    """A digest of folio's own files: a changed folio (an editable install too) rebuilds all,
    not only a new version number."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes ('missing' if there is none); read again once it changed."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return "missing"
    return _digest(path, status.st_mtime_ns, status.st_size)


@functools.cache
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    """A file's digest, once a version of it (a long-running `folio serve` sees edits)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def output_key(project: Project, doc: str, languages: tuple[str, ...], fmt: str) -> str:
    """The key of one output: folio, its tools, settings, and the files this output reads."""
    files = [project.source_path(doc), *assets_of(project, doc)]
    files += [
        path
        for lang in languages
        if lang != project.settings.source_language
        for path in project.catalogs_of(doc, lang)
    ]
    templates = project.templates_dir
    files += [templates / name for name in templates_read(project, fmt)]
    files += [project.root / project.settings.brand, *sorted((templates / "ui").glob("*.po"))]
    files += sorted((templates).glob("*.svg"))
    parts = [__version__, folio_digest(), tool_versions(), repr(project.settings), doc]
    parts += ["+".join(languages), fmt]
    if fmt == "html":
        # A web page lists its edition's downloads with their sizes: it changes with them.
        made = [f for f in downloads() if f in project.settings.formats]
        parts += [output_key(project, doc, languages, other) for other in made]
    parts += [f"{path.relative_to(project.root)}:{file_digest(path)}" for path in files]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def templates_read(project: Project, fmt: str) -> list[str]:
    """The templates an output depends on: an EPUB's page list comes from the print edition's
    layout, when the project makes one."""
    names = list(FORMATS[fmt].templates)
    if fmt == "epub" and "pdf" in project.settings.formats:
        names += [name for name in FORMATS["pdf"].templates if name not in names]
    return names


def assets(project: Project) -> list[Path]:
    """Files under source/ besides the documents and collections (images a document may use)."""
    return sorted(
        p for p in project.source_dir.rglob("*") if p.is_file() and p.suffix not in (".md", ".yaml")
    )


def assets_of(project: Project, doc: str) -> list[Path]:
    """The files under source/ that a document names (its images): adding or changing another
    document's image rebuilds nothing of this one. A name in the text counts, even in code: a
    rebuild too many, never one too few."""
    try:
        text = project.source_path(doc).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [path for path in assets(project) if named_in(text, project.source_dir, path)]


def named_in(text: str, folder: Path, path: Path) -> bool:
    relative = path.relative_to(folder).as_posix()
    return relative in text or quote(relative) in text
