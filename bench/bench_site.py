"""Benchmark: the web catalog's generation time and the home page's first-load weight.

Builds a registry of N synthetic skills (default 10,000: real bundles and documents, each with a
SKILL.md of a few sections and varied descriptions and facets), then:

- times a full site build (`build_site`: every page and shard), wall and CPU seconds;
- times what one publish adds (`update_derived` for one new version: catalog + site), median of 5,
  and counts the site files it rewrote;
- weighs the home page's first load (index.html, site.css, site.js, facets.json) gzip-compressed,
  and what a first query loads after it (its term shards, one record chunk, columns.json).

With ``--search-only N`` it builds only the search shards for N skills (no bundles, no pages),
which is what the home page's weight depends on: that is how the 100,000 figure is measured.
Prints figures only; goals: full site for 10,000 <= 20 s, one publish <= 0.5 s added, home
first load <= 150 KB compressed.
Usage: .venv/bin/python bench/bench_site.py [--skills N] [--search-only N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skillreg.bundle.pack import BundleFile, build_bundle
from skillreg.core.jsonio import dump_json
from skillreg.registry import derived
from skillreg.registry.derived import build_catalog, update_derived, write_derived
from skillreg.registry.edit import add_version
from skillreg.registry.model import ROOT_FILE, RegistryRoot, VersionEntry, blob_path, index_path
from skillreg.registry.site.build import build_site
from skillreg.registry.site.files import SiteWriter
from skillreg.registry.site.search import SEARCH_DIR, SearchIndex
from skillreg.registry.store import FolderRegistry

PUBLISHED = "2026-01-01T00:00:00Z"
SYLLABLES = [c + v for c in "bdfgkmnprstvz" for v in "aeiou"]
TIERS = ["core", "developer-specialization", "platform", "data", "research"]
COUNCILS = [f"council-{i}" for i in range(12)]
CATEGORIES = [f"category-{i}" for i in range(40)]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    return sorted(words)


def synthetic(rng: random.Random, words: list[str], i: int) -> tuple[str, str, dict[str, str]]:
    name = f"{rng.choice(words)}-{rng.choice(words)}-{i}"
    # Zipf-like: a few words are common, most are rare, as in real descriptions.
    description = " ".join(words[int(rng.paretovariate(1.1)) % len(words)] for _ in range(14))
    facets = {"tier": rng.choice(TIERS), "council": rng.choice(COUNCILS)}
    facets["category"] = rng.choice(CATEGORIES)
    return name, description, facets


def skill_text(name: str, description: str, facets: dict[str, str], version: str) -> str:
    meta = "".join(f"  {k}: {v}\n" for k, v in facets.items())
    sections = ["When to Apply", "Core Competencies", "Anti-Patterns to Avoid", "Constraints"]
    body = "".join(
        f"## {t}\n\n- One point about {t.lower()}\n- Another, with `code` and a [link](https://example.org)\n\n"
        for t in sections
    )
    return (
        f'---\nname: {name}\ndescription: {description}\nmetadata:\n  version: "{version}"\n'
        f"{meta}---\n\n# {name}\n\nYou are a synthetic skill.\n\n{body}"
    )


def write_skill(root: Path, name: str, text: str, version: str, description: str) -> None:
    reg = FolderRegistry(root)
    bundle = build_bundle(name, version, [BundleFile("SKILL.md", text.encode())])
    blob = root / blob_path(bundle.sha256)
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(bundle.data)
    entry = VersionEntry(sha256=bundle.sha256, size=bundle.size, tar_sha256=bundle.tar_sha256,
                         tar_size=bundle.tar_size, description=description,
                         published=PUBLISHED)  # fmt: skip
    doc = add_version(reg.read_doc(name), name, version, entry)
    path = root / index_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dump_json(doc.model_dump(mode="json")))


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the build's worker processes):
    unlike wall time, it does not grow when other work shares the machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def timed_site_update(times: list[float]) -> Iterator[None]:
    """Time the site's part of `update_derived` (its `update_site` call) on its own."""
    from unittest import mock

    original = vars(derived)["update_site"]

    def timed(*args: Any) -> list[str]:
        start = time.perf_counter()
        try:
            result: list[str] = original(*args)
            return result
        finally:
            times.append(time.perf_counter() - start)

    with mock.patch.object(derived, "update_site", timed):
        yield


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def weigh(root: Path, query_words: list[str]) -> None:
    home = [
        "index.html",
        "site/assets/site.css",
        "site/assets/site.js",
        f"{SEARCH_DIR}/facets.json",
    ]
    sizes = {rel: gz(root / rel) for rel in home if (root / rel).is_file()}
    for rel, size in sizes.items():
        print(f"  {rel}: {size / 1024:.1f} KB gz")
    print(f"home first load: {sum(sizes.values()) / 1024:.1f} KB compressed (goal <= 150 KB)")
    for word in query_words:
        shard = root / SEARCH_DIR / "t" / f"{word[:2]}.json"
        chunk = root / SEARCH_DIR / "r" / "0.json"
        columns = root / SEARCH_DIR / "columns.json"
        print(
            f"first query {word!r}: term shard {gz(shard) / 1024:.1f} KB gz, a record chunk "
            f"{gz(chunk) / 1024:.1f} KB gz, columns.json (once) {gz(columns) / 1024:.1f} KB gz"
        )


def search_only(count: int, work: Path) -> None:
    rng = random.Random(7)
    words = vocabulary(rng)
    (work / "index.html").write_bytes(b"")
    start = time.perf_counter()
    index = SearchIndex(SiteWriter(work), fresh=True)
    records = [synthetic(rng, words, i) for i in range(count)]
    for name, description, facets in sorted(records):
        index.put([name, description, "1.0.0", 0, facets["tier"], facets["council"],
                   facets["category"], [], []])  # fmt: skip
    index.flush()
    print(f"search shards for {count} skills in {time.perf_counter() - start:.1f} s")
    from skillreg.registry.site.build import _write_assets
    from skillreg.registry.site.home import render_home

    _write_assets(SiteWriter(work))
    (work / "index.html").write_bytes(render_home(count))
    weigh(work, [words[1], words[len(words) // 2]])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--search-only", type=int, metavar="N")
    parser.add_argument("--keep", type=Path, help="build the registry here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    if args.search_only:
        search_only(args.search_only, work)
        return
    root = work / "registry"
    root.mkdir(parents=True, exist_ok=True)
    (root / ROOT_FILE).write_bytes(
        dump_json(RegistryRoot(format="skillreg-registry").model_dump(mode="json"))
    )
    rng = random.Random(7)
    words = vocabulary(rng)
    start = time.perf_counter()
    made = [synthetic(rng, words, i) for i in range(args.skills)]
    for name, description, facets in made:
        write_skill(
            root, name, skill_text(name, description, facets, "1.0.0"), "1.0.0", description
        )
    reg = FolderRegistry(root)
    catalog = build_catalog(reg)
    write_derived(reg, catalog)
    print(f"built registry of {args.skills} skills in {time.perf_counter() - start:.1f} s")

    print(f"load average at start: {os.getloadavg()[0]:.1f} (figures under load are inflated)")
    start, cpu = time.perf_counter(), cpu_seconds()
    written = build_site(reg, catalog)
    print(
        f"full site build: {time.perf_counter() - start:.1f} s wall, "
        f"{cpu_seconds() - cpu:.1f} s CPU (all processes), {len(written)} files (goal <= 20 s)"
    )

    name, description, facets = made[len(made) // 2]
    times: list[float] = []
    site_times: list[float] = []
    rewritten: list[int] = []
    for i in range(5):
        version = f"1.1.{i}"
        changed = f"{description} {rng.choice(words)}"
        write_skill(root, name, skill_text(name, changed, facets, version), version, changed)
        site_before = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}
        measured = time.perf_counter()
        with timed_site_update(site_times):
            update_derived(reg, [name])
        times.append(time.perf_counter() - measured)
        after = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}
        rewritten.append(sum(1 for p in after if site_before.get(p) != after[p]))
    print(
        f"one publish's derived update (catalog + home + site), median of 5: "
        f"{statistics.median(times):.3f} s, "
        f"of which the site: {statistics.median(site_times):.3f} s "
        f"(goal <= 0.5 s added); site files rewritten: {rewritten}"
    )
    weigh(root, [words[1], words[len(words) // 2]])


if __name__ == "__main__":
    main()
