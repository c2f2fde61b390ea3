"""Chinese script helpers shared by the checks and the renderers: Unicode ranges and predicates.

The ranges are written for regular-expression character classes (`f"[{HAN}]"`).
"""

from __future__ import annotations

import functools
import unicodedata

# CJK Unified Ideographs Extension A, the Unified Ideographs and the Compatibility Ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width marks whose glyph sits in the left half of the em (Simplified Chinese forms).
CLOSING_MARKS = "、。，；：？！」』）》〉】\u201d\u2019"
# Full-width marks whose glyph sits in the right half of the em.
OPENING_MARKS = "「『（《〈【\u201c\u2018"
# East Asian Width "ambiguous" marks that Chinese fonts set full width: CJK in Chinese text.
AMBIGUOUS_CJK = "\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
# Traditional Chinese language tags that do not say "Hant" (zh-Hant-* says it).
_TRADITIONAL = ("zh-tw", "zh-hk")


def is_chinese(lang: str | None) -> bool:
    """Whether a BCP 47 tag names Chinese (zh, zh-Hans, zh-Hant-TW…), whatever its case."""
    return bool(lang) and lang.split("-")[0].lower() == "zh"


def is_traditional(lang: str) -> bool:
    """Whether a Chinese tag names Traditional Chinese (zh-Hant…, zh-TW, zh-HK), in any case."""
    tag = lang.lower()
    return tag.startswith("zh-hant") or tag in _TRADITIONAL


@functools.cache
def is_cjk(char: str, chinese: bool) -> bool:
    """Han, kana, CJK and full-width punctuation; quotes, dashes and ellipses in Chinese text."""
    return unicodedata.east_asian_width(char) in "WF" or (chinese and char in AMBIGUOUS_CJK)
