"""Benchmark: publishing into a large registry, and publishing many skills in one command.

Prints figures beside their targets (issue 17), the machine's load, min / median of several runs,
and with `--previous TREE` (a checkout with its own .venv, e.g. /work/base17) the same
measures of that version in the same run, interleaved:

1. `skill publish` of one new version (fresh process, whole command) into a registry of 10
   skills and into one of N (default 10,000), the ratio N / 10 (target <= 1.3x); and into a
   signed registry of N (target <= 1 s). Registries are built directly (real bundles and
   documents, then one `reindex`); checks that no file of another skill changed.
2. `skill publish` of a tree of N new skills into an empty folder registry in one command:
   wall, CPU and peak RSS of the whole process tree (targets <= 30 s, <= 300 MB); the registry
   built by the previous version and by this tree from the same tree compared file by file
   (SOURCE_DATE_EPOCH fixed, so the bytes must be equal).

Usage: .venv/bin/python bench/bench_publish.py [--skills N] [--runs 5] [--previous /work/base17]
       [--bulk N | --bulk 0] [--bulk-runs 2] [--no-signed] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    Figures,
    Measured,
    header,
    peak_tree_rss,
    previous_skill,
    previous_tree,
    ratio,
    row,
    run_once,
    table_head,
)

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
from skillreg.registry.site.layout import page_path
from skillreg.registry.store import FolderRegistry

PUBLISHED = "2026-01-01T00:00:00Z"
NEW_SKILL = str(Path(sys.executable).parent / "skill")
EPOCH = {**os.environ, "SOURCE_DATE_EPOCH": "1780000000"}


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
    rebuild_derived(FolderRegistry(root))


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


def write_version(work: Path, name: str, version: str) -> Path:
    folder = work / "src" / version / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(skill_text(name, version, related=synthetic_name(1)))
    return folder


def write_tree(root: Path, count: int) -> None:
    """`count` skills, each naming the one before it under Related Skills (the first: the
    second)."""
    for i in range(count):
        name = synthetic_name(i)
        folder = root / name
        folder.mkdir(parents=True)
        related = synthetic_name(i - 1 if i else 1)
        (folder / "SKILL.md").write_text(skill_text(name, "1.0.0", related=related))


def same_tree(a: Path, b: Path) -> str:
    """ "identical", or the first difference between two registries (locks left out)."""

    def files(root: Path) -> dict[str, str]:
        out = {}
        for dirpath, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d != ".locks"]
            for n in names:
                path = Path(dirpath, n)
                out[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
        return out

    left, right = files(a), files(b)
    if left.keys() != right.keys():
        return f"file lists differ: {sorted(left.keys() ^ right.keys())[:3]}"
    differ = [k for k in sorted(left) if left[k] != right[k]]
    return (
        f"{len(differ)} files differ: {differ[:3]}" if differ else f"identical ({len(left)} files)"
    )


def one_version(args: argparse.Namespace, work: Path, previous: Path | None) -> None:
    """Measure 1: one new version into 10 and N skills (and N signed), interleaved."""
    from tests.signing_helpers import make_keys

    regs = {"10": work / "reg10", "N": work / "regN"}
    for key, count in (("10", 10), ("N", args.skills)):
        start = time.perf_counter()
        build_registry(regs[key], count)
        print(f"  built a registry of {count} skills in {time.perf_counter() - start:.1f} s")
    keys = None
    if args.signed:
        from skillreg.registry.signing.create import InitOptions, init_signing

        keys = make_keys(work / "keys")
        regs["signed"] = work / "regS"
        shutil.copytree(regs["N"], regs["signed"], symlinks=True)
        start = time.perf_counter()
        signed = FolderRegistry(regs["signed"])
        with signed.storage.unsynced():  # a set-up, not what is measured: one flush at the end
            init_signing(signed, InitOptions(keys))
        signed.storage.sync()
        print(f"  signed a copy in {time.perf_counter() - start:.1f} s (init)")
    skills = {"new": NEW_SKILL} | ({"previous": previous_skill(previous)} if previous else {})
    results: dict[tuple[str, str], tuple[Figures, Figures]] = {}
    env = {**os.environ, "SKILL_SIGNING_KEYS": str(keys)} if keys else dict(os.environ)
    for run in range(args.runs):
        for which, skill in skills.items():
            for key, reg in regs.items():
                count = 10 if key == "10" else args.skills
                name = synthetic_name(count // 2)
                folder = write_version(
                    work, name, f"1.{run + 1}.{len(results) % 997}-{which}-{key}"
                )
                wall, cpu = run_once(
                    [skill, "publish", str(folder), "--to", str(reg), "-q"], env=env
                )
                figures = results.setdefault((which, key), (Figures(), Figures()))
                figures[0].samples.append(wall)
                figures[1].samples.append(cpu)
    stray = untouched_check(work, regs["N"], args.skills)
    print(f"  one more publish into {args.skills}: other skills' files changed: {stray}")
    table_head("previous" if previous else "", "this tree")
    for key, label in (("10", "into 10 skills"), ("N", f"into {args.skills} skills")):
        for kind, index in (("wall", 0), ("CPU", 1)):
            old = results.get(("previous", key))
            row(f"publish one version {label}, {kind}", old[index].fmt() if old else "",
                results[("new", key)][index].fmt())  # fmt: skip
    for which in skills:
        for kind, index in (("wall", 0), ("CPU", 1)):
            big, small = results[(which, "N")][index].min, results[(which, "10")][index].min
            times = big / small
            row(f"  {which}: {args.skills} / 10 skills, {kind} (min)", "", f"{times:.2f}x",
                "<= 1.3x", times <= 1.3 if which == "new" else None)  # fmt: skip
    if "signed" in regs:
        old = results.get(("previous", "signed"))
        for kind, index in (("wall", 0), ("CPU", 1)):
            new = results[("new", "signed")][index]
            row(f"publish one version into signed {args.skills}, {kind}",
                old[index].fmt() if old else "", new.fmt(), "<= 1 s", new.min <= 1.0)  # fmt: skip


def untouched_check(work: Path, root: Path, count: int) -> int:
    """Publish once more (library) and count files of other skills that changed."""
    name = synthetic_name(count // 2)
    folder = write_version(work, name, "1.999.0")
    before = snapshot(root)
    publish([folder], PublishOptions(registry=str(root)))
    after = snapshot(root)
    new_blobs = {p for p in after.keys() - before.keys() if p.startswith("blobs/")}
    site = {p for p in after if p.startswith("site/search/")}
    pages = {page_path(name), page_path(synthetic_name(1))}
    allowed = {index_path(name), "catalog.json", "index.html", *new_blobs, *site, *pages}
    stray = check_untouched(before, after, allowed)
    if stray:
        print("  unexpected changes:", stray[:5])
    return len(stray)


def bulk(args: argparse.Namespace, work: Path, previous: Path | None) -> None:
    """Measure 2: N skills in one command into an empty registry."""
    tree = work / "tree"
    write_tree(tree, args.bulk)
    runs = {"new": [NEW_SKILL] * args.bulk_runs}
    if previous:
        runs["previous"] = [previous_skill(previous)]  # takes minutes: once
    measured: dict[str, list[Measured]] = {}
    order = [(w, s) for w in ("previous", "new") for s in runs.get(w, [])]
    for which, skill in order:
        out = work / f"bulk-{which}"
        shutil.rmtree(out, ignore_errors=True)
        m = peak_tree_rss([skill, "publish", str(tree), "--to", str(out), "-q"], env=EPOCH)
        if m.returncode != 0:
            raise SystemExit(f"{which}: publish of {args.bulk} skills exited {m.returncode}")
        measured.setdefault(which, []).append(m)
    if previous:
        compared = same_tree(work / "bulk-previous", work / "bulk-new")
        print(f"  registries from previous and new: {compared}")
    table_head("previous (1 run)" if previous else "", f"this tree ({args.bulk_runs} runs)")
    for label, attr, unit, target, bound in (
        ("wall", "wall", "s", "<= 30 s", 30.0),
        ("CPU (whole tree)", "cpu", "s", "", None),
        ("peak PSS, process tree", "pss_mb", "MB", "<= 300 MB", 300.0),
        ("peak RSS, process tree (shared pages counted per process)", "tree_mb", "MB", "", None),
        ("peak RSS, largest process", "peak_mb", "MB", "", None),
    ):
        new = Figures([getattr(m, attr) for m in measured["new"]])
        old = Figures([getattr(m, attr) for m in measured.get("previous", [])])
        digits = 1
        row(f"{args.bulk} skills in one command, {label}",
            old.fmt(unit, digits=digits) if old.samples else "", new.fmt(unit, digits=digits),
            target, None if bound is None else new.min <= bound)  # fmt: skip
        if old.samples:
            row("  ratio previous / new", "", ratio(new.min, old.min))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skills", type=int, default=10_000, help="size of the large registry")
    parser.add_argument("--runs", type=int, default=5, help="runs of each one-version publish")
    parser.add_argument("--previous", help="checkout of the previous version (with .venv)")
    parser.add_argument("--bulk", type=int, default=10_000, help="skills in one command (0: skip)")
    parser.add_argument("--bulk-runs", type=int, default=2)
    parser.add_argument("--no-signed", dest="signed", action="store_false")
    parser.add_argument("--no-one", dest="one", action="store_false", help="skip measure 1")
    parser.add_argument("--keep", type=Path, help="work here and keep it")
    args = parser.parse_args()
    previous = previous_tree(args.previous)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-publish-"))
    header("bench_publish")
    try:
        if args.one:
            print(f"1. one new version, fresh process, {args.runs} runs interleaved")
            one_version(args, work, previous)
        if args.bulk:
            header(f"2. {args.bulk} skills in one command")
            bulk(args, work, previous)
        header("done")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
