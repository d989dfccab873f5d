"""Install benchmarks: prints figures, asserts nothing.

1. `skill install backend-developer` from a localhost HTTP registry, cold cache (fresh HOME), wall
   time of the whole process; beside it `npx skills add <folder>` (npm `skills` 1.3.9) when npx can
   run it offline, else the reference figure measured earlier.
2. Restoring 20 locked skills into a fresh checkout with a warm cache (target <= 1 s).
3. A registry of 100,000 skills: HTTP requests per skill installed, from the server's log
   (target <= 3).

Run: .venv/bin/python bench/bench_install.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.install_helpers import RegistryBuilder, make_bundle, serve  # noqa: E402

SEED = REPO.parent / "shared" / "seed" / "backend-developer"
NPX_REFERENCE = 0.21  # seconds, `npx skills add <local folder>` measured earlier on this machine


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILL_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        SKILL_HTTP_BACKOFF="0.01",
    )
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... failed: {proc.stderr.strip()[:300]}")
    return elapsed


def skill_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "skillreg", *args]


def cold_install(work: Path) -> float:
    registry = work / "seed-registry"
    related = sorted(str(p) for p in (REPO / "tests" / "fixtures" / "related").iterdir())
    run(
        skill_cmd("publish", str(SEED), *related, "--to", str(registry)), work, env_for(work / "h0")
    )
    times = []
    with serve(registry) as server:
        for i in range(5):
            home, project = work / f"cold-home-{i}", work / f"cold-project-{i}"
            project.mkdir()
            args = skill_cmd("install", "backend-developer", "--registry", server.url)
            times.append(run(args, project, env_for(home)))
    return statistics.median(times)


def npx_install(work: Path) -> tuple[float | None, str]:
    if shutil.which("npx") is None:
        return None, "npx not found"
    project, home = work / "npx-project", work / "npx-home"
    project.mkdir()
    env = {**os.environ, "DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "CI": "1"}
    args = [
        "npx",
        "--offline",
        "--yes",
        "skills@1.3.9",
        "add",
        str(SEED),
        "-y",
        "--agent",
        "claude-code",
    ]
    try:
        run(args, project, env, timeout=60)  # first run: npx resolves the package
        times = []
        for i in range(3):
            again = work / f"npx-project-{i}"
            again.mkdir()
            times.append(run(args, again, env, timeout=60))
            if not (again / ".claude/skills/backend-developer/SKILL.md").is_file():
                return None, "ran offline but installed nothing"
        del home
        return statistics.median(times), "measured now"
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return None, f"could not run offline ({str(exc).splitlines()[0][:120]})"


def restore_twenty(work: Path) -> tuple[float, float]:
    root = work / "twenty"
    builder = RegistryBuilder(root)
    names = [f"skill-{i:02d}" for i in range(20)]
    for name in names:
        extra = {f"references/{j}.md": os.urandom(2000).hex().encode() for j in range(5)}
        builder.add(name, "1.0.0", data=make_bundle(name, "1.0.0", extra))
    builder.write()
    home = work / "twenty-home"
    with serve(root) as server:
        first = work / "twenty-a"
        first.mkdir()
        run(
            skill_cmd("install", *names, "--agent", "claude-code", "--registry", server.url),
            first,
            env_for(home),
        )
        times, lib_times = [], []
        for i in range(3):
            clone = work / f"twenty-clone-{i}"
            clone.mkdir()
            for f in ("skills.lock", "skills.toml"):
                shutil.copy(first / f, clone / f)
            times.append(run(skill_cmd("install"), clone, env_for(home)))
        lib_times.append(_restore_in_process(first, work / "twenty-lib", home))
    return statistics.median(times), lib_times[0]


def _restore_in_process(source: Path, clone: Path, home: Path) -> float:
    """The same restore through the library, without interpreter start-up."""
    clone.mkdir()
    for f in ("skills.lock", "skills.toml"):
        shutil.copy(source / f, clone / f)
    saved = dict(os.environ)
    os.environ.update(env_for(home))
    try:
        from skillreg.install.engine import restore
        from skillreg.install.session import InstallOptions

        start = time.perf_counter()
        restore(InstallOptions(cwd=clone))
        return time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def huge_registry(work: Path, count: int = 100_000) -> tuple[int, int, int, float]:
    """(requests for one skill, requests for three in one run, 3, generation seconds)."""
    from skillreg.registry.model import RegistryRoot, index_path

    root = work / "huge"
    start = time.perf_counter()
    builder = RegistryBuilder(root)
    real = [f"s{i:06d}-skill" for i in (0, 31_337, 99_999)]
    for name in real:
        builder.add(name, "1.0.0")
    builder.write()
    (root / "registry.json").write_text(
        RegistryRoot(format="skillreg-registry", name="huge").model_dump_json()
    )
    fake = "0" * 64
    version = {
        "sha256": fake,
        "size": 1,
        "tar_sha256": fake,
        "tar_size": 1,
        "description": "generated",
        "published": "2026-11-26T17:00:00Z",
    }
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
    generated = time.perf_counter() - start
    counts = []
    with serve(root) as server:
        for i, names in enumerate((real[:1], real)):
            project = work / f"huge-project-{i}"
            project.mkdir()
            server.log.clear()
            args = skill_cmd("install", *names, "--registry", server.url)
            run(args, project, env_for(work / f"huge-home-{i}"))  # cold cache each time
            counts.append(len(server.log))
    return counts[0], counts[1], len(real), generated


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-install-") as tmp:
        work = Path(tmp)
        cold = cold_install(work)
        npx, how = npx_install(work)
        print("install backend-developer (whole process, cold cache, localhost HTTP registry)")
        print(f"  skill install      {cold:6.3f} s   (median of 5)")
        if npx is not None:
            print(f"  npx skills add     {npx:6.3f} s   (median of 3, local folder, {how})")
        else:
            print(f"  npx skills add     {NPX_REFERENCE:6.3f} s   (reference figure; {how})")
        restore, in_process = restore_twenty(work)
        print("restore 20 locked skills, warm cache (target <= 1 s)")
        print(f"  skill install      {restore:6.3f} s   (whole process, median of 3)")
        print(f"  library restore()  {in_process:6.3f} s   (without interpreter start-up)")
        one, requests, installed, generated = huge_registry(work)
        print(f"registry of 100,000 skills (generated in {generated:.1f} s), cold cache")
        print(f"  HTTP requests      {one} to install 1 skill (target <= 3 per skill)")
        print(
            f"  HTTP requests      {requests} to install {installed} skills in one run"
            f" = {requests / installed:.2f} per skill"
        )
        print(
            json.dumps(
                {
                    "cold_install_s": round(cold, 3),
                    "npx_s": npx,
                    "restore20_s": round(restore, 3),
                    "requests_per_skill": round(requests / installed, 2),
                }
            )
        )


if __name__ == "__main__":
    main()
