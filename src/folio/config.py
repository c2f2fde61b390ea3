"""Project settings from [tool.folio] in pyproject.toml, validated, and the project's paths.

Each key is declared once, in OPTIONS: its kind (type and validation), default and help. The
loader, the error messages and the README's settings table all come from there."""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel import Locale, UnknownLocaleError

from folio.errors import FolioError, line_of
from folio.files import write_atomic
from folio.render.formats import DEFAULT_FORMATS
from folio.render.formats import FORMATS as REGISTRY

# The output formats, as render/formats.py declares them.
FORMATS = tuple(REGISTRY)
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
TAG_HINT = "use a BCP 47 tag such as fr, ar, pt-BR or zh-Hans"


@dataclass(frozen=True)
class Place:
    """Where a value was read: a key of [tool.folio], to name its line in an error.

    `name` is what the message calls the value: the key, or "each item of <key>"."""

    pyproject: Path
    key: str
    name: str = ""

    def error(self, message: str, hint: str = "", value: str | None = None) -> FolioError:
        """An error at the key's line (or at the line of `value` within it)."""
        return FolioError(message, self.pyproject, key_line(self.pyproject, self.key, value), hint)

    def wrong(self, value: object, expected: str) -> FolioError:
        """The one-line error for a value that is not what the key takes."""
        return self.error(f"{self.name or self.key} must be {expected}, not {describe(value)}")

    def within(self, part: str) -> Place:
        """The place of one item, key or value of this key's list or table."""
        return replace(self, name=f"each {part} of {self.key}")


def describe(value: object) -> str:
    """A TOML value as an error message names it: `the string "95"`, `a list`."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'the string "{quoted}"'
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"the {type(value).__name__} {value}"  # TOML's dates and times


@dataclass(frozen=True)
class Text:
    """A string; with `pattern`, one the whole of which matches it (or the empty string)."""

    expected: str = "a string"
    pattern: str = ""
    example: str = ""  # the hint when the pattern does not match

    def parse(self, value: object, place: Place) -> str:
        if not isinstance(value, str):
            raise place.wrong(value, self.expected)
        if self.pattern and value and not re.fullmatch(self.pattern, value):
            raise place.error(f"{place.key} {value!r} is not {self.expected}", self.example)
        return value


@dataclass(frozen=True)
class Choice:
    """One of a few strings; `noun` names one in a message ("format" for formats' items)."""

    choices: tuple[str, ...]
    noun: str = ""

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(self.choices)

    def parse(self, value: object, place: Place) -> str:
        if not isinstance(value, str):
            raise place.wrong(value, self.expected)
        if value not in self.choices:
            raise place.error(
                f"unknown {self.noun or place.key} {value!r}",
                f"use one of: {', '.join(self.choices)}",
                value,
            )
        return value


@dataclass(frozen=True)
class Number:
    """A number (integer or decimal) from `low` to `high`."""

    low: float
    high: float
    unit: str = ""

    @property
    def expected(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"a number from {self.low:g} to {self.high:g}{unit}"

    def parse(self, value: object, place: Place) -> float:
        # TOML's true is a Python int; nan fails the comparison.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise place.wrong(value, self.expected)
        if not self.low <= value <= self.high:
            raise place.wrong(value, self.expected)
        return float(value)


@dataclass(frozen=True)
class LanguageTag:
    """A BCP 47 language tag that CLDR knows: fr, pt-BR, zh-Hans."""

    expected: str = "a BCP 47 language tag such as fr or zh-Hans"

    def parse(self, value: object, place: Place) -> str:
        if not isinstance(value, str):
            raise place.wrong(value, self.expected)
        check_language_tag(value, place.pyproject, key_line(place.pyproject, place.key, value))
        return value


@dataclass(frozen=True)
class LocaleName:
    """A CLDR locale identifier: en_GB, zh_Hant_TW (a hyphen for the underscore is fine)."""

    expected: str = "a CLDR locale such as en_GB"

    def parse(self, value: object, place: Place) -> str:
        if not isinstance(value, str):
            raise place.wrong(value, self.expected)
        try:
            Locale.parse(value.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            raise place.error(
                f"unknown CLDR locale {value!r} in {place.key}",
                "use a locale such as en_GB, pt_BR or zh_Hant_TW",
                value,
            ) from None
        return value


@dataclass(frozen=True)
class ListOf:
    """A list (an array) of items of one kind; a tuple in Settings."""

    item: Kind
    expected: str

    def parse(self, value: object, place: Place) -> tuple:
        if not isinstance(value, list):
            raise place.wrong(value, self.expected)
        return tuple(self.item.parse(item, place.within("item")) for item in value)


@dataclass(frozen=True)
class TableOf:
    """A table (an inline { k = "v" } or a [tool.folio.<key>] section) of keys and values."""

    key: Kind
    value: Kind
    expected: str

    def parse(self, value: object, place: Place) -> dict:
        if not isinstance(value, dict):
            raise place.wrong(value, self.expected)
        return {
            self.key.parse(k, place.within("key")): self.value.parse(v, place.within("value"))
            for k, v in value.items()
        }


Kind = Text | Choice | Number | LanguageTag | LocaleName | ListOf | TableOf


@dataclass(frozen=True)
class Option:
    """One key of [tool.folio]: what it takes, its default (when absent) and one line of help."""

    kind: Kind
    default: object
    help: str
    shown: str = ""  # the default as the README shows it, when not its TOML form

    def shown_default(self) -> str:
        """The default for a reader: `["pdf", "epub"]`, `0`, none."""
        default = self.default
        if self.shown:
            return self.shown
        if default is None:
            return "none"
        if isinstance(default, tuple):
            return "`[" + ", ".join(f'"{item}"' for item in default) + "]`"
        if isinstance(default, float):
            return f"`{default:g}`"
        return f"`{default}`"


TAGS = LanguageTag()
# Every key of [tool.folio], in the order the README lists them. Its attribute in Settings is
# the key with "_" for "-".
OPTIONS: dict[str, Option] = {
    "source-language": Option(TAGS, "en", "language of `source/*.md`"),
    "languages": Option(
        ListOf(TAGS, "a list of language tags"), (), "the translations, as BCP 47 tags"
    ),
    "converted-from": Option(
        TableOf(TAGS, TAGS, 'a table of language tags, like { zh-Hant = "zh-Hans" }'),
        {},
        'languages made by OpenCC from another\'s catalogs, e.g. `{ zh-Hant = "zh-Hans" }` '
        "(`folio init-lang zh-Hant --from zh-Hans` writes it); both must be in `languages`",
    ),
    "formats": Option(
        ListOf(Choice(FORMATS, "format"), f"a list of formats ({', '.join(FORMATS)})"),
        DEFAULT_FORMATS,
        "what `folio build` makes",
    ),
    "locales": Option(
        TableOf(TAGS, LocaleName(), 'a table of CLDR locales, like { en = "en_GB" }'),
        {},
        'CLDR locale for dates and labels per language, e.g. `{ en = "en_GB" }`',
        "the tag itself",
    ),
    "brand": Option(
        Text("a path relative to the project"), "templates/brand.yaml", "the brand file"
    ),
    "min-coverage": Option(
        Number(0, 100),
        None,
        "percentage of units a catalog must translate, or the build fails",
    ),
    "booklet-creep-mm": Option(
        Number(0, 2, "millimetres per sheet"),
        0.0,
        "how far each inner sheet of the booklet moves toward the spine (saddle-stitch creep)",
    ),
    "bleed-mm": Option(
        Number(0, 10, "millimetres"),
        0.0,
        "bleed around each print page, with crop marks outside it (TrimBox = the page, BleedBox "
        "= trim + bleed, MediaBox 6 mm more for the marks); the covers' grounds run into the "
        "bleed; the booklet's sheets then bleed on their outer edges (the pages meet at the "
        "spine on their trim), with crop and fold marks outside the bleed",
    ),
    "pdf-variant": Option(
        Choice(PDF_VARIANTS),
        None,
        "a PDF standard for the print edition: `pdf/a-3b` to archive, `pdf/ua-1` tagged",
    ),
    "layout": Option(
        Choice(LAYOUTS),
        "interleaved",
        "bilingual layout of the print edition: `interleaved` (each unit, then its "
        "translation) or `parallel` (aligned columns; also `folio build --layout parallel`)",
    ),
    "paper": Option(
        Choice(tuple(PAPERS)),
        "A5",
        "page size of the print edition (the cover scales with it; the booklet's sheet holds "
        "two pages)",
    ),
    "site-url": Option(
        Text(
            "an http(s) address ending in /",
            r"https?://[^/]+(/.*)?/",
            'write it like "https://example.org/articles/"',
        ),
        "",
        'where `build/site/` is published, e.g. `"https://example.org/articles/"`: '
        "canonical, hreflang and OpenGraph links become absolute",
        "none (relative links)",
    ),
}


def default(key: str) -> object:
    """The default of a key, for the Settings field it fills."""
    return OPTIONS[key].default


@dataclass(frozen=True)
class Settings:
    """The validated [tool.folio] table; what each field means and takes is in OPTIONS."""

    source_language: str = default("source-language")
    languages: tuple[str, ...] = default("languages")
    formats: tuple[str, ...] = default("formats")
    layout: str = default("layout")
    paper: str = default("paper")
    locales: dict[str, str] = field(default_factory=dict)
    brand: str = default("brand")
    min_coverage: float | None = default("min-coverage")
    booklet_creep_mm: float = default("booklet-creep-mm")
    bleed_mm: float = default("bleed-mm")
    pdf_variant: str | None = default("pdf-variant")
    site_url: str = default("site-url")
    converted_from: dict[str, str] = field(default_factory=dict)

    @property
    def paper_mm(self) -> tuple[float, float]:
        """The print page's width and height in mm."""
        return PAPERS[self.paper]

    @property
    def sheet_mm(self) -> tuple[float, float]:
        """The booklet's sheet, landscape: width and height in mm."""
        return SHEETS[self.paper]


KNOWN_KEYS = set(OPTIONS)


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
    """Read [tool.folio] and check each key by OPTIONS; a wrong key or value is a FolioError."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FolioError(f"not valid TOML: {error}", pyproject) from None
    tool = data.get("tool")
    table = tool.get("folio") if isinstance(tool, dict) else None
    if table is None:
        raise FolioError("no [tool.folio] table", pyproject, hint="add one, even if empty")
    if not isinstance(table, dict):
        raise FolioError(
            f"tool.folio must be a table, not {describe(table)}",
            pyproject,
            line_of(pyproject, "folio"),
            hint="write it as a [tool.folio] section",
        )
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise FolioError(
            f"unknown key {unknown[0]!r} in [tool.folio]",
            pyproject,
            key_line(pyproject, unknown[0]),
            hint=f"known keys: {', '.join(sorted(KNOWN_KEYS))}",
        )
    values = {
        key.replace("-", "_"): option.kind.parse(table[key], Place(pyproject, key))
        for key, option in OPTIONS.items()
        if key in table
    }
    settings = Settings(**values)
    check_conversions(settings, pyproject)
    return settings


def key_line(pyproject: Path, key: str, value: str | None = None) -> int | None:
    """The line of `key` in [tool.folio] (or of `value` within what it holds); None if the
    file is laid out so that it cannot be told: no line rather than a wrong one."""
    try:
        lines = pyproject.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    start, section, table = None, False, ""
    assignment = re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*[=.]""")
    for number, line in enumerate(lines, start=1):
        header = re.match(r"\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
        if header:
            table = re.sub(r"""[\s"']""", "", header.group(1))
            if table == f"tool.folio.{key}":
                start, section = number, True
                break
        elif table == "tool.folio" and assignment.match(line):
            start = number
            break
    if start is None or value is None:
        return start
    needles = (f'"{value}"', f"'{value}'", f"{value} =", f"{value}=")
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if number > start and (line.lstrip().startswith("[") or not section and "=" in line):
            break  # past what the key holds: a new section, or (outside one) the next key
        if any(needle in line for needle in needles):
            return number
    return start


def check_conversions(settings: Settings, pyproject: Path) -> None:
    """Each converted language and its base among the languages, by a conversion OpenCC has."""
    from folio.variants import opencc_config

    line = key_line(pyproject, "converted-from")
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


def settings_reference() -> str:
    """The README's table of [tool.folio] keys, made from OPTIONS."""
    rows = [
        "| key | meaning | value | default |",
        "| --- | --- | --- | --- |",
        *(
            f"| `{key}` | {option.help} | {option.kind.expected} | {option.shown_default()} |"
            for key, option in OPTIONS.items()
        ),
    ]
    return "\n".join(rows) + "\n"


def write_reference(readme: Path) -> None:
    """Replace the settings table in the README (between its two markers) by a fresh one."""
    text = readme.read_text(encoding="utf-8")
    begin, end = REFERENCE_MARKERS
    head, _, rest = text.partition(begin + "\n")
    _, found, tail = rest.partition(end)
    if not found:
        raise FolioError(f"no {begin} … {end} markers", readme)
    readme.write_text(f"{head}{begin}\n\n{settings_reference()}\n{end}{tail}", encoding="utf-8")


# Around the README's settings table: `python -m folio.config README.md` writes what is between.
REFERENCE_MARKERS = (
    "<!-- made from OPTIONS in src/folio/config.py by: python -m folio.config README.md -->",
    "<!-- end of settings -->",
)


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


def check_language_tag(tag: str, path: Path | None = None, line: int | None = None) -> None:
    """Refuse a language tag that CLDR does not know (BCP 47 form: zh-Hans, not zh_CN).

    `path` is the file the tag was read from (None for a tag given on the command line);
    without `line`, the tag's first line in it.
    """
    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        raise FolioError(
            f"unknown or malformed language tag {tag!r}",
            path,
            line or (path and (line_of(path, f'"{tag}"') or line_of(path, f": {tag}"))),
            hint=TAG_HINT,
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


if __name__ == "__main__":
    write_reference(Path(sys.argv[1]))
