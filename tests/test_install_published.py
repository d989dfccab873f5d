"""Install from a registry built by the real `skill publish` / `skill yank` / `skill deprecate`,
served over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import RELATED, SEED
from tests.install_helpers import read_json, serve, skill


def publish(registry: Path, *paths: Path, cwd: Path) -> None:
    result = skill("publish", *map(str, paths), "--to", str(registry), cwd=cwd)
    assert result.exit_code == 0, result.stderr


def bumped_seed(tmp_path: Path, version: str) -> Path:
    folder = tmp_path / f"seed-{version}" / "backend-developer"
    shutil.copytree(SEED, folder)
    text = (folder / "SKILL.md").read_text()
    (folder / "SKILL.md").chmod(0o644)
    (folder / "SKILL.md").write_text(text.replace('version: "1.0.0"', f'version: "{version}"', 1))
    return folder


def test_published_registry_end_to_end(tmp_path: Path) -> None:
    registry, project = tmp_path / "registry", tmp_path / "project"
    project.mkdir()
    publish(registry, SEED, *sorted(RELATED.iterdir()), cwd=tmp_path)
    publish(registry, bumped_seed(tmp_path, "1.1.0"), cwd=tmp_path)
    with serve(registry) as server:
        result = skill(
            "install",
            "backend-developer",
            "--with-related",
            "--agent",
            "claude-code",
            "--registry",
            server.url,
            cwd=project,
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0] == "installed backend-developer@1.1.0"
        assert {line.split()[-1] for line in result.stdout.splitlines()[1:]} == {
            "python-pro@1.0.0",
            "golang-pro@1.0.0",
            "devops-engineer@1.0.0",
            "security-engineer@1.0.0",
            "data-engineer@1.0.0",
        }
        installed = project / ".claude/skills/backend-developer"
        marker = read_json(installed / ".skillreg.json")
        assert marker["version"] == "1.1.0"
        assert not (installed / ".skill-manifest.json").exists()  # checked, then dropped
        assert sorted(marker["files"]) == ["SKILL.md"]
        assert (project / ".agents/skills/python-pro/SKILL.md").read_bytes() == (
            RELATED / "python-pro" / "SKILL.md"
        ).read_bytes()

        # yank 1.1.0 and deprecate: a fresh project gets 1.0.0 with a warning
        assert (
            skill(
                "yank",
                "backend-developer@1.1.0",
                "--from",
                str(registry),
                "--reason",
                "bad advice",
                cwd=tmp_path,
            ).exit_code
            == 0
        )
        assert (
            skill(
                "deprecate",
                "backend-developer",
                "--from",
                str(registry),
                "--message",
                "split into smaller skills",
                cwd=tmp_path,
            ).exit_code
            == 0
        )
        fresh = tmp_path / "fresh"
        fresh.mkdir()
        result = skill("install", "backend-developer", "--registry", server.url, cwd=fresh)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "installed backend-developer@1.0.0\n"
        assert result.stderr == (
            "warning: backend-developer is deprecated: split into smaller skills\n"
        )
        # the first project's lock still restores the yanked version, with a warning
        shutil.rmtree(project / ".agents")
        result = skill("install", cwd=project)
        assert result.exit_code == 0, result.stderr
        assert "warning: backend-developer@1.1.0 is yanked: bad advice (locked)" in result.stderr
        assert (installed / "SKILL.md").is_file()
        # the yanked 1.1.0 stays what the project has: nothing older is offered as newer, but
        # outdated flags that the version in use is yanked
        result = skill("outdated", "--json", cwd=project)
        (row,) = [r for r in json.loads(result.stdout) if r["name"] == "backend-developer"]
        assert (row["current"], row["wanted"], row["latest"]) == ("1.1.0", "1.1.0", "1.1.0")
        assert (row["yanked"], row["yanked_reason"]) == (True, "bad advice")


def test_ranges_frozen_update_and_remove_on_a_published_registry(tmp_path: Path) -> None:
    registry, project = tmp_path / "registry", tmp_path / "project"
    project.mkdir()
    publish(registry, SEED, *sorted(RELATED.iterdir()), cwd=tmp_path)
    for version in ("1.1.0", "1.2.0-rc.1", "2.0.0"):
        publish(registry, bumped_seed(tmp_path, version), cwd=tmp_path)
    name = "backend-developer"
    with serve(registry) as server:
        url = ["--registry", server.url]
        for spec, expected in (
            ("1.0.0", "1.0.0"),
            ("^1.0", "1.1.0"),
            ("~1.0.0", "1.0.0"),
            (">=1.0,<2", "1.1.0"),
            ("^1.2.0-rc.0", "1.2.0-rc.1"),  # a pre-release only when the range names one
            ("*", "2.0.0"),
            ("latest", "2.0.0"),
        ):
            where = tmp_path / f"ranges-{expected}-{len(spec)}"
            where.mkdir()
            result = skill("install", f"{name}@{spec}", *url, cwd=where)
            assert result.exit_code == 0, (spec, result.stderr)
            assert result.stdout == f"installed {name}@{expected}\n", spec

        # the project asks for ^1.0 and gets 1.1.0; --frozen holds while nothing changes
        assert skill("install", f"{name}@^1.0", *url, cwd=project).exit_code == 0
        assert skill("install", "--frozen", cwd=project).exit_code == 0
        # a new 1.x appears: outdated sees it, --frozen does not move, update takes it
        publish(registry, bumped_seed(tmp_path, "1.3.0"), cwd=tmp_path)
        outdated = skill("outdated", "--json", cwd=project)
        assert outdated.exit_code == 0
        assert '"wanted": "1.3.0"' in outdated.stdout and '"latest": "2.0.0"' in outdated.stdout
        assert read_json(project / "skills.lock")["skills"][0]["version"] == "1.1.0"
        result = skill("update", cwd=project)
        assert result.exit_code == 0, result.stderr
        assert read_json(project / "skills.lock")["skills"][0]["version"] == "1.3.0"
        # a manifest edited by hand makes --frozen fail: the lock would have to change
        manifest = project / "skills.toml"
        manifest.write_text(manifest.read_text().replace("^1.0", "^2.0"))
        frozen = skill("install", "--frozen", cwd=project)
        assert frozen.exit_code == 1 and frozen.stderr.startswith("error: ")
        assert read_json(project / "skills.lock")["skills"][0]["version"] == "1.3.0"
        # remove: files, links, manifest and lock entries
        result = skill("remove", name, cwd=project)
        assert result.exit_code == 0, result.stderr
        assert read_json(project / "skills.lock")["skills"] == []
        assert name not in manifest.read_text()
        assert not (project / ".agents/skills" / name).exists()


def test_update_keeps_a_yanked_locked_version_and_never_downgrades(tmp_path: Path) -> None:
    registry, project = tmp_path / "registry", tmp_path / "project"
    project.mkdir()
    publish(registry, SEED, *sorted(RELATED.iterdir()), cwd=tmp_path)
    publish(registry, bumped_seed(tmp_path, "1.1.0"), cwd=tmp_path)
    name = "backend-developer"
    with serve(registry) as server:
        assert skill("install", f"{name}@^1", "--registry", server.url, cwd=project).exit_code == 0
        assert skill("install", "python-pro", "--registry", server.url, cwd=project).exit_code == 0
        assert skill("yank", f"{name}@1.1.0", "--from", str(registry), cwd=tmp_path).exit_code == 0
        result = skill("update", cwd=project)
        assert result.exit_code == 0, result.stderr
        assert f"{name}@1.1.0 is up to date" in result.stdout
        assert f"warning: {name}@1.1.0 is yanked (locked)" in result.stderr
        outdated = skill("outdated", "--json", "--exit-code", cwd=project)
        # wanted is the locked 1.1.0, but the version in use is yanked: flagged, and exit 1
        assert outdated.exit_code == 1
        (row,) = [r for r in json.loads(outdated.stdout) if r["name"] == name]
        assert (row["current"], row["wanted"], row["yanked"]) == ("1.1.0", "1.1.0", True)
        assert f"warning: {name} 1.1.0 is yanked" in outdated.stderr
        versions = {e["name"]: e["version"] for e in read_json(project / "skills.lock")["skills"]}
        assert versions[name] == "1.1.0"
        # one skill that cannot be resolved any more does not hold back the others
        publish(registry, bumped_seed(tmp_path, "1.2.0"), cwd=tmp_path)
        (registry / "index" / "py" / "th" / "python-pro.json").unlink()
        result = skill("update", cwd=project)
        assert result.exit_code == 1
        assert f"updated {name} 1.1.0 -> 1.2.0" in result.stdout
        assert result.stderr.splitlines()[-1].startswith("error: ")
        assert "python-pro" in result.stderr.splitlines()[-1]
