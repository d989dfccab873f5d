"""Hostile registries and bundles: each refused with exit 1, the previous install left intact,
nothing written outside hidden temporary folders (which are removed again)."""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from skillreg.core.errors import BundleError, IntegrityError
from skillreg.install.extract import Limits, extract_bundle
from skillreg.registry.model import blob_path, index_path
from tests.install_helpers import (
    RegistryBuilder,
    Server,
    file_member,
    read_json,
    skill,
    skill_md,
    tar_gz,
    tree,
)

NAME = "backend-developer"


@pytest.fixture
def project(tmp_path: Path, server: Server) -> Path:
    """A project with backend-developer 1.0.0 installed for claude-code."""
    folder = tmp_path / "project"
    folder.mkdir()
    result = skill(
        "install", f"{NAME}@1.0.0", "--agent", "claude-code", "--registry", server.url, cwd=folder
    )
    assert result.exit_code == 0, result.stderr
    return folder


def member(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    if kind == tarfile.CHRTYPE:
        info.devmajor, info.devminor = 1, 3
    return info, None


def good(*extra: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    return tar_gz([file_member(f"{NAME}/SKILL.md", skill_md(NAME, "9.0.0")), *extra])


def gzip_bomb(size: int) -> bytes:
    """A tar whose one member unpacks to `size` zero bytes; compressed it is tiny."""
    info = tarfile.TarInfo(f"{NAME}/zeros.bin")
    info.size = size
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    parts = [squeeze.compress(_tar_header(f"{NAME}/SKILL.md", skill_md(NAME, "9.0.0")))]
    parts.append(squeeze.compress(info.tobuf(tarfile.PAX_FORMAT)))
    chunk = bytes(1 << 20)
    for _ in range(size >> 20):
        parts.append(squeeze.compress(chunk))
    parts.append(squeeze.compress(bytes(1024)))  # end-of-archive blocks
    parts.append(squeeze.flush())
    return b"".join(parts)


def _tar_header(name: str, data: bytes) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    padding = (512 - len(data) % 512) % 512
    return info.tobuf(tarfile.PAX_FORMAT) + data + bytes(padding)


def publish_hostile(registry: RegistryBuilder, data: bytes) -> None:
    registry.add(NAME, "9.0.0", data=data).write()


HOSTILE: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "dotdot": (lambda tmp: good(file_member(f"{NAME}/../../escape.txt", b"x")), "escapes"),
    "absolute": (lambda tmp: good(file_member(str(tmp / "abs-escape.txt"), b"x")), "escapes"),
    "symlink": (
        lambda tmp: good(member(f"{NAME}/passwd", tarfile.SYMTYPE, "../../../../etc/passwd")),
        "link member",
    ),
    "hardlink": (
        lambda tmp: good(member(f"{NAME}/hard", tarfile.LNKTYPE, "/etc/passwd")),
        "link member",
    ),
    "device": (lambda tmp: good(member(f"{NAME}/null", tarfile.CHRTYPE)), "special member"),
    "case": (
        lambda tmp: good(
            file_member(f"{NAME}/readme.md", b"a"), file_member(f"{NAME}/README.md", b"b")
        ),
        "case ignored",
    ),
    "bomb": (lambda tmp: gzip_bomb(80 << 20), "unpacks to more than"),
    "not-gzip": (lambda tmp: b"this is not a tarball at all", "not a valid bundle"),
}


@pytest.fixture(params=["filter", "no-filter"])
def tar_filters(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run with tarfile's extraction filters, and as on Python < 3.11.4, which lacks them."""
    if request.param == "no-filter":
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    return str(request.param)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_bundle_refused(
    case: str,
    registry: RegistryBuilder,
    server: Server,
    project: Path,
    tmp_path: Path,
    tar_filters: str,
) -> None:
    make, message = HOSTILE[case]
    data = make(tmp_path)
    if case == "bomb":
        assert len(data) < 1 << 20  # small file, huge output
    publish_hostile(registry, data)
    before = tree(project)
    result = skill("install", f"{NAME}@9.0.0", "--registry", server.url, cwd=project)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(f"error: {NAME}@9.0.0: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert tree(project) == before  # previous version intact, no temp folders left
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "abs-escape.txt").exists()
    assert read_json(project / "skills.lock")["skills"][0]["version"] == "1.0.0"


def test_digest_mismatch_refused(
    registry: RegistryBuilder, server: Server, project: Path, isolated_home: Path
) -> None:
    registry.add(NAME, "9.0.0", data=good()).write()
    doc = read_json(registry.root / index_path(NAME))
    rel = "/" + blob_path(doc["versions"]["9.0.0"]["sha256"])
    real = (registry.root / rel.lstrip("/")).read_bytes()
    server.overrides[rel] = good(file_member(f"{NAME}/x", b"y"))[: len(real)].ljust(
        len(real), b"\0"
    )
    before = tree(project)
    result = skill("install", f"{NAME}@9.0.0", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "sha256 mismatch" in result.stderr and "tampered" in result.stderr
    assert tree(project) == before
    cached = list((isolated_home / ".cache").rglob("*.tar.gz"))
    assert all(doc["versions"]["9.0.0"]["sha256"] not in p.name for p in cached)


def test_size_lie_refused(registry: RegistryBuilder, server: Server, project: Path) -> None:
    registry.add(NAME, "9.0.0", data=good(), size=10).write()
    before = tree(project)
    result = skill("install", f"{NAME}@9.0.0", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "but the registry records 10" in result.stderr
    assert tree(project) == before


def test_hostile_related_name_refused(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    import json

    path = registry.root / index_path(NAME)
    doc = read_json(path)
    doc["versions"]["1.1.0"]["related"] = ["../../outside"]
    path.write_text(json.dumps(doc))
    before = tree(project)
    result = skill("install", NAME, "--with-related", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "not a valid skill document (versions.1.1.0.related.0" in result.stderr
    assert tree(project) == before
    assert not (project.parent / "outside").exists()


def test_pax_header_bomb(tmp_path: Path) -> None:
    # Huge metadata is not counted in member sizes: the decompressed-stream cap must stop it.
    info = tarfile.TarInfo("s/SKILL.md")
    info.pax_headers = {"comment": "x" * (4 << 20)}
    data = tar_gz([(info, b"hi")])
    assert len(data) < 64 * 1024
    with pytest.raises(BundleError, match="unpacks to more than"):
        extract_bundle(data, tmp_path / "out", label="s", limits=Limits(unpacked=1 << 20))


def test_member_count_limit(tmp_path: Path) -> None:
    data = tar_gz([file_member(f"s/f{i}", b"") for i in range(20)])
    with pytest.raises(BundleError, match="more than 10 members"):
        extract_bundle(data, tmp_path / "out", label="s", limits=Limits(members=10))


def test_disk_full_while_unpacking(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    """A write failing mid-unpack (RLIMIT_FSIZE stands in for a full disk) changes nothing."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    from tests.install_helpers import make_bundle

    registry.add(NAME, "9.0.0", data=make_bundle(NAME, "9.0.0", {"big.bin": bytes(400_000)}))
    registry.write()
    before = tree(project)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    proc = subprocess.run(
        [sys.executable, "-m", "skillreg", "install", f"{NAME}@9.0.0", "--registry", server.url],
        cwd=project,
        env={**os.environ},
        capture_output=True,
        text=True,
        preexec_fn=small_files,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (
        f"error: {project}/.agents/skills: cannot unpack {NAME}@9.0.0: File too large\n"
    )
    assert proc.stderr.count("\n") == 1
    assert tree(project) == before


def test_good_bundle_unpacks_the_same_without_tar_filters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = file_member("s/scripts/run.sh", b"#!/bin/sh")
    script[0].mode = 0o775
    data = tar_gz([file_member("s/SKILL.md", b"hi"), script])
    extract_bundle(data, tmp_path / "with", label="s")
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    extract_bundle(data, tmp_path / "without", label="s")
    for rel in ("s/SKILL.md", "s/scripts/run.sh"):
        with_filter, without = tmp_path / "with" / rel, tmp_path / "without" / rel
        assert with_filter.read_bytes() == without.read_bytes()
        assert with_filter.stat().st_mode & 0o7777 == without.stat().st_mode & 0o7777
    assert (tmp_path / "without/s/scripts/run.sh").stat().st_mode & 0o777 == 0o755


def test_bundle_disagreeing_with_its_own_manifest_is_refused(tmp_path: Path) -> None:
    from skillreg.install.extract import settle_manifest

    manifest = (
        '{"format": "skillreg-bundle", "name": "s", "version": "1.0.0", "files": '
        '[{"path": "SKILL.md", "sha256": "' + "0" * 64 + '", "size": 2, "executable": false}]}'
    )
    data = tar_gz(
        [file_member("s/SKILL.md", b"hi"), file_member("s/.skill-manifest.json", manifest.encode())]
    )
    extract_bundle(data, tmp_path / "out", label="s@1.0.0")
    with pytest.raises(IntegrityError, match=r"SKILL\.md does not match the bundle's own manifest"):
        settle_manifest(tmp_path / "out" / "s", "s@1.0.0")
