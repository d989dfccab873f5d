"""The registry shipped inside the package: where it lives, and where its sources are.

It is the published form of the project's catalog, used when no registry is configured. It is
generated, never edited: `skillreg.registry.builtin_build` rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

import skillreg


def builtin_registry() -> Path:
    return Path(skillreg.__file__).parent / "builtin_registry"


def catalog_sources() -> Path:
    """`registry/` of a source checkout (not present in an installed wheel)."""
    return Path(skillreg.__file__).resolve().parents[1] / "registry"
