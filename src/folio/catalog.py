"""Translation catalogs: extract the template, update each PO, load translations, count them."""

from __future__ import annotations

import datetime as dt
import heapq
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from folio import pofile
from folio.errors import FolioError, display_path
from folio.files import write_atomic
from folio.segments import Unit


@dataclass(frozen=True)
class Stats:
    """How much of a catalog is publishable."""

    total: int
    translated: int
    fuzzy: int
    obsolete: int = 0
    words: int = 0  # words of the source, over all units
    words_translated: int = 0

    @property
    def untranslated(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def words_percent(self) -> float:
        return 100.0 * self.words_translated / self.words if self.words else 100.0


def floor_percent(value: float, decimals: int = 1) -> float:
    """A percentage rounded down: 1,138 units of 1,139 are 99.9 %, never 100 %."""
    scale = 10**decimals
    return math.floor(value * scale + 1e-9) / scale


def build_date() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def template(
    doc: str, units: list[Unit], reference: str, notes: Callable[[str], list[str]] | None = None
) -> Catalog:
    """The POT of a document: one entry per distinct unit, its kinds as `#.` comments, then
    what `notes` gives for its msgid (the glossary's terms)."""
    catalog = Catalog(project=doc, version=None, fuzzy=True, creation_date=build_date())
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = ""
    catalog.header_comment = (
        f"# Translation template for source/{doc}.md, written by `folio extract`.\n"
        f"# Translators: edit translations/<language>/{doc}.po, not this file."
    )
    for unit in units:
        message = catalog.get(unit.key)
        if message is None:
            message = catalog.add(unit.key, locations=[(reference, None)])
        for comment in (unit.kind, *unit.notes):
            if comment not in message.auto_comments:
                message.auto_comments.append(comment)
    if notes:
        for message in catalog:
            if message.id:
                message.auto_comments += notes(message.id)
    return catalog


def same_entries(a: Catalog, b: Catalog) -> bool:
    """Whether two templates hold the same entries (dates aside)."""

    def entries(catalog: Catalog) -> list:
        # Babel wraps long `#.` comments into several: compare their words.
        return [
            (m.id, m.context, " ".join(m.auto_comments).split(), m.locations)
            for m in catalog
            if m.id
        ]

    return entries(a) == entries(b)


def extract(
    units: list[Unit],
    doc: str,
    reference: str,
    pot_path: Path,
    notes: Callable[[str], list[str]] | None = None,
) -> bool:
    """Write the POT unless an identical one is there; returns whether it was written."""
    new = template(doc, units, reference, notes)
    if pot_path.exists() and same_entries(pofile.read(pot_path).catalog, new):
        return False
    write_atomic(pot_path, pofile.render(new).encode("utf-8"))
    return True


def new_catalog(pot: Catalog, lang: str) -> Catalog:
    """An empty catalog for a language, from the template."""
    catalog = Catalog(
        locale=pofile.babel_locale(lang),
        project=pot.project,
        version=None,
        fuzzy=False,
        creation_date=pot.creation_date,
        revision_date=pot.creation_date,
    )
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = ""
    catalog.language_team = ""
    catalog.last_translator = ""
    name = f"{catalog.locale.english_name} ({catalog.locale.display_name})"
    catalog.header_comment = f"# {name} translation of source/{pot.project}.md."
    return catalog


def update(pot_path: Path, po_path: Path, lang: str, only_existing: bool = False) -> bool:
    """Merge the template into a PO file; returns whether the file changed.

    Changed units become fuzzy with their previous msgid, removed ones obsolete; every entry
    that the merge leaves as it was is written back byte for byte. With `only_existing` (the
    overrides of a converted language) no empty entry is added for a new unit.
    """
    pot = pofile.read(pot_path).catalog
    if po_path.exists():
        old = pofile.read(po_path, lang)
    else:
        old = pofile.PoFile(new_catalog(pot, lang), "", [])
    catalog = old.catalog
    before = originals(old)
    previous = {m.id: m.previous_id for m in catalog if m.id and m.previous_id}
    revive_obsolete(catalog, pot)
    # Babel's own fuzzy matching compares every new entry with every old one, character by
    # character (minutes for a few thousand units): folio matches after the merge instead.
    catalog.update(
        pot, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False
    )
    match_fuzzy(catalog)
    if only_existing:
        for message in [m for m in catalog if m.id and not m.string]:
            if (message.id, False) not in before:
                del catalog[message.id]
    for message in catalog:
        # Babel drops `#|` from an entry that stays fuzzy while its msgid does not change.
        if message.id in previous and "fuzzy" in message.flags and not message.previous_id:
            message.previous_id = previous[message.id]
    text = merged_text(old.header, catalog, before)
    if po_path.exists():
        existing = po_path.read_text(encoding="utf-8")
        # The file's own ending too (Babel ends with a blank line): an unchanged catalog is
        # not rewritten.
        text = text.rstrip("\n") + (existing[len(existing.rstrip("\n")) :] or "\n")
        if existing == text:
            return False
    write_atomic(po_path, text.encode("utf-8"))
    return True


# Babel's criterion: difflib's similarity of the two msgids, at least 0.6.
CUTOFF = 0.6
SHORTLIST = 5


def match_fuzzy(catalog: Catalog) -> None:
    """Give each new, untranslated entry the translation of the most similar obsolete one,
    marked fuzzy with its previous msgid. Only the few obsolete entries sharing the most
    words are compared in full, so this stays fast for thousands of units."""
    candidates = {m.id: m for m in catalog.obsolete.values() if m.string}
    words = {msgid: set(msgid.split()) for msgid in candidates}
    for message in catalog:
        if not message.id or message.string or not candidates:
            continue
        mine = set(message.id.split())
        shortlist = heapq.nlargest(
            SHORTLIST,
            candidates,
            key=lambda old: len(mine & words[old]) / len(mine | words[old] or {0}),
        )
        scored = [(SequenceMatcher(None, message.id, old).ratio(), old) for old in shortlist]
        ratio, best = max(scored, default=(0.0, ""))
        if ratio >= CUTOFF:
            old = candidates.pop(best)
            del catalog.obsolete[best]
            message.string = old.string
            message.flags |= {"fuzzy"}
            message.previous_id = [best]


def revive_obsolete(catalog: Catalog, pot: Catalog) -> None:
    """An obsolete entry whose source comes back is live again, with its translation."""
    for message in pot:
        old = catalog.obsolete.pop(message.id, None) if message.id else None
        if old is not None and message.id not in catalog:
            catalog[message.id] = old


@dataclass(frozen=True)
class Original:
    """An entry as the file had it: what it says, and its exact text."""

    state: tuple
    text: str | None


def originals(po: pofile.PoFile) -> dict[tuple[str, bool], Original]:
    """Each entry's state and text by (msgid, obsolete), taken before the merge: merged
    messages carry the template's line numbers, no longer the file's."""
    found = {(m.id, False): Original(entry_state(m), po.raw(m)) for m in po.catalog if m.id}
    for message in po.catalog.obsolete.values():
        found[(message.id, True)] = Original(entry_state(message), po.raw(message))
    return found


def entry_state(message: Message) -> tuple:
    return (
        message.id,
        message.string,
        message.context,
        sorted(message.flags),
        list(message.auto_comments),
        list(message.user_comments),
        list(message.locations),
        list(message.previous_id),
    )


def merged_text(header: str, catalog: Catalog, before: dict[tuple[str, bool], Original]) -> str:
    """The PO text: the old header, then each entry as it was or, if changed, as Babel writes it."""
    parts = [header or pofile.render(catalog_header_only(catalog)).rstrip("\n") + "\n"]
    for obsolete, messages in (
        (False, [m for m in catalog if m.id]),
        (True, list(catalog.obsolete.values())),
    ):
        for message in messages:
            original = before.get((message.id, obsolete))
            unchanged = original is not None and original.state == entry_state(message)
            text = original.text if unchanged else None
            parts.append(text or pofile.render_entry(message, obsolete))
    return "\n".join(parts)


def catalog_header_only(catalog: Catalog) -> Catalog:
    header = Catalog(
        locale=catalog.locale,
        project=catalog.project,
        version=None,
        fuzzy=False,
        creation_date=catalog.creation_date,
        revision_date=catalog.revision_date,
    )
    for name in (
        "msgid_bugs_address",
        "copyright_holder",
        "language_team",
        "last_translator",
        "header_comment",
    ):
        setattr(header, name, getattr(catalog, name))
    return header


def load(po_path: Path, lang: str) -> Catalog:
    """Read a language's catalog (FolioError on syntax or encoding errors)."""
    if not po_path.exists():
        raise FolioError("no catalog", po_path, hint="run `folio update` to create it")
    return pofile.read(po_path, lang).catalog


@dataclass(frozen=True)
class Translations:
    """A catalog's publishable translations, with where each one stands in the PO file."""

    path: Path
    strings: dict[str, str]
    lines: dict[str, int]
    translator: str = ""  # the name in the Last-Translator header, when one is given


# What Babel and msginit write when nobody filled the header in.
PLACEHOLDER_TRANSLATORS = ("", "FULL NAME")


def translator_name(catalog: Catalog) -> str:
    """The translator's name from the Last-Translator header (its e-mail address left out)."""
    name = (catalog.last_translator or "").split("<")[0].strip()
    return "" if name in PLACEHOLDER_TRANSLATORS else name


def translations(catalog: Catalog, path: Path) -> Translations:
    """The publishable translations (neither empty nor fuzzy), each checked for broken Markdown."""
    strings, lines = {}, {}
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            check_markdown(message, path)
            strings[message.id] = message.string
            lines[message.id] = message.lineno
    return Translations(path, strings, lines, translator_name(catalog))


def check_markdown(message: Message, path: Path) -> None:
    """A code fence the translation opens and never closes would swallow the rest of the book."""
    fences = [
        line.strip()[:3]
        for line in message.string.splitlines()
        if line.strip()[:3] in ("```", "~~~")
    ]
    if len(fences) % 2:
        raise FolioError(
            f"the translation opens a code fence ({fences[-1]}) that it never closes",
            path,
            message.lineno,
            hint="close the fence or remove it",
        )


def stats(catalog: Catalog, keys: list[str]) -> Stats:
    """Counts over the template's keys, so that stale entries do not count."""
    wanted = set(keys)
    messages = [m for m in catalog if m.id in wanted]
    done = [m for m in messages if m.string and not m.fuzzy]
    return Stats(
        total=len(wanted),
        translated=len(done),
        fuzzy=sum(1 for m in messages if m.fuzzy and m.string),
        obsolete=len(catalog.obsolete),
        words=sum(word_count(key) for key in wanted),
        words_translated=sum(word_count(m.id) for m in done),
    )


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def missing(catalog: Catalog, keys: list[str], path: Path) -> list[str]:
    """One line per unit that would not be published: where it is, what it is, and why."""
    found = {m.id: m for m in catalog if m.id}
    lines = []
    for key in dict.fromkeys(keys):
        message = found.get(key)
        if message is None:
            lines.append(f"{display_path(path)}: not in the catalog: {shorten(key)}")
        elif not message.string or message.fuzzy:
            state = "fuzzy" if message.string else "untranslated"
            lines.append(f"{display_path(path)}:{message.lineno}: {state}: {shorten(key)}")
    return lines


def shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
