"""PO files as bytes: read with Babel, and write back untouched entries byte for byte."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, escape, read_po, unescape, write_po

from folio import pocheck
from folio.errors import FolioError

# No wrapping: Chinese lines are never re-wrapped and a re-wrapped source changes no byte.
WIDTH = 0


@dataclass(frozen=True)
class PoFile:
    """A catalog and the original text of each of its entries, by line range."""

    catalog: Catalog
    header: str
    chunks: list[tuple[int, int, str]]  # (first line, last line, text) of every entry

    def raw(self, message: Message) -> str | None:
        """The original text of an entry, if it was read from the file."""
        for first, last, text in self.chunks:
            if message.lineno is not None and first <= message.lineno <= last:
                return text
        return None


def read(path: Path, lang: str | None = None) -> PoFile:
    """Read a PO/POT file (`lang`: a BCP 47 tag); syntax or encoding errors name file and line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FolioError("not valid UTF-8", path, line, hint="save the catalog as UTF-8") from None
    pocheck.check(text, path)
    try:
        catalog = read_po(io.StringIO(text), locale=babel_locale(lang), abort_invalid=True)
    except PoFileError as error:
        # Babel appends its own 0-based line number to the message: folio gives the real one.
        message = re.sub(r" on \d+$", "", str(error.args[0] if error.args else error))
        raise FolioError(
            f"PO syntax error: {message}",
            path,
            error.lineno + 1,
            hint="fix this entry; `msgfmt --check` lists PO errors",
        ) from None
    for message in [*catalog, *catalog.obsolete.values()]:
        restore_previous_id(message)
    header, chunks = split_entries(text)
    return PoFile(catalog, header, chunks)


def restore_previous_id(message: Message) -> None:
    """Babel reads `#| msgid "…"` as a user comment "| msgid …": make it the previous msgid."""
    previous = [c for c in message.user_comments if c.startswith("| ")]
    if not previous or not previous[0].startswith("| msgid "):
        return
    literals = [previous[0][len("| msgid ") :]] + [c[2:] for c in previous[1:]]
    message.previous_id = ["".join(unescape(literal.strip()) for literal in literals)]
    message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]


def babel_locale(lang: str | None) -> Locale | None:
    return Locale.parse(lang, sep="-") if lang else None


def split_entries(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The header text and each later entry's (first line, last line, text); blank lines split."""
    chunks: list[tuple[int, int, str]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            chunks.append((start, number - 1, "".join(current)))
            current = []
    if current:
        chunks.append((start, start + len(current) - 1, "".join(current)))
    header = chunks[0][2] if chunks and is_header(chunks[0][2]) else ""
    return header, chunks[1:] if header else chunks


def is_header(text: str) -> bool:
    """Whether an entry is the header: the one whose msgid is empty."""
    # A msgid written over several lines starts with msgid "" too: the header's is followed by
    # msgstr at once.
    return re.search(r'^msgid ""\nmsgstr ', text, re.M) is not None


def render(catalog: Catalog, header: bool = True) -> str:
    """The catalog as PO text, as Babel writes it (no wrapping)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, omit_header=not header, include_lineno=False)
    return buffer.getvalue().decode("utf-8")


def render_entry(message: Message, obsolete: bool = False) -> str:
    """One entry as Babel writes it, with a well-formed `#|` previous msgid."""
    single = Catalog()
    if obsolete:
        single.obsolete[message.id] = message
    else:
        single[message.id] = message
    text = render(single, header=False).strip("\n") + "\n"
    if message.previous_id and not obsolete:
        # Babel wraps `#|` like prose, leaving unquoted continuation lines that no PO reader
        # parses: write it on one line, escaped like the msgid.
        lines = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith(("msgctxt ", "msgid ")))
        lines.insert(at, f"#| msgid {escape(message.previous_id[0])}\n")
        text = "".join(lines)
    return text
