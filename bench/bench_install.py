"""Install benchmarks: HTTP requests and times, this tree beside `--previous` in the same run.

Registries are served by `python -m http.server` on 127.0.0.1 (no ETags, as the issue measured),
and requests are counted from its log. Each version has its own HOME (caches, trust).

1. Cold `skill install backend-developer` (fresh HOME): requests and wall/CPU, min and median.
2. Warm restore of 20 locked skills: `skill install` in a fresh checkout of a project whose lock
   lists 20 skills, bundles already in the cache. Target: no request for a bundle, at most one
   (small) per registry. Also timed.
3. A registry of 100,000 skills: requests to install one and three skills, cold (target <= 3 per
   skill).

Run: .venv/bin/python bench/bench_install.py [--previous /work/base17] [--runs 5] [--skills N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from harness import (  # noqa: E402
    SKILL,
    Figures,
    header,
    isolated_env,
    previous_skill,
    previous_tree,
    row,
    run_once,
    table_head,
)

from tests.install_helpers import RegistryBuilder, make_bundle  # noqa: E402

SEED = REPO.parent / "shared" / "seed" / "backend-developer"
_REQUEST = re.compile(r'"GET (\S+) HTTP/[0-9.]+" (\d{3})')


def env_for(home: Path) -> dict[str, str]:
    return isolated_env(home, SKILL_HTTP_BACKOFF="0.01")


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... failed: {proc.stderr.strip()[:300]}")
    return elapsed


def skill_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "skillreg", *args]


class HttpServer:
    """`python -m http.server` on 127.0.0.1; `paths` are the GETs it logged, in order."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", str(root)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None and self.proc.stderr is not None
        port = re.search(r"port (\d+)", self.proc.stdout.readline())
        assert port is not None
        self.url = f"http://127.0.0.1:{port.group(1)}"
        self.log: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, args=(self.proc.stderr,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            found = _REQUEST.search(line)
            if found:
                with self._lock:
                    self.log.append((found.group(1), int(found.group(2))))

    def take(self) -> list[tuple[str, int]]:
        """The requests logged since the last call (after the log settles)."""
        time.sleep(0.05)
        with self._lock:
            out, self.log = self.log, []
        return out

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@contextmanager
def http_server(root: Path) -> Iterator[HttpServer]:
    server = HttpServer(root)
    try:
        yield server
    finally:
        server.close()


def versions(tree: Path | None) -> dict[str, str]:
    """label -> `skill` executable: the previous version first, when given."""
    out = {"today": previous_skill(tree)} if tree is not None else {}
    return out | {"new": SKILL}


def shown(requests: list[tuple[str, int]]) -> str:
    names = [p.rsplit("/", 1)[-1] if len(p) < 40 else p.split("/")[1] + "/…" for p, _ in requests]
    return ", ".join(
        f"{n}{'' if s == 200 else f' ({s})'}" for n, (_, s) in zip(names, requests, strict=True)
    )


# -- 1. cold install -------------------------------------------------------------------------


def cold_install(work: Path, skills: dict[str, str], runs: int) -> None:
    registry = work / "seed-registry"
    related = sorted(str(p) for p in (REPO / "tests" / "fixtures" / "related").iterdir())
    run([SKILL, "publish", str(SEED), *related, "--to", str(registry)], work, env_for(work / "h0"))
    walls = {k: Figures() for k in skills}
    cpus = {k: Figures() for k in skills}
    counts: dict[str, list[tuple[str, int]]] = {}
    with http_server(registry) as server:
        for i in range(runs):  # interleaved, so both versions see the same load
            for label, exe in skills.items():
                home, project = work / f"cold-{label}-home-{i}", work / f"cold-{label}-{i}"
                project.mkdir()
                argv = [exe, "install", "backend-developer", "--registry", server.url]
                wall, cpu = run_once(argv, env=env_for(home), cwd=project, ok=(0,))
                walls[label].samples.append(wall)
                cpus[label].samples.append(cpu)
                counts[label] = server.take()
    print("1. cold `skill install backend-developer` (fresh HOME), http.server on 127.0.0.1")
    table_head("today", "new")
    today = "today" if "today" in skills else "new"
    row("requests", str(len(counts[today])), str(len(counts["new"])), "<= 3",
        len(counts["new"]) <= 3)  # fmt: skip
    row("wall min / median", walls[today].fmt(), walls["new"].fmt())
    row("CPU min / median", cpus[today].fmt(), cpus["new"].fmt())
    for label in skills:
        print(f"    {label}: {shown(counts[label])}")


# -- 2. warm restore of 20 locked skills -------------------------------------------------------


def twenty_registry(work: Path) -> Path:
    builder = RegistryBuilder(work / "twenty")
    builder.change_log = True  # as `skill publish` writes it
    for i in range(20):
        name = f"skill-{i:02d}"
        extra = {f"references/{j}.md": os.urandom(2000).hex().encode() for j in range(5)}
        builder.add(name, "1.0.0", data=make_bundle(name, "1.0.0", extra))
    return builder.write()


def warm_restore(work: Path, skills: dict[str, str], runs: int) -> None:
    root = twenty_registry(work)
    names = [f"skill-{i:02d}" for i in range(20)]
    walls = {k: Figures() for k in skills}
    cpus = {k: Figures() for k in skills}
    counts: dict[str, list[tuple[str, int]]] = {}
    with http_server(root) as server:
        firsts = {}
        for label, exe in skills.items():
            first = work / f"twenty-{label}"
            first.mkdir()
            argv = [exe, "install", *names, "--agent", "claude-code", "--registry", server.url]
            run(argv, first, env_for(work / f"twenty-{label}-home"))
            firsts[label] = first
            server.take()
        for i in range(runs):
            for label, exe in skills.items():
                clone = work / f"twenty-{label}-clone-{i}"
                clone.mkdir()
                for f in ("skills.lock", "skills.toml"):
                    shutil.copy(firsts[label] / f, clone / f)
                env = env_for(work / f"twenty-{label}-home")
                wall, cpu = run_once([exe, "install"], env=env, cwd=clone, ok=(0,))
                walls[label].samples.append(wall)
                cpus[label].samples.append(cpu)
                counts[label] = server.take()
    print("2. warm restore of 20 locked skills (fresh checkout, bundles in the cache)")
    table_head("today", "new")
    today = "today" if "today" in skills else "new"
    new = counts["new"]
    bundles = [p for p, _ in new if p.startswith("/blobs/")]
    row("requests", str(len(counts[today])), str(len(new)), "<= 1 per registry", len(new) <= 1)
    row("  of which bundles", str(sum(p.startswith("/blobs/") for p, _ in counts[today])),
        str(len(bundles)), "0", not bundles)  # fmt: skip
    row("wall min / median", walls[today].fmt(), walls["new"].fmt())
    row("CPU min / median", cpus[today].fmt(), cpus["new"].fmt())
    for label in skills:
        print(f"    {label}: {shown(counts[label])}")


# -- 3. requests per install at 100,000 skills ---------------------------------------------------


def huge_registry(work: Path, count: int) -> tuple[Path, list[str]]:
    from skillreg.registry.model import index_path

    root = work / "huge"
    builder = RegistryBuilder(root)
    builder.change_log = True
    real = [f"s{i:06d}-skill" for i in (0, 31_337 % count, count - 1)]
    for name in real:
        builder.add(name, "1.0.0")
    builder.write()
    fake = "0" * 64
    version = {"sha256": fake, "size": 1, "tar_sha256": fake, "tar_size": 1,
               "description": "generated", "published": "2026-11-26T17:00:00Z"}  # fmt: skip
    template = json.dumps(
        {"name": "@NAME@", "serial": 1, "tags": {"latest": "1.0.0"}, "versions": {"1.0.0": version}}
    )
    made: set[Path] = set()
    for i in range(count):
        name = f"s{i:06d}-skill"
        if name in real:
            continue
        path = root / index_path(name)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(template.replace("@NAME@", name))
    return root, real


def huge_requests(work: Path, skills: dict[str, str], count: int) -> None:
    start = time.perf_counter()
    root, real = huge_registry(work, count)
    print(f"3. registry of {count:,} skills (generated in {time.perf_counter() - start:.1f} s),"
          " cold cache")  # fmt: skip
    table_head("today", "new")
    got: dict[str, list[int]] = {}
    with http_server(root) as server:
        for label, exe in skills.items():
            got[label] = []
            for i, names in enumerate((real[:1], real)):
                project = work / f"huge-{label}-{i}"
                project.mkdir()
                argv = [exe, "install", *names, "--registry", server.url]
                run(argv, project, env_for(work / f"huge-{label}-home-{i}"))
                got[label].append(len(server.take()))
    today = "today" if "today" in skills else "new"
    one, three = got["new"]
    row("requests, 1 skill", str(got[today][0]), str(one), "<= 3", one <= 3)
    row("requests, 3 skills in one run", str(got[today][1]), str(three), "<= 9", three <= 9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--previous", help="a checkout of an earlier version, with its .venv")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skills", type=int, default=100_000, help="size of the huge registry")
    parser.add_argument("--only", choices=["cold", "restore", "huge"])
    args = parser.parse_args()
    skills = versions(previous_tree(args.previous))
    header("bench_install")
    with tempfile.TemporaryDirectory(prefix="w17inst-bench-install-") as tmp:
        work = Path(tmp)
        if args.only in (None, "cold") and SEED.is_dir():
            cold_install(work, skills, args.runs)
        if args.only in (None, "restore"):
            warm_restore(work, skills, args.runs)
        if args.only in (None, "huge"):
            huge_requests(work, skills, args.skills)
    header("bench_install done")


if __name__ == "__main__":
    main()
