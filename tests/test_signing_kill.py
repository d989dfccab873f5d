"""A signing publisher killed (SIGKILL) at random moments, 20 times: the registry always verifies,
a client that trusts it always installs from it, and rerunning the publishes completes them."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skillreg.registry.signing.create import InitOptions, init_signing
from skillreg.registry.store import FolderRegistry
from skillreg.registry.verify import verify
from tests.install_helpers import serve, skill
from tests.signing_helpers import TEST_BITS, make_keys
from tests.test_publish import write_skill

KILLS = 20


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


def publisher(folder: Path, reg: Path, keys: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "skillreg", "publish", str(folder), "--to", str(reg)],
        cwd=reg.parent,
        env={**os.environ, "SKILL_SIGNING_KEYS": str(keys), "PYTHONDONTWRITEBYTECODE": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def client_installs(tmp_path: Path, url: str, run: int) -> None:
    project = tmp_path / f"client-{run}"
    project.mkdir()
    result = skill("install", "kill-skill", "--registry", url, cwd=project)
    assert result.exit_code == 0, (run, result.stderr)


def test_signing_publishers_killed_at_random_moments(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    reg = tmp_path / "reg"
    first = write_skill(tmp_path / "v0", "kill-skill", version="1.0.0")
    assert publisher(first, reg, keys).wait(timeout=60) == 0
    init_signing(FolderRegistry(reg), InitOptions(keys, bit_length=TEST_BITS))
    timed = write_skill(tmp_path / "v1", "kill-skill", version="1.1.0")
    start = time.monotonic()
    assert publisher(timed, reg, keys).wait(timeout=60) == 0  # a signed publish, timed
    lifetime = time.monotonic() - start
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    folders = []
    with serve(reg) as server:
        client_installs(tmp_path, server.url, -1)  # the client now trusts this root
        for run in range(KILLS):
            folder = write_skill(tmp_path / f"k{run}", "kill-skill", version=f"2.{run}.0")
            folders.append(folder)
            proc = publisher(folder, reg, keys)
            # Aim at the second half, where bundle, document and metadata are written.
            time.sleep(rng.uniform(0.5, 1.05) * lifetime)
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
            report = verify(str(reg))
            assert report.ok, (seed, run, report.findings)
            client_installs(tmp_path, server.url, run)
        for folder in folders:
            rerun = publisher(folder, reg, keys)
            _out, err = rerun.communicate(timeout=60)
            assert rerun.returncode == 0, (seed, err)
        report = verify(str(reg))
        # A writer killed mid-write may leave its temporary file: harmless, reported as info, and
        # swept by `registry reindex` once old enough not to belong to a live writer.
        leftovers = [f for f in report.findings if "leftover temporary file" in f.message]
        assert report.ok and report.findings == leftovers, (seed, report.findings)
        assert report.versions == KILLS + 2 and report.signed == 1
        client_installs(tmp_path, server.url, KILLS)


@pytest.mark.parametrize("step", ["after-doc", "before-timestamp"])
def test_killed_at_each_signing_step(tmp_path: Path, step: str) -> None:
    """Deterministic companions of the random test: killed with the document written but not
    signed, and with the new bin and snapshot written but no timestamp pointing at them."""
    keys = make_keys(tmp_path / "keys")
    reg = tmp_path / "reg"
    assert publisher(write_skill(tmp_path / "v0", "kill-skill"), reg, keys).wait(timeout=60) == 0
    init_signing(FolderRegistry(reg), InitOptions(keys, bit_length=TEST_BITS))
    folder = write_skill(tmp_path / "v1", "kill-skill", version="1.1.0")
    with serve(reg) as server:
        client_installs(tmp_path, server.url, -1)
        paused = tmp_path / "paused"
        proc = publisher(
            folder, reg, keys, SKILL_TEST_PAUSE_AT=step, SKILL_TEST_PAUSE_SIGNAL=str(paused)
        )
        deadline = time.monotonic() + 60
        while not paused.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "publisher never reached the pause point"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        report = verify(str(reg))
        assert report.ok, report.findings
        client_installs(tmp_path, server.url, 0)
        assert publisher(folder, reg, keys).wait(timeout=60) == 0
        report = verify(str(reg))
        assert report.ok and not report.findings, report.findings
        assert report.versions == 2
