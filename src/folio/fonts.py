"""Font discovery through fontconfig, and HarfBuzz subsets of exactly the characters used."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import brotli
import uharfbuzz as hb

from folio.brand import Brand
from folio.errors import FolioError

# Which Debian package brings each family folio uses by default.
PACKAGES = {
    "Noto Serif": "fonts-noto-core",
    "Noto Sans": "fonts-noto-core",
    "Noto Naskh Arabic": "fonts-noto-core",
    "Noto Sans Arabic": "fonts-noto-core",
}


@dataclass(frozen=True)
class Face:
    family: str
    path: Path
    index: int
    bold: bool
    italic: bool

    @property
    def file_name(self) -> str:
        style = ("Bold" if self.bold else "") + ("Italic" if self.italic else "")
        return f"{self.family.replace(' ', '')}-{style or 'Regular'}.{self.extension}"

    @property
    def extension(self) -> str:
        return "otf" if self.path.suffix.lower() in (".otf", ".ttc", ".otc") else "ttf"


@functools.cache
def find_face(family: str, bold: bool = False, italic: bool = False) -> Face:
    """The installed face of a family (fontconfig); a clear error names the missing package."""
    pattern = (
        f"{family}:weight={'bold' if bold else 'regular'}:slant={'italic' if italic else 'roman'}"
    )
    answer = known_answers().get(pattern) or []
    if len(answer) != 5 or not Path(answer[1]).is_file():
        answer = ask_fontconfig(pattern)
        if answer[:1] == [family]:
            remember_answer(pattern, answer)
    found, path, index, weight, style = (answer + [""] * 5)[:5]
    if found != family:
        package = PACKAGES.get(family, "fonts-noto-cjk" if "CJK" in family else "a package with it")
        raise FolioError(
            f"font {family!r} is not installed", hint=f"install {package} (run `make`)"
        )
    # fontconfig answers with the nearest face: say what it is, not what was asked for.
    return Face(family, Path(path), int(index or 0), int(weight or 80) >= 200, "Italic" in style)


def ask_fontconfig(pattern: str) -> list[str]:
    """fc-match's answer: family, file, index in the file, weight, style."""
    result = subprocess.run(
        ["fc-match", "--format=%{family[0]}|%{file}|%{index}|%{weight}|%{style[0]}", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.split("|") if result.returncode == 0 else []


# fontconfig's answers are kept per user while its fonts and configuration are unchanged: each
# fc-match costs 20 ms, a build asks nine times (a tenth of a one-entry rebuild).
ANSWERS_FILE = Path("folio", "fontconfig.json")
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
CONFIG_FOLDERS = ("/etc/fonts",)


@functools.cache
def fontconfig_stamp() -> str:
    """What fontconfig's answers depend on: its folders' and configuration files' times (a font
    added to a folder changes the folder's), and the environment that points it elsewhere."""
    stamps = [os.environ.get(name, "") for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH")]
    stamps.append(os.environ.get("XDG_DATA_HOME", ""))
    for top in FONT_FOLDERS + CONFIG_FOLDERS:
        for folder, _, names in os.walk(os.path.expanduser(top)):
            places = [folder] + [os.path.join(folder, n) for n in names if top in CONFIG_FOLDERS]
            stamps += [f"{place}:{os.stat(place).st_mtime_ns}" for place in places]
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


@functools.cache
def known_answers() -> dict[str, list[str]]:
    """The answers kept, if fontconfig's fonts and configuration are as they were then."""
    from folio.cache import user_cache

    try:
        kept = json.loads((user_cache() / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(kept, dict) or kept.get("stamp") != fontconfig_stamp():
        return {}
    answers = kept.get("answers")
    return answers if isinstance(answers, dict) else {}


def remember_answer(pattern: str, answer: list[str]) -> None:
    from folio.cache import user_cache
    from folio.files import write_atomic

    known_answers()[pattern] = answer
    kept = {"stamp": fontconfig_stamp(), "answers": known_answers()}
    with contextlib.suppress(OSError):  # an unwritable home only costs the next build time
        path = user_cache() / ANSWERS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(kept).encode("utf-8"))


def subset(face: Face, text: str) -> bytes:
    """The face cut down to the characters of `text` (HarfBuzz, OpenType layout kept)."""
    blob = hb.Blob.from_file_path(str(face.path))
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update({ord(char) for char in text})
    return bytes(hb.subset(hb.Face(blob, face.index), subset_input).blob.data)


@dataclass(frozen=True)
class Subset:
    face: Face
    data: bytes


# The styles text may be set in: regular, bold (headings, strong) and italic (emphasis).
STYLES = ((False, False), (True, False), (False, True))


def faces_for(brand: Brand, used: dict[str, set[str]]) -> list[tuple[Face, str]]:
    """The faces a text needs, each with its characters: the Latin faces for all the text and
    each language's own face for its text, in every style the family has."""
    everything = set().union(*used.values())
    jobs = [(brand.font("latin"), everything)]
    by_family: dict[str, set[str]] = {}
    for lang, chars in used.items():
        key = face_language(brand, lang)
        if key:
            by_family.setdefault(brand.font(key), set()).update(chars)
    jobs += list(by_family.items())
    found = []
    for family, chars in jobs:
        for bold, italic in STYLES:
            face = find_face(family, bold, italic)
            # fontconfig answers with the nearest face: a family without italic has none.
            if (face.bold, face.italic) == (bold, italic):
                found.append((face, "".join(sorted(chars))))
    return found


def face_language(brand: Brand, lang: str) -> str | None:
    """The brand's language whose face sets text in `lang`, matched as CSS :lang() matches
    (zh-Hans-CN is set as zh-Hans), so that each subset holds what its face draws."""
    tag = lang.lower()
    keys = [
        k for k in brand.language_fonts() if tag == k.lower() or tag.startswith(f"{k.lower()}-")
    ]
    return max(keys, key=len, default=None)


def subsets(brand: Brand, used: dict[str, set[str]]) -> list[Subset]:
    """Subsets of every face the text needs (see faces_for)."""
    return [Subset(face, subset(face, chars)) for face, chars in faces_for(brand, used)]


def woff2(data: bytes) -> bytes:
    """A font as WOFF2, its timestamps kept so that the bytes are reproducible."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib import woff2 as writer

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = "woff2"
    output = io.BytesIO()
    # fontTools compresses at Brotli's quality 11, which takes 0.9 s on a CJK subset of 1,500
    # characters; quality 9 takes 0.03 s for a file 7 % larger. fontTools has no setting for it.
    library, writer.brotli = writer.brotli, _Brotli  # type: ignore[assignment]
    try:
        font.save(output, reorderTables=False)
    finally:
        writer.brotli = library
    return output.getvalue()


class _Brotli:
    """Brotli at quality 9, in the shape fontTools' WOFF2 writer calls."""

    MODE_FONT = brotli.MODE_FONT
    decompress = staticmethod(brotli.decompress)

    @staticmethod
    def compress(data: bytes, mode: int = brotli.MODE_GENERIC) -> bytes:
        return brotli.compress(data, mode=mode, quality=9)
