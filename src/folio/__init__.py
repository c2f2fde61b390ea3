"""folio: publish one English Markdown source with gettext translations as PDF, EPUB and HTML."""

__version__ = "0.1.0"
