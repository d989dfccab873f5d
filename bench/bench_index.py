"""Benchmark `skill index`: CLI wall time on the corpus and on ~10,000 skills, cold and warm cache.

    .venv/bin/python bench/bench_index.py [--copies 16] [--profile]

Each figure is the wall time of a fresh `python -m skillreg index ... -o FILE` process (start-up
included), the cache in a temporary XDG_CACHE_HOME, run from the temporary folder so that no project
config applies: each skill is linted with the default profile (agentskills) unless `--lint-profile`
names another. The large tree is the corpus copied `--copies`
times under new folder names with every `name:` rewritten to be unique. `--profile` prints the
hottest functions of an in-process, single-process cold index of the corpus (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
_NAME = re.compile(r"^name:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


class Timing:
    """Wall time of one CLI run and the CPU time (user + sys) of it and its workers."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s (cpu {self.cpu:.2f} s)"


PROFILE: list[str] = []  # extra `skill index` arguments (`--profile NAME`)


def run_index(tree: Path, out: Path, cache: Path) -> Timing:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(REPO)}
    env.pop("SOURCE_DATE_EPOCH", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "skillreg", "index", str(tree), "-o", str(out), *PROFILE],
        check=True,
        cwd=cache.parent,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Timing(wall, cpu)


def make_tree(root: Path, copies: int) -> int:
    """Copy the corpus `copies` times with unique names; returns the number of skills."""
    seen: set[str] = set()
    count = 0
    for i in range(copies):
        target = root / f"copy{i:02d}"
        shutil.copytree(CORPUS, target)
        for skill in sorted(target.rglob("SKILL.md")):
            text = skill.read_text(encoding="utf-8", errors="surrogateescape")
            match = _NAME.search(text)
            base = match.group(1).strip("'\"") if match else skill.parent.name
            name = f"{base}-c{i}"
            while name in seen:
                name += "-d"
            seen.add(name)
            if match:
                text = text[: match.start(1)] + name + text[match.end(1) :]
                skill.write_text(text, encoding="utf-8", errors="surrogateescape")
            count += 1
    return count


def figures(label: str, tree: Path, work: Path, *, edit: Path | None = None) -> None:
    cache = work / f"cache-{label}"
    out = work / f"index-{label}.json"
    cold = run_index(tree, out, cache)
    first = out.read_bytes()
    warm = min((run_index(tree, out, cache) for _ in range(3)), key=lambda t: t.wall)
    same = out.read_bytes() == first
    print(f"{label}: cold {cold}, warm {warm} (best of 3); identical output: {same}")
    print(f"{label}: {cache_load(tree, cache)}")
    if edit is not None:
        with edit.open("a", encoding="utf-8") as fh:
            fh.write("\nOne more line.\n")
        again = run_index(tree, out, cache)
        print(f"{label}: re-index after editing one SKILL.md: {again} (warm cache)")


def cache_load(tree: Path, cache: Path) -> str:
    """How big the tree's cache file is and how long loading it takes (in-process, best of 3)."""
    sys.path.insert(0, str(REPO))
    from skillreg.index.lint import open_cache
    from skillreg.lint.runner import lint_setup

    folder = cache / "skillreg" / "index"
    (file,) = folder.glob("*.marshal")
    plan = lint_setup(PROFILE[-1] if PROFILE else None, cache.parent).plan
    os.environ["XDG_CACHE_HOME"] = str(cache)
    best = min(_timed(lambda: open_cache([tree], plan)) for _ in range(3))
    return f"cache file {file.stat().st_size / 1e6:.1f} MB, loaded in {best * 1000:.0f} ms"


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def profile_corpus() -> None:
    sys.path.insert(0, str(REPO))
    from skillreg.index.build import IndexOptions, build_index

    profiler = cProfile.Profile()
    profiler.enable()
    build_index(IndexOptions((CORPUS,), use_cache=False, jobs=1))
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    """Print the figures; the machine's load average is shown since other work skews them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--lint-profile", metavar="NAME", help="`skill index --profile NAME`")
    args = parser.parse_args()
    if args.lint_profile:
        PROFILE.extend(["--profile", args.lint_profile])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}")
    print(f"lint profile: {args.lint_profile or 'agentskills (default)'}")
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        work = Path(tmp)
        figures("corpus (638 skills)", CORPUS, work)
        tree = work / "tree"
        start = time.perf_counter()
        count = make_tree(tree, args.copies)
        print(f"built {count} skills in {time.perf_counter() - start:.1f} s")
        time.sleep(2.1)  # let every file age past the cache's racy window, as a real tree has
        edit = next(iter(sorted(tree.rglob("SKILL.md"))))
        figures(f"tree ({count} skills)", tree, work, edit=edit)
    if args.profile:
        profile_corpus()


if __name__ == "__main__":
    main()
