"""What every benchmark shares: repeated runs, min and median, same-run ratios, load, memory.

The machine these run on has two shared cores and a load that swings from 0 to 20 within a
session, so a figure alone says little. Each script therefore measures its baseline in the same
run (interleaved with the measured code where it can) and prints the ratio beside the target;
`--previous TREE` names a checkout of an earlier version with its own `.venv`, so "today" and
"new" come from one run on one machine.

Not a test helper: nothing here asserts.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BIN = Path(sys.executable).parent
SKILL = str(BIN / "skill")


@dataclass
class Figures:
    """Samples of one measure (seconds unless a script says otherwise)."""

    samples: list[float] = field(default_factory=list)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def fmt(self, unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
        """`min / median unit (n)`, e.g. `0.412 / 0.430 s (n=5)`."""
        low, mid = self.min * scale, self.median * scale
        return f"{low:.{digits}f} / {mid:.{digits}f} {unit} (n={len(self.samples)})"

    def ms(self) -> str:
        return self.fmt("ms", 1000.0, 0)


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


def header(title: str) -> None:
    print(f"{title}: Python {sys.version.split()[0]}, {load_text()}")


def repeat(n: int, action: Callable[[], object]) -> Figures:
    """Wall time of `n` calls of `action` in this process."""
    figures = Figures()
    for _ in range(n):
        start = time.perf_counter()
        action()
        figures.samples.append(time.perf_counter() - start)
    return figures


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    ok: Sequence[int] = (0, 1),
    timeout: float = 600,
) -> tuple[float, float]:
    """(wall, CPU of all children) of one command, output discarded; other exit codes stop."""
    cpu, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        list(argv),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        check=False,
        timeout=timeout,
    )
    wall, used = time.perf_counter() - start, _children_cpu() - cpu
    if proc.returncode not in ok:
        tail = proc.stderr.decode(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{tail}")
    return wall, used


def run_cli(
    argv: Sequence[str],
    n: int,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    ok: Sequence[int] = (0, 1),
) -> tuple[Figures, Figures]:
    """Wall and CPU figures of `n` runs of a command."""
    wall, cpu = Figures(), Figures()
    for _ in range(n):
        w, c = run_once(argv, env=env, cwd=cwd, ok=ok)
        wall.samples.append(w)
        cpu.samples.append(c)
    return wall, cpu


def interleaved(
    commands: Mapping[str, Sequence[str]],
    n: int,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    ok: Sequence[int] = (0, 1),
) -> dict[str, tuple[Figures, Figures]]:
    """Run several commands in turn, `n` rounds, so a change in load hits each alike."""
    out = {key: (Figures(), Figures()) for key in commands}
    for _ in range(n):
        for key, argv in commands.items():
            w, c = run_once(argv, env=env, cwd=cwd, ok=ok)
            out[key][0].samples.append(w)
            out[key][1].samples.append(c)
    return out


def ratio(ours: float, base: float) -> str:
    """How many times faster (or smaller) `ours` is than `base`: `2.41x` (>1 is better)."""
    if ours <= 0:
        return "inf"
    return f"{base / ours:.2f}x"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def row(label: str, today: str, new: str, target: str = "", ok: bool | None = None) -> None:
    """One line of the side-by-side table every script prints."""
    print(f"  {label:<46} {today:>26} {new:>26}   {target:<16} {verdict(ok)}")


def table_head(today: str = "previous", new: str = "this tree") -> None:
    row("", today, new, "target")


def previous_tree(arg: str | None) -> Path | None:
    """The checkout named by `--previous`, if it has a virtualenv with `skill` in it."""
    if not arg:
        return None
    tree = Path(arg).resolve()
    if not (tree / ".venv" / "bin" / "skill").exists():
        raise SystemExit(f"--previous {arg}: no .venv/bin/skill there (make its virtualenv first)")
    return tree


def previous_skill(tree: Path) -> str:
    return str(tree / ".venv" / "bin" / "skill")


def previous_python(tree: Path) -> str:
    return str(tree / ".venv" / "bin" / "python")


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime_ms(
    python: str,
    code: str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[float, list[tuple[float, str]]]:
    """Total import time (ms) of running `code` under `python -X importtime`, and the top imports.

    The total is the sum of the top-level entries' cumulative times, i.e. everything imported
    while `code` ran, including what the interpreter imports at start-up.
    """
    proc = subprocess.run(
        [python, "-X", "importtime", "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        check=False,
    )
    total, tops = 0.0, []
    for text in proc.stderr.splitlines():
        match = _IMPORT_LINE.match(text)
        if match and len(match.group(3)) == 1:  # one space: a top-level import
            cumulative = int(match.group(2)) / 1000
            total += cumulative
            tops.append((cumulative, match.group(4)))
    tops.sort(reverse=True)
    return total, tops[:8]


def cli_code(argv: Sequence[str]) -> str:
    """Python source that runs the `skill` CLI with `argv`, for `importtime_ms`."""
    return (
        "import sys\n"
        f"sys.argv = ['skill'] + {list(argv)!r}\n"
        "from skillreg.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
    )


def _tree_memory_kb(root_pid: int) -> tuple[int, int]:
    """(RSS, PSS) of the descendants of `root_pid` (the probe that runs the measured command,
    which is not counted), from /proc (Linux only).

    RSS counts a page once in every process that maps it: a forked worker's pages shared
    with its parent, and shared libraries, count twice. PSS splits each shared page between
    the processes that map it (the kernel's proportional set size): what the tree really
    holds."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page_kb
    tree, frontier = set(), [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    pss = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as f:
                pss += next((int(ln.split()[1]) for ln in f if ln.startswith("Pss:")), 0)
        except (OSError, ValueError):
            continue
    return sum(rss.get(pid, 0) for pid in tree), pss


@dataclass
class Measured:
    wall: float
    cpu: float
    peak_mb: float  # largest single process (ru_maxrss)
    tree_mb: float  # whole process tree (RSS), sampled every 20 ms
    returncode: int
    pss_mb: float = 0.0  # whole process tree (PSS: shared pages split), sampled as often


_PROBE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "w = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(p.returncode, w, u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
)


def peak_tree_rss(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    """Run a command in a fresh parent so RUSAGE_CHILDREN is its alone; sample its tree's RSS."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _PROBE, *argv],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(env) if env is not None else None,
        cwd=cwd,
    )
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.wait(0.02):
            rss, pss = _tree_memory_kb(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    status, wall, maxrss, cpu = out.split()
    return Measured(
        float(wall), float(cpu), int(maxrss) / 1024, peak / 1024, int(status), peak_pss / 1024
    )


def peak_tree_rss_mb(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> float:
    return peak_tree_rss(argv, env=env, cwd=cwd).tree_mb


def skill_dirs(corpus: Path) -> list[Path]:
    """Every folder under `corpus` that holds a SKILL.md, sorted."""
    return sorted(p.parent for p in corpus.rglob("SKILL.md"))


def make_tree(dirs: Sequence[Path], count: int, into: Path, *, link: bool = True) -> None:
    """`count` skill folders: the corpus again and again, each copy under a new folder name.

    Hard links (where the file systems allow) cost no copy time and share the page cache with
    the corpus; `link=False` makes real copies, for figures that must include cold reads.
    """

    def link_or_copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    def nested_skills(folder: str, names: list[str]) -> set[str]:
        # A few corpus skills hold other skills in subfolders; those are copied on their own turn.
        return {n for n in names if os.path.isfile(os.path.join(folder, n, "SKILL.md"))}

    copy = link_or_copy if link else shutil.copy2
    for i in range(count):
        src = dirs[i % len(dirs)]
        # Two collections in the corpus share folder names: the counter keeps every name unique.
        dst = into / f"batch-{i // len(dirs):02d}" / f"{src.name}-{i:05d}"
        shutil.copytree(src, dst, copy_function=copy, ignore=nested_skills)


def bytecode_cached(env: dict[str, str], folder: Path | None = None) -> dict[str, str]:
    """`env` with Python's bytecode cached in `folder` (default: one under the temp folder).

    An installed package has its bytecode (pip compiles it); an editable checkout under
    PYTHONDONTWRITEBYTECODE (set on this machine) would compile every module on every run.
    The cache is keyed by each file's full path, so two trees never share an entry.
    """
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    default = Path(tempfile.gettempdir()) / "skillreg-bench-pycache"
    env["PYTHONPYCACHEPREFIX"] = str(folder or default)
    return env


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """A fresh HOME and XDG folders (cold caches, no user config), no SKILL_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILL_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        **extra,
    )
    return bytecode_cached(env)
