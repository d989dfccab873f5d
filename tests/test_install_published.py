"""Install from a registry built by the real `skill publish` / `skill yank` / `skill deprecate`,
served over HTTP on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO, SEED
from tests.install_helpers import read_json, serve, skill

RELATED = REPO / "tests" / "fixtures" / "related"


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
        result = skill("outdated", "--json", cwd=project)
        assert '"latest": "1.0.0"' in result.stdout
