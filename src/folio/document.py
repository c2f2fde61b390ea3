"""Read source/<doc>.md: YAML front matter (validated) and the body as a pandoc AST."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from folio import pandoc, yamlsafe
from folio.config import check_language_tag
from folio.edition import SUBJECT
from folio.errors import FolioError

# Front-matter fields a translator translates, in the order the catalog lists them.
TRANSLATABLE_META = (
    "title",
    "subtitle",
    "author.name",
    "author.role",
    "author.affiliation",
    "abstract",
)


@dataclass(frozen=True)
class Author:
    name: str
    honorific: str = ""
    role: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class FrontMatter:
    title: str
    subtitle: str
    author: Author
    date: dt.date
    lang: str
    abstract: str = ""
    # Subject headings or keywords (the EPUB's dc:subject), each translated as a unit.
    subject: tuple[str, ...] = ()

    def field(self, dotted: str) -> str:
        """A translatable field by its dotted name, e.g. "author.role"."""
        value: object = self
        for part in dotted.split("."):
            value = getattr(value, part)
        return str(value)

    def translatable(self) -> dict[str, str]:
        """The translatable fields that are set, by name, in the catalog's order: the
        TRANSLATABLE_META fields, then each subject ("subject:1", …)."""
        fields = {name: self.field(name) for name in TRANSLATABLE_META if self.field(name)}
        fields |= {f"{SUBJECT}:{n}": text for n, text in enumerate(self.subject, start=1)}
        return fields


def meta_kind(name: str) -> str:
    """The kind of a translatable field ("subject:2" → "subject"), as `#.` comments name it."""
    return name.partition(":")[0]


@dataclass(frozen=True)
class Document:
    name: str
    path: Path
    meta: FrontMatter
    blocks: list[pandoc.Block]

    def forget(self) -> None:
        """Let go of blocks read from a pickled form (source.KeptDocument); these are its own."""


def read_document(path: Path) -> Document:
    """Parse a source file; any problem is a FolioError naming the file and line."""
    text = read_text(path)
    front, body = split_front_matter(text, path)
    check_paragraph_sizes(body, path)
    try:
        blocks = pandoc.read_markdown(body)
    except pandoc.TooDeep:
        raise FolioError(
            "lists or block quotes are nested too deeply for folio (more than about 60 levels)",
            path,
            hint="flatten the nesting",
        ) from None
    return Document(path.stem, path, front, blocks)


# A paragraph is a translation unit: one this long is a mistake (a lost blank line, a pasted
# file), and would make a catalog entry no translator's tool opens.
MAX_PARAGRAPH = 100_000


def check_paragraph_sizes(body: str, path: Path) -> None:
    """Refuse a paragraph (text between blank lines) longer than MAX_PARAGRAPH characters."""
    size, start = 0, 1
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            size = 0
            continue
        if size == 0:
            start = number
        size += len(line.strip()) + 1  # indentation is no text (nested lists are all indent)
        if size > MAX_PARAGRAPH:
            raise FolioError(
                f"a paragraph longer than {MAX_PARAGRAPH:,} characters",
                path,
                start,
                hint="split it with blank lines",
            )


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\0" in data:
        raise FolioError(
            "binary file, not Markdown", path, hint="keep only UTF-8 Markdown in source/"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FolioError("not valid UTF-8", path, line, hint="save the file as UTF-8") from None
    if not text.strip():
        raise FolioError("the source is empty", path, hint="write the document, with front matter")
    return text


def split_front_matter(text: str, path: Path) -> tuple[FrontMatter, str]:
    """Split `---` YAML front matter from the body; the body keeps its line numbers."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FolioError("no YAML front matter", path, 1, hint="start the file with a --- block")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise FolioError(
            "front matter is not closed", path, 1, hint="end it with a line ---"
        ) from None
    try:
        data = yamlsafe.load("".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        # Where the broken construct starts (an unclosed quote) says more than where YAML gave up.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or "invalid YAML"
        if getattr(error, "context", None):
            problem = f"{problem} {error.context}"
        limit = isinstance(error, yamlsafe.LimitError)
        hint = "keep front matter short and flat" if limit else "fix the YAML syntax"
        raise FolioError(f"front matter: {problem}", path, line, hint=hint) from None
    if not isinstance(data, dict):
        raise FolioError("front matter is not a mapping", path, 2, hint="write key: value lines")
    body = "\n" * (end + 1) + "".join(lines[end + 1 :])
    return front_matter(data, path), body


def front_matter(data: dict, path: Path) -> FrontMatter:
    """Validate the front-matter mapping."""
    for key in ("title", "author", "date", "lang"):
        if key not in data:
            raise FolioError(f"front matter has no {key!r}", path, hint=f"add {key}: …")
    author = data["author"]
    if isinstance(author, str):
        author = {"name": author}
    if not isinstance(author, dict) or "name" not in author:
        raise FolioError("author needs a name", path, hint="author: {name: …, role: …}")
    unknown = set(author) - set(Author.__dataclass_fields__)
    if unknown:
        raise FolioError(
            f"unknown author field {sorted(unknown)[0]!r}",
            path,
            hint=f"known: {', '.join(Author.__dataclass_fields__)}",
        )
    date = data["date"]
    if not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(str(date))
        except ValueError:
            raise FolioError(f"date {date!r} is not YYYY-MM-DD", path) from None
    lang = str(data["lang"])
    check_language_tag(lang, path)
    return FrontMatter(
        title=str(data["title"]),
        subtitle=str(data.get("subtitle", "")),
        author=Author(**{k: str(v) for k, v in author.items()}),
        date=date,
        lang=lang,
        abstract=str(data.get("abstract", "")),
        subject=subjects(data.get("subject"), path),
    )


def subjects(value: object, path: Path) -> tuple[str, ...]:
    """`subject:` as one string or a list of strings."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str | int | float) for item in items):
        raise FolioError("subject must be text or a list of texts", path, hint="subject: [a, b]")
    return tuple(str(item) for item in items)
