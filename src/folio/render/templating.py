"""The Jinja2 environment over the project's templates/ folder (the institute's branding)."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from folio.errors import FolioError


def environment(templates: Path) -> jinja2.Environment:
    """Templates are the project's own files; autoescape all but the HTML fragments folio made."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "j2", "xhtml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters["keep_last_words"] = keep_last_words
    return env


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds, in this user's private temporary folder (Jinja
    checks that it is theirs alone): compiling them took a fifth of a rebuild. None where there
    is no such folder to be had (a read-only /tmp)."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        return None


_LAST_SPACE = re.compile(r" (?=[^ <>]*(?:<[^>]*>[^ <>]*)*$)")


def keep_last_words(html: str) -> str:
    """A title's last two words kept on one line (a no-break space between them), so that a
    title that needs two lines never leaves one word alone on the second."""
    return Markup(_LAST_SPACE.sub("\u00a0", str(html), count=1))


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
