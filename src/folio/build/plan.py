"""Stage 1: what the command asks for, each output with its key, and which are out of date."""

from __future__ import annotations

from folio.collection import collection_key, load_collections
from folio.config import Project
from folio.edition import edition_name, editions
from folio.files import sha256
from folio.keys import output_key
from folio.render.formats import FORMATS, output_path
from folio.render.job import Target


def plan(project: Project, formats: list[str] | None, only: list[str] | None) -> list[Target]:
    """Every output the command asks for, with its key."""
    formats = with_sources(list(formats or project.settings.formats))
    chosen = [e for e in editions(project) if not only or edition_name(e) in only]
    books = load_collections(project)

    def key(name: str, languages: tuple[str, ...], fmt: str) -> str:
        if name in books:
            return collection_key(project, books[name], languages, fmt)
        return output_key(project, name, languages, fmt)

    return [
        Target(
            doc,
            languages,
            fmt,
            output_path(doc, edition_name(languages), fmt),
            key(doc, languages, fmt),
        )
        for doc in [*books, *project.documents()]
        for languages in chosen
        for fmt in formats
    ]


def with_sources(formats: list[str]) -> list[str]:
    """The formats asked for, each preceded by the one it is made from (a booklet: the PDF)."""
    for fmt in list(formats):
        made_from = FORMATS[fmt].made_from
        if made_from and made_from not in formats:
            formats.insert(formats.index(fmt), made_from)
    return formats


def is_current(project: Project, target: Target, previous: dict[str, dict]) -> bool:
    """Built before from the same inputs, and the file is still the one built then."""
    entry = previous.get(target.path)
    if not entry or entry.get("key") != target.key:
        return False
    path = project.root / target.path
    return (
        path.exists()
        and path.stat().st_size == entry["bytes"]
        and sha256(path.read_bytes()) == entry["sha256"]
    )
