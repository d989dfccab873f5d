"""The storage contract every registry backend implements: keys, bytes, ETags, conditional writes.

A registry is a set of objects named by ``/``-separated keys relative to its root (the paths
`skillreg.registry.model` defines). Writers never lock: every change is a *conditional write*
that the backend performs atomically, and a writer that loses a race re-reads and tries again:

- ``create`` (``If-None-Match: *``) stores the bytes only when the key does not exist yet;
- ``replace`` (``If-Match: <etag>``) stores them only when the key still holds the version
  whose ETag the writer read.

Either raises `WriteConflict` when the condition fails. ETags are opaque strings: a reader
compares them, never parses them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from skillreg.core.errors import RegistryError


class WriteConflict(RegistryError):
    """A conditional write lost: the key exists (create) or changed since it was read (replace)."""


class Kind(Enum):
    """What an object is, which decides how long a CDN or browser may cache it."""

    BLOB = "blob"  # content addressed: never changes
    DOCUMENT = "document"  # a per-skill document: changes, revalidated by ETag
    ROOT = "root"  # registry.json: rarely changes, read first
    DERIVED = "derived"  # catalog shards, index.html: may lag, cheap to refetch


#: ``Cache-Control`` per kind: immutable blobs, short TTLs on everything that changes.
CACHE_CONTROL = {
    Kind.BLOB: "public, max-age=31536000, immutable",
    Kind.DOCUMENT: "public, max-age=60, must-revalidate",
    Kind.ROOT: "public, max-age=60, must-revalidate",
    Kind.DERIVED: "public, max-age=300",
}

CONTENT_TYPE = {
    Kind.BLOB: "application/gzip",
    Kind.DOCUMENT: "application/json",
    Kind.ROOT: "application/json",
    Kind.DERIVED: "application/json",
}


@dataclass(frozen=True)
class Stored:
    """An object's bytes and the ETag to make a conditional write against them."""

    data: bytes
    etag: str


class Storage(Protocol):
    """A registry's objects. Implementations: `FolderStorage`, `S3Storage`.

    Contract:

    - ``read`` returns None for a missing key and raises `RegistryError` for any other failure;
      it never returns part of an object.
    - ``write`` with neither condition replaces unconditionally (only for derived files a
      lagging writer may overwrite); with ``etag`` it is ``If-Match``; with ``create`` it is
      ``If-None-Match: *``. A failed condition raises `WriteConflict`; the write is atomic
      (a reader sees the old bytes or the new, never a mix).
    - ``keys`` yields every key under `prefix` in sorted order, never temp or lock files.
    - The housekeeping methods record and clear marks of writes whose derived files are not
      updated yet; a backend without them (object storage) keeps no marks, and readers tell
      lagging from damaged by comparing serials instead.
    """

    @property
    def location(self) -> str:
        """Where the registry is, for messages: a folder path or ``s3://bucket/prefix``."""
        ...

    @property
    def sharded_catalog(self) -> bool:
        """Whether a new registry here gets the sharded catalog (``skillreg.registry.shards``)."""
        ...

    def check_writable(self, keys: Iterable[str] = (), *, everywhere: bool = False) -> None:
        """Raise `RegistryError` when a writer must not write here at all (a folder with a
        symlink in its skeleton or on the way to `keys`, or anywhere below its root with
        `everywhere`); checked once before a publish or edit writes anything."""
        ...

    def read(self, key: str) -> Stored | None: ...

    def exists(self, key: str) -> bool: ...

    def write(
        self, key: str, data: bytes, kind: Kind, *, etag: str | None = None, create: bool = False
    ) -> None: ...

    def keys(self, prefix: str) -> Iterator[str]: ...

    def is_empty(self) -> bool:
        """True when nothing visible is stored yet (a new registry may be created here)."""
        ...

    def mark_pending(self, name: str) -> None: ...

    def pending_names(self) -> set[str]: ...

    def clear_pending(self, older_than: float, names: Iterable[str] | None = None) -> None: ...

    def sweep_temp_files(self) -> list[str]: ...
