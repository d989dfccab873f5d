"""Benchmark `skill lint` against the reference validator, measured in the same run.

Prints figures beside their targets; never fails on them (benchmarks are not tests). Run from the
project root with the project's virtualenv:

    .venv/bin/python bench/bench_lint.py [--previous ../base17] [--runs 5] [--copies 10000]

Every ratio is against a baseline timed in the same run, interleaved with the measured code:

* corpus: `skill lint` over the shared corpus against `skills_ref.validate()` looped over the same
  skills in one process. Two figures: the CPU time of `run_lint` in one process with `--jobs 1`
  (the checking work alone), and the CPU time of the whole `skill lint` process (start-up,
  discovery, parsing, rules, rendering; the default `--jobs`). Target: 5x.
* one skill: `skill lint DIR` against `agentskills validate DIR` (the reference CLI), whole
  processes, wall and CPU, min of `--one-runs`. Target: faster.
* import time: `python -X importtime` total of `skill lint DIR`.

With `--previous TREE` (a checkout with its own `.venv`), each figure is also taken for that
version in the same rounds, so "previous" and "this tree" share the machine's load.

Every process runs with bytecode caching on, as an installed package has it, in a private cache
folder (`PYTHONPYCACHEPREFIX`), so no source tree is written to; a `PYTHONDONTWRITEBYTECODE` in
the environment would otherwise make each run compile this project from source while the
reference, installed by pip, loads its bytecode.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import harness as h

AGENTSKILLS = str(h.BIN / "agentskills")
PROFILE = "agentskills"
TARGET_RATIO = 5.0
TARGET_10K_S = 8.0
TARGET_10K_MB = 300.0

# One measurement in a fresh interpreter: the minimum CPU time of N in-process runs.
_IN_PROCESS = """
import sys, time
from pathlib import Path
what, runs, corpus, profile = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
if what == "reference":
    from skills_ref import validate
    dirs = sorted(p.parent for p in corpus.rglob("SKILL.md"))
    def once():
        for d in dirs:
            validate(d)
else:
    from skillreg.lint.model import LintOptions
    from skillreg.lint.runner import run_lint
    options = LintOptions(profile=None if profile == "default" else profile, jobs=1,
                          use_config=False)
    def once():
        run_lint([corpus], options)
    once()
best = float("inf")
for _ in range(runs):
    start = time.process_time()
    once()
    best = min(best, time.process_time() - start)
print(best)
"""


def in_process(
    python: str, what: str, runs: int, corpus: Path, profile: str, env: dict[str, str]
) -> float:
    import subprocess

    out = subprocess.run(
        [python, "-c", _IN_PROCESS, what, str(runs), str(corpus), profile],
        capture_output=True, text=True, env=env, check=True, cwd=corpus,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def pythons(previous: Path | None) -> dict[str, str]:
    found = {"new": sys.executable}
    if previous is not None:
        found = {"previous": h.previous_python(previous), **found}
    return found


def skills(previous: Path | None) -> dict[str, str]:
    found = {"new": h.SKILL}
    if previous is not None:
        found = {"previous": h.previous_skill(previous), **found}
    return found


def fig(figures: h.Figures | None, unit: str = "s") -> str:
    if figures is None:
        return "-"
    return figures.ms() if unit == "ms" else figures.fmt()


def bench_corpus(corpus: Path, previous: Path | None, rounds: int, env: dict[str, str]) -> None:
    """In-process CPU of lint (--jobs 1) and of the reference loop, interleaved."""
    for profile in (PROFILE, "default"):
        measured = {key: h.Figures() for key in ("reference", *pythons(previous))}
        for _ in range(rounds):
            measured["reference"].samples.append(
                in_process(sys.executable, "reference", 2, corpus, profile, env)
            )
            for key, python in pythons(previous).items():
                measured[key].samples.append(in_process(python, "lint", 3, corpus, profile, env))
        ref = measured["reference"]
        print(f"\ncorpus, profile {profile}: CPU of one process, --jobs 1 (min / median of rounds)")
        h.table_head()
        h.row("skills_ref.validate() loop", fig(ref), fig(ref))
        prev = measured.get("previous")
        new = measured["new"]
        h.row("run_lint", fig(prev), fig(new))
        today = h.ratio(prev.min, ref.min) if prev else "-"
        ratio = ref.min / new.min
        h.row("  faster than the reference (min / min)", today, f"{ratio:.2f}x",
              f">= {TARGET_RATIO:.0f}x", ratio >= TARGET_RATIO)  # fmt: skip

        commands = {f"{key} skill lint": [skill, "lint", str(corpus)] for key, skill in
                    skills(previous).items()}  # fmt: skip
        if profile != "default":
            commands = {key: [*argv, "--profile", profile] for key, argv in commands.items()}
        cli = h.interleaved(commands, rounds, env=env, cwd=corpus)
        print(f"corpus, profile {profile}: whole `skill lint` process (default --jobs)")
        h.table_head()
        prev_cli = cli.get("previous skill lint")
        new_wall, new_cpu = cli["new skill lint"]
        h.row("wall", fig(prev_cli[0]) if prev_cli else "-", fig(new_wall))
        h.row("CPU (all processes)", fig(prev_cli[1]) if prev_cli else "-", fig(new_cpu))
        today = h.ratio(prev_cli[1].min, ref.min) if prev_cli else "-"
        ratio = ref.min / new_cpu.min
        h.row("  CPU faster than the reference loop", today, f"{ratio:.2f}x",
              f">= {TARGET_RATIO:.0f}x", ratio >= TARGET_RATIO)  # fmt: skip


def bench_one(skill_dir: Path, previous: Path | None, runs: int, env: dict[str, str]) -> None:
    commands = {"reference": [AGENTSKILLS, "validate", str(skill_dir)]}
    commands |= {key: [skill, "lint", str(skill_dir)] for key, skill in skills(previous).items()}
    h.interleaved(commands, 2, env=env)  # warm the bytecode cache and the page cache
    measured = h.interleaved(commands, runs, env=env)
    ref_wall, ref_cpu = measured["reference"]
    print(f"\none skill ({skill_dir.name}): whole processes, interleaved")
    h.table_head()
    h.row("agentskills validate: wall", ref_wall.ms(), ref_wall.ms())
    h.row("agentskills validate: CPU", ref_cpu.ms(), ref_cpu.ms())
    prev = measured.get("previous")
    new_wall, new_cpu = measured["new"]
    h.row("skill lint: wall", prev[0].ms() if prev else "-", new_wall.ms())
    h.row("skill lint: CPU", prev[1].ms() if prev else "-", new_cpu.ms())
    for label, index in (("wall", 0), ("CPU", 1)):
        base = measured["reference"][index].min
        today = h.ratio(prev[index].min, base) if prev else "-"
        ours = measured["new"][index].min
        h.row(f"  {label} vs agentskills validate (min / min)", today, h.ratio(ours, base),
              "> 1.00x", ours < base)  # fmt: skip

    code = h.cli_code(["lint", str(skill_dir)])
    totals = {}
    for key, python in pythons(previous).items():
        totals[key] = min(
            h.importtime_ms(python, code, env=env, cwd=skill_dir)[0] for _ in range(5)
        )
    ref_code = h.cli_code(["validate", str(skill_dir)]).replace(
        "from skillreg.cli import main", "from skills_ref.cli import main"
    )
    ref_total = min(
        h.importtime_ms(sys.executable, ref_code, env=env, cwd=skill_dir)[0] for _ in range(5)
    )
    h.row(
        "-X importtime total, min of 5: agentskills", f"{ref_total:.0f} ms", f"{ref_total:.0f} ms"
    )
    h.row("-X importtime total, min of 5: skill lint",
          f"{totals['previous']:.0f} ms" if "previous" in totals else "-",
          f"{totals['new']:.0f} ms")  # fmt: skip


def bench_many(dirs: list[Path], count: int, previous: Path | None, env: dict[str, str]) -> None:
    """`count` skill folders (the corpus again and again under new names): time and memory."""
    judged = count == 10_000  # the targets are for exactly this size
    with tempfile.TemporaryDirectory(prefix="skill-bench-") as tmp:
        tree = Path(tmp) / "skills"
        h.make_tree(dirs, count, tree)
        print(f"\n{count:,} skills: one run each, whole process tree")
        h.table_head()
        runs = {key: h.peak_tree_rss([skill, "lint", str(tree), "--profile", PROFILE], env=env)
                for key, skill in skills(previous).items()}  # fmt: skip
        prev, new = runs.get("previous"), runs["new"]
        h.row("wall", f"{prev.wall:.2f} s" if prev else "-", f"{new.wall:.2f} s",
              f"<= {TARGET_10K_S:.0f} s", new.wall <= TARGET_10K_S if judged else None)  # fmt: skip
        h.row("CPU", f"{prev.cpu:.2f} s" if prev else "-", f"{new.cpu:.2f} s")
        h.row("peak RSS, process tree", f"{prev.tree_mb:.0f} MB" if prev else "-",
              f"{new.tree_mb:.0f} MB", f"< {TARGET_10K_MB:.0f} MB",
              new.tree_mb < TARGET_10K_MB if judged else None)  # fmt: skip
        h.row("peak PSS, process tree", f"{prev.pss_mb:.0f} MB" if prev else "-",
              f"{new.pss_mb:.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=h.SHARED / "corpus")
    parser.add_argument("--previous", help="a checkout of an earlier version, with its .venv")
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds on the corpus")
    parser.add_argument("--one-runs", type=int, default=12, help="rounds of the one-skill run")
    parser.add_argument("--one", type=Path, help="the one skill (default: the corpus's first)")
    parser.add_argument(
        "--copies", type=int, default=10_000, help="skills in the large tree (0: skip)"
    )
    args = parser.parse_args()

    corpus = args.corpus.resolve()
    dirs = h.skill_dirs(corpus)
    if not dirs:
        raise SystemExit(f"no SKILL.md under {corpus}")
    previous = h.previous_tree(args.previous)
    h.header(f"skill lint benchmark: {len(dirs)} skills in {corpus}")
    with tempfile.TemporaryDirectory(prefix="skill-bench-pyc-") as cache:
        env = h.bytecode_cached(dict(os.environ), Path(cache))
        started = time.perf_counter()
        bench_one(args.one or dirs[0], previous, args.one_runs, env)
        bench_corpus(corpus, previous, args.runs, env)
        if args.copies:
            bench_many(dirs, args.copies, previous, env)
    print(f"\n({time.perf_counter() - started:.0f} s; {h.load_text()} at the end)")


if __name__ == "__main__":
    main()
