"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from folio.errors import FolioError


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        # A write error names no file: say which one could not be written.
        raise OSError(error.errno, error.strerror, str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the block; fail at once if another process has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolioError(
                "another folio build is running in this project",
                path,
                hint="wait for it to finish, then build again",
            ) from None
        HELD_LOCKS.add(handle.fileno())
        try:
            yield
        finally:
            HELD_LOCKS.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


# The descriptors of the locks this process holds. A forked worker closes its copies at once
# (close_inherited_locks): a lock lives as long as any copy, and must die with this process.
HELD_LOCKS: set[int] = set()


def close_inherited_locks() -> None:
    """In a forked child: close the copies of the parent's lock files."""
    for descriptor in list(HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(descriptor)
    HELD_LOCKS.clear()
