"""Publishers running at once, and publishers killed part-way (SIGKILL at a known step)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skillreg.core.diagnostics import Severity
from skillreg.registry.verify import reindex, verify
from tests.test_publish import write_skill


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


def publisher(folder: Path, reg: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "skillreg", "publish", str(folder), "--to", str(reg)],
        cwd=reg.parent,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eight_publishers_of_one_skill_lose_no_version(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    folders = [write_skill(tmp_path / f"v{i}", "busy-skill", version=f"1.{i}.0") for i in range(8)]
    # Each publisher sleeps between reading and writing the document: without the lock they
    # would all read the same document and overwrite each other's versions.
    slow = {"SKILL_TEST_PAUSE_AT": "before-doc", "SKILL_TEST_PAUSE_SECONDS": "0.15"}
    procs = [publisher(folder, reg, **slow) for folder in folders]
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    doc = json.loads((reg / "index/bu/sy/busy-skill.json").read_text())
    assert sorted(doc["versions"]) == [f"1.{i}.0" for i in range(8)]
    assert doc["serial"] == 8 and doc["tags"]["latest"] == "1.7.0"
    report = verify(str(reg))
    assert report.ok, report.findings
    assert report.versions == 8 and report.blobs == 8


def wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "publisher never reached the pause point"
        time.sleep(0.02)


def killed_at(step: str, tmp_path: Path) -> tuple[Path, Path]:
    """Publish one skill, SIGKILL the publisher at `step`; the registry and the skill folder."""
    reg = tmp_path / "reg"
    base = write_skill(tmp_path / "base", "base-skill")
    assert publisher(base, reg).wait(timeout=60) == 0
    folder = write_skill(tmp_path / "src", "late-skill", related=("base-skill",))
    signal_file = tmp_path / "paused"
    proc = publisher(
        folder, reg, SKILL_TEST_PAUSE_AT=step, SKILL_TEST_PAUSE_SIGNAL=str(signal_file)
    )
    wait_for(signal_file, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return reg, folder


def test_killed_after_the_bundle_leaves_a_valid_registry_and_a_rerun_completes(
    tmp_path: Path,
) -> None:
    reg, folder = killed_at("after-blob", tmp_path)
    report = verify(str(reg))
    assert report.ok, report.findings
    assert [f.message for f in report.findings] == ["orphan bundle: no version references it"]
    assert not (reg / "index/la/te/late-skill.json").exists()
    rerun = publisher(folder, reg)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    assert "published late-skill@1.0.0" in out
    report = verify(str(reg))
    assert report.ok and report.findings == [] and report.versions == 2


def test_killed_before_the_catalog_is_completed_by_a_rerun(tmp_path: Path) -> None:
    reg, folder = killed_at("after-doc", tmp_path)
    report = verify(str(reg))
    # Every referenced file is there; the derived catalog lags behind the documents, and the
    # pending mark the killed publisher left says why: verify passes, naming the repair.
    assert report.ok, report.findings
    assert report.versions == report.blobs == 2
    assert sorted((f.path, f.severity, f.message.split(":")[0]) for f in report.findings) == [
        ("catalog.json", Severity.INFO, "behind the documents of late-skill"),
        ("index.html", Severity.INFO, "behind the documents of late-skill"),
    ]
    rerun = publisher(folder, reg)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    assert "unchanged late-skill@1.0.0" in out and "wrote catalog.json" in out
    report = verify(str(reg))
    assert report.ok and report.findings == []
    assert not any((reg / ".locks" / "pending").iterdir())


def test_a_lagging_catalog_without_a_pending_mark_is_an_error(tmp_path: Path) -> None:
    reg, _folder = killed_at("after-doc", tmp_path)
    for mark in (reg / ".locks" / "pending").iterdir():
        mark.unlink()
    report = verify(str(reg))
    assert not report.ok
    assert {f.path for f in report.findings if f.severity >= Severity.ERROR} == {
        "catalog.json",
        "index.html",
    }


def test_reindex_completes_an_interrupted_publish(tmp_path: Path) -> None:
    reg, _folder = killed_at("after-doc", tmp_path)
    reindex(str(reg))
    report = verify(str(reg))
    assert report.ok and report.findings == []
    assert not any((reg / ".locks" / "pending").iterdir())


def test_killed_before_writing_the_document_leaves_nothing_to_repair(tmp_path: Path) -> None:
    reg, _folder = killed_at("before-doc", tmp_path)
    report = verify(str(reg))
    assert report.ok and report.findings == [] and report.versions == 1


def test_publishers_killed_at_random_moments_never_break_the_registry(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    first = write_skill(tmp_path / "v0", "kill-skill", version="1.0.0")
    start = time.monotonic()
    assert publisher(first, reg).wait(timeout=60) == 0
    lifetime = time.monotonic() - start
    rng = random.Random(20261126)
    folders = []
    for i in range(1, 5):
        folder = write_skill(tmp_path / f"v{i}", "kill-skill", version=f"1.{i}.0")
        folders.append(folder)
        proc = publisher(folder, reg)
        time.sleep(rng.uniform(0.6, 1.1) * lifetime)  # aim at the end, where the writes are
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        report = verify(str(reg))
        assert report.ok, report.findings
    for folder in folders:
        rerun = publisher(folder, reg)
        assert rerun.wait(timeout=60) == 0
    report = verify(str(reg))
    assert report.ok, report.findings
    assert report.versions == 5


@pytest.mark.parametrize("step", ["after-blob", "before-doc", "after-doc"])
def test_a_batch_publisher_killed_at_each_step_leaves_a_valid_registry(
    tmp_path: Path, step: str
) -> None:
    """Several skills in one command take the batched writes (bundles, one flush, documents
    staged then renamed): killed at each step, the registry verifies (old state, or documents
    ahead of the derived files with their pending marks), and a rerun completes it."""
    reg = tmp_path / "reg"
    assert publisher(write_skill(tmp_path / "base", "base-skill"), reg).wait(timeout=60) == 0
    src = tmp_path / "src"
    for name in ("late-one", "late-two", "late-three"):
        write_skill(src, name, related=("base-skill",))
    signal_file = tmp_path / "paused"
    proc = publisher(src, reg, SKILL_TEST_PAUSE_AT=step, SKILL_TEST_PAUSE_SIGNAL=str(signal_file))
    wait_for(signal_file, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    report = verify(str(reg))
    assert report.ok, report.findings
    assert report.versions == (4 if step == "after-doc" else 1)
    rerun = publisher(src, reg)
    _out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    report = verify(str(reg))
    assert report.ok and report.versions == report.blobs == 4
    assert report.findings == []
    assert not any((reg / ".locks" / "pending").iterdir())
