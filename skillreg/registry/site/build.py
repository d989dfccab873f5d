"""Writing the catalog site: all of it (`reindex`, `skill registry site`), or what one publish
touched: that skill's page and record, the term shards of its changed tokens, and the pages of
skills whose "used by" list it joined or left.

Called with the registry lock held (the derived files' lock), after ``catalog.json``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from skillreg.registry.model import Catalog, SkillDocument
from skillreg.registry.site.content import SkillView, read_view
from skillreg.registry.site.files import SITE_DIR, SiteWriter
from skillreg.registry.site.layout import ASSETS, page_path
from skillreg.registry.site.search import Record, SearchIndex
from skillreg.registry.site.skill_page import render_skill_page
from skillreg.registry.store import FolderRegistry

ASSET_FILES = ("site.css", "site.js")
_MAX_SUMMARY = 300
_BATCH = 256  # pages per task of a full build
_MAX_WORKERS = 4


def build_site(
    reg: FolderRegistry, catalog: Catalog, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """Every page and shard from the documents; removes pages of skills no longer there.

    Pages are rendered in worker processes when there are many (rendering Markdown is most of
    the cost and each page is independent); records come back in name order, so ids do not
    depend on how the work was split.
    """
    writer = SiteWriter(reg.root)
    _write_assets(writer)
    # Each document is read here for its Related Skills only, and again by the worker that
    # renders its page: none is held while the workers run.
    related = {
        e.name: _related(doc) for e in catalog.skills if (doc := reg.read_doc(e.name)) is not None
    }
    summaries = {e.name: e.description for e in catalog.skills}
    used_by: dict[str, list[str]] = {name: [] for name in related}
    for name, targets in related.items():
        for target in targets:
            if target in used_by and target != name:
                used_by[target].append(name)
    names = sorted(related)
    kept = set(related)
    del related
    batches = [
        (names[i : i + _BATCH], {n: summaries[n] for n in names[i : i + _BATCH]})
        for i in range(0, len(names), _BATCH)
    ]
    index = SearchIndex(writer, fresh=True)
    done = 0
    for records, changed in _map_batches(reg.root, batches, used_by, kept):
        for record in records:
            index.put(record)
        writer.changed += changed
        done += len(records)
        if progress is not None:
            progress(done, len(names))
    index.flush()
    _remove_stale_pages(writer, kept)
    return writer.changed


def _map_batches(
    root: Path,
    batches: list[tuple[list[str], dict[str, str]]],
    used_by: dict[str, list[str]],
    names: set[str],
) -> Iterator[tuple[list[Record], list[str]]]:
    workers = min(os.cpu_count() or 1, _MAX_WORKERS, len(batches))
    if workers < 2:
        for batch, summaries in batches:
            yield _render_batch(root, batch, summaries, used_by, names)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked worker would carry the parent's whole heap (a publish of 10,000
    # skills has parsed all of them), counted again in every worker's resident memory; a fresh
    # one imports what rendering needs (~0.5 s once, ~50 MB) and gets its batches as arguments.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [
            pool.submit(
                _render_batch, root, batch, summaries, {n: used_by[n] for n in batch}, names
            )
            for batch, summaries in batches
        ]
        for future in futures:
            yield future.result()


def _render_batch(
    root: Path,
    batch: list[str],
    summaries: dict[str, str],
    used_by: dict[str, list[str]],
    names: set[str],
) -> tuple[list[Record], list[str]]:
    """Render the pages of `batch` (in a worker or inline); their records and the paths written."""
    reg = FolderRegistry(root)
    writer = SiteWriter(root)
    records = []
    for name in batch:
        doc = reg.read_doc(name)
        if doc is None:  # removed since the catalog was read: the next update drops it
            continue
        view = read_view(reg, doc)
        record = make_record(view, summaries[name], sorted(used_by[name]))
        records.append(record)
        writer.write(page_path(name), render_skill_page(view, record[8], names.__contains__))
    return records, writer.changed


def site_summary(changed: list[str]) -> list[str]:
    """How publish and reindex report the site: one ``site/`` entry, not thousands of files."""
    return [f"{SITE_DIR}/"] if changed else []


def update_site(
    reg: FolderRegistry,
    names: Iterable[str],
    catalog: Callable[[], Catalog],
    summary: Callable[[SkillDocument], str],
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Refresh the pages and shards of `names`, each described by `summary` of its document
    (the catalog's one line); a full build from `catalog()` when the site is missing."""
    writer = SiteWriter(reg.root)
    index = SearchIndex.load(writer)
    if index is None or not all((reg.root / ASSETS / f).is_file() for f in ASSET_FILES):
        return build_site(reg, catalog(), progress)
    _write_assets(writer)  # a newer skillreg's script and styles (unchanged bytes are skipped)
    views: dict[str, SkillView] = {}
    touched: set[str] = set()
    for name in sorted(set(names)):
        doc = reg.read_doc(name)
        old = index.record(name)
        before = set(old[7]) if old else set()
        if doc is None:
            index.remove(name)
            writer.remove(page_path(name))
            after: set[str] = set()
        else:
            views[name] = view = read_view(reg, doc)
            index.put(make_record(view, summary(doc), old[8] if old else []))
            after = set(view.related)
            touched.add(name)
        touched |= _relink(index, name, before, after)
    for name in sorted(touched):
        view_or_none = views.get(name) or _view_of(reg, name)
        record = index.record(name)
        if view_or_none is not None and record is not None:
            page = render_skill_page(view_or_none, record[8], index.ids.__contains__)
            writer.write(page_path(name), page)
    index.flush()
    return writer.changed


def _relink(index: SearchIndex, name: str, before: set[str], after: set[str]) -> set[str]:
    """Move `name` into or out of the "used by" lists of skills it stopped or started naming."""
    changed = set()
    for target in before ^ after:
        record = index.record(target)
        if record is None or target == name:
            continue
        users = set(record[8])
        users.add(name) if target in after else users.discard(name)
        index.put([*record[:8], sorted(users)])
        changed.add(target)
    return changed


def _view_of(reg: FolderRegistry, name: str) -> SkillView | None:
    doc = reg.read_doc(name)
    return read_view(reg, doc) if doc is not None else None


def make_record(view: SkillView, summary: str, used_by: list[str]) -> Record:
    facets = view.facets
    doc = view.doc
    return [
        doc.name,
        summary[:_MAX_SUMMARY],
        doc.tags.get("latest"),
        1 if doc.deprecated is not None else 0,
        facets.get("tier"),
        facets.get("council"),
        facets.get("category"),
        sorted(set(view.related)),
        used_by,
    ]


def _related(doc: SkillDocument) -> list[str]:
    from skillreg.registry.site.content import shown_version

    shown = shown_version(doc)
    return list(doc.versions[shown].related) if shown else []


def _write_assets(writer: SiteWriter) -> None:
    # The package's own folder when it is one (as installed); importlib.resources otherwise (a
    # zip), which costs ~10 ms of start-up to import for every publish, yank and deprecate.
    folder: Any = Path(__file__).parent / "static"
    if not folder.is_dir():
        from importlib import resources

        folder = resources.files("skillreg.registry.site") / "static"
    for name in ASSET_FILES:
        writer.write(f"{ASSETS}/{name}", (folder / name).read_bytes())


def _remove_stale_pages(writer: SiteWriter, names: set[str]) -> None:
    folder = writer.root / SITE_DIR / "skills"
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.html")):
        if path.name.removesuffix(".html") not in names:
            writer.remove(Path(path).relative_to(writer.root).as_posix())
