"""Reading a registry's catalog for lint: the `NamesReader` that `skill lint` and `skill index`
are given when a registry is named for lint (see `skillreg.lint.registry_names`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.lint.registry_names import DEPRECATED, YANKED, RegistryNames

if TYPE_CHECKING:
    from skillreg.registry.http import HttpClient
    from skillreg.registry.model import Catalog


def names_from_catalog(location: str, catalog: Catalog) -> RegistryNames:
    status: dict[str, str] = {}
    for entry in catalog.skills:
        if entry.latest is None:  # nothing left to install: the stronger warning wins
            status[entry.name] = YANKED
        elif entry.deprecated:
            status[entry.name] = DEPRECATED
    return RegistryNames(location, frozenset(e.name for e in catalog.skills), status)


def read_registry_names(spec: str, base: Path, offline: bool = False) -> RegistryNames:
    """Read the catalog of the registry `spec` (a folder relative to `base`, a ``file://`` or an
    ``http(s)://`` URL) through the user cache; `offline` reads the cache only.

    Raises `RegistryError` (one line naming the URL or folder) when it cannot be read, and
    `ConfigError` for an invalid token setting.
    """
    from skillreg.core.config import user_cache_dir
    from skillreg.registry.client import open_registry, registry_id

    http = _http_client() if registry_id(spec, base).startswith(("http://", "https://")) else None
    try:
        registry = open_registry(
            spec, base=base, cache_dir=user_cache_dir(), http=http, offline=offline
        )
        return names_from_catalog(registry.location, registry.catalog())
    finally:
        if http is not None:
            http.close()


def _http_client() -> HttpClient:
    from skillreg.registry.http import HttpClient, HttpSettings
    from skillreg.registry.tokens import registry_tokens

    # Lint's registry may come from a project's config: it gets a token only through an origin
    # the user mapped (or SKILL_REGISTRY's own), never the bare environment token.
    return HttpClient(HttpSettings.from_env(tokens=registry_tokens(None)))
