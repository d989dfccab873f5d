"""Bundles: reproducible bytes, the manifest inside, exclusions and refusals."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillreg.bundle.pack import Limits, collect_files, pack_skill
from skillreg.bundle.read import read_manifest
from skillreg.cli import cli
from skillreg.core.errors import BundleError, IntegrityError
from tests.conftest import CORPUS, SEED, needs_corpus

SKILL_MD = """---
name: demo-skill
description: A small skill used by the bundle tests
metadata:
  version: "0.3.1"
---

# Demo

Body text.
"""


def make_skill(root: Path, text: str = SKILL_MD) -> Path:
    folder = root / "demo-skill"
    (folder / "scripts").mkdir(parents=True)
    (folder / "SKILL.md").write_text(text)
    (folder / "scripts" / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (folder / "scripts" / "run.sh").chmod(0o755)
    (folder / "reference.md").write_text("notes\n")
    return folder


def members(data: bytes) -> list[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return tar.getmembers()


def test_same_folder_twice_gives_same_bytes() -> None:
    assert pack_skill(SEED).data == pack_skill(SEED).data


def test_copy_with_other_mtimes_modes_and_owners_gives_same_bytes(tmp_path: Path) -> None:
    original = make_skill(tmp_path / "a")
    copy = tmp_path / "b" / "demo-skill"
    shutil.copytree(original, copy)
    for i, path in enumerate(sorted(copy.rglob("*"))):
        os.utime(path, (1_000_000 + i, 2_000_000_000 - i))
        if path.is_file():
            path.chmod(0o700 if path.name == "run.sh" else 0o600)
            if os.geteuid() == 0:
                os.chown(path, 1234, 4321)
    assert pack_skill(copy).data == pack_skill(original).data


def test_archive_is_normalised(tmp_path: Path) -> None:
    bundle = pack_skill(make_skill(tmp_path))
    assert bundle.filename == "demo-skill-0.3.1.tar.gz"
    header = bundle.data[:10]
    assert header[3] == 0  # no FNAME/FCOMMENT/FEXTRA flags: no file name in the header
    assert header[4:8] == b"\0\0\0\0"  # gzip mtime 0
    assert header[9] == 255  # OS "unknown", whatever platform built it
    infos = members(bundle.data)
    names = [i.name for i in infos]
    assert names == sorted(names, key=str.encode)
    assert names == [
        "demo-skill/.skill-manifest.json",
        "demo-skill/SKILL.md",
        "demo-skill/reference.md",
        "demo-skill/scripts/run.sh",
    ]
    for info in infos:
        assert (info.mtime, info.uid, info.gid, info.uname, info.gname) == (0, 0, 0, "", "")
        assert info.mode == (0o755 if info.name.endswith("run.sh") else 0o644)
    assert len(gzip.decompress(bundle.data)) == bundle.tar_size


def test_manifest_lists_every_file_with_its_digest(tmp_path: Path) -> None:
    bundle = pack_skill(make_skill(tmp_path))
    manifest = read_manifest(bundle.data)
    assert (manifest.name, manifest.version) == ("demo-skill", "0.3.1")
    assert [f.path for f in manifest.files] == ["SKILL.md", "reference.md", "scripts/run.sh"]
    assert [f.executable for f in manifest.files] == [False, False, True]
    assert manifest == bundle.manifest


def test_read_manifest_catches_a_member_that_differs(tmp_path: Path) -> None:
    bundle = pack_skill(make_skill(tmp_path))
    buf = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(bundle.data), mode="r:gz") as src,
        tarfile.open(fileobj=buf, mode="w:gz") as dst,
    ):
        for info in src.getmembers():
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name.endswith("reference.md"):
                data = b"tampered\n"
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    with pytest.raises(IntegrityError, match=r"reference\.md"):
        read_manifest(buf.getvalue())
    with pytest.raises(BundleError, match="not a readable"):
        read_manifest(b"not a tarball")


def test_skillignore_and_vcs_folders_are_left_out(tmp_path: Path) -> None:
    folder = make_skill(tmp_path)
    (folder / ".skillignore").write_text("*.log\nbuild/\n!keep.log\n")
    (folder / "debug.log").write_text("x")
    (folder / "keep.log").write_text("kept")
    (folder / "build").mkdir()
    (folder / "build" / "out.txt").write_text("x")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref")
    (folder / ".skill-manifest.json").write_text("{}")  # stale manifest of an installed copy
    paths = [f.path for f in collect_files(folder)]
    assert paths == ["SKILL.md", "keep.log", "reference.md", "scripts/run.sh"]


def test_symlink_inside_is_stored_as_a_file_and_outside_is_refused(tmp_path: Path) -> None:
    folder = make_skill(tmp_path)
    (folder / "alias.md").symlink_to("reference.md")
    files = {f.path: f.data for f in collect_files(folder)}
    assert files["alias.md"] == b"notes\n"
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    (folder / "leak.txt").symlink_to(secret)
    with pytest.raises(BundleError, match=r"leak.txt: symlink points outside the skill folder"):
        collect_files(folder)


def test_folder_symlink_fifo_and_oversized_trees_are_refused(tmp_path: Path) -> None:
    folder = make_skill(tmp_path)
    (folder / "more").symlink_to(folder / "scripts")
    with pytest.raises(BundleError, match="symlink to a folder"):
        collect_files(folder)
    (folder / "more").unlink()
    os.mkfifo(folder / "pipe")
    with pytest.raises(BundleError, match="not a regular file"):
        collect_files(folder)
    (folder / "pipe").unlink()
    with pytest.raises(BundleError, match="too large to pack"):
        collect_files(folder, Limits(max_files=2))
    with pytest.raises(BundleError, match="too large to pack"):
        collect_files(folder, Limits(max_bytes=10))


def test_missing_or_invalid_version_is_refused(tmp_path: Path) -> None:
    folder = make_skill(tmp_path, SKILL_MD.replace('  version: "0.3.1"\n', "  tier: x\n"))
    with pytest.raises(BundleError, match="no version: add `metadata:`"):
        pack_skill(folder)
    (folder / "SKILL.md").write_text(SKILL_MD.replace('"0.3.1"', '"1.0"'))
    with pytest.raises(BundleError, match="not SemVer"):
        pack_skill(folder)


def test_cli_pack_writes_the_bundle(tmp_path: Path) -> None:
    folder = make_skill(tmp_path)
    result = CliRunner().invoke(cli, ["pack", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    target = tmp_path / "out" / "demo-skill-0.3.1.tar.gz"
    assert result.stdout.startswith(str(target))
    assert target.read_bytes() == pack_skill(folder).data
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_cli_pack_refusal_is_one_line(tmp_path: Path) -> None:
    folder = make_skill(tmp_path, SKILL_MD.replace('  version: "0.3.1"\n', ""))
    result = CliRunner().invoke(cli, ["pack", str(folder), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "version" in result.stderr


@needs_corpus
def test_corpus_packs_or_refuses_cleanly() -> None:
    packed = 0
    for skill_md in sorted(CORPUS.rglob("SKILL.md")):
        try:
            pack_skill(skill_md.parent)
            packed += 1
        except BundleError:
            pass
    assert packed > 20


def test_cli_pack_says_why_a_folder_cannot_be_packed(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["pack", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'missing'}: no such file or folder\n"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "SKILL.md").write_text("---\nname: [x\n---\n")
    result = CliRunner().invoke(cli, ["pack", str(broken), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {broken / 'SKILL.md'}:") and "YAML" in result.stderr
    assert not list(tmp_path.glob("*.tar.gz"))


def test_lowercase_skill_md_is_packed_as_skill_md(tmp_path: Path) -> None:
    folder = tmp_path / "lower"
    folder.mkdir()
    (folder / "skill.md").write_text(
        '---\nname: lower\ndescription: d\nmetadata:\n  version: "1.0.0"\n---\n# L\n'
    )
    bundle = pack_skill(folder)
    assert [f.path for f in bundle.manifest.files] == ["SKILL.md"]


def test_pack_into_a_path_that_is_a_file_is_one_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from skillreg.cli import cli

    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        '---\nname: s\ndescription: d\nmetadata:\n  version: "1.0.0"\n---\n'
    )
    (tmp_path / "out.txt").write_text("x")
    result = CliRunner().invoke(cli, ["pack", str(folder), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "out.txt" in result.stderr


def test_pack_never_packs_its_own_earlier_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`skill pack` run inside the skill folder, twice (and with a bumped version, and into a
    sub-folder): each bundle holds the sources only, and the bytes stay the same."""
    folder = make_skill(tmp_path)
    monkeypatch.chdir(folder)
    first = CliRunner().invoke(cli, ["pack"])
    assert first.exit_code == 0, first.output
    bundle = folder / "demo-skill-0.3.1.tar.gz"
    before = bundle.read_bytes()
    assert CliRunner().invoke(cli, ["pack", "-o", "dist"]).exit_code == 0
    (folder / "SKILL.md").write_text(SKILL_MD)  # unchanged sources
    again = CliRunner().invoke(cli, ["pack"])
    assert again.exit_code == 0, again.output
    assert bundle.read_bytes() == before
    names = [m.name for m in members(before)]
    assert not any(name.endswith(".tar.gz") for name in names), names
    # A file that is not named like this skill's bundles is still packed.
    (folder / "fixture-data.tar.gz").write_bytes(b"x")
    assert "demo-skill/fixture-data.tar.gz" in [m.name for m in members(pack_skill(folder).data)]
