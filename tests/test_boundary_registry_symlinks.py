"""Boundary: the publisher never writes, locks or deletes through a symlink inside the registry
folder; `verify` reports every such link as damage.

Each case publishes one skill, replaces one folder (or file) of the registry by a symlink to a
copy outside it, then runs a writer (publish, yank, deprecate, reindex): exit 1, exactly one
``error:`` line, no traceback, the outside copy and the fake HOME unchanged. Bounds: registries of
two small skills; each command is one in-process run (a hang guard of 20 s, not a benchmark).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from tests.install_helpers import tree
from tests.test_publish import write_skill

HANG_GUARD = 20.0
NAME = "base-skill"  # index/ba/se/base-skill.json


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> Any:
    started = time.monotonic()
    result = CliRunner().invoke(cli, list(args))
    assert time.monotonic() - started < HANG_GUARD
    return result


def refused(result: Any) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return str(lines[0])


@pytest.fixture
def reg(tmp_path: Path) -> Path:
    folder = tmp_path / "reg"
    skill = write_skill(tmp_path / "src", NAME)
    assert run("publish", str(skill), "--to", str(folder)).exit_code == 0
    return folder


def blob_folder(reg: Path) -> str:
    """``blobs/sha256/xx`` of the one bundle published so far."""
    (bundle,) = (reg / "blobs/sha256").rglob("*.tar.gz")
    return bundle.parent.parent.relative_to(reg).as_posix()


def swap_for_link(reg: Path, rel: str, outside: Path) -> None:
    """Move `rel` out of the registry and leave a symlink to it in its place."""
    target = outside / rel.replace("/", "_")
    shutil.move(str(reg / rel), str(target))
    (reg / rel).symlink_to(target, target_is_directory=target.is_dir())


LINKED = [
    "index",
    "index/ba",
    "index/ba/se",
    f"index/ba/se/{NAME}.json",
    "blobs",
    "blobs/sha256",
    "{blob}",  # a prefix folder of blobs/sha256
    ".locks",
    ".locks/keys",  # the per-key locks of the folder backend's conditional writes
    ".locks/registry.lock",
]

WRITERS: dict[str, Callable[[Path, Path], tuple[str, ...]]] = {
    "publish-new-version": lambda src, reg: ("publish", str(src / "v2" / NAME), "--to", str(reg)),
    "yank": lambda src, reg: ("yank", f"{NAME}@1.0.0", "--from", str(reg)),
    "deprecate": lambda src, reg: ("deprecate", NAME, "--from", str(reg), "--message", "gone"),
}


@pytest.mark.parametrize("rel", LINKED)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_writer_refuses_a_symlink_inside_the_registry(
    tmp_path: Path, reg: Path, isolated_home: Path, rel: str, writer: str
) -> None:
    rel = rel.replace("{blob}", blob_folder(reg))
    write_skill(tmp_path / "src" / "v2", NAME, version="1.1.0")
    outside = tmp_path / "outside"
    outside.mkdir()
    swap_for_link(reg, rel, outside)
    before = tree(outside), tree(isolated_home)
    inside_before = tree(reg)
    line = refused(run(*WRITERS[writer](tmp_path / "src", reg)))
    assert "inside the registry" in line and "symlink" in line
    assert (tree(outside), tree(isolated_home)) == before
    assert tree(reg) == inside_before  # refused before anything was written
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 1
    assert f"{rel}: error: symlink inside the registry" in result.stdout


@pytest.mark.parametrize("rel", ["catalog.json", "index.html", ".locks/pending"])
def test_derived_files_and_pending_marks_are_not_written_through_links(
    tmp_path: Path, reg: Path, rel: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (reg / ".locks/pending").mkdir(exist_ok=True)
    swap_for_link(reg, rel, outside)
    before = tree(outside)
    other = write_skill(tmp_path / "src", "other-skill")
    line = refused(run("publish", str(other), "--to", str(reg)))
    assert "symlink" in line
    assert tree(outside) == before
    assert refused(run("registry", "reindex", str(reg))) if rel != ".locks/pending" else True
    assert tree(outside) == before


def test_verify_reports_links_it_would_otherwise_follow(tmp_path: Path, reg: Path) -> None:
    """A registry whose index folder is a link to an identical copy looked ok before."""
    shutil.copytree(reg / "index", tmp_path / "index-copy")
    shutil.rmtree(reg / "index")
    (reg / "index").symlink_to(tmp_path / "index-copy", target_is_directory=True)
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 1
    assert "index: error: symlink inside the registry" in result.stdout


def test_a_registry_root_that_is_a_link_is_the_users_choice(tmp_path: Path, reg: Path) -> None:
    """The command line is trusted: the root itself may be a link; only links below it count."""
    (tmp_path / "via").symlink_to(reg, target_is_directory=True)
    other = write_skill(tmp_path / "src", "other-skill")
    result = run("publish", str(other), "--to", str(tmp_path / "via"))
    assert result.exit_code == 0, result.stderr
    assert run("registry", "verify", str(tmp_path / "via")).exit_code == 0
