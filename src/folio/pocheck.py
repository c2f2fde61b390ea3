"""What `msgfmt -c` refuses in a PO file and Babel lets through: checked before Babel reads it.

Babel accepts an unterminated string (and publishes it cut short), unknown escapes and any
charset; folio also refuses control characters and entries too long for any translator's tool.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from folio.errors import FolioError

# As long as a source paragraph may be (document.MAX_PARAGRAPH): a longer msgstr is a mistake.
MAX_ENTRY = 100_000
HINT = "fix this entry; `msgfmt --check` lists PO errors"
KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+(.*)$")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$', re.S)
# The escapes Babel reads back; others (\a, octal …) would be published as written.
ESCAPE = re.compile(r"\\(.)", re.S)
KNOWN_ESCAPES = set('\\"ntr')
# C0 controls but tab, and DEL: nothing a text shows, and NUL ends strings in C tools.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CHARSET = re.compile(r"charset=([^\s\\\"]+)", re.I)


def check(text: str, path: Path) -> None:
    """Refuse the first syntax, escape, control-character, size or charset error in a PO text."""
    size, start = 0, 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        literal = string_part(line, path, number)
        if literal is None:
            continue
        if KEYWORD.match(line.removeprefix("#~ ").removeprefix("#| ")):
            size, start = 0, number
        size += len(literal)
        if size > MAX_ENTRY:
            raise FolioError(
                f"an entry longer than {MAX_ENTRY:,} characters",
                path,
                start,
                hint="split the source paragraph",
            )
        check_string(literal, path, number)
    check_charset(text, path)


def string_part(line: str, path: Path, number: int) -> str | None:
    """The quoted string a line holds (without quotes), None for a comment or a blank line."""
    body = line.lstrip()
    if body.startswith(("#~", "#|")):
        body = body[2:].lstrip()
    elif body.startswith("#") or not body:
        return None
    keyword = KEYWORD.match(body)
    if keyword:
        body = keyword[2]
    elif not body.startswith('"'):
        return None  # Babel names the unknown keyword
    match = STRING.match(body)
    if match is None:
        problem = "unterminated string" if body.startswith('"') else "a string must be quoted"
        raise FolioError(f"PO syntax error: {problem}", path, number, hint=HINT)
    return match[1]


def check_string(literal: str, path: Path, number: int) -> None:
    control = CONTROL.search(literal)
    if control:
        raise FolioError(
            f"control character U+{ord(control[0]):04X} in a string",
            path,
            number,
            hint="remove it; only tabs and \\n are text",
        )
    for escape in ESCAPE.finditer(literal):
        if escape[1] not in KNOWN_ESCAPES:
            problem = f"PO syntax error: unknown escape {escape[0]}"
            raise FolioError(problem, path, number, hint=HINT)


def check_charset(text: str, path: Path) -> None:
    """The header's charset must be UTF-8, which folio reads (the POT's placeholder aside)."""
    header = text.split("\n\n", 1)[0]
    match = CHARSET.search(header)
    if match is None or match[1].upper() == "CHARSET":
        return
    number = header[: match.start()].count("\n") + 1
    try:
        name = codecs.lookup(match[1]).name
    except LookupError:
        raise FolioError(
            f"unknown charset {match[1]!r}", path, number, hint="write charset=UTF-8"
        ) from None
    if name != "utf-8":
        raise FolioError(
            f"charset {match[1]!r}: folio reads catalogs as UTF-8",
            path,
            number,
            hint="save the catalog as UTF-8 and write charset=UTF-8",
        )
