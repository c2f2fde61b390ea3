"""The Jinja2 environment over the project's templates/ folder (the institute's branding)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from folio.errors import FolioError


def environment(templates: Path) -> jinja2.Environment:
    """Templates are the project's own files; autoescape all but the HTML fragments folio made."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "j2", "xhtml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_template(env: jinja2.Environment, name: str, **variables: object) -> str:
    """Render a template; a mistake in it is a FolioError naming the file and line."""
    try:
        return env.get_template(name).render(**variables)
    except jinja2.TemplateSyntaxError as error:
        path = Path(error.filename or name)
        raise FolioError(f"template error: {error.message}", path, error.lineno) from None
    except jinja2.TemplateError as error:
        raise FolioError(f"template error: {error}", env_path(env, name)) from None


def env_path(env: jinja2.Environment, name: str) -> Path:
    loader = env.loader
    folder = loader.searchpath[0] if isinstance(loader, jinja2.FileSystemLoader) else "."
    return Path(folder) / name
