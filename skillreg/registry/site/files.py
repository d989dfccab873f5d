"""Writing the site's files: under the registry root, atomic, and only when the bytes change.

Site files are derived (a `reindex` rebuilds them all), so they skip the fsync that documents and
bundles get: at 10,000 pages it would dominate the build, and a crash leaves either the old or
the new file in place (rename), which the next rebuild corrects anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import RegistryError

SITE_DIR = "site"


def compact_json(value: Any) -> bytes:
    """The site's JSON spelling: small (no spaces), stable (sorted keys), UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


@dataclass
class SiteWriter:
    """Writes files relative to the registry `root` and remembers which ones changed."""

    root: Path
    changed: list[str] = field(default_factory=list)

    def write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
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
            (self.root / rel).unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise RegistryError(f"{self.root / rel}: cannot remove: {exc.strerror}") from None
        self.changed.append(rel)

    def read_json(self, rel: str) -> Any:
        """A site file we wrote earlier, or None when it is missing or not JSON."""
        try:
            return json.loads((self.root / rel).read_bytes())
        except (OSError, ValueError):
            return None
