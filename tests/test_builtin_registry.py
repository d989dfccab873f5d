"""The shipped registry: rebuilt from `registry/` it is byte-identical; a wheel installs from it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from skillreg.registry.builtin import builtin_registry, catalog_sources
from skillreg.registry.builtin_build import build
from tests.conftest import REPO, SEED


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_shipped_registry_is_exactly_the_published_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no project config: the build names its profile itself
    build(catalog_sources(), tmp_path / "fresh")
    shipped = _files(builtin_registry())
    rebuilt = _files(tmp_path / "fresh")
    assert sorted(shipped) == sorted(rebuilt), "run: python -m skillreg.registry.builtin_build"
    changed = [name for name in shipped if shipped[name] != rebuilt[name]]
    assert changed == [], "run: python -m skillreg.registry.builtin_build"


def test_catalog_holds_the_seed_as_it_is() -> None:
    assert (catalog_sources() / "backend-developer" / "SKILL.md").read_bytes() == (
        SEED / "SKILL.md"
    ).read_bytes()


def test_wheel_installs_backend_developer_offline_with_no_config(tmp_path: Path) -> None:
    """`pip install .` then `skill install backend-developer`: the seed's bytes, and a lock."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    fresh_python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(fresh_python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(next(wheels.glob("*.whl"))),
        ],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this environment's site-packages, through a .pth file: such a
    # folder's own .pth files (our editable install among them) are not processed.
    purelib = subprocess.run(
        [str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    project, home = tmp_path / "project", tmp_path / "home"
    project.mkdir()
    home.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        # Any network use would fail: nothing listens on port 9.
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    proc = subprocess.run(
        [str(venv / "bin" / "skill"), "install", "backend-developer", "--agent", "claude-code"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    installed = project / ".claude/skills/backend-developer/SKILL.md"
    assert installed.read_bytes() == (SEED / "SKILL.md").read_bytes()
    lock = (project / "skills.lock").read_text()
    assert '"name": "backend-developer"' in lock and '"registry": "builtin"' in lock
    imported = subprocess.run(
        [str(fresh_python), "-c", "import skillreg; print(skillreg.__file__)"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(venv) in imported and str(REPO) not in imported
    assert os.environ.get("SKILL_REGISTRY") is None
