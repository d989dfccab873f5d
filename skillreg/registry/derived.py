"""Derived files: ``catalog.json``, ``index.html`` and the web catalog (`site`), computed from
the per-skill documents only.

Nothing a client needs to install reads them, so they may be rebuilt at any time (`reindex`). A
publish updates just the entries of the skills it touched, under the registry-wide lock, reading
each document after its own write: whichever publisher updates last writes the current state.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from skillreg.core.bounded import read_regular
from skillreg.core.errors import RegistryError
from skillreg.core.names import is_skill_name
from skillreg.registry.model import (
    CATALOG_FILE,
    HTML_FILE,
    MAX_INDEX_FILE,
    Catalog,
    CatalogEntry,
    SkillDocument,
    index_path,
)
from skillreg.registry.site.build import build_site, site_summary, update_site
from skillreg.registry.store import FolderRegistry


def catalog_entry(doc: SkillDocument) -> CatalogEntry:
    """A skill's one-line summary: the description of `latest` (else of the newest version)."""
    latest = doc.tags.get("latest")
    shown = latest if latest in doc.versions else _newest(doc.versions)
    description = doc.versions[shown].description if shown else ""
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return CatalogEntry(
        name=doc.name,
        description=first,
        latest=latest,
        deprecated=doc.deprecated is not None,
        metadata=dict(doc.versions[shown].metadata) if shown else {},
    )


def _newest(versions: Iterable[str]) -> str | None:
    import semver

    parsed = [semver.Version.parse(v) for v in versions]
    return str(max(parsed)) if parsed else None


def render_catalog(catalog: Catalog) -> bytes:
    """The catalog's JSON: sorted keys like every file we write, but one skill per line.

    Written by hand because it is the one file every publish rewrites whole: an indented
    ``json.dumps`` takes the pure-Python encoder, and even one C-encoded dump per entry costs tens
    of milliseconds at 10,000 skills. Names and versions match [a-z0-9.+-] patterns and need no
    escaping; descriptions go through the JSON string encoder.
    """
    string = json.JSONEncoder(ensure_ascii=False).encode
    mapping = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    lines = [
        f'{{"deprecated": {"true" if e.deprecated else "false"}, '
        f'"description": {string(e.description)}, '
        f'"latest": {f"{chr(34)}{e.latest}{chr(34)}" if e.latest else "null"}, '
        f'"metadata": {mapping(e.metadata)}, "name": "{e.name}"}}'
        for e in catalog.skills
    ]
    body = ",\n    ".join(lines)
    skills = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "format_version": {catalog.format_version},\n  "skills": {skills}\n}}\n'.encode()


def render_html(catalog: Catalog) -> bytes:
    """The home page of the web catalog (`skillreg.registry.site`): search, facets, counts."""
    from skillreg.registry.site.home import render_home

    return render_home(len(catalog.skills))


def read_catalog(reg: FolderRegistry) -> Catalog | None:
    """The catalog on disk, or None when it is missing or unreadable (then it is rebuilt)."""
    from pydantic import ValidationError

    try:
        return Catalog.model_validate_json(read_regular(reg.root / CATALOG_FILE, MAX_INDEX_FILE))
    except (OSError, ValidationError):
        return None


def write_derived(reg: FolderRegistry, catalog: Catalog) -> list[str]:
    """Write both derived files; the paths whose bytes changed."""
    changed = []
    if reg.write_file(CATALOG_FILE, render_catalog(catalog)):
        changed.append(CATALOG_FILE)
    if reg.write_file(HTML_FILE, render_html(catalog)):
        changed.append(HTML_FILE)
    return changed


def update_derived(reg: FolderRegistry, names: Iterable[str]) -> list[str]:
    """Refresh the entries of `names` from their documents; a full rebuild if the catalog is bad.

    The caller holds no skill lock; this takes the registry lock.
    """
    with reg.registry_lock():
        catalog = read_catalog(reg)
        if catalog is None:
            catalog = build_catalog(reg)
            return write_derived(reg, catalog) + site_summary(build_site(reg, catalog))
        entries = {e.name: e for e in catalog.skills}
        for name in set(names):
            doc = reg.read_doc(name)
            if doc is None:
                entries.pop(name, None)
            else:
                entries[name] = catalog_entry(doc)
        catalog = Catalog(skills=[entries[n] for n in sorted(entries)])
        return write_derived(reg, catalog) + site_summary(update_site(reg, catalog, names))


def build_catalog(reg: FolderRegistry) -> Catalog:
    """The catalog computed from every document under ``index/``."""
    entries = []
    for path in iter_documents(reg.root):
        name = path.name.removesuffix(".json")
        doc = reg.read_doc(name) if is_skill_name(name) else None
        if doc is None or reg.root / index_path(doc.name) != path:
            raise RegistryError(
                f"{path}: not a skill document where its name puts it; move or remove it",
                path=path,
            )
        entries.append(catalog_entry(doc))
    return Catalog(skills=sorted(entries, key=lambda e: e.name))


def rebuild_derived(reg: FolderRegistry) -> list[str]:
    """`reindex`: recompute every derived file from the documents."""
    upgraded = reg.upgrade_root()
    with reg.registry_lock():
        catalog = build_catalog(reg)
        return upgraded + write_derived(reg, catalog) + site_summary(build_site(reg, catalog))


def iter_documents(root: Path) -> Iterator[Path]:
    """Every ``*.json`` under ``index/`` (temp files, which start with a dot, are skipped).

    A folder named like a document is yielded too, so that reading it fails loudly instead of
    the skill silently dropping out of the catalog.
    """
    for dirpath, dirnames, filenames in os.walk(root / "index"):
        dirnames.sort()
        for fname in sorted([*filenames, *(d for d in dirnames if d.endswith(".json"))]):
            if fname.endswith(".json") and not fname.startswith("."):
                yield Path(dirpath, fname)


def rebuild_site(target: str) -> list[str]:
    """`skill registry site`: the home page and every page and shard of the web catalog, from
    the documents (``catalog.json`` is `reindex`'s); the paths whose bytes changed."""
    from skillreg.registry.store import registry_folder

    reg = FolderRegistry(registry_folder(target))
    reg.require()
    with reg.registry_lock():
        catalog = build_catalog(reg)
        home = [HTML_FILE] if reg.write_file(HTML_FILE, render_html(catalog)) else []
        return home + build_site(reg, catalog)
