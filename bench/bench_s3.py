"""Benchmark: a registry in an S3 bucket (SeaweedFS on 127.0.0.1) beside one in a folder.

1. Publish: builds a 10,000-skill registry (synthetic documents and bundles written directly,
   then one `reindex`) in a bucket and in a folder, then publishes one new version of one skill
   into each through the library, counting the requests made and the objects written.
2. Search: synthesises the catalog of 100,000 skills (descriptions drawn from the shared corpus
   when it is beside the project, else from a fixed vocabulary), writes it both as one
   ``catalog.json`` and as the sharded catalog, serves each over HTTP on 127.0.0.1, and counts
   the bytes `skill search` downloads for a few queries.

Prints figures only; targets: publish <= 1.5 s with O(1) objects written besides derived shards,
search <= 1 MB. Usage: .venv/bin/python bench/bench_s3.py [--skills N] [--search-skills N]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skillreg.bundle.pack import BundleFile, build_bundle
from skillreg.core.jsonio import dump_json
from skillreg.registry import shards
from skillreg.registry.derived import rebuild_derived, render_catalog, render_shard_page
from skillreg.registry.model import (
    ROOT_FILE,
    SHARD_TEMPLATE,
    TERMS_TEMPLATE,
    Catalog,
    CatalogEntry,
    RegistryRoot,
    ShardEntry,
    SkillDocument,
    VersionEntry,
    blob_path,
    index_path,
)
from skillreg.registry.publish import PublishOptions, publish
from skillreg.registry.storage.base import Kind
from skillreg.registry.storage.s3 import S3Storage
from skillreg.registry.store import RegistryStore, open_registry_store
from tests.s3_fixtures import CREDENTIALS, s3_client, start_seaweed, stop

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PUBLISHED = "2026-01-01T00:00:00Z"
_WORD = re.compile(r"[a-z0-9]+")
UNEVEN = "--uneven-names" in sys.argv


def skill_text(name: str, related: str = "") -> str:
    """A council-profile skill (as bench_publish.py writes them)."""
    sections = ["When to Apply", "Core Competencies", "Anti-Patterns to Avoid", "Constraints"]
    body = "".join(f"## {title}\n\n- One point about {title.lower()}\n\n" for title in sections)
    if related:
        body += f"## Related Skills\n\n- `{related}` - A neighbour in the registry\n"
    return (
        f"---\nname: {name}\ndescription: Synthetic skill {name} for the publish benchmark\n"
        '  \nmetadata:\n  version: "1.0.0"\n  tier: developer-specialization\n'
        "  category: core\n  council: code-review-council\n---\n\n"
        f"# {name}\n\nYou are a synthetic skill used to time publishing.\n\n{body}"
    )


def synthetic_name(i: int) -> str:
    # Hash-spread names, so the prefixes fill the way real, varied names would.
    return f"{hashlib.sha1(str(i).encode()).hexdigest()[:6]}-skill-{i}"


def fill(reg: RegistryStore, count: int) -> None:
    """`count` synthetic skills written straight into the registry, then the derived files."""
    reg.ensure_root()

    def one(i: int) -> None:
        name = synthetic_name(i)
        files = [BundleFile("SKILL.md", skill_text(name).encode())]
        bundle = build_bundle(name, "1.0.0", files)
        entry = VersionEntry(sha256=bundle.sha256, size=bundle.size, tar_sha256=bundle.tar_sha256,
                             tar_size=bundle.tar_size, description=f"Synthetic skill {name}",
                             published=PUBLISHED)  # fmt: skip
        doc = SkillDocument(
            name=name, serial=1, tags={"latest": "1.0.0"}, versions={"1.0.0": entry}
        )
        reg.storage.write(blob_path(bundle.sha256), bundle.data, Kind.BLOB)
        body = dump_json(doc.model_dump(mode="json"))
        reg.storage.write(index_path(name), body, Kind.DOCUMENT)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(count)))
    rebuild_derived(reg)


class Counter:
    """Counts S3 requests by operation, via botocore's event hooks."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.puts_ok = 0

    def install(self) -> None:
        real = S3Storage.from_url

        def from_url(target: str, *, endpoint_url: str | None = None) -> S3Storage:
            storage = real(target, endpoint_url=endpoint_url)
            events = storage.client.meta.events
            events.register("before-call.s3.*", self._before)
            events.register("after-call.s3.PutObject", self._put)
            return storage

        S3Storage.from_url = staticmethod(from_url)  # type: ignore[method-assign]

    def _before(self, event_name: str, **_: Any) -> None:
        op = event_name.rsplit(".", 1)[-1]
        self.calls[op] = self.calls.get(op, 0) + 1

    def _put(self, http_response: Any, **_: Any) -> None:
        self.puts_ok += http_response.status_code == 200


def new_skill(work: Path, name: str) -> Path:
    folder = work / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(skill_text(name, related=synthetic_name(7)))
    return folder


def bench_publish(count: int, work: Path) -> None:
    print(f"== publish one version into a {count:,}-skill registry ==")
    proc, endpoint = start_seaweed(work / "seaweed")
    try:
        s3_client(endpoint).create_bucket(Bucket="bench-registry")
        counter = Counter()
        counter.install()
        targets = [("s3", "s3://bench-registry", endpoint), ("folder", str(work / "reg"), None)]
        for label, target, url in targets:
            started = time.perf_counter()
            fill(open_registry_store(target, endpoint_url=url), count)
            print(f"{label}: setup {count:,} skills + reindex in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
            for i in range(3):
                before = dict(counter.calls), counter.puts_ok
                options = PublishOptions(registry=target, endpoint_url=url, profile="council")
                started = time.perf_counter()
                result = publish([new_skill(work / f"{label}-{i}", f"bench-new-{i}")], options)
                wall = time.perf_counter() - started
                calls = {k: v - before[0].get(k, 0) for k, v in counter.calls.items()}
                requests = f"{sum(calls.values())} requests {calls}, " if calls else ""
                written = f"{len(result.written)} objects written: {' '.join(result.written)}"
                print(f"  {label} run {i}: {wall:.2f} s, {requests}{written}")
    finally:
        stop(proc)


def descriptions() -> list[str]:
    found = []
    if CORPUS.is_dir():
        from skillreg.skill.parsed import parse_skill

        for path in sorted(CORPUS.rglob("SKILL.md"))[:2000]:
            try:
                text = parse_skill(path).description or ""
            except Exception:
                continue
            if text.strip():
                found.append(text.strip().splitlines()[0][:200])
    if found:
        return found
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(5000)]
    return [" ".join(rng.choice(vocab) for _ in range(15)) for _ in range(600)]


@contextmanager
def serve(folder: Path) -> Iterator[tuple[str, list[int]]]:
    sent = [0]

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, directory=str(folder), **kw)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def copyfile(self, source: Any, outputfile: Any) -> None:
            data = source.read()
            sent[0] += len(data)
            outputfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sent
    finally:
        server.shutdown()


def write_catalogs(count: int, base: Path) -> tuple[Path, Path]:
    rng = random.Random(2)
    texts = descriptions()
    entries = []
    for i in range(count):
        text = rng.choice(texts)
        word = (_WORD.findall(text.casefold()) or ["skill"])[0][:12]
        # Hash-spread prefixes, as bench_publish.py names its skills; names starting with the
        # description's first word instead (uneven shards) are a `--uneven-names` away.
        name = (
            f"{word}-{synthetic_name(i)[:4]}-{i}"
            if UNEVEN
            else f"{synthetic_name(i)[:4]}-{word}-{i}"
        )
        entries.append(ShardEntry(name=name, description=text, latest="1.0.0", serial=1))
    single, sharded = base / "single", base / "sharded"
    for folder in (single, sharded):
        folder.mkdir(parents=True)
    plain = RegistryRoot(format="skillreg-registry")
    (single / ROOT_FILE).write_bytes(dump_json(plain.model_dump(mode="json", exclude={"search"})))
    catalog = Catalog(skills=[catalog_entry_of(e) for e in sorted(entries, key=lambda e: e.name)])
    (single / "catalog.json").write_bytes(render_catalog(catalog))
    root = RegistryRoot(format="skillreg-registry", catalog=SHARD_TEMPLATE, search=TERMS_TEMPLATE)
    (sharded / ROOT_FILE).write_bytes(dump_json(root.model_dump(mode="json")))
    by_shard, by_term = shards.build(entries)
    for key, shard in by_shard.items():
        path = sharded / shards.shard_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(shards.render(shard))
    for key, terms in by_term.items():
        path = sharded / shards.terms_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(shards.render(terms))
    (sharded / "index.html").write_bytes(render_shard_page(by_shard))
    return single, sharded


def catalog_entry_of(entry: ShardEntry) -> CatalogEntry:
    return CatalogEntry.model_validate(entry.model_dump(exclude={"serial"}))


def bench_search(count: int, work: Path) -> None:
    print(f"\n== skill search on a {count:,}-skill registry ==")
    single, sharded = write_catalogs(count, work / "search")
    largest = max((p.stat().st_size, p.name) for p in (sharded / "catalog/terms").iterdir())
    print(f"catalog.json: {(single / 'catalog.json').stat().st_size / 1e6:.1f} MB; "
          f"shards: {len(list((sharded / 'catalog').glob('*.json')))} catalog, "
          f"{len(list((sharded / 'catalog/terms').iterdir()))} search, largest search shard "
          f"{largest[1]} {largest[0] / 1e3:.0f} kB")  # fmt: skip
    from skillreg.install.session import InstallOptions
    from skillreg.install.status import search

    for query in ("python", "kubernetes deploy", "code review", "test", "react components"):
        row = []
        for label, folder in (("single", single), ("sharded", sharded)):
            with serve(folder) as (url, sent):
                cache = work / f"cache-{label}-{query.replace(' ', '_')}"
                os.environ["XDG_CACHE_HOME"] = str(cache)
                options = InstallOptions(cwd=work, registry=url)
                started = time.perf_counter()
                total = search(options, query, None, 50).total
                wall = time.perf_counter() - started
            row.append(f"{label}: {sent[0] / 1e3:,.0f} kB, {wall:.2f} s, {total} hits")
        print(f"{query!r:22} " + "; ".join(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--search-skills", type=int, default=100_000)
    parser.add_argument("--uneven-names", action="store_true", help="names by description word")
    args = parser.parse_args()
    os.environ.update(CREDENTIALS)
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-s3-") as tmp:
        work = Path(tmp)
        os.chdir(work)  # lint reads the config above the current folder: stay outside the repo
        (work / "seaweed").mkdir()
        (work / "reg").mkdir()
        bench_search(args.search_skills, work)
        bench_publish(args.skills, work)


if __name__ == "__main__":
    main()
