"""XLIFF 1.2 exchange with CAT tools (memoQ, Trados, OmegaT): export a catalog, import it back.

XLIFF 1.2, not 2.x: all three read and write 1.2 natively, while 2.x support is partial
(OmegaT reads 2.x only through an Okapi filter). A unit carries the entry's text, its state
(fuzzy: `needs-review-translation`, not approved), its notes (`#.` from="developer", `#` from
"translator"), its previous msgid (`<alt-trans origin="previous">`) and, in a context of type
`x-folio-base`, a digest of the entry as exported, so that an import can tell an edit in the
CAT tool from a change made to the catalog since the export (a conflict: the catalog keeps its
translation and the import says so).
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message

from folio import __version__, catalog, pofile
from folio.errors import FolioError, display_path
from folio.files import write_atomic

if TYPE_CHECKING:
    from folio.config import Project

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
BASE = "x-folio-base"
FUZZY = "needs-review-translation"
# Target states that mean "not final" (XLIFF 1.2's state values).
UNFINISHED = {
    "new",
    "needs-translation",
    "needs-adaptation",
    "needs-l10n",
    "needs-review-translation",
    "needs-review-adaptation",
    "needs-review-l10n",
}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def unit_id(message: Message) -> str:
    """A stable id from the entry's context and msgid (CAT tools key their work by it)."""
    key = f"{message.context or ''}\x04{message.id}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def notes_of(message: Message) -> list[str]:
    """The translator's own comments (`# …`), one note each."""
    return [c for c in message.user_comments if c.strip()]


def base_digest(string: str, fuzzy: bool, notes: list[str]) -> str:
    text = "\x00".join([string, "fuzzy" if fuzzy else "", *notes])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# -- export ----------------------------------------------------------------------------------


def export(po_path: Path, lang: str, source_lang: str, original: str) -> bytes:
    """The catalog's live entries as an XLIFF 1.2 document (obsolete ones stay in the PO)."""
    loaded = pofile.read(po_path, lang).catalog
    ET.register_namespace("", NS)
    root = ET.Element(q("xliff"), {"version": "1.2"})
    file = ET.SubElement(
        root,
        q("file"),
        {
            "original": original,
            "source-language": source_lang,
            "target-language": lang,
            "datatype": "po",
            "tool-id": "folio",
        },
    )
    header = ET.SubElement(file, q("header"))
    ET.SubElement(
        header, q("tool"), {"tool-id": "folio", "tool-name": "folio", "tool-version": __version__}
    )
    body = ET.SubElement(file, q("body"))
    for message in loaded:
        if message.id:
            body.append(trans_unit(message))
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def trans_unit(message: Message) -> ET.Element:
    string = message.string or ""
    fuzzy = bool(string) and message.fuzzy
    attrs = {"id": unit_id(message), XML_SPACE: "preserve"}
    if message.context:
        attrs["resname"] = message.context
    attrs["approved"] = "yes" if string and not fuzzy else "no"
    unit = ET.Element(q("trans-unit"), attrs)
    ET.SubElement(unit, q("source")).text = message.id
    if string:
        target = ET.SubElement(unit, q("target"), {"state": FUZZY if fuzzy else "translated"})
        target.text = string
    if message.previous_id:
        alt = ET.SubElement(unit, q("alt-trans"), {"origin": "previous"})
        ET.SubElement(alt, q("source")).text = message.previous_id[0]
        ET.SubElement(alt, q("target")).text = string
    locations = [path for path, _ in message.locations]
    if locations:
        group = ET.SubElement(unit, q("context-group"), {"purpose": "location"})
        for path in locations:
            ET.SubElement(group, q("context"), {"context-type": "sourcefile"}).text = path
    # Unnamed: a context-group's name must be unique in the whole file.
    group = ET.SubElement(unit, q("context-group"), {"purpose": "information"})
    base = base_digest(string, fuzzy, notes_of(message))
    ET.SubElement(group, q("context"), {"context-type": BASE}).text = base
    if message.auto_comments:
        # One note: Babel wraps a long `#.` comment over several lines.
        note = ET.SubElement(unit, q("note"), {"from": "developer"})
        note.text = "\n".join(message.auto_comments)
    for comment in notes_of(message):
        ET.SubElement(unit, q("note"), {"from": "translator"}).text = comment
    return unit


# -- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """What a CAT tool hands back for one entry."""

    id: str
    source: str
    target: str | None  # None: no <target>
    fuzzy: bool
    notes: list[str]
    base: str | None  # the digest written at export, if the tool kept it


@dataclass(frozen=True)
class Document:
    original: str
    target_language: str
    units: list[Unit]


@dataclass
class Imported:
    """What an import did to one catalog."""

    path: Path
    changed: list[str] = field(default_factory=list)  # "file:line: what" per entry
    conflicts: list[str] = field(default_factory=list)
    written: bool = False


def read(path: Path) -> Document:
    """An XLIFF 1.2 (or 1.1) file with one <file>; a malformed one is an error with its line."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise FolioError(
            f"not well-formed XML: {error.msg if hasattr(error, 'msg') else error}",
            path,
            error.position[0],
            hint="export it again from the CAT tool",
        ) from None
    except OSError as error:
        raise FolioError(f"cannot read the file: {error.strerror}", path) from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag.split("}")[-1] != "xliff" or not namespace.endswith(("1.2", "1.1")):
        raise FolioError(
            "not an XLIFF 1.2 document", path, hint="export as XLIFF 1.2 from the CAT tool"
        )
    files = root.findall(f"{{{namespace}}}file")
    if len(files) != 1:
        raise FolioError(
            f"{len(files)} <file> elements; folio exports one per catalog",
            path,
            hint="import the file folio exported",
        )
    file = files[0]
    units = [read_unit(element, namespace) for element in file.iter(f"{{{namespace}}}trans-unit")]
    return Document(file.get("original", ""), file.get("target-language", ""), units)


def read_unit(element: ET.Element, namespace: str) -> Unit:
    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}"

    source = element.find(tag("source"))
    target = element.find(tag("target"))
    text = "".join(target.itertext()) if target is not None else None
    state = target.get("state") if target is not None else None
    # Without a state, the approved attribute tells (not approved: fuzzy).
    fuzzy = state in UNFINISHED if state is not None else element.get("approved") == "no"
    # Any note but the developer's is the translator's: one `#` comment a line.
    notes = [
        line
        for note in element.findall(tag("note"))
        if note.get("from") != "developer"
        for line in "".join(note.itertext()).splitlines()
    ]
    base = next(
        (
            (context.text or "").strip()
            for context in element.iter(tag("context"))
            if context.get("context-type") == BASE
        ),
        None,
    )
    return Unit(
        element.get("id", ""),
        "".join(source.itertext()) if source is not None else "",
        text,
        fuzzy,
        [line for line in notes if line.strip()],
        base,
    )


def import_into(po_path: Path, lang: str, document: Document, xliff_path: Path) -> Imported:
    """Apply a CAT tool's work to a catalog: every entry as it was but the ones changed."""
    po = pofile.read(po_path, lang)
    loaded = po.catalog
    before = catalog.originals(po)
    done = Imported(po_path)
    by_id = {unit_id(m): m for m in loaded if m.id}
    for unit in document.units:
        message = by_id.get(unit.id)
        if message is None or message.id != unit.source:
            keep_lost(loaded, unit, po_path, xliff_path, done)
            continue
        apply(message, unit, po_path, done)
    text = catalog.merged_text(po.header, loaded, before)
    if text != po_path.read_text(encoding="utf-8"):
        write_atomic(po_path, text.encode("utf-8"))
        done.written = True
    return done


def state_of(message: Message) -> tuple[str, bool, list[str]]:
    string = message.string or ""
    return string, bool(string) and message.fuzzy, notes_of(message)


def apply(message: Message, unit: Unit, po_path: Path, done: Imported) -> None:
    """One entry: take the tool's target, state and notes, unless the catalog changed too."""
    where = f"{display_path(po_path)}:{message.lineno}"
    current = state_of(message)
    target = unit.target if unit.target is not None else ""
    theirs = (target, bool(target) and unit.fuzzy, unit.notes)
    if theirs == current:
        return
    catalog_changed = unit.base is not None and unit.base != base_digest(*current)
    tool_changed = unit.base is None or unit.base != base_digest(*theirs)
    if not tool_changed:
        return  # only the catalog moved on since the export: keep it
    if catalog_changed:
        done.conflicts.append(
            f"{where}: conflict: the catalog's entry changed since the export and the XLIFF's"
            f" too; kept the catalog's {current[0]!r}, the XLIFF has {target!r}"
        )
        return
    if not target and current[0]:
        done.conflicts.append(
            f"{where}: conflict: the XLIFF has no translation where the catalog has one;"
            f" kept {current[0]!r}"
        )
        target = current[0]
    message.string = target
    if theirs[1] or not target:
        if target:
            message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
        message.previous_id = []  # reviewed: the previous msgid has served
    message.user_comments = [*unit.notes]
    done.changed.append(f"{where}: {describe(current, theirs)}")


def describe(old: tuple[str, bool, list[str]], new: tuple[str, bool, list[str]]) -> str:
    said = []
    if old[0] != new[0]:
        said.append("translation")
    if old[1] != new[1]:
        said.append("fuzzy" if new[1] else "no longer fuzzy")
    if old[2] != new[2]:
        said.append("notes")
    return ", ".join(said) + " updated"


def keep_lost(loaded: Catalog, unit: Unit, po_path: Path, xliff_path: Path, done: Imported) -> None:
    """A unit whose source is no longer in the catalog: its translation is kept as an obsolete
    entry, which the next `folio update` offers as a fuzzy match."""
    where = f"{display_path(xliff_path)}: unit {unit.id}"
    if not unit.target:
        return
    old = loaded.obsolete.get(unit.source)
    if old is not None and old.string == unit.target:
        return
    if old is not None and old.string:
        done.conflicts.append(
            f"{where}: conflict: its source is no longer in {display_path(po_path)}, whose"
            f" obsolete entry has another translation; kept {old.string!r}"
        )
        return
    loaded.obsolete[unit.source] = Message(unit.source, unit.target, flags={"fuzzy"})
    done.conflicts.append(
        f"{where}: conflict: its source is no longer in the catalog (changed since the export);"
        " its translation is kept as an obsolete entry for `folio update` to match"
    )


# -- the project -----------------------------------------------------------------------------

EXPORTS = "build/xliff"


def export_project(project: Project, out: Path | None, languages: list[str] | None) -> list[Path]:
    """One XLIFF per document and language translated by hand (converted ones are OpenCC's)."""
    out = out or project.root / EXPORTS
    chosen = languages or [
        lang for lang in project.settings.languages if lang not in project.settings.converted_from
    ]
    for lang in chosen:
        if lang not in project.settings.languages:
            raise FolioError(
                f"{lang} is not a language of this project",
                hint=f"languages: {', '.join(project.settings.languages)}",
            )
    written = []
    for doc in project.documents():
        for lang in chosen:
            po = project.po_path(doc, lang)
            if not po.exists():
                raise FolioError("no catalog", po, hint="run `folio update` to create it")
            original = po.relative_to(project.root).as_posix()
            data = export(po, lang, project.settings.source_language, original)
            path = out / f"{doc}.{lang}.xlf"
            write_atomic(path, data)
            written.append(path)
    return written


def import_file(project: Project, path: Path) -> Imported:
    """Apply one XLIFF file to the catalog it was exported from."""
    document = read(path)
    po = (project.root / document.original).resolve()
    translations = project.translations_dir.resolve()
    if po.suffix != ".po" or translations not in po.parents or not po.exists():
        raise FolioError(
            f"its <file original={document.original!r}> is no catalog of this project",
            path,
            hint="import XLIFF files that `folio export --xliff` wrote",
        )
    lang = po.parent.name
    if document.target_language and document.target_language != lang:
        raise FolioError(
            f"target-language {document.target_language!r} is not the catalog's {lang!r}",
            path,
        )
    return import_into(po, lang, document, path)
