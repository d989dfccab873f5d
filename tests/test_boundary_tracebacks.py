"""Boundary: hostile input ends in one `error:` line and a documented exit code, never a traceback.

PAX headers with impossible times or names, control characters in a lockfile's paths and a
registry's templates, version ranges of thousands of digits (command line and skills.toml), file
names that are not UTF-8 or hold a backslash at pack/publish (refused there, since install would
refuse them in an immutable version), and a seeded fuzz of command-line values.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillreg.core.errors import BundleError
from skillreg.install.extract import extract_bundle
from tests.install_helpers import RegistryBuilder, Server, serve, skill_md

NAME = "backend-developer"


def run(*args: str, cwd: Path) -> Any:
    from skillreg.cli import cli

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)


def assert_clean_error(result: Any, codes: tuple[int, ...] = (1, 2)) -> None:
    """Exit 1 or 2, the last stderr line an `error:` line, and no exception escaped."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in codes, result.output
    lines = result.stderr.splitlines()
    assert lines and lines[-1].startswith("error: "), result.stderr
    assert "Traceback" not in result.output


def _pax_bundle(headers: dict[str, str]) -> bytes:
    info = tarfile.TarInfo(f"{NAME}/SKILL.md")
    data = skill_md(NAME, "9.0.0")
    info.size = len(data)
    info.pax_headers = headers
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


@pytest.mark.parametrize(
    "headers",
    [
        {"mtime": "1e30"},
        {"mtime": "nan"},
        {"mtime": "-inf"},
        {"mtime": "inf"},
        {"mtime": "-1e30"},
        {"mtime": "1e400"},
        {"mtime": "99999999999999999999999"},
        {"path": f"{NAME}/a\x00b"},
    ],
)
def test_hostile_pax_headers_are_a_bundle_error(tmp_path: Path, headers: dict[str, str]) -> None:
    with pytest.raises(BundleError, match=r"refused|impossible"):
        extract_bundle(_pax_bundle(headers), tmp_path / "out", label="x")


def test_hostile_pax_bundle_from_a_registry_ends_in_one_error(tmp_path: Path) -> None:
    builder = RegistryBuilder(tmp_path / "registry")
    builder.add(NAME, "9.0.0", data=_pax_bundle({"mtime": "nan"})).write()
    project = tmp_path / "project"
    project.mkdir()
    with serve(builder.root) as server:
        result = run(
            "install", NAME, "--agent", "claude-code", "--registry", server.url, cwd=project
        )
    assert_clean_error(result)
    assert not (project / ".claude" / "skills" / NAME).exists()


@pytest.fixture
def installed(tmp_path: Path, server: Server) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    result = run("install", f"{NAME}@1.0.0", "--agent", "claude-code", "--registry", server.url,
                 cwd=project)  # fmt: skip
    assert result.exit_code == 0, result.output
    return project


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("registry", "{url}\x00x"),
        ("registry", "{url}/\n::error::x"),
        ("registry", "\x00"),
        ("dirs", [".claude/skills\x00x"]),
        ("dirs", ["a\nb"]),
        ("dirs", ["\x1b[2J"]),
    ],
)
@pytest.mark.parametrize("command", [["install", "--frozen"], ["install"], ["remove", NAME]])
def test_control_characters_in_a_lock_entry(
    installed: Path, server: Server, field: str, value: Any, command: list[str]
) -> None:
    lock_path = installed / "skills.lock"
    lock = json.loads(lock_path.read_text())
    filled = value.format(url=server.url) if isinstance(value, str) else value
    lock["skills"][0][field] = filled
    lock_path.write_text(json.dumps(lock))
    before = lock_path.read_bytes()
    assert_clean_error(run(*command, cwd=installed))
    assert lock_path.read_bytes() == before


@pytest.mark.parametrize("digits", [19, 4301, 5000, 100_000])
@pytest.mark.parametrize("shape", ["^{n}", ">={n}.0.0", "~1.{n}", "1.0.{n}", "{n}.x || ^1"])
def test_huge_version_numbers_are_a_usage_error(
    tmp_path: Path, server: Server, digits: int, shape: str
) -> None:
    spec = shape.format(n="1" * digits)
    args = ["--agent", "claude-code", "--registry", server.url]
    result = run("install", f"{NAME}@{spec}", *args, cwd=tmp_path)
    assert_clean_error(result, (2,))
    assert len(result.stderr) < 400  # the range is cut short in the message
    (tmp_path / "skills.toml").write_text(f"[skills]\n{NAME} = {json.dumps(spec)}\n")
    assert_clean_error(run("install", *args, cwd=tmp_path), (2,))
    assert not (tmp_path / "skills.lock").exists()


@pytest.mark.parametrize("key", ["index", "blobs", "catalog"])
@pytest.mark.parametrize("bad", ["\x00", "\n", "\x1b", "\x85"])
@pytest.mark.parametrize("command", ["install", "search"])
def test_control_characters_in_folder_registry_templates(
    tmp_path: Path, registry: RegistryBuilder, key: str, bad: str, command: str
) -> None:
    root_file = registry.root / "registry.json"
    document = json.loads(root_file.read_text())
    document[key] = document[key].replace("/", f"/{bad}", 1) if "/" in document[key] else bad
    root_file.write_text(json.dumps(document))
    args = [NAME, "--agent", "claude-code"] if command == "install" else ["b"]
    result = run(command, *args, "--registry", str(registry.root), cwd=tmp_path)
    assert_clean_error(result)
    assert "control character" in result.stderr


def _skill_folder(root: Path) -> Path:
    folder = root / "src" / "weird"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        '---\nname: weird\ndescription: d\nmetadata:\n  version: "1.0.0"\n---\n\n# Weird\n'
    )
    return folder


@pytest.mark.parametrize(
    "name",
    [b"bad\xffname.md", b"dir\xfe/a.md", b"back\\slash.md", b"dir\\x/a.md", b"new\nline.md",
     b"esc\x1b[2J.md", b"\xc3.md"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["pack", "publish"])
def test_file_names_install_would_refuse_are_refused_at_pack_and_publish(
    tmp_path: Path, name: bytes, command: str
) -> None:
    folder = _skill_folder(tmp_path)
    target = Path(os.fsdecode(bytes(folder) + b"/" + name))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("x")
    out = tmp_path / "out"
    args = ["-o", str(out)] if command == "pack" else ["--to", str(out)]
    result = run(command, str(folder), *args, cwd=tmp_path)
    assert_clean_error(result, (1,))
    assert "rename it" in result.stderr
    assert not out.exists() or not any(out.rglob("*.tar.gz"))


def test_fuzzed_command_line_values_never_raise(tmp_path: Path, server: Server) -> None:
    """A seeded fuzz: odd values in every kind of argument end with exit 0, 1 or 2."""
    rng = random.Random(20261130)
    atoms = ["\n", "\r", "\x1b[2J", "\udcff", "\u202e", "..", "/", "\\", "~", "@", "^", "||"]
    atoms += ["*", "9" * 5000, "x" * 300, " ", ":", "file://", "http://127.0.0.1:9/", "%00"]
    project = tmp_path / "project"
    project.mkdir()
    for _ in range(60):
        value = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 4)))
        for args in (
            ["install", f"{NAME}@{value}", "--agent", "claude-code", "--registry", server.url],
            ["install", value, "--agent", "claude-code", "--registry", server.url],
            ["info", value, "--registry", server.url],
            ["search", value, "--registry", server.url],
            ["install", NAME, "--agent", "claude-code", "--registry", value],
            ["lint", "--profile", value, "."],
            ["lint", "--select", value, "."],
            ["lint", "--config", value, "."],
            ["graph", "--name", value, "."],
            ["pack", value],
            ["publish", value, "--to", str(tmp_path / "reg")],
            ["rules", value],
        ):
            result = run(*args, cwd=project)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                args,
                repr(result.exception),
            )
            assert result.exit_code in (0, 1, 2), (args, result.output)
