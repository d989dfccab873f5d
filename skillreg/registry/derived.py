"""Derived files, computed from the per-skill documents only: the catalog, ``index.html`` and,
for a registry in a folder, the web catalog (`site`).

Nothing a client needs to install reads them, so they may lag and be rebuilt at any time
(`reindex`). A registry has either one ``catalog.json`` (folders) or a sharded catalog
(`shards`: object storage). A publish refreshes just the entries of the skills it touched, each
file by a conditional read-modify-write that reads the documents *after* the file: whichever
writer succeeds last writes the current state.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from skillreg.core.errors import RegistryError
from skillreg.core.names import is_skill_name
from skillreg.core.record import validation_error
from skillreg.registry import shards
from skillreg.registry.model import (
    CATALOG_FILE,
    FORMAT_VERSION,
    HTML_FILE,
    Catalog,
    CatalogEntry,
    CatalogShard,
    SearchShard,
    ShardEntry,
    SkillDocument,
    index_path,
)
from skillreg.registry.site.build import build_site, site_summary, update_site
from skillreg.registry.storage.base import Kind, WriteConflict
from skillreg.registry.store import (
    MAX_ATTEMPTS,
    FolderRegistry,
    RegistryStore,
    backoff,
    pause_point,
    registry_folder,
)


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


def summary(doc: SkillDocument) -> str:
    """The one-line description the catalog shows for `doc`."""
    return catalog_entry(doc).description


def shard_entry(doc: SkillDocument) -> ShardEntry:
    return ShardEntry(**catalog_entry(doc).model_dump(), serial=doc.serial)


def _newest(versions: Iterable[str]) -> str | None:
    import semver

    parsed = [semver.Version.parse(v) for v in versions]
    return str(max(parsed)) if parsed else None


def render_catalog(catalog: Catalog) -> bytes:
    """The catalog's JSON: sorted keys like every file we write, but one skill per line.

    Written by hand because an indented ``json.dumps`` takes the pure-Python encoder, and even
    one C-encoded dump per entry costs tens of milliseconds at 10,000 skills. Names and versions
    match [a-z0-9.+-] patterns and need no escaping; descriptions go through the JSON string
    encoder. A publish does not render it whole: it splices its entries' lines (`_splice`).
    """
    lines = [_catalog_line(e) for e in catalog.skills]
    body = _SEP.decode().join(lines)
    skills = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "format_version": {catalog.format_version},\n  "skills": {skills}\n}}\n'.encode()


_string = json.JSONEncoder(ensure_ascii=False).encode
_mapping = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_HEAD = f'{{\n  "format_version": {FORMAT_VERSION},\n  "skills": [\n    '.encode()  # (Catalog's)
_SEP = b",\n    "  # between two entries: no entry holds a newline (strings are JSON-escaped)
_TAIL = b"\n  ]\n}\n"
_NAME = b'"name": "'  # only the last key of an entry has quotes unescaped before its value


def _catalog_line(e: CatalogEntry) -> str:
    return (
        f'{{"deprecated": {"true" if e.deprecated else "false"}, '
        f'"description": {_string(e.description)}, '
        f'"latest": {f"{chr(34)}{e.latest}{chr(34)}" if e.latest else "null"}, '
        f'"metadata": {_mapping(e.metadata)}, "name": "{e.name}"}}'
    )


def _line_name(line: bytes) -> bytes:
    """The name of an entry line as `render_catalog` writes it; ValueError for anything else."""
    if not (line.startswith(b'{"deprecated": ') and line.endswith(b'"}')):
        raise ValueError("not an entry line")
    return line[line.rindex(_NAME) + len(_NAME) : -2]


def _catalog_lines(raw: bytes) -> list[bytes] | None:
    """The entry lines of a non-empty catalog spelled as `render_catalog` spells it, else None."""
    if not (raw.startswith(_HEAD) and raw.endswith(_TAIL)) or len(raw) <= len(_HEAD + _TAIL):
        return None
    return raw[len(_HEAD) : -len(_TAIL)].split(_SEP)


def _splice(raw: bytes, entries: dict[str, CatalogEntry | None]) -> bytes | None:
    """`raw` with the lines of `entries`' names replaced, added (in name order) or removed (None),
    the other lines' bytes untouched: the same bytes `render_catalog` would give for the parsed
    catalog so changed, found by a binary search instead of parsing 10,000 entries. None when
    `raw` is not spelled as `render_catalog` spells it (then the caller parses it)."""
    import bisect

    lines = _catalog_lines(raw)
    if lines is None:
        return None
    try:
        for name, entry in sorted(entries.items()):
            key = name.encode()
            at = bisect.bisect_left(lines, key, key=_line_name)
            found = at < len(lines) and _line_name(lines[at]) == key
            if entry is not None:
                lines[at : at + found] = [_catalog_line(entry).encode()]
            elif found:
                del lines[at]
    except ValueError:
        return None
    if not lines:
        return render_catalog(Catalog())
    return b"".join((_HEAD, _SEP.join(lines), _TAIL))


def _catalog_count(raw: bytes | None) -> int | None:
    """How many entries the catalog `raw` has (None: missing or unreadable)."""
    if raw is not None and raw.startswith(_HEAD) and raw.endswith(_TAIL):
        return raw.count(_SEP) + 1  # (an entry never holds the separator: see `_SEP`)
    current = _parse_catalog(raw)
    return None if current is None else len(current.skills)


def _page(intro: str, table: str) -> bytes:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Skill registry</title>\n</head>\n<body>\n"
        f"<h1>Skill registry</h1>\n<p>{intro}</p>\n<table>\n{table}\n</table>\n</body>\n</html>\n"
    ).encode()


def render_html(catalog: Catalog | int) -> bytes:
    """The home page of the web catalog (`skillreg.registry.site`): search, facets, counts (it
    needs only the number of skills, which may be given instead of the catalog)."""
    from skillreg.registry.site.home import render_home

    return render_home(catalog if isinstance(catalog, int) else len(catalog.skills))


def render_shard_page(keys: Iterable[str]) -> bytes:
    """The page of a sharded registry: one link per catalog shard, so that it changes only when
    a shard is added, never on an ordinary publish."""
    # Shard keys match [a-z0-9-]{1,3}: nothing to escape.
    rows = [f'<tr><td><a href="{shards.shard_path(k)}">{k}</a></td></tr>' for k in sorted(keys)]
    intro = (
        'Machine-readable: <a href="registry.json">registry.json</a>; the catalog, by the first'
        " three characters of each skill's name:"
    )
    return _page(intro, "<tbody>\n" + "\n".join(rows) + "\n</tbody>")


# -- the single catalog ------------------------------------------------------------------------


def read_catalog(reg: RegistryStore) -> Catalog | None:
    """The single catalog, or None when it is missing or unreadable (then it is rebuilt)."""
    stored = reg.storage.read(CATALOG_FILE)
    return _parse_catalog(stored.data if stored else None)


def _parse_catalog(raw: bytes | None) -> Catalog | None:
    try:
        return None if raw is None else Catalog.model_validate_json(raw)
    except validation_error():
        return None


def _update_single(reg: RegistryStore, names: set[str]) -> list[str]:
    def catalog(raw: bytes | None) -> bytes:
        # The documents are read after the catalog: see the module docstring.
        entries = {
            n: catalog_entry(doc) if (doc := reg.read_doc(n)) else None for n in sorted(names)
        }
        spliced = _splice(raw, entries) if raw is not None else None
        if spliced is not None:
            return spliced
        current = _parse_catalog(raw)
        if current is None:
            return render_catalog(build_catalog(reg))
        kept = {e.name: e for e in current.skills}
        for name, entry in entries.items():
            if entry is None:
                kept.pop(name, None)
            else:
                kept[name] = entry
        return render_catalog(Catalog(skills=[kept[n] for n in sorted(kept)]))

    def page(_raw: bytes | None) -> bytes:
        stored = reg.storage.read(CATALOG_FILE)
        count = _catalog_count(stored.data if stored else None)
        return render_html(count if count is not None else build_catalog(reg))

    written = [CATALOG_FILE] if reg.update(CATALOG_FILE, catalog, Kind.DERIVED) else []
    return written + ([HTML_FILE] if reg.update(HTML_FILE, page, Kind.DERIVED) else [])


def build_catalog(reg: RegistryStore) -> Catalog:
    """The catalog computed from every document under ``index/``."""
    entries = [catalog_entry(doc) for doc in all_documents(reg)]
    return Catalog(skills=sorted(entries, key=lambda e: e.name))


def iter_documents(root: Path) -> Iterator[Path]:
    """Every ``*.json`` under ``index/`` of the registry folder `root` (temp files, which start
    with a dot, are skipped). A folder named like a document is yielded too, so that reading it
    fails loudly instead of the skill silently dropping out."""
    for dirpath, dirnames, filenames in os.walk(root / "index"):
        dirnames.sort()
        for fname in sorted([*filenames, *(d for d in dirnames if d.endswith(".json"))]):
            if fname.endswith(".json") and not fname.startswith("."):
                yield Path(dirpath, fname)


def all_documents(reg: RegistryStore) -> Iterator[SkillDocument]:
    """Every document, by name; a `RegistryError` for one that is not where its name puts it."""
    for key in reg.storage.keys("index/"):
        name = key.rsplit("/", 1)[-1].removesuffix(".json")
        stored = reg.storage.read(key) if key.endswith(".json") else None
        doc = reg.parse_doc(name, stored.data) if stored and is_skill_name(name) else None
        if doc is None or index_path(doc.name) != key:
            raise RegistryError(
                f"{reg.location}/{key}: not a skill document where its name puts it;"
                " move or remove it",
                path=f"{reg.location}/{key}",
            )
        yield doc


# -- the sharded catalog -----------------------------------------------------------------------


def parse_shard(raw: bytes | None) -> CatalogShard | None:
    try:
        return None if raw is None else CatalogShard.model_validate_json(raw)
    except validation_error():
        return None


def parse_terms(raw: bytes | None) -> SearchShard | None:
    try:
        return None if raw is None else SearchShard.model_validate_json(raw)
    except validation_error():
        return None


def _update_sharded(reg: RegistryStore, names: set[str]) -> list[str]:
    """Search shards first, the catalog shards last: an entry that is current (its serial is
    the document's) then vouches for the search shards too, which is how `verify` reads it."""
    by_shard: dict[str, set[str]] = {}
    by_term: dict[str, set[str]] = {}
    for name in names:
        by_shard.setdefault(shards.shard_key(name), set()).add(name)
        doc = reg.read_doc(name)
        old = _current_entry(reg, name)
        affected = (shards.entry_words(old) if old else set()) | (
            shards.entry_words(catalog_entry(doc)) if doc else set()
        )
        for word in affected:
            by_term.setdefault(shards.term_key(word), set()).add(name)
    written = _converge(reg, {shards.terms_path(k): (k, v) for k, v in by_term.items()}, terms=True)
    shard_keys = {shards.shard_path(k): (k, v) for k, v in by_shard.items()}
    created = [k for k in shard_keys if not reg.storage.exists(k)]
    pause_point("before-shard")
    written += _converge(reg, shard_keys, terms=False)
    if created and reg.update(HTML_FILE, lambda _raw: shard_page(reg), Kind.DERIVED):
        written.append(HTML_FILE)
    return written


def _converge(
    reg: RegistryStore, files: dict[str, tuple[str, set[str]]], *, terms: bool
) -> list[str]:
    """Bring every file of `files` (key -> shard key, names it must reflect) up to date.

    Each round reads the files still to do, *then* the documents, and writes each file
    conditionally; a file whose write lost a race is done again next round. Reading the
    documents once per round (not once per file) keeps a publish at a few dozen requests.
    """
    written: list[str] = []
    todo = sorted(files)
    for attempt in range(MAX_ATTEMPTS):
        stored = {key: reg.storage.read(key) for key in todo}
        wanted = {n for key in todo for n in files[key][1]}
        docs = {n: reg.read_doc(n) for n in sorted(wanted)}
        lost = []
        for key in todo:
            current = stored[key]
            raw = current.data if current else None
            shard_key, group = files[key]
            step = _terms_bytes if terms else _shard_bytes
            new = step(raw, shard_key, {n: docs[n] for n in group})
            if new is None or new == raw:
                continue
            try:
                etag = current.etag if current else None
                reg.storage.write(key, new, Kind.DERIVED, etag=etag, create=current is None)
                written.append(key)
            except WriteConflict:
                lost.append(key)
        if not lost:
            return written
        todo = lost
        backoff(attempt)
    raise RegistryError(f"{reg.location}: derived files still changing under other writers")


def _current_entry(reg: RegistryStore, name: str) -> ShardEntry | None:
    stored = reg.storage.read(shards.shard_path(shards.shard_key(name)))
    shard = parse_shard(stored.data if stored else None)
    return next((e for e in shard.skills if e.name == name), None) if shard else None


def _shard_bytes(
    raw: bytes | None, key: str, docs: dict[str, SkillDocument | None]
) -> bytes | None:
    shard = parse_shard(raw) if raw is not None else CatalogShard(shard=key)
    if shard is None:  # damaged: left for `verify` to report and `reindex` to rebuild
        return None
    entries = {name: shard_entry(doc) if doc else None for name, doc in docs.items()}
    return shards.render(shards.with_entries(shard, entries))


def _terms_bytes(
    raw: bytes | None, key: str, docs: dict[str, SkillDocument | None]
) -> bytes | None:
    shard = parse_terms(raw) if raw is not None else SearchShard(term=key)
    if shard is None:
        return None
    wanted = {n: shards.entry_words(catalog_entry(d)) if d else set() for n, d in docs.items()}
    return shards.render(shards.with_postings(shard, wanted))


def shard_page(reg: RegistryStore) -> bytes:
    keys = [
        k.removeprefix("catalog/").removesuffix(".json")
        for k in reg.storage.keys("catalog/")
        if k.count("/") == 1 and k.endswith(".json")
    ]
    return render_shard_page(keys)


# -- entry points ------------------------------------------------------------------------------


def update_derived(
    reg: RegistryStore, names: Iterable[str], progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """Refresh the derived entries of `names` from their documents; the keys rewritten.

    A registry in a folder also gets the pages of `names` in its web catalog (`site`), under
    the registry lock: the site's search shards are read-modify-writes of their own."""
    wanted = set(names)
    if reg.require().sharded:
        return _update_sharded(reg, wanted)
    written = _update_single(reg, wanted)
    if not isinstance(reg, FolderRegistry):
        return written
    with reg.registry_lock():
        return written + site_summary(
            update_site(
                reg, wanted, lambda: read_catalog(reg) or build_catalog(reg), summary, progress
            )
        )


def expected_files(reg: RegistryStore, docs: Iterable[SkillDocument]) -> dict[str, bytes]:
    """Every derived file `reindex` would write for `docs`, by key."""
    docs = list(docs)
    if not reg.require().sharded:
        catalog = Catalog(skills=[catalog_entry(d) for d in sorted(docs, key=lambda d: d.name)])
        return {CATALOG_FILE: render_catalog(catalog), HTML_FILE: render_html(catalog)}
    by_shard, by_term = shards.build(shard_entry(d) for d in docs)
    files = {shards.shard_path(k): shards.render(v) for k, v in by_shard.items()}
    files |= {shards.terms_path(k): shards.render(v) for k, v in by_term.items()}
    return files | {HTML_FILE: render_shard_page(by_shard)}


def rebuild_derived(reg: RegistryStore) -> list[str]:
    """`reindex`: recompute every derived file from the documents; the keys rewritten (with
    one ``site/`` entry for a folder's web catalog)."""
    from skillreg.registry.changes import record_changes

    upgraded = reg.upgrade_root()
    root = reg.require()
    docs = list(all_documents(reg))
    files = expected_files(reg, docs)
    rewritten = [k for k, data in sorted(files.items()) if reg.write_file(k, data, Kind.DERIVED)]
    # Derived files out of date: documents changed that the log may not list (hand edits).
    logged = record_changes(reg, (), rebuild=True, everything=bool(rewritten))
    written = upgraded + sorted(rewritten + logged)
    if root.sharded or not isinstance(reg, FolderRegistry):
        return written
    catalog = Catalog(skills=sorted((catalog_entry(d) for d in docs), key=lambda e: e.name))
    del docs, files  # the site's workers read the documents again
    with reg.registry_lock():
        return written + site_summary(build_site(reg, catalog))


def write_derived(reg: RegistryStore, catalog: Catalog) -> list[str]:
    """Write the single catalog and the home page; the paths whose bytes changed."""
    changed = []
    if reg.write_file(CATALOG_FILE, render_catalog(catalog)):
        changed.append(CATALOG_FILE)
    if reg.write_file(HTML_FILE, render_html(catalog)):
        changed.append(HTML_FILE)
    return changed


def rebuild_site(target: str) -> list[str]:
    """`skill registry site`: the home page and every page and shard of the web catalog of the
    registry folder `target`, from the documents (the catalog is `reindex`'s); the paths whose
    bytes changed."""
    reg = FolderRegistry(registry_folder(target))
    if reg.require().sharded:
        raise RegistryError(
            f"{reg.location}: a sharded catalog; the web catalog is built for registries with"
            " one catalog.json",
            path=reg.location,
        )
    with reg.registry_lock():
        catalog = build_catalog(reg)
        home = [HTML_FILE] if reg.write_file(HTML_FILE, render_html(catalog)) else []
        return home + build_site(reg, catalog)
