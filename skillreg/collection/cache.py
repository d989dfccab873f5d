"""The index cache: file hashes keyed by stat, skill summaries keyed by SKILL.md content hash.

One file per indexed tree in ``user_cache_dir()/index``, written with `marshal` (plain values only,
fast to load, no code run on load) and replaced atomically. It is safe to delete: a missing,
corrupt or foreign cache is silently treated as empty. It is never wrong by design:

* the header holds the tool version, the cache format, the Python version (marshal's format follows
  it), the caller's namespace (which also names the file: e.g. a lint profile's name) and its
  fingerprint (e.g. a digest of that profile's contents); any difference discards the whole file;
* a file's hash is reused only when (size, mtime_ns, ctime_ns, inode) all match, and a file modified
  within `RACY_NS` of being looked at is never recorded, because a second edit inside the
  filesystem's timestamp granularity could leave every stat field unchanged (git's "racy" rule);
* a skill summary is looked up by a key the caller derives from the sha256 of the very bytes it
  was computed from (plus whatever else it depends on);
* notes (values derived from the whole tree, e.g. name suggestions) are keyed by the caller on a
  digest of everything they depend on.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skillreg import __version__
from skillreg.core.atomic import write_atomic
from skillreg.skill.source import leaves_folder

CACHE_FORMAT = 2
RACY_NS = 2_000_000_000  # FAT has 2 s timestamps; ext4 and APFS are much finer

StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def sha256_file(path: str) -> str:
    """The file's digest; for a symlink leaving its folder, the link's own text (never read)."""
    if leaves_folder(Path(path)):
        return hashlib.sha256(b"symlink:" + os.fsencode(os.readlink(path))).hexdigest()
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class ParseCache:
    """What one tree's previous index run learnt; `save` keeps only what this run used."""

    def __init__(self, path: Path | None, header: tuple[Any, ...]) -> None:
        self.path = path  # None: a throwaway cache (--no-cache)
        self.header = header
        self._hashes: dict[str, tuple[StatKey, str]] = {}
        self._summaries: dict[str, tuple[Any, ...]] = {}
        self._used_hashes: dict[str, tuple[StatKey, str]] = {}
        self._used_summaries: dict[str, tuple[Any, ...]] = {}
        self._notes: dict[str, Any] = {}
        self._used_notes: dict[str, Any] = {}
        self._dirty = False
        self._now_ns = time.time_ns()

    @classmethod
    def open(
        cls,
        roots: Sequence[Path],
        namespace: str = "",
        folder: Path | None = None,
        *,
        fingerprint: str = "",
    ) -> ParseCache:
        """The cache of the tree made of `roots` in `namespace`; empty when missing, corrupt or
        outdated, or when it was written under another `fingerprint`."""
        if folder is None:
            from skillreg.core.config import user_cache_dir

            folder = user_cache_dir() / "index"
        header = (CACHE_FORMAT, __version__, sys.version_info[:2], namespace, fingerprint)
        identity = "\0".join([namespace, *sorted(str(root.resolve()) for root in roots)])
        name = hashlib.sha256(identity.encode()).hexdigest()[:24] + ".marshal"
        cache = cls(folder / name, header)
        cache._load()
        return cache

    @classmethod
    def disabled(cls) -> ParseCache:
        return cls(None, ())

    def _load(self) -> None:
        assert self.path is not None
        try:
            data = marshal.loads(self.path.read_bytes())
            header, hashes, summaries, notes = data
            if header != self.header or not isinstance(hashes, dict):
                self._dirty = True
                return
            if isinstance(summaries, dict) and isinstance(notes, dict):
                self._hashes, self._summaries, self._notes = hashes, summaries, notes
        except (OSError, EOFError, ValueError, TypeError):
            self._dirty = True  # missing or corrupt: rebuilt from scratch

    def file_hash(self, path: str, st: os.stat_result) -> str | None:
        """The recorded sha256 of `path` if its stat is unchanged since it was hashed."""
        entry = self._hashes.get(path)
        if entry is None or entry[0] != stat_key(st):
            return None
        self._used_hashes[path] = entry
        return entry[1]

    def remember_hash(self, path: str, st: os.stat_result, sha256: str) -> None:
        if self._now_ns - st.st_mtime_ns < RACY_NS or self._now_ns - st.st_ctime_ns < RACY_NS:
            return  # too fresh to trust its stat next time
        self._used_hashes[path] = (stat_key(st), sha256)
        self._dirty = True

    def summary(self, sha256: str) -> tuple[Any, ...] | None:
        value = self._summaries.get(sha256)
        if value is not None:
            self._used_summaries[sha256] = value
        return value

    def remember_summary(self, sha256: str, summary: tuple[Any, ...]) -> None:
        self._used_summaries[sha256] = summary
        self._dirty = True

    def note(self, key: str) -> Any:
        """The value recorded under `key` by `remember_note`, or None."""
        value = self._used_notes.get(key)
        if value is None and (value := self._notes.get(key)) is not None:
            self._used_notes[key] = value
        return value

    def remember_note(self, key: str, value: Any) -> None:
        self._used_notes[key] = value
        self._dirty = True

    def save(self) -> None:
        """Write what this run used, atomically; a cache that cannot be written is just skipped."""
        dropped = (
            len(self._hashes) != len(self._used_hashes)
            or len(self._summaries) != len(self._used_summaries)
            or len(self._notes) != len(self._used_notes)
        )
        if self.path is None or not (self._dirty or dropped):
            return
        used = (self._used_hashes, self._used_summaries, self._used_notes)
        data = marshal.dumps((self.header, *used))
        with contextlib.suppress(OSError):  # a cache that cannot be written is only skipped
            write_atomic(self.path, data, durable=False)
