"""Benchmark `skill index`: cold at 20,000 skills against lint of the same skills, memory,
re-index of 10,000 after one edit, and the default `--jobs` against 1 and 2 processes under load.

    .venv/bin/python bench/bench_index.py --previous /work/base17          # ~15 minutes
    .venv/bin/python bench/bench_index.py --only reindex --runs 5          # one part
    .venv/bin/python bench/bench_index.py --only jobs --loads 0,1,2

Trees are the corpus copied under new folder names (`harness.make_tree`), so the skills' names
repeat, as in a collection with many duplicates. The cold tree is made of hard links; the re-index
tree of real copies, because linking a corpus file anywhere (another benchmark running) changes
the ctime of every link to it, which the cache rightly reads as a change. Edits replace a file,
so the corpus is never written through a link. Every command runs from an empty folder (no project
config) with its own XDG_CACHE_HOME, so "cold" means no index cache, and with bytecode cached (as
installed). Each figure is min / median of `--runs` runs, CPU time beside wall time (the
machine is shared); with `--previous TREE` the same measures run on that checkout in the same
run, interleaved, and the table shows both.

Parts:
- cold: `skill lint T20K` and `skill index T20K -o FILE` (fresh cache), wall, CPU, peak RSS of the
  whole process tree; the ratio index / lint per version (target ≤ 2x, ≤ 150 MB).
- reindex: `skill index T10K -o FILE` after one SKILL.md was replaced (warm cache); target ≤ 1.0 s.
  The new version's cold and warm outputs are compared byte for byte.
- jobs: `skill lint` and `skill index --no-cache` of the corpus and of T10K with `--jobs 1`,
  `--jobs 2` and the default, with 0, 1 and 2 busy-loop processes running (`--loads`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    SHARED,
    SKILL,
    Figures,
    bytecode_cached,
    header,
    load_text,
    make_tree,
    peak_tree_rss,
    previous_skill,
    previous_tree,
    ratio,
    row,
    run_once,
    skill_dirs,
    table_head,
)

CORPUS = SHARED / "corpus"
COLD_MAX_RATIO = 2.0
COLD_MAX_MB = 150.0
REINDEX_MAX_S = 1.0


def pair(values: Sequence[str]) -> tuple[str, str]:
    """The (previous, this tree) cells of a row; previous is blank without --previous."""
    return (values[0], values[1]) if len(values) == 2 else ("", values[0])


def env_for(cache: Path) -> dict[str, str]:
    """Its own index cache, and bytecode cached as an installed package has it (without that,
    under PYTHONDONTWRITEBYTECODE, each run compiled every module again: ~0.25 s of a re-index)."""
    env = bytecode_cached({**os.environ, "XDG_CACHE_HOME": str(cache)})
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def cold(skills: dict[str, str], tree: Path, work: Path, runs: int) -> None:
    print(f"\ncold, {tree.name}: lint vs index (fresh cache each run); {load_text()}")
    figures: dict[tuple[str, str], list[Figures]] = {}
    for i in range(runs):
        for label, skill in skills.items():
            for verb in ("lint", "index"):
                cache = work / f"cold-{label}-{verb}-{i}"
                cache.mkdir()
                argv = [skill, verb, str(tree)]
                if verb == "index":
                    argv += ["-o", str(cache / "index.json")]
                m = peak_tree_rss(argv, env=env_for(cache), cwd=cache)
                wall, cpu, mb, pss = figures.setdefault(
                    (label, verb), [Figures(), Figures(), Figures(), Figures()]
                )
                wall.samples.append(m.wall)
                cpu.samples.append(m.cpu)
                mb.samples.append(m.tree_mb)
                pss.samples.append(m.pss_mb)
    table_head(*pair(list(skills)))
    for verb in ("lint", "index"):
        for n, what in enumerate(("wall", "CPU")):
            cells = [figures[label, verb][n].fmt() for label in skills]
            row(f"{verb} {what}", *pair(cells))
        mbs = [figures[lb, verb][2].fmt("MB", 1, 0) for lb in skills]
        row(f"{verb} peak RSS, process tree", *pair(mbs))
        mbs = [figures[lb, verb][3].fmt("MB", 1, 0) for lb in skills]
        row(f"{verb} peak PSS, process tree", *pair(mbs))
    for n, what in enumerate(("wall", "CPU")):
        cells, ok = [], None
        for label in skills:
            index, lint = figures[label, "index"][n].min, figures[label, "lint"][n].min
            cells.append(f"{index / lint:.2f}x")
            ok = index / lint <= COLD_MAX_RATIO
        row(f"index / lint, {what} (min / min)", *pair(cells), f"<= {COLD_MAX_RATIO}x", ok)
    # Judged on PSS: the default --jobs forks a worker on an idle machine, and RSS counts the
    # pages it shares with its parent in both (one process, at load, showed 149 MB of RSS).
    peak = figures[list(skills)[-1], "index"][3].min
    mbs = [f"{figures[lb, 'index'][3].min:.0f} MB" for lb in skills]
    row("index peak PSS (min)", *pair(mbs), f"<= {COLD_MAX_MB:.0f} MB", peak <= COLD_MAX_MB)


def replace_file(path: Path, text: str) -> None:
    """Write through a new inode: the tree's files are hard links to the corpus."""
    tmp = path.with_name(path.name + ".bench-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def reindex(skills: dict[str, str], tree: Path, work: Path, runs: int) -> None:
    print(f"\nre-index of {tree.name} after one edit (warm cache); {load_text()}")
    target = sorted(tree.rglob("SKILL.md"))[len(skills) * 7 % 100]
    original = target.read_text(encoding="utf-8")
    walls = {label: Figures() for label in skills}
    cpus = {label: Figures() for label in skills}
    outputs: dict[str, Path] = {}
    try:
        for label, skill in skills.items():  # fill each cache (cold)
            cache = work / f"warm-{label}"
            cache.mkdir()
            outputs[label] = cache / "index.json"
            run_once([skill, "index", str(tree), "-o", str(outputs[label])],
                     env=env_for(cache), cwd=cache)  # fmt: skip
        time.sleep(2.1)  # past the cache's racy window, as an edit to an old tree would be
        for i in range(runs):
            for label, skill in skills.items():
                replace_file(target, original + f"\nEdit {i} for {label}.\n")
                cache = work / f"warm-{label}"
                argv = [skill, "index", str(tree), "-o", str(outputs[label])]
                wall, cpu = run_once(argv, env=env_for(cache), cwd=cache)
                walls[label].samples.append(wall)
                cpus[label].samples.append(cpu)
        new = list(skills)[-1]
        fresh = work / "reindex-cold"
        fresh.mkdir()
        run_once([skills[new], "index", str(tree), "-o", str(fresh / "index.json"), "--no-cache"],
                 env=env_for(fresh), cwd=fresh)  # fmt: skip
        same = (fresh / "index.json").read_bytes() == outputs[new].read_bytes()
    finally:
        replace_file(target, original)
    table_head(*pair(list(skills)))
    row("wall", *pair([walls[lb].fmt() for lb in skills]))
    row("CPU", *pair([cpus[lb].fmt() for lb in skills]))
    best = walls[list(skills)[-1]].min
    if len(skills) > 1:
        row("speed-up (min wall)", "", ratio(best, walls[next(iter(skills))].min))
    mins = [f"{walls[lb].min:.3f} s" for lb in skills]
    row("re-index wall (min)", *pair(mins), f"<= {REINDEX_MAX_S} s", best <= REINDEX_MAX_S)
    print(f"  warm output after the edit equals a --no-cache run: {same}")


@contextmanager
def busy_loops(n: int) -> Iterator[None]:
    """`n` processes spinning on the CPU (the load the default --jobs must judge)."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        time.sleep(1.0 if n else 0)
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def jobs(skill: str, trees: Sequence[Path], work: Path, runs: int, loads: Sequence[int]) -> None:
    print(f"\n--jobs: 1 vs 2 vs default under load (this tree only); {load_text()}")
    print(f"  {'command':<34} {'load':>4} {'--jobs 1':>22} {'--jobs 2':>22} {'default':>22}  "
          "2 vs 1   default vs best")  # fmt: skip
    cache = work / "jobs"
    cache.mkdir()
    for tree in trees:
        for verb in ("lint", "index"):
            for load in loads:
                with busy_loops(load):
                    variants = {"1": ["--jobs", "1"], "2": ["--jobs", "2"], "default": []}
                    walls = {key: Figures() for key in variants}
                    for _ in range(runs):
                        for key, extra in variants.items():
                            argv = [skill, verb, str(tree), *extra]
                            if verb == "index":
                                argv += ["--no-cache", "-o", str(cache / "index.json")]
                            wall, _ = run_once(argv, env=env_for(cache), cwd=cache)
                            walls[key].samples.append(wall)
                one, two, auto = (walls[k].min for k in ("1", "2", "default"))
                print(f"  {verb + ' ' + tree.name:<34} {load:>4} {walls['1'].fmt():>22} "
                      f"{walls['2'].fmt():>22} {walls['default'].fmt():>22}  "
                      f"{one / two:5.2f}x  {min(one, two) / auto:5.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--previous", metavar="TREE", help="checkout of the version to compare")
    parser.add_argument("--only", choices=["cold", "reindex", "jobs"], action="append")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-skills", type=int, default=20_000)
    parser.add_argument("--reindex-skills", type=int, default=10_000)
    parser.add_argument("--loads", default="0,1,2", help="busy-loop processes, comma-separated")
    parser.add_argument("--jobs-skills", type=int, default=10_000, help="0: the corpus only")
    args = parser.parse_args()
    parts = args.only or ["cold", "reindex", "jobs"]
    skills: dict[str, str] = {}
    tree_prev = previous_tree(args.previous)
    if tree_prev is not None:
        skills["previous"] = previous_skill(tree_prev)
    skills["this tree"] = SKILL
    header("bench_index")
    dirs = skill_dirs(CORPUS)
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        work = Path(tmp)
        trees: dict[tuple[int, bool], Path] = {}

        def tree(count: int, linked: bool = True) -> Path:
            if (count, linked) not in trees:
                trees[count, linked] = work / f"t{count // 1000}k{'' if linked else '-copied'}"
                make_tree(dirs, count, trees[count, linked], link=linked)
            return trees[count, linked]

        if "cold" in parts:
            cold(skills, tree(args.cold_skills), work, max(1, args.runs - 1))
        if "reindex" in parts:
            reindex(skills, tree(args.reindex_skills, linked=False), work, args.runs)
        if "jobs" in parts:
            loads = [int(x) for x in args.loads.split(",")]
            big = [tree(args.jobs_skills)] if args.jobs_skills else []
            jobs(SKILL, [CORPUS, *big], work, args.runs, loads)


if __name__ == "__main__":
    main()
