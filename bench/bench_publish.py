"""Benchmark: publishing into, and reindexing, a registry of many skills.

Builds a registry of N synthetic skills (default 10,000: real bundles and documents written
directly, then one `reindex`), then times:

- publishing one new version of one skill through the library (lint, pack, lock, write), and the
  same through the CLI in a fresh process; checks that no file of any other skill changed;
- a full `reindex` (catalog.json + index.html from every document);
- a full `verify` (every document and bundle).

Prints figures only; targets: publish <= 0.5 s, reindex <= 60 s.
Usage: .venv/bin/python bench/bench_publish.py [--skills N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from skillreg.bundle.pack import BundleFile, build_bundle
from skillreg.core.jsonio import dump_json
from skillreg.registry.derived import rebuild_derived
from skillreg.registry.model import (
    ROOT_FILE,
    RegistryRoot,
    SkillDocument,
    VersionEntry,
    blob_path,
    index_path,
)
from skillreg.registry.publish import PublishOptions, publish
from skillreg.registry.store import open_registry_store
from skillreg.registry.verify import verify

PUBLISHED = "2026-01-01T00:00:00Z"


def skill_text(name: str, version: str, related: str = "") -> str:
    """A council-profile skill; `related` names a skill already in the registry."""
    sections = ["When to Apply", "Core Competencies", "Anti-Patterns to Avoid", "Constraints"]
    body = "".join(f"## {title}\n\n- One point about {title.lower()}\n\n" for title in sections)
    if related:
        body += f"## Related Skills\n\n- `{related}` - A neighbour in the registry\n"
    return (
        f"---\nname: {name}\ndescription: Synthetic skill {name} for the publish benchmark\n"
        f'metadata:\n  version: "{version}"\n  tier: developer-specialization\n'
        "  category: core\n  council: code-review-council\n---\n\n"
        f"# {name}\n\nYou are a synthetic skill used to time publishing.\n\n{body}"
    )


def synthetic_name(i: int) -> str:
    # Hash-spread names, so the prefix folders fill the way real, varied names would.
    return f"{hashlib.sha1(str(i).encode()).hexdigest()[:6]}-skill-{i}"


def build_registry(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / ROOT_FILE).write_bytes(
        dump_json(RegistryRoot(format="skillreg-registry").model_dump(mode="json"))
    )
    for i in range(count):
        name = synthetic_name(i)
        bundle = build_bundle(
            name, "1.0.0", [BundleFile("SKILL.md", skill_text(name, "1.0.0").encode())]
        )
        blob = root / blob_path(bundle.sha256)
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(bundle.data)
        entry = VersionEntry(sha256=bundle.sha256, size=bundle.size, tar_sha256=bundle.tar_sha256,
                             tar_size=bundle.tar_size, description=f"Synthetic skill {name}",
                             published=PUBLISHED)  # fmt: skip
        doc = SkillDocument(
            name=name, serial=1, tags={"latest": "1.0.0"}, versions={"1.0.0": entry}
        )
        path = root / index_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump_json(doc.model_dump(mode="json")))
    rebuild_derived(open_registry_store(str(root)))


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            st = os.stat(os.path.join(dirpath, f))
            out[os.path.relpath(os.path.join(dirpath, f), root)] = (st.st_mtime_ns, st.st_size)
    return out


def timed_publish(root: Path, work: Path, name: str, version: str, cli: bool) -> float:
    folder = work / f"{version}-{'cli' if cli else 'lib'}" / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(skill_text(name, version, related=synthetic_name(1)))
    start = time.perf_counter()
    if cli:
        cmd = [sys.executable, "-m", "skillreg", "publish", str(folder), "--to", str(root)]
        subprocess.run(cmd, check=True, capture_output=True)
    else:
        publish([folder], PublishOptions(registry=str(root)))
    return time.perf_counter() - start


def check_untouched(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]],
                    allowed: set[str]) -> list[str]:  # fmt: skip
    return sorted(p for p in before.keys() | after.keys()
                  if before.get(p) != after.get(p) and p not in allowed
                  and not p.startswith(".locks"))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skills", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build the registry here and keep it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    root = args.keep or work / "registry"

    start = time.perf_counter()
    build_registry(root, args.skills)
    print(f"built registry of {args.skills} skills in {time.perf_counter() - start:.1f} s")

    name = synthetic_name(args.skills // 2)
    runs = (
        ("library, first call: lazy imports included", ["1.1.0"], False),
        ("library, warm, median of 5", [f"1.2.{i}" for i in range(5)], False),
        ("CLI, fresh process, median of 3", [f"1.3.{i}" for i in range(3)], True),
    )
    for label, versions, cli in runs:
        times, stray_total = [], 0
        for version in versions:
            before = snapshot(root)
            times.append(timed_publish(root, work, name, version, cli))
            after = snapshot(root)
            new_blobs = {p for p in after.keys() - before.keys() if p.startswith("blobs/")}
            allowed = {index_path(name), "catalog.json", "index.html", *new_blobs}
            stray = check_untouched(before, after, allowed)
            stray_total += len(stray)
            if stray:
                print("  unexpected changes:", stray[:5])
        print(
            f"publish one new version ({label}): {statistics.median(times):.3f} s "
            f"(target <= 0.5 s); other skills' files changed: {stray_total}"
        )

    (root / "catalog.json").unlink()
    start = time.perf_counter()
    rebuild_derived(open_registry_store(str(root)))
    print(f"full reindex: {time.perf_counter() - start:.2f} s (target <= 60 s)")

    start = time.perf_counter()
    report = verify(str(root))
    print(f"full verify: {time.perf_counter() - start:.2f} s, ok={report.ok}, "
          f"{report.versions} versions, {report.blobs} bundles")  # fmt: skip

    files = [Path(d, f) for d, _s, fs in os.walk(root) for f in fs if ".locks" not in d]
    sizes = {p: p.stat().st_size for p in files}
    on_disk = sum(p.stat().st_blocks * 512 for p in files)
    largest = max(sizes, key=lambda p: sizes[p])
    index_dirs = {p.parent for p in files if "index" in p.relative_to(root).parts[:1]}
    per_dir = max(sum(1 for _ in d.iterdir()) for d in index_dirs)
    print(
        f"registry: {len(files)} files, {sum(sizes.values()) / 1e6:.1f} MB apparent, "
        f"{on_disk / 1e6:.1f} MB on disk; largest file {largest.relative_to(root)} "
        f"{sizes[largest] / 1e6:.2f} MB; catalog.json {sizes[root / 'catalog.json'] / 1e6:.2f} MB; "
        f"most documents in one index folder: {per_dir}"
    )


if __name__ == "__main__":
    main()
