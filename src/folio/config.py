"""Project settings from [tool.folio] in pyproject.toml, validated, and the project's paths."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError

from folio.errors import FolioError, line_of
from folio.files import write_atomic

FORMATS = ("pdf", "epub", "html", "booklet")
# What `folio build` makes unless told: the booklet is for the printer, on request.
DEFAULT_FORMATS = ("pdf", "epub", "html")
# Bilingual layouts: each unit, then its translation; or the two in aligned columns.
LAYOUTS = ("interleaved", "parallel")
# Page sizes of the print edition, width and height in mm, by their CSS names.
PAPERS = {
    "A5": (148.0, 210.0),
    "B5": (176.0, 250.0),
    "A4": (210.0, 297.0),
    "letter": (215.9, 279.4),
}
# The booklet's sheet for each page size, landscape, in mm: the standard sheet that holds two
# pages side by side (A4 for A5 pages; a print shop's paper, not exactly twice the page).
SHEETS = {
    "A5": (297.0, 210.0),
    "B5": (353.0, 250.0),
    "A4": (420.0, 297.0),
    "letter": (431.8, 279.4),
}
# The PDF standards WeasyPrint writes that folio offers (archiving, accessibility, print).
PDF_VARIANTS = ("pdf/a-3b", "pdf/a-3u", "pdf/a-2b", "pdf/ua-1", "pdf/x-4")


@dataclass(frozen=True)
class Settings:
    """The validated [tool.folio] table."""

    source_language: str = "en"
    languages: tuple[str, ...] = ()
    formats: tuple[str, ...] = DEFAULT_FORMATS
    layout: str = "interleaved"
    paper: str = "A5"
    locales: dict[str, str] = field(default_factory=dict)
    brand: str = "templates/brand.yaml"
    # Below this percentage of units translated, a language fails the build (None: no minimum).
    min_coverage: float | None = None
    # How far each inner sheet of the booklet moves toward the spine (saddle-stitch creep).
    booklet_creep_mm: float = 0.0
    # Print shops: bleed around each page, with crop marks (0: none).
    bleed_mm: float = 0.0
    # A PDF standard for the print edition: "pdf/a-3b" to archive, "pdf/ua-1" tagged.
    pdf_variant: str | None = None
    # Where build/site/ is published ("https://…/"): canonical, hreflang and OpenGraph links are
    # absolute under it; without it they are relative.
    site_url: str = ""
    # Languages made from another's catalog by OpenCC, e.g. {"zh-Hant": "zh-Hans"}.
    converted_from: dict[str, str] = field(default_factory=dict)

    @property
    def paper_mm(self) -> tuple[float, float]:
        """The print page's width and height in mm."""
        return PAPERS[self.paper]

    @property
    def sheet_mm(self) -> tuple[float, float]:
        """The booklet's sheet, landscape: width and height in mm."""
        return SHEETS[self.paper]


KNOWN_KEYS = {name.replace("_", "-") for name in Settings.__dataclass_fields__}


@dataclass(frozen=True)
class Project:
    """Where a folio project keeps its inputs and outputs."""

    root: Path
    settings: Settings

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def translations_dir(self) -> Path:
        return self.root / "translations"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def documents(self) -> list[str]:
        """Names of the documents: one per source/<doc>.md."""
        return sorted(p.stem for p in self.source_dir.glob("*.md"))

    def source_path(self, doc: str) -> Path:
        return self.source_dir / f"{doc}.md"

    def pot_path(self, doc: str) -> Path:
        return self.translations_dir / f"{doc}.pot"

    def po_path(self, doc: str, lang: str) -> Path:
        return self.translations_dir / lang / f"{doc}.po"

    def catalogs_of(self, doc: str, lang: str) -> list[Path]:
        """The catalogs a language's text comes from: its own, and the one it is converted from."""
        base = self.settings.converted_from.get(lang)
        return [self.po_path(doc, lang), *([self.po_path(doc, base)] if base else [])]

    def locale(self, lang: str) -> Locale:
        """The CLDR locale for a language tag, honouring [tool.folio] locales."""
        return Locale.parse(self.settings.locales.get(lang, lang).replace("-", "_"))


def find_project(start: Path) -> Project:
    """Load the project whose pyproject.toml with [tool.folio] is at or above `start`."""
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            return Project(folder, load_settings(pyproject))
    raise FolioError(
        "no pyproject.toml found here or above", start, hint="run folio inside a folio project"
    )


def load_settings(pyproject: Path) -> Settings:
    """Read and validate [tool.folio]; an unknown key is an error naming the known ones."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FolioError(f"not valid TOML: {error}", pyproject) from None
    table = data.get("tool", {}).get("folio")
    if table is None:
        raise FolioError("no [tool.folio] table", pyproject, hint="add one, even if empty")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise FolioError(
            f"unknown key {unknown[0]!r} in [tool.folio]",
            pyproject,
            line_of(pyproject, unknown[0]),
            hint=f"known keys: {', '.join(sorted(KNOWN_KEYS))}",
        )
    settings = Settings(
        source_language=table.get("source-language", "en"),
        languages=tuple(table.get("languages", ())),
        formats=tuple(table.get("formats", DEFAULT_FORMATS)),
        layout=table.get("layout", "interleaved"),
        paper=table.get("paper", "A5"),
        locales=dict(table.get("locales", {})),
        brand=table.get("brand", "templates/brand.yaml"),
        min_coverage=table.get("min-coverage"),
        booklet_creep_mm=float(table.get("booklet-creep-mm", 0.0)),
        bleed_mm=float(table.get("bleed-mm", 0.0)),
        pdf_variant=table.get("pdf-variant"),
        site_url=str(table.get("site-url", "")),
        converted_from=dict(table.get("converted-from", {})),
    )
    check_ranges(settings, pyproject)
    check_conversions(settings, pyproject)
    for tag in (settings.source_language, *settings.languages):
        check_language_tag(tag, pyproject)
    for fmt in settings.formats:
        if fmt not in FORMATS:
            raise FolioError(f"unknown format {fmt!r}", pyproject, hint=f"use {', '.join(FORMATS)}")
    return settings


def check_ranges(settings: Settings, pyproject: Path) -> None:
    """Each setting among its values or in its range; an error names the key's line."""
    site_url = re.match(r"https?://[^/]+(/.*)?/$", settings.site_url)
    coverage = settings.min_coverage
    checks = [
        # (key, whether it is right, what is wrong, what to do)
        (
            "site-url",
            not settings.site_url or site_url,
            f"site-url {settings.site_url!r} is not an http(s) address ending in /",
            'write it like "https://example.org/articles/"',
        ),
        (
            "paper",
            settings.paper in PAPERS,
            f"unknown paper {settings.paper!r}",
            f"use one of: {', '.join(PAPERS)}",
        ),
        ("bleed-mm", 0 <= settings.bleed_mm <= 10, "bleed-mm must be from 0 to 10", None),
        (
            "pdf-variant",
            settings.pdf_variant is None or settings.pdf_variant in PDF_VARIANTS,
            f"unknown pdf-variant {settings.pdf_variant!r}",
            f"use one of {', '.join(PDF_VARIANTS)}",
        ),
        (
            "booklet-creep-mm",
            0 <= settings.booklet_creep_mm <= 2,
            "booklet-creep-mm must be from 0 to 2 (millimetres per sheet)",
            None,
        ),
        (
            "min-coverage",
            coverage is None or 0 <= coverage <= 100,
            "min-coverage must be a percentage from 0 to 100",
            None,
        ),
        (
            "layout",
            settings.layout in LAYOUTS,
            f"unknown layout {settings.layout!r}",
            f"use {', '.join(LAYOUTS)}",
        ),
    ]
    for key, right, wrong, hint in checks:
        if not right:
            raise FolioError(wrong, pyproject, line_of(pyproject, key), hint=hint)


def check_conversions(settings: Settings, pyproject: Path) -> None:
    """Each converted language and its base among the languages, by a conversion OpenCC has."""
    from folio.variants import opencc_config

    line = line_of(pyproject, "converted-from")
    for lang, base in settings.converted_from.items():
        for tag in (lang, base):
            if tag not in settings.languages:
                raise FolioError(
                    f"converted-from names {tag!r}, which is not in languages",
                    pyproject,
                    line,
                    hint="add it to languages, or use `folio init-lang <tag> --from <base>`",
                )
        opencc_config(lang, base, pyproject, line)


def add_conversion(pyproject: Path, tag: str, base: str) -> bool:
    """Record in [tool.folio] that `tag` is converted from `base`; False if it was already.

    A one-line text edit under `languages`, like add_language."""
    settings = load_settings(pyproject)
    if settings.converted_from.get(tag) == base:
        return False
    pairs = {**settings.converted_from, tag: base}
    line = "converted-from = { " + ", ".join(f'{k} = "{v}"' for k, v in pairs.items()) + " }"
    text = pyproject.read_text(encoding="utf-8")
    table = re.search(r"^\[tool\.folio\][ \t]*$", text, re.M)
    start = table.end() if table else 0
    existing = re.compile(r"^converted-from\s*=\s*\{[^}\n]*\}[ \t]*$", re.M).search(text, start)
    languages = re.compile(r"^languages\s*=\s*\[[^\]\n]*\][ \t]*$", re.M).search(text, start)
    if existing:
        text = text[: existing.start()] + line + text[existing.end() :]
    elif settings.converted_from or languages is None:
        raise FolioError(
            "cannot find where to write converted-from in [tool.folio]",
            pyproject,
            hint=f'add converted-from = {{ {tag} = "{base}" }} by hand',
        )
    else:
        text = text[: languages.end()] + "\n" + line + text[languages.end() :]
    write_atomic(pyproject, text.encode("utf-8"))
    return True


def check_language_tag(tag: str, path: Path | None = None) -> None:
    """Refuse a language tag that CLDR does not know (BCP 47 form: zh-Hans, not zh_CN).

    `path` is the file the tag was read from; None for a tag given on the command line.
    """
    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        raise FolioError(
            f"unknown or malformed language tag {tag!r}",
            path,
            path and (line_of(path, f'"{tag}"') or line_of(path, f": {tag}")),
            hint="use a BCP 47 tag such as fr, ar, pt-BR or zh-Hans",
        ) from None


def add_language(pyproject: Path, tag: str) -> bool:
    """Add a language to `languages` in [tool.folio]; returns False if it was there already.

    A text edit, not a TOML rewrite, so the file's comments and layout stay as they are.
    """
    settings = load_settings(pyproject)
    if tag in settings.languages:
        return False
    text = pyproject.read_text(encoding="utf-8")
    languages = [*settings.languages, tag]
    line = "languages = [" + ", ".join(f'"{lang}"' for lang in languages) + "]"
    table = re.search(r"^\[tool\.folio\][ \t]*$", text, re.M)
    existing = re.compile(r"^languages\s*=\s*\[[^\]\n]*\][ \t]*$", re.M)
    if table is None:
        raise FolioError("no [tool.folio] table", pyproject, hint="add one, even if empty")
    match = existing.search(text, table.end())
    if settings.languages and match is None:
        raise FolioError(
            "cannot find the one-line `languages = [...]` of [tool.folio]",
            pyproject,
            hint=f'add "{tag}" to it by hand',
        )
    if match:
        text = text[: match.start()] + line + text[match.end() :]
    else:
        text = text[: table.end()] + "\n" + line + text[table.end() :]
    write_atomic(pyproject, text.encode("utf-8"))
    return True
