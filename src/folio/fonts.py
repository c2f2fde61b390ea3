"""Font discovery through fontconfig, and HarfBuzz subsets of exactly the characters used."""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path

import uharfbuzz as hb

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
    result = subprocess.run(
        ["fc-match", "--format=%{family[0]}|%{file}|%{index}|%{weight}|%{style[0]}", pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    found, path, index, weight, style = (result.stdout.split("|") + [""] * 5)[:5]
    if result.returncode != 0 or found != family:
        package = PACKAGES.get(family, "fonts-noto-cjk" if "CJK" in family else "a package with it")
        raise FolioError(
            f"font {family!r} is not installed", hint=f"install {package} (run `make`)"
        )
    # fontconfig answers with the nearest face: say what it is, not what was asked for.
    return Face(family, Path(path), int(index or 0), int(weight or 80) >= 200, "Italic" in style)


def subset(face: Face, text: str) -> bytes:
    """The face cut down to the characters of `text` (HarfBuzz, OpenType layout kept)."""
    blob = hb.Blob.from_file_path(str(face.path))
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update({ord(char) for char in text})
    return bytes(hb.subset(hb.Face(blob, face.index), subset_input).blob.data)
