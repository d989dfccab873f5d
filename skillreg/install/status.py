"""Looking without changing: installed skills and their state, outdated ones, a skill's versions,
and search over a registry's catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skillreg.core.errors import NotFoundError
from skillreg.install.place import fs_errors
from skillreg.install.resolve import check_name, pick_version
from skillreg.install.semver_range import parse_version
from skillreg.install.session import InstallOptions, Session
from skillreg.install.targets import entry_status

if TYPE_CHECKING:
    from skillreg.registry.client import Registry
    from skillreg.registry.model import CatalogEntry, SkillDocument
    from skillreg.registry.search import SearchResult


@dataclass(frozen=True)
class InstalledRow:
    name: str
    version: str
    status: str  # ok | modified | missing
    agents: tuple[str, ...]
    scope: str
    mode: str
    registry: str


@dataclass(frozen=True)
class OutdatedRow:
    name: str
    current: str
    wanted: str  # newest within the manifest's range
    latest: str  # newest release overall
    yanked: bool = False  # the version in use was yanked from its registry
    yanked_reason: str | None = None


def list_installed(options: InstallOptions) -> list[InstalledRow]:
    with fs_errors(), Session(options) as session:
        return [
            InstalledRow(
                e.name,
                e.version,
                entry_status(session.project, e),
                tuple(e.agents),
                e.scope,
                e.mode,
                e.registry,
            )
            for e in session.lock.skills
        ]


def _newest(doc: SkillDocument, spec: str, locked: str) -> str:
    try:
        return pick_version(doc, spec, locked).version
    except NotFoundError:
        return locked


def outdated(options: InstallOptions) -> list[OutdatedRow]:
    """Installed skills with a newer version, and those whose version in use was yanked (a
    yanked version stays installed and locked, so nothing else would ever say so)."""
    rows: list[OutdatedRow] = []
    with fs_errors(), Session(options) as session:
        for entry in session.lock.skills:
            if entry.source is not None:
                continue  # no versions to compare: `skill update` re-reads the source
            doc = session.registry(entry.registry).document(entry.name)
            wanted = _newest(doc, session.requests.get(entry.name, ""), entry.version)
            latest = _newest(doc, "", entry.version)
            used = doc.versions.get(entry.version)
            yanked = used is not None and used.yanked
            if entry.version != wanted or entry.version != latest or yanked:
                reason = used.yanked_reason if used is not None and yanked else None
                row = OutdatedRow(entry.name, entry.version, wanted, latest, yanked, reason)
                rows.append(row)
    return rows


def info(options: InstallOptions, name: str) -> dict[str, Any]:
    """The skill's document as plain data, newest version first, plus its deprecation."""
    with fs_errors(), Session(options) as session:
        registry = session.registry()
        doc = registry.document(check_name(name))
        parsed = {v: p for v in doc.versions if (p := parse_version(v)) is not None}
        order = sorted(parsed, key=parsed.__getitem__, reverse=True)
        versions = [{"version": v, **doc.versions[v].model_dump(mode="json")} for v in order]
        return {
            "name": doc.name,
            "registry": registry.recorded,
            "serial": doc.serial,
            "tags": dict(doc.tags),
            "deprecated": doc.deprecated.message if doc.deprecated else None,
            "versions": versions,
        }


def search(
    options: InstallOptions,
    query: str,
    filters: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> SearchResult:
    """The registry's catalog entries matching `query` and the metadata `filters`, ranked
    (see `skillreg.registry.search`).

    A single ``catalog.json`` is downloaded whole. A sharded catalog (object storage, 100,000
    skills) is searched through its index: one search shard per word (matching the beginnings
    of words), then the catalog shards of the hits; the filters and ranking apply to those.
    """
    from skillreg.registry.model import Catalog
    from skillreg.registry.search import search_catalog

    with fs_errors(), Session(options) as session:
        registry = session.registry()
        if registry.root().sharded:
            catalog = Catalog(skills=_search_shards(registry, query))
        else:
            catalog = registry.catalog()
    return search_catalog(catalog, query, filters, limit)


def _search_shards(registry: Registry, query: str) -> list[CatalogEntry]:
    from skillreg.core.errors import UsageError
    from skillreg.registry import shards
    from skillreg.registry.model import CatalogShard, SearchShard

    root = registry.root()
    if not shards.query_words(query):
        raise UsageError(f"{query!r}: search words need two characters or more")
    hits, _total = shards.search(
        query,
        lambda key: registry.shard(str(root.search).replace("{term}", key), SearchShard),
        lambda key: registry.shard(root.catalog.replace("{shard}", key), CatalogShard),
        None,
    )
    return list(hits)
