"""SIGKILL at random moments never leaves a partial skill folder or a lock entry without files."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from skillreg.core.atomic import TMP_PREFIX
from skillreg.install.lock import read_lock
from skillreg.install.place import folder_status, read_marker
from skillreg.install.project import locate_project
from skillreg.install.targets import entry_status
from tests.install_helpers import RegistryBuilder, make_bundle, serve

SKILLS = ["backend-developer", "python-pro", "golang-pro", "devops-engineer", "data-engineer"]
FOLDERS = [".agents/skills", ".claude/skills", ".cursor/skills"]


def build(root: Path) -> RegistryBuilder:
    """Two versions of five related skills, each with enough bytes to take a moment to unpack."""
    rng = random.Random(7)
    b = RegistryBuilder(root)
    for version in ("1.0.0", "1.1.0"):
        for name in SKILLS:
            extra = {f"data/{i}.txt": rng.randbytes(40_000) for i in range(8)}
            related = [n for n in SKILLS if n != name] if name == SKILLS[0] else []
            b.add(name, version, data=make_bundle(name, version, extra), related=related)
    b.write()
    return b


def check_consistent(project: Path) -> None:
    """Every lock entry is on disk; every visible folder is complete (hidden temps allowed)."""
    where = locate_project(project, global_=False)
    for entry in read_lock(where.lock_path).skills:
        assert entry_status(where, entry) == "ok", entry.name
    for rel in FOLDERS:
        folder = project / rel
        for child in folder.iterdir() if folder.is_dir() else []:
            if child.name.startswith("."):
                assert child.name.startswith(TMP_PREFIX), child
                continue
            marker = read_marker(child)
            assert marker is not None, f"{child} has no marker: partial folder"
            assert folder_status(child, marker.sha256) == "ok", child


def test_sigkill_at_random_points(tmp_path: Path) -> None:
    build(tmp_path / "registry")
    project = tmp_path / "project"
    project.mkdir()
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    env = {**os.environ, "SKILL_HTTP_BACKOFF": "0.001", "PYTHONDONTWRITEBYTECODE": "1"}
    killed = 0
    with serve(tmp_path / "registry") as server:

        def start(version: str) -> subprocess.Popen[bytes]:
            command = [
                sys.executable,
                "-m",
                "skillreg",
                "install",
                f"{SKILLS[0]}@{version}",
                "--with-related",
                "--agent",
                "claude-code",
                "--agent",
                "cursor",
                "--registry",
                server.url,
            ]
            return subprocess.Popen(
                command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )

        # How long an install takes here, caches warm: the kills below aim inside that window,
        # so that (nearly) every run is cut short whatever the machine's speed or load.
        assert start("1.0.0").wait() == 0
        began = time.monotonic()
        assert start("1.1.0").wait() == 0
        lifetime = time.monotonic() - began
        for attempt in range(20):
            proc = start("1.0.0" if attempt % 2 else "1.1.0")
            time.sleep(rng.uniform(0.05, 0.9) * lifetime)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait()
            check_consistent(project)
        final = start("1.1.0")
        _, stderr = final.communicate()
    assert final.returncode == 0, (seed, stderr)
    assert killed >= 10, f"seed {seed}: only {killed} runs were killed; the test proves little"
    check_consistent(project)
    lock = read_lock(project / "skills.lock")
    assert {e.name for e in lock.skills} == set(SKILLS), seed
    leftovers = [p for p in project.rglob(f"{TMP_PREFIX}*")]
    assert leftovers == [], seed
