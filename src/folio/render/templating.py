"""The Jinja2 environment over the project's templates/ folder (the institute's branding)."""

from __future__ import annotations

from pathlib import Path

import jinja2


def environment(templates: Path) -> jinja2.Environment:
    """Templates are the project's own files; autoescape all but the HTML fragments folio made."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "j2", "xhtml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
