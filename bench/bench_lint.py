"""Benchmark `skill lint` against the reference validator, and its start-up, size and memory.

Prints figures beside their targets; never fails on them (benchmarks are not tests). Run from the
project root with the shared virtualenv:

    .venv/bin/python bench/bench_lint.py [--corpus ../shared/corpus] [--copies 10000]

Every `skill` figure is a whole CLI process (start-up, discovery, parsing, rules, rendering),
timed from the outside with output discarded, best of N to skip cold-cache and scheduler noise.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent
SKILL = str(BIN / "skill")
AGENTSKILLS = str(BIN / "agentskills")
PROFILE = "agentskills"

# Figures from the brief, printed beside the measurements.
TARGET_RATE = 1500.0  # skills/s, whole CLI run over the corpus
TARGET_VERSION_MS = 150.0
TARGET_ONE_SKILL_MS = 350.0
TARGET_10K_S = 8.0
TARGET_10K_MB = 300.0
EARLIER_REFERENCE_RATE = 280  # skills/s, the reference validator, measured earlier in the project


def best_of(n: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_run(n: int, argv: Sequence[str]) -> tuple[float, float]:
    """Best wall time of `n` runs, and the CPU time (user + system, all processes) of that run.

    CPU time is the figure to trust on a busy machine: other load stretches wall time but
    hardly changes the work done.
    """
    best = (float("inf"), 0.0)
    for _ in range(n):
        cpu, start = children_cpu(), time.perf_counter()
        run(argv)
        best = min(best, (time.perf_counter() - start, children_cpu() - cpu))
    return best


def run(argv: Sequence[str]) -> None:
    """Run a command, output discarded; exit 1 (findings) is a normal lint result."""
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 1):
        stderr = proc.stderr.decode(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{stderr}")


def skill_dirs(corpus: Path) -> list[Path]:
    return sorted(p.parent for p in corpus.rglob("SKILL.md"))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def line(label: str, figure: str, target: str = "", ok: bool | None = None) -> None:
    mark = "" if ok is None else verdict(ok)
    print(f"  {label:<44} {figure:>22}   {target:<14} {mark}")


def bench_corpus(corpus: Path, dirs: list[Path]) -> float:
    wall, cpu = best_run(5, [SKILL, "lint", str(corpus), "--profile", PROFILE])
    rate = len(dirs) / wall
    line(f"skill lint corpus ({len(dirs)} skills), best of 5", f"{wall:.3f} s", "")
    line("  CPU time of that run (user + sys)", f"{cpu:.3f} s")
    line("  throughput", f"{rate:,.0f} skills/s", f">= {TARGET_RATE:,.0f}", rate >= TARGET_RATE)
    return rate


def bench_reference(dirs: list[Path], per_process_sample: int) -> tuple[float, float]:
    """Skills/s of the reference validator: in one process, and one process per skill."""
    from skills_ref import validate  # the reference API

    def validate_all() -> None:
        for d in dirs:
            validate(d)

    wall = best_of(3, validate_all)
    in_process = len(dirs) / wall
    line("reference validate(), in-process, best of 3", f"{wall:.3f} s")
    line("  throughput", f"{in_process:,.0f} skills/s")

    sample = dirs[:per_process_sample]

    def validate_each() -> None:
        for d in sample:
            run([AGENTSKILLS, "validate", str(d)])

    wall = best_of(1, validate_each)
    per_process = len(sample) / wall
    line(f"agentskills validate, 1 process/skill (n={len(sample)})", f"{per_process:,.1f} skills/s")
    line(f"  (noted earlier: ~{EARLIER_REFERENCE_RATE} skills/s)", "")
    return in_process, per_process


def bench_startup(dirs: list[Path]) -> None:
    wall, _ = best_run(10, [SKILL, "--version"])
    ms = wall * 1000
    line(
        "skill --version, best of 10",
        f"{ms:.0f} ms",
        f"<= {TARGET_VERSION_MS:.0f} ms",
        ms <= TARGET_VERSION_MS,
    )
    one = str(dirs[0])
    wall, _ = best_run(5, [SKILL, "lint", one, "--profile", PROFILE])
    ms = wall * 1000
    line(
        "skill lint one skill, best of 5",
        f"{ms:.0f} ms",
        f"<= {TARGET_ONE_SKILL_MS:.0f} ms",
        ms <= TARGET_ONE_SKILL_MS,
    )


def _copy(src: Path, dst: Path) -> None:
    # Hard links when the temp folder shares the corpus's file system: same bytes, no copy time.
    def link_or_copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    def nested_skills(folder: str, names: list[str]) -> set[str]:
        # A few corpus skills hold other skills in subfolders; those are copied on their own turn.
        return {n for n in names if os.path.isfile(os.path.join(folder, n, "SKILL.md"))}

    shutil.copytree(src, dst, copy_function=link_or_copy, ignore=nested_skills)


def make_tree(dirs: list[Path], count: int, into: Path) -> None:
    """`count` skill folders: the corpus again and again, each copy under a new folder name."""
    for i in range(count):
        src = dirs[i % len(dirs)]
        # The index keeps names unique: two collections in the corpus share some folder names.
        _copy(src, into / f"batch-{i // len(dirs):02d}" / f"{src.name}-{i:05d}")


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (Linux only)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(pid, 0) for pid in tree)


def bench_10k(dirs: list[Path], count: int) -> None:
    judged = count == 10_000  # the targets are for exactly this size
    with tempfile.TemporaryDirectory(prefix="skill-bench-") as tmp:
        tree = Path(tmp) / "skills"
        start = time.perf_counter()
        make_tree(dirs, count, tree)
        print(f"  (built {count:,} skill folders in {time.perf_counter() - start:.1f} s)")

        # A fresh Python parent, so RUSAGE_CHILDREN holds this lint run alone.
        probe = (
            "import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "w = time.perf_counter() - t\n"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(p.returncode, w, u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
        )
        argv = [sys.executable, "-c", probe, SKILL, "lint", str(tree), "--profile", PROFILE]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        peak_tree = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.02):
                peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        done.set()
        sampler.join()
        status, wall_text, maxrss_text, cpu_text = out.split()
        if status not in ("0", "1"):
            raise SystemExit(f"skill lint on {count} skills exited {status}")
        wall, peak_mb = float(wall_text), int(maxrss_text) / 1024
        # The probe's own interpreter is a few MB of the sampled tree; close enough for a bound.
        tree_mb = peak_tree / 1024
        line(
            f"skill lint {count:,} skills, wall",
            f"{wall:.2f} s",
            f"<= {TARGET_10K_S:.0f} s",
            wall <= TARGET_10K_S if judged else None,
        )
        line("  throughput", f"{count / wall:,.0f} skills/s")
        line("  CPU time (user + sys, all processes)", f"{float(cpu_text):.2f} s")
        line(
            "  peak RSS, largest process (ru_maxrss)",
            f"{peak_mb:.0f} MB",
            f"< {TARGET_10K_MB:.0f} MB",
            peak_mb < TARGET_10K_MB if judged else None,
        )
        line(
            "  peak RSS, whole process tree (sampled)",
            f"{tree_mb:.0f} MB",
            f"< {TARGET_10K_MB:.0f} MB",
            tree_mb < TARGET_10K_MB if judged else None,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=10_000, help="skills in the large tree")
    parser.add_argument("--per-process-sample", type=int, default=40)
    args = parser.parse_args()

    dirs = skill_dirs(args.corpus)
    if not dirs:
        raise SystemExit(f"no SKILL.md under {args.corpus}")
    print(
        f"skill lint benchmark: {len(dirs)} skills in {args.corpus}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    # Other work on the machine skews every figure; say how busy it was.
    print(f"  load average at start: {os.getloadavg()[0]:.1f}")
    print(f"  {'':<44} {'measured':>22}   {'target':<14}")
    rate = bench_corpus(args.corpus, dirs)
    in_process, per_process = bench_reference(dirs, args.per_process_sample)
    line("ratio skill lint / reference in-process", f"{rate / in_process:.2f}x")
    line("ratio skill lint / reference per process", f"{rate / per_process:.0f}x")
    line(
        f"ratio skill lint / the earlier ~{EARLIER_REFERENCE_RATE}",
        f"{rate / EARLIER_REFERENCE_RATE:.1f}x",
    )
    bench_startup(dirs)
    bench_10k(dirs, args.copies)


if __name__ == "__main__":
    main()
