"""Content-addressed results of earlier builds, under build/.cache/: safe to delete at any time.

Every key is a digest of everything the value is made from, folio's own code included, so a
value found is the value that would be computed; a cache only saves time, never changes a byte.
The files are pickles, signed with a key of this user's (outside the project): a build/ folder
that came with a project from elsewhere is never unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import shutil
from pathlib import Path
from typing import Any

from folio.files import write_atomic

FOLDER = ".cache"
# The signing key's file, in the user's cache folder.
KEY_FILE = Path("folio", "cache-key")
# Bump to drop every cache written by an earlier layout of this module.
LAYOUT = "2"
# How many files a table is kept in.
SHARDS = 16


def digest(*parts: str | bytes) -> str:
    """A key from its parts (SHA-256, the parts kept apart)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode("utf-8") if isinstance(part, str) else part)
        hashed.update(b"\0")
    return hashed.hexdigest()


class Table:
    """Many small values by key (one document's rendered rows, say), in SHARDS files by the
    key's first digit: an edit rewrites the few files its new entries fall in.

    A file is saved with the entries used in this build, and the unused ones only while they
    are fewer than the used: an edited unit's old versions do not pile up, and a build of one
    edition does not drop the others'."""

    def __init__(self, folder: Path | None, salt: str = "") -> None:
        self.folder = folder
        self.salt = salt
        self.old: dict[str, Any] = {}
        for shard in range(SHARDS if folder else 0):
            self.old.update(load(self.shard_path(shard)))
        self.used: dict[str, Any] = {}
        self.dirty: set[int] = set()
        # What a build works out from the table's keys, for its own use (never saved).
        self.scratch: dict[str, Any] = {}

    def key(self, *parts: str | bytes) -> str:
        """A key of this table: the parts and what every value depends on (folio's code)."""
        return digest(self.salt, *parts)

    def get(self, key: str) -> Any | None:
        if key in self.used:
            return self.used[key]
        value = self.old.pop(key, None)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value
        self.dirty.add(shard_of(key))

    def save(self) -> None:
        """Write the files this build added entries to."""
        if not self.dirty or self.folder is None:
            return
        used, old = by_shard(self.used, self.dirty), by_shard(self.old, self.dirty)
        for shard in sorted(self.dirty):
            kept = old[shard] if len(old[shard]) <= len(used[shard]) else {}
            write_atomic(self.shard_path(shard), signed({**kept, **used[shard]}))

    def renew(self) -> None:
        """Start another build: everything known is old again, nothing is to be written."""
        self.old.update(self.used)
        self.used, self.dirty, self.scratch = {}, set(), {}

    def shard_path(self, shard: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{shard:x}.pickle"


def shard_of(key: str) -> int:
    return int(key[0], 16) % SHARDS


def by_shard(entries: dict[str, Any], shards: set[int]) -> dict[int, dict[str, Any]]:
    """The entries of each of `shards`, in their order."""
    found: dict[int, dict[str, Any]] = {shard: {} for shard in shards}
    for key, value in entries.items():
        shard = shard_of(key)
        if shard in found:
            found[shard][key] = value
    return found


class Cache:
    """The build's caches; with no folder, a cache that keeps nothing (every value computed)."""

    def __init__(self, folder: Path | None, salt: str = "") -> None:
        self.folder = folder
        self.salt = digest(LAYOUT, salt)
        self.tables: dict[tuple[str, str], Table] = {}
        self.slots: dict[tuple[str, str], tuple[str, Any]] = {}

    def key(self, *parts: str | bytes) -> str:
        """A key of this cache: the parts and what every value depends on (folio's code)."""
        return digest(self.salt, *parts)

    def renewed(self) -> Cache:
        """This cache for another build in the same process: its tables stay in memory (what
        this process wrote is what the files hold), its one-value slots are read again."""
        for table in self.tables.values():
            table.renew()
        self.slots = {}
        return self

    def table(self, kind: str, name: str) -> Table:
        """The table of `kind` for `name` (a document), loaded once a build."""
        if (kind, name) not in self.tables:
            folder = self.folder / kind / name if self.folder else None
            self.tables[kind, name] = Table(folder, self.salt)
        return self.tables[kind, name]

    def one(self, kind: str, name: str, key: str) -> Any | None:
        """The one value kept for `name` (a document's parsed source), if made from `key`."""
        path = self.file(kind, name)
        stored = load(path) if path else {}
        return stored.get("value") if stored.get("key") == key else None

    def last(self, kind: str, name: str) -> tuple[str, Any] | None:
        """The one value kept for `name` and the key it was made from, whatever the key (a
        document's previous version, which an edit changes but little)."""
        path = self.file(kind, name)
        stored = load(path) if path else {}
        return (stored["key"], stored.get("value")) if "key" in stored else None

    def keep_one(self, kind: str, name: str, key: str, value: Any) -> None:
        """Keep `value` as `name`'s one value of `kind`, in place of the one before."""
        self.slots[kind, name] = (key, value)

    def save(self) -> None:
        """Write what this build made or used."""
        for table in self.tables.values():
            table.save()
        for (kind, name), (key, value) in self.slots.items():
            path = self.file(kind, name)
            if path:
                write_atomic(path, signed({"key": key, "value": value}))

    def prune(self, names: set[str]) -> None:
        """Remove the files of documents that are gone (in the kinds of cache this build used;
        other folders, such as the search's, are their owners' to prune)."""
        if self.folder is None or not self.folder.is_dir():
            return
        kinds = {kind for kind, _ in [*self.tables, *self.slots]}
        for path in (path for kind in kinds for path in (self.folder / kind).glob("*")):
            if path.name.removesuffix(".pickle") in names:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def file(self, kind: str, name: str) -> Path | None:
        return self.folder / kind / f"{name}.pickle" if self.folder else None


def signed(value: dict[str, Any]) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hmac.digest(signing_key(), data, "sha256") + data


def load(path: Path) -> dict[str, Any]:
    """A cache file's contents; nothing if it is missing, damaged, of another layout, or not
    signed with this user's key."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    signature, data = raw[:32], raw[32:]
    if not hmac.compare_digest(signature, hmac.digest(signing_key(), data, "sha256")):
        return {}
    try:
        value = pickle.loads(data)
    except Exception:  # noqa: BLE001 (a damaged cache file is a miss, never an error)
        return {}
    return value if isinstance(value, dict) else {}


_key: bytes | None = None


def signing_key() -> bytes:
    """This user's key for the caches' signatures, made on first use."""
    global _key
    if _key is None:
        path = user_cache() / KEY_FILE
        try:
            _key = path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, secrets.token_bytes(32))
            path.chmod(0o600)
            _key = path.read_bytes()
    return _key


def user_cache() -> Path:
    """This user's cache folder (XDG), where what is the machine's, not a project's, is kept."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def usable() -> bool:
    """Whether this user has a key (and so caches); without a writable home, no cache."""
    try:
        signing_key()
    except OSError:
        return False
    return True


def clear(build_dir: Path) -> None:
    """Delete every cache of a project."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(build_dir / FOLDER)
