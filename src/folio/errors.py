"""The one exception type for user errors: printed as a single line, never as a traceback."""

from __future__ import annotations

from pathlib import Path


class FolioError(Exception):
    """A problem in the user's input, told as `file:line: message (hint)`."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str = "",
        details: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint
        self.details = details or []  # lines printed after the message (e.g. missing units)

    def __reduce__(self):  # keep path, line and hint when a worker process raises it
        return (type(self), (self.message, self.path, self.line, self.hint, self.details))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = (
                f"{display_path(self.path)}:{self.line}: "
                if self.line
                else f"{display_path(self.path)}: "
            )
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def line_of(path: Path, needle: str) -> int | None:
    """The first line of a text file that contains `needle`, where no parser kept the position."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if needle in line:
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def from_os_error(error: OSError) -> FolioError:
    """An operating-system error (read-only or full disk, no permission) as one line with the
    path; the build it stopped has replaced nothing."""
    reason = error.strerror or str(error)
    path = error.filename
    if path is not None and error.filename2 is not None:
        path = error.filename2  # a rename: where folio wanted the file
    return FolioError(
        reason[:1].lower() + reason[1:],
        path,
        hint="free space or fix permissions and try again; nothing was half-written",
    )
