"""The names a registry knows, as lint sees them: a value, and the reader that produces it.

Lint consults a registry only when one is named for lint (``--registry`` or ``[lint] registry``),
never the install registry (``$SKILL_REGISTRY``, ``[install] registry``, the built-in one): a lint
result should not change with what the machine running it has configured for installs.

Reading a registry is the registry layer's job (`skillreg.registry.lint_names`), which sits above
lint; lint receives it as a `NamesReader` in its options, so that lint never imports the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

YANKED = "yanked"
DEPRECATED = "deprecated"


class RegistryNames(NamedTuple):
    """Every name in the catalog (`known`) and the ones to warn about (`status`: name ->
    ``"yanked"`` when every version is yanked, else ``"deprecated"`` when deprecated)."""

    location: str
    known: frozenset[str] = frozenset()
    status: Mapping[str, str] = MappingProxyType({})


#: Reads the registry `spec` (relative to the folder `base`); ``offline`` reads the cache only.
#: Raises `RegistryError` when the registry cannot be read, `ConfigError` for a bad token setting.
NamesReader = Callable[[str, Path, bool], RegistryNames]
