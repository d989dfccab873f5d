"""Writing the site's files: under the registry root, atomic, and only when the bytes change.

Site files are derived (a `reindex` rebuilds them all), so they skip the fsync that documents and
bundles get: at 10,000 pages it would dominate the build, and a crash leaves either the old or
the new file in place (rename), which the next rebuild corrects anyway.

Like every registry writer, it never writes, reads or removes through a symlink below the root
(`skillreg.registry.nolinks`): each folder on the way is checked with ``lstat`` once per writer
(a full build writes 10,000 pages into a few thousand folders), each file every time; reads are
of regular files of bounded size.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillreg.core.atomic import write_atomic
from skillreg.core.bounded import read_regular
from skillreg.core.errors import RegistryError
from skillreg.registry.nolinks import check_file, real_folder

SITE_DIR = "site"
MAX_SITE_FILE = 64 * 1024 * 1024  # a state file read back (ids.json at 100,000 skills: ~3 MB)


def compact_json(value: Any) -> bytes:
    """The site's JSON spelling: small (no spaces), stable (sorted keys), UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


@dataclass
class SiteWriter:
    """Writes files relative to the registry `root` and remembers which ones changed."""

    root: Path
    changed: list[str] = field(default_factory=list)
    _real: set[str] = field(default_factory=set)  # folders found real (or made) by this writer

    def _path(self, rel: str, *, create: bool) -> Path:
        """``root / rel`` with no symlink on the way (`RegistryError` naming one)."""
        folder = os.path.dirname(rel)
        if folder not in self._real:
            if create:
                real_folder(self.root, folder)
                self._real.add(folder)
            else:
                return check_file(self.root, rel, create=False)
        path = self.root / rel
        if path.is_symlink():
            return check_file(self.root, rel, create=False)  # raises, naming it
        return path

    def write(self, rel: str, data: bytes) -> None:
        target = self._path(rel, create=True)
        try:
            if target.stat().st_size == len(data) and read_regular(target, len(data)) == data:
                return
        except OSError:
            pass
        try:
            write_atomic(target, data, durable=False, mode=0o644)
        except OSError as exc:
            raise RegistryError(f"{target}: cannot write: {exc.strerror}", path=target) from None
        self.changed.append(rel)

    def remove(self, rel: str) -> None:
        try:
            self._path(rel, create=False).unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise RegistryError(f"{self.root / rel}: cannot remove: {exc.strerror}") from None
        self.changed.append(rel)

    def read_json(self, rel: str) -> Any:
        """A site file we wrote earlier, or None when it is missing or not JSON."""
        try:
            return json.loads(read_regular(self._path(rel, create=False), MAX_SITE_FILE))
        except (OSError, ValueError):
            return None
