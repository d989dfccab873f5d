"""The registry a skill came from is remembered in skills.toml; messages name registries as users
know them, never by an internal folder or a model's class name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skillreg.registry.model import index_path
from tests.install_helpers import RegistryBuilder, Server, read_json, skill


def _locked(project: Path) -> dict[str, tuple[str, str]]:
    return {
        e["name"]: (e["version"], e["registry"])
        for e in read_json(project / "skills.lock")["skills"]
    }


def test_install_name_at_latest_goes_back_to_the_remembered_registry(
    server: Server, project: Path
) -> None:
    # The built-in registry holds backend-developer 1.0.0 only; the server has 1.1.0.
    assert skill("install", "backend-developer@1.0.0", "-r", server.url, cwd=project).exit_code == 0
    result = skill("install", "backend-developer@latest", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "updated backend-developer 1.0.0 -> 1.1.0\n"
    assert _locked(project) == {"backend-developer": ("1.1.0", server.url)}
    manifest = (project / "skills.toml").read_text()
    assert f'backend-developer = {{version = "latest", registry = "{server.url}"}}' in manifest


def test_restore_from_the_manifest_alone_uses_the_remembered_registry(
    server: Server, project: Path
) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    (project / "skills.lock").unlink()  # a clone that committed skills.toml only
    shutil.rmtree(project / ".agents")
    result = skill("install", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert _locked(project) == {"golang-pro": ("1.0.0", server.url)}


def _builtin_version(name: str) -> str:
    """The version the built-in registry ships (it moves when `registry/` does)."""
    from skillreg.registry.builtin import builtin_registry

    for prefix in (builtin_registry() / "index").rglob(f"{name}.json"):
        doc = json.loads(prefix.read_text())
        return str(doc["tags"].get("latest") or max(doc["versions"]))
    raise AssertionError(f"{name} is not in the built-in registry")


BUILTIN_PYTHON_PRO = _builtin_version("python-pro")


def test_update_goes_back_to_the_registry_each_skill_came_from(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    assert skill("install", "backend-developer@~1.0", "-r", server.url, cwd=project).exit_code == 0
    assert skill("install", "python-pro", cwd=project).exit_code == 0  # the built-in registry
    registry.add("backend-developer", "1.0.5").write()
    result = skill("update", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert _locked(project) == {
        "backend-developer": ("1.0.5", server.url),
        "python-pro": (BUILTIN_PYTHON_PRO, "builtin"),
    }


def test_error_hints_name_the_right_registry(server: Server, project: Path) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    result = skill("install", "golang-pro@^9", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.endswith(f"(registry: {server.url})\n")
    result = skill("install", "no-such-skill", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: skill 'no-such-skill' not found in the built-in registry"
    )
    assert "pass --registry" in result.stderr
    assert skill("install", "python-pro", cwd=project).exit_code == 0
    result = skill("install", "python-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: python-pro is already installed from the built-in registry; use --force to"
        f" replace it with the one from {server.url}\n"
    )


INTERNAL = ("RegistryRoot", "SkillDocument", "Catalog(", "LockEntry", "Lockfile", "site-packages",
            "builtin_registry", "Traceback", "pydantic", "model_")  # fmt: skip


def _break(kind: str, registry: RegistryBuilder, project: Path) -> None:
    root = registry.root
    if kind == "root":
        (root / "registry.json").write_text('{"format": "other"}')
    elif kind == "document":
        (root / index_path("golang-pro")).write_text('{"name": 5}')
    elif kind == "catalog":
        (root / "catalog.json").write_text("[]")
    elif kind == "lock":
        (project / "skills.lock").write_text('{"skills": [{"name": "x"}]}')
    elif kind == "manifest":
        (project / "skills.toml").write_text("[skills]\nx = 5\n")


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("none", ["install", "nosuch"]),
        ("none", ["info", "nosuch"]),
        ("none", ["install", "backend-developer@^9"]),
        ("none", ["install", "backend-developer@nightly"]),
        ("root", ["install", "golang-pro", "-r", "REG"]),
        ("document", ["install", "golang-pro", "-r", "REG"]),
        ("catalog", ["search", "go", "-r", "REG"]),
        ("catalog", ["install", "golang-pr", "-r", "REG"]),
        ("lock", ["install"]),
        ("lock", ["list"]),
        ("manifest", ["install", "golang-pro"]),
        ("none", ["install", "./missing-folder"]),
        ("none", ["install", "git+ssh://host/x"]),
        ("none", ["install", "golang-pro", "-r", "/no/such/registry"]),
        ("none", ["remove", "nosuch"]),
    ],
)
def test_no_internal_path_or_model_name_in_messages(
    registry: RegistryBuilder, project: Path, kind: str, args: list[str]
) -> None:
    _break(kind, registry, project)
    args = [str(registry.root) if a == "REG" else a for a in args]
    result = skill(*args, cwd=project)
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.startswith("error: "), result.stderr
    leaked = [word for word in INTERNAL if word in result.output]
    assert leaked == [], result.output
    json.dumps(result.stderr)  # one printable line
    assert result.stderr.count("\n") == 1
