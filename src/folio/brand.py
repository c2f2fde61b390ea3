"""The institute's identity from templates/brand.yaml: names, logo, colours, fonts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from folio import yamlsafe
from folio.errors import FolioError

REQUIRED = ("logo", "university", "institute", "publisher", "rights", "colours", "fonts")
# Texts the back cover prints when the brand gives them, per language; the first-line indent
# of body paragraphs in em, per language (the print edition's).
OPTIONAL = ("blurb", "address", "paragraph-indent")


@dataclass(frozen=True)
class Brand:
    logo: Path
    university: dict[str, str]
    institute: dict[str, str]
    publisher: dict[str, str]
    rights: dict[str, str]
    colours: dict[str, str]
    fonts: dict[str, str]
    blurb: dict[str, str] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    paragraph_indent: dict[str, float] = field(default_factory=dict)

    def text(self, field: str, lang: str) -> str:
        """A localised brand text, falling back to English."""
        values: dict[str, str] = getattr(self, field)
        return values.get(lang) or values.get("en", "")

    def language_fonts(self) -> dict[str, str]:
        """The serif face of each language that has its own (not Latin), by language tag."""
        return {
            lang: family
            for lang, family in self.fonts.items()
            if lang != "latin" and not lang.endswith(("-sans", "-mono"))
        }

    def font(self, lang: str, sans: bool = False) -> str:
        """The font family for a language's script (Latin for any language not listed)."""
        key = lang if lang in self.fonts else "latin"
        return self.fonts[f"{key}-sans"] if sans else self.fonts[key]

    def code_fonts(self) -> list[str]:
        """The monospaced faces for code, Latin first, then each script's (`…-mono` keys)."""
        return [family for key, family in self.fonts.items() if key.endswith("-mono")]


def load_brand(path: Path) -> Brand:
    """Read and check the brand file; the logo must exist."""
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FolioError("no brand file", path, hint="create it, see README") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) if isinstance(error, yamlsafe.LimitError) else ""
        raise FolioError(
            f"brand file is not valid YAML{': ' + problem if problem else ''}",
            path,
            mark.line + 1 if mark else None,
        ) from None
    missing = [key for key in REQUIRED if key not in (data or {})]
    if missing:
        raise FolioError(
            f"brand file has no {missing[0]!r}", path, hint=f"needs: {', '.join(REQUIRED)}"
        )
    logo = (path.parent / data["logo"]).resolve()
    if not logo.is_file():
        raise FolioError(f"logo {data['logo']!r} not found", path, hint="fix the `logo` path")
    given = [key for key in REQUIRED if key != "logo"] + [key for key in OPTIONAL if data.get(key)]
    return Brand(logo, **{key.replace("-", "_"): dict(data[key]) for key in given})
