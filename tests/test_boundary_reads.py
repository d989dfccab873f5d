"""Boundary: nothing a registry or a skill folder holds makes a run read without bound, block, or
buffer a bundle whole.

Bounds stated here: a bundle download holds at most `DOWNLOAD_PEAK` bytes of Python memory however
large the bundle (measured with tracemalloc on a 24 MiB one); runs that could hang or flood on the
old code go through a subprocess with a 2 GiB address-space limit and a 30 s timeout; a
--with-related walk fetches at most `MAX_RELATED` documents. Each hostile input: exit 1 or 2,
exactly one ``error:`` line, no traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from skillreg.install.resolve import MAX_RELATED
from skillreg.registry.client import open_registry
from skillreg.registry.model import MAX_BUNDLE, blob_path, index_path
from tests.install_helpers import RegistryBuilder, Server, serve, skill, standard_registry, tree
from tests.test_publish import write_skill

NAME = "golang-pro"
DOWNLOAD_PEAK = 4 * 1024 * 1024
ADDRESS_SPACE = 2 * 1024**3
TIMEOUT = 30.0


def one_error(stderr: str) -> str:
    """The run's one `error:` line, with the refusals publish lists before it (it reports every
    refusal of a run at once, then fails with one error)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], stderr
    assert "Traceback" not in stderr
    listed = [line for line in lines if line.startswith("refused: ")]
    return " ".join([*listed, errors[0]])


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`skill ARGS` in a child process that can neither hang this run nor exhaust the machine."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "skillreg", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
    )
    assert time.monotonic() - started < TIMEOUT
    return result


# -- bundles over HTTP ------------------------------------------------------------------------


@contextmanager
def file_server(root: Path) -> Iterator[str]:
    """The standard library's file server in its own process (it streams files), so that
    tracemalloc here sees the client's memory only."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = re.search(r"port (\d+)", proc.stdout.readline())
        assert port is not None
        yield f"http://127.0.0.1:{port[1]}"
    finally:
        proc.kill()
        proc.wait()


def test_download_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    data = os.urandom(24 * 1024 * 1024)
    digest = hashlib.sha256(data).hexdigest()
    builder = standard_registry(tmp_path / "registry")
    (builder.root / blob_path(digest)).parent.mkdir(parents=True)
    (builder.root / blob_path(digest)).write_bytes(data)
    del data
    from skillreg.registry.http import HttpClient, HttpSettings

    work = tmp_path / "work"
    work.mkdir()
    with file_server(builder.root) as url:
        http = HttpClient(HttpSettings())
        try:
            reg = open_registry(url, base=tmp_path, cache_dir=tmp_path / "cache", http=http)
            reg.root()
            tracemalloc.start()
            try:
                path = reg.bundle(digest, 24 * 1024 * 1024, workdir=work, label="big")
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        finally:
            http.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert peak < DOWNLOAD_PEAK, f"peak {peak} bytes for a 24 MiB bundle"


@pytest.mark.parametrize("declared", [MAX_BUNDLE + 1, 1536 * 1024 * 1024, 2**62])
def test_huge_declared_bundle_refused_before_any_download(
    registry: RegistryBuilder, server: Server, project: Path, declared: int
) -> None:
    registry.add(NAME, "9.0.0", size=declared).write()
    result = skill("install", f"{NAME}@9.0.0", "-r", server.url, cwd=project)
    assert result.exit_code == 1
    assert "limit for a bundle" in one_error(result.stderr)
    assert not any(path.startswith("/blobs/") for path in server.paths())
    assert not (project / ".agents").exists() and not (project / "skills.lock").exists()


def test_lock_entry_declaring_a_huge_bundle_refused(
    server: Server, project: Path, registry: RegistryBuilder
) -> None:
    import json

    assert skill("install", NAME, "-r", server.url, cwd=project).exit_code == 0
    lock = json.loads((project / "skills.lock").read_text())
    lock["skills"][0]["size"] = 10**12
    (project / "skills.lock").write_text(json.dumps(lock))
    import shutil

    shutil.rmtree(project / ".agents")
    result = skill("install", "--frozen", cwd=project)
    assert result.exit_code == 1
    assert "limit for a bundle" in one_error(result.stderr)


# -- folder registries ----------------------------------------------------------------------------


def replace_with(path: Path, kind: str) -> None:
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "sparse":
        with open(path, "wb") as fh:
            fh.truncate(3 * 1024**3)  # 3 GiB, no blocks on disk
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["fifo", "device", "sparse"])
@pytest.mark.parametrize("which", ["registry.json", "document", "catalog", "bundle"])
def test_folder_registry_never_reads_special_or_huge_files(
    registry: RegistryBuilder, project: Path, kind: str, which: str
) -> None:
    doc = registry.root / index_path(NAME)
    target = {
        "registry.json": registry.root / "registry.json",
        "document": doc,
        "catalog": registry.root / "catalog.json",
        "bundle": next((registry.root / "blobs").rglob("*.tar.gz")),
    }[which]
    if which == "bundle":  # the one golang-pro's document points at
        import json

        sha = json.loads(doc.read_text())["versions"]["1.0.0"]["sha256"]
        target = registry.root / blob_path(sha)
    replace_with(target, kind)
    command = ["search", "golang"] if which == "catalog" else ["install", NAME]
    result = cli(*command, "-r", str(registry.root), cwd=project)
    assert result.returncode in (1, 2), result.stderr
    line = one_error(result.stderr)
    assert "regular file" in line or "limit" in line, line
    assert not (project / ".agents").exists()


# -- publish ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sparse", "sparse-skill-md", "fifo-skill-md"])
def test_publish_refuses_huge_or_special_files_unread(tmp_path: Path, kind: str) -> None:
    folder = write_skill(tmp_path / "src", "big-skill")
    if kind == "sparse":
        with open(folder / "data.bin", "wb") as fh:
            fh.truncate(3 * 1024**3)
    else:
        replace_with(folder / "SKILL.md", kind.removesuffix("-skill-md"))
    reg = tmp_path / "reg"
    result = cli("publish", str(folder), "--to", str(reg), cwd=tmp_path)
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("error: ") >= 1
    assert tree(reg).keys() <= {".locks", ".locks/registry.lock"}  # no registry written
    if kind == "sparse":
        assert "too large to pack" in one_error(result.stderr)


# -- --with-related -------------------------------------------------------------------------------


def test_with_related_closure_is_capped(tmp_path: Path, project: Path) -> None:
    """A registry where each of 200 skills names the next: one command, a bounded walk."""
    builder = RegistryBuilder(tmp_path / "chain")
    names = [f"chain-{i:03d}" for i in range(200)]
    for here, after in zip(names, [*names[1:], names[0]], strict=True):
        builder.add(here, "1.0.0", related=[after])
    builder.write()
    with serve(builder.root) as server:
        result = skill("install", names[0], "--with-related", "-r", server.url, cwd=project)
        documents = [p for p in server.paths() if p.startswith("/index/")]
    assert result.exit_code == 1
    assert f"more than {MAX_RELATED} related skills" in one_error(result.stderr)
    assert len(documents) <= MAX_RELATED + 2, len(documents)
    assert not (project / "skills.lock").exists() and not (project / ".agents").exists()


def test_with_related_under_the_cap_installs(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    result: Any = skill(
        "install", "backend-developer", "--with-related", "-r", server.url, cwd=project
    )
    assert result.exit_code == 0, result.stderr
