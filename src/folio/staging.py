"""A build's files written in full before any is renamed into place, and a killed build's
leftovers removed by the next.

A full disk fails while the new files are written beside the old ones, so every output and
the manifest stay as they were; only the renames, which need no space, replace anything.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# write_atomic's and Staging's temporary names: ".<name>.<random>.tmp" beside the target.
SUFFIX = ".tmp"


@dataclass
class Staging:
    """Files written beside their targets under temporary names, to be renamed together."""

    files: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)

    def add(self, target: Path, data: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=SUFFIX
            )
            self.files.append((Path(name), target))
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(name, 0o644)
        except OSError as error:
            # A write error names no file: say which output could not be written.
            raise OSError(error.errno, error.strerror, str(target)) from None

    @property
    def targets(self) -> list[Path]:
        return [target for _, target in self.files]

    def commit(self) -> None:
        """Rename every file into place."""
        while self.files:
            temporary, target = self.files[0]
            os.replace(temporary, target)
            self.files.pop(0)

    def discard(self) -> None:
        for temporary, _ in self.files:
            temporary.unlink(missing_ok=True)
        self.files = []


@contextlib.contextmanager
def staging() -> Iterator[Staging]:
    """A Staging whose files not yet renamed are removed if the block fails."""
    stage = Staging()
    try:
        yield stage
    finally:
        stage.discard()


def remove_leftovers(folder: Path) -> None:
    """Remove the temporary files a killed build left in `folder` (none while a build runs: the
    caller holds the build lock)."""
    if not folder.is_dir():
        return
    for path in folder.rglob(f".*{SUFFIX}"):
        if path.is_file():
            path.unlink(missing_ok=True)
