"""Rebuilding the built-in registry from the catalog's sources (`registry/` of a checkout).

``python -m skillreg.registry.builtin_build`` rebuilds it; a test rebuilds it into a temporary
folder and fails unless the shipped files are byte-identical. Kept apart from
`skillreg.registry.builtin` (where the registry *is*): finding it must not pull in publishing.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillreg.registry.builtin import builtin_registry, catalog_sources
from skillreg.registry.changes import CHANGES_FILE
from skillreg.registry.publish import PublishOptions, publish
from skillreg.registry.storage.folder import LOCK_DIR

#: Publish time recorded for every shipped version (2026-11-26T00:00:00Z), so rebuilds are exact.
EPOCH = 1795651200
PROFILE = "council"


@contextmanager
def _source_date_epoch(value: int) -> Iterator[None]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(value)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def build(sources: Path, target: Path) -> None:
    """Publish every skill under `sources` into the empty or missing folder `target`."""
    with _source_date_epoch(EPOCH):
        publish([sources], PublishOptions(registry=str(target), profile=PROFILE))
    shutil.rmtree(target / LOCK_DIR, ignore_errors=True)  # publisher state, not registry content
    # Read as a folder only: the change log is for clients that would pay a request per file.
    (target / CHANGES_FILE).unlink(missing_ok=True)


def rebuild(sources: Path, shipped: Path) -> None:
    """Replace `shipped` with a fresh build (built beside it, then swapped in)."""
    staging = Path(tempfile.mkdtemp(prefix=".builtin-", dir=shipped.parent))
    try:
        build(sources, staging / "registry")
        if shipped.exists():
            shutil.rmtree(shipped)
        os.replace(staging / "registry", shipped)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    rebuild(catalog_sources(), builtin_registry())
    sys.stdout.write(f"rebuilt {builtin_registry()}\n")
