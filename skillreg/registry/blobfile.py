"""Bundles as files: streamed through a sink that hashes and counts, checked in chunks, cached.

A bundle is never held whole in memory: it is written to a file as it arrives (over HTTP or from
a folder registry) while hashed, and the cached copy is checked by reading it in chunks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from skillreg.core.atomic import temp_name
from skillreg.core.bounded import copy_capped, open_regular


class HashingFile:
    """A binary file that hashes and counts what is written to it (truncation starts over)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.out.write(data)

    def seek(self, offset: int, /) -> int:
        return self.out.seek(offset)

    def truncate(self) -> int:
        self.digest, self.size = hashlib.sha256(), 0
        return self.out.truncate()


def file_matches(path: Path, sha256: str, size: int) -> bool:
    """Whether the regular file at `path` holds exactly these bytes (read in chunks)."""
    digest = hashlib.sha256()
    try:
        with open_regular(path, size) as (fd, found):
            read = copy_capped(fd, size, digest.update, path) if found == size else -1
    except OSError:
        return False
    return read == size and digest.hexdigest() == sha256


def cache_copy(source: Path, cached: Path) -> None:
    """Keep a verified bundle in the cache; best effort, like every cache write."""
    import shutil

    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_name(cached.parent, cached.name)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, cached)
        finally:
            tmp.unlink(missing_ok=True)
