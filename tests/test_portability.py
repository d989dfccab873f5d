"""Portability: publish, yank, verify and install where POSIX-only capabilities are missing.

Windows has no `fcntl` and, without developer mode, refuses symlinks; both are simulated here on
the machine the suite runs on.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, small_collection

# Runs the CLI with `fcntl` unimportable and no `os.lockf`, as on Windows: `sys.modules[name] =
# None` makes `import name` raise ImportError; without `os.lockf`, `core.locking` takes the
# `filelock` path that Windows takes.
_WITHOUT_FCNTL = """
import os, sys
sys.modules["fcntl"] = None
del os.lockf
from skillreg.cli import main
sys.argv = ["skill", *sys.argv[1:]]
main()
"""


def _skill_without_fcntl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_FCNTL, *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_no_module_level_fcntl_import() -> None:
    """No module of the package imports `fcntl` (or `msvcrt`) directly: `skillreg.core.locking`
    takes `os.lockf` where the os module has it, else goes through `filelock`, which picks what
    the platform has."""
    offenders = []
    for path in (REPO / "skillreg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if {"fcntl", "msvcrt"} & set(names):
                offenders.append(f"{path.relative_to(REPO)}: {names}")
    assert offenders == []


def test_publish_yank_verify_without_fcntl(tmp_path: Path) -> None:
    """A portable lock (`filelock`) for publish/yank/verify: with `fcntl` hidden, each works and
    none prints a traceback."""
    src = small_collection(tmp_path / "src")
    site = tmp_path / "site"
    steps = [
        ("publish", str(src), "--to", str(site)),
        ("yank", "small-2@1.0.0", "--from", str(site), "--reason", "test"),
        ("registry", "verify", str(site)),
    ]
    for args in steps:
        result = _skill_without_fcntl(*args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_install_without_fcntl_or_symlinks(tmp_path: Path) -> None:
    """Symlink fallback to copies where links are not allowed, and the project lock without
    `fcntl`: `os.symlink` raises as on Windows without developer mode."""
    src = small_collection(tmp_path / "src")
    site = tmp_path / "site"
    assert (
        _skill_without_fcntl("publish", str(src), "--to", str(site), cwd=tmp_path).returncode == 0
    )
    project = tmp_path / "project"
    project.mkdir()
    script = _WITHOUT_FCNTL.replace(
        "from skillreg.cli import main",
        "import os\n"
        "def _refuse(*a, **k):\n"
        "    raise OSError(1314, 'A required privilege is not held by the client')\n"
        "os.symlink = _refuse\n"
        "from skillreg.cli import main",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = ["install", "small-3", "--agent", "claude-code", "--agent", "cursor",
            "--registry", str(site)]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for agent_folder in (".claude/skills", ".cursor/skills"):
        placed = project / agent_folder / "small-3"
        if placed.exists():
            assert placed.is_dir() and not placed.is_symlink()
            assert (placed / "SKILL.md").read_bytes() == (src / "small-3/SKILL.md").read_bytes()
    assert not any(p.is_symlink() for p in project.rglob("*"))


def test_lock_is_exclusive_between_processes(tmp_path: Path) -> None:
    holders = 2
    """Two processes taking the same `core.locking` lock run their critical sections one after
    the other (each appends start/end marks; interleaving would show as start,start)."""
    log = tmp_path / "log"
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from skillreg.core.locking import exclusive\n"
        "log = Path(sys.argv[1])\n"
        "with exclusive(Path(sys.argv[2])):\n"
        "    with open(log, 'a') as fh: fh.write('start\\n')\n"
        "    time.sleep(0.3)\n"
        "    with open(log, 'a') as fh: fh.write('end\\n')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(log), str(tmp_path / "x.lock")], env=env)
        for _ in range(holders)
    ]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert log.read_text().split() == ["start", "end"] * holders


def test_lock_refuses_a_link_or_fifo_at_its_path(tmp_path: Path) -> None:
    """A link planted where a lock file goes is refused, never followed (its target is neither
    created nor written), and a FIFO there neither hangs the open nor is taken as a lock."""
    from skillreg.core.locking import hold

    target = tmp_path / "victim"
    target.write_text("keep")
    link = tmp_path / "link.lock"
    link.symlink_to(target)
    with pytest.raises(OSError):
        hold(link)
    assert target.read_text() == "keep"
    dangling = tmp_path / "dangling.lock"
    dangling.symlink_to(tmp_path / "absent")
    with pytest.raises(OSError):
        hold(dangling)
    assert not (tmp_path / "absent").exists()
    fifo = tmp_path / "fifo.lock"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        hold(fifo)


def test_lock_is_released_and_taken_again(tmp_path: Path) -> None:
    """Release drops the lock (another process takes it at once) and keeps the file in place."""
    from skillreg.core.locking import hold

    path = tmp_path / "locks" / "x.lock"
    held = hold(path)
    held.release()
    held.release()  # a second release is harmless
    code = (
        "import sys\nfrom pathlib import Path\nfrom skillreg.core.locking import hold\n"
        "hold(Path(sys.argv[1])).release()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env, timeout=60)
    assert done.returncode == 0
    assert path.is_file()
