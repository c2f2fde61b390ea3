"""Stage 5: build/manifest.json, the list of every output with its digest and key."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from folio.config import Project
from folio.files import sha256, write_atomic
from folio.render.job import Target

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    """One built file, as the manifest lists it."""

    document: str
    edition: str
    languages: list[str]
    format: str
    path: str
    sha256: str
    bytes: int
    key: str
    pages: int | None = None
    fallbacks: int = 0  # units shown in the source language for want of a translation


def output_of(target: Target, data: bytes, pages: int | None, fallbacks: int) -> Output:
    return Output(
        document=target.document,
        edition=target.edition,
        languages=list(target.languages),
        format=target.format,
        path=target.path,
        sha256=sha256(data),
        bytes=len(data),
        key=target.key,
        pages=pages,
        fallbacks=fallbacks,
    )


def read_manifest(project: Project) -> list[dict]:
    path = project.build_dir / MANIFEST
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (ValueError, KeyError):
        return []
    fields = set(Output.__dataclass_fields__)
    return [e for e in entries if isinstance(e, dict) and set(e) == fields]


def write_manifest(project: Project, outputs: list[Output]) -> None:
    """List every output; entries of earlier builds stay while their files exist."""
    fresh = {output.path: asdict(output) for output in outputs}
    kept = [
        entry
        for entry in read_manifest(project)
        if entry["path"] not in fresh and (project.root / entry["path"]).exists()
    ]
    entries = sorted(
        [*kept, *fresh.values()], key=lambda e: (e["document"], e["edition"], e["format"])
    )
    text = json.dumps({"outputs": entries}, ensure_ascii=False, indent=2) + "\n"
    path = project.build_dir / MANIFEST
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text.encode("utf-8"))


def unlist(project: Project, paths: list[Path]) -> None:
    """Take these files out of the manifest (before they are replaced)."""
    replaced = {path.resolve() for path in paths}
    entries = read_manifest(project)
    kept = [e for e in entries if (project.root / e["path"]).resolve() not in replaced]
    if len(kept) < len(entries):
        text = json.dumps({"outputs": kept}, ensure_ascii=False, indent=2) + "\n"
        write_atomic(project.build_dir / MANIFEST, text.encode("utf-8"))
