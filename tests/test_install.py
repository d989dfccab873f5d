"""`skill install` end to end against a real HTTP registry on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.install_helpers import (
    RegistryBuilder,
    Server,
    read_json,
    skill,
    tree,
)


def lock_versions(project: Path) -> dict[str, str]:
    return {e["name"]: e["version"] for e in read_json(project / "skills.lock")["skills"]}


def test_install_from_http(server: Server, project: Path) -> None:
    result = skill("install", "backend-developer", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "installed backend-developer@1.1.0\n"  # not the 2.0.0 pre-release
    assert result.stderr == ""
    installed = project / ".agents/skills/backend-developer"
    assert (installed / "SKILL.md").read_text().startswith("---\nname: backend-developer")
    marker = read_json(installed / ".skillreg.json")
    assert marker["version"] == "1.1.0" and "SKILL.md" in marker["files"]
    lock = read_json(project / "skills.lock")
    (entry,) = lock["skills"]
    assert entry["registry"] == server.url and entry["agents"] == [] and entry["mode"] == "link"
    assert (project / "skills.toml").read_text() == (
        f'[skills]\nbackend-developer = {{version = "^1.1.0", registry = "{server.url}"}}\n'
    )
    # A registry without a change log (as an older skillreg wrote it): the log is asked for
    # once (404), then root, one document, one bundle (tests/test_install_requests.py: with one).
    assert [p.split("/")[1] for p in server.paths()] == [
        "changes.json",
        "registry.json",
        "index",
        "blobs",
    ]


def test_install_from_folder_and_file_url(registry: RegistryBuilder, project: Path) -> None:
    result = skill("install", "golang-pro", "--registry", str(registry.root), cwd=project)
    assert result.exit_code == 0, result.stderr
    result = skill("install", "python-pro", "--registry", registry.root.as_uri(), cwd=project)
    assert result.exit_code == 0, result.stderr
    assert lock_versions(project) == {"golang-pro": "1.0.0", "python-pro": "1.0.0"}


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("1.0.0", "1.0.0"),
        ("^1.0", "1.1.0"),
        ("~1.0.0", "1.0.0"),
        (">=1.0,<1.1", "1.0.0"),
        ("*", "1.1.0"),
        ("latest", "1.1.0"),
        ("^2.0.0-beta.1", "2.0.0-beta.1"),
    ],
)
def test_ranges(server: Server, project: Path, spec: str, version: str) -> None:
    result = skill("install", f"backend-developer@{spec}", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert lock_versions(project) == {"backend-developer": version}


def test_no_matching_version(server: Server, project: Path) -> None:
    result = skill("install", "backend-developer@^3", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: backend-developer@^3: no version matches (available: 2.0.0-beta.1, 1.1.0, 1.0.0)"
        f" (registry: {server.url})\n"
    )
    assert not (project / "skills.lock").exists()


def test_bad_range_is_usage_error(server: Server, project: Path) -> None:
    result = skill("install", "backend-developer@>>1", "--registry", server.url, cwd=project)
    assert result.exit_code == 2
    assert "invalid version range" in result.stderr


def test_yanked_skipped_unless_pinned(server: Server, project: Path) -> None:
    result = skill("install", "devops-engineer", "--registry", server.url, cwd=project)
    assert result.exit_code == 0
    assert lock_versions(project) == {"devops-engineer": "3.0.0"}
    result = skill("install", "devops-engineer@3.1.0", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "warning: devops-engineer@3.1.0 is yanked: broken links\n"
    assert lock_versions(project) == {"devops-engineer": "3.1.0"}
    # a locked yanked version restores with a warning
    (project / ".agents").rename(project / "gone")
    result = skill("install", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert "is yanked: broken links (locked)" in result.stderr
    assert "restored devops-engineer@3.1.0 (was missing)" in result.stdout


def test_only_yanked_matches(server: Server, project: Path) -> None:
    result = skill("install", "devops-engineer@>3.0.0", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "only yanked versions match (3.1.0); pin one exactly" in result.stderr


def test_deprecated_warns(server: Server, project: Path) -> None:
    result = skill("install", "legacy-helper", "--registry", server.url, cwd=project)
    assert result.exit_code == 0
    assert result.stderr == "warning: legacy-helper is deprecated: use backend-developer\n"


def test_not_found_suggests(server: Server, project: Path) -> None:
    result = skill("install", "backend-develper", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: skill 'backend-develper' not found in http://127.0.0.1:"
    )
    assert result.stderr.endswith("(did you mean backend-developer?)\n")


def test_with_related_closure(server: Server, project: Path) -> None:
    result = skill(
        "install", "backend-developer", "--with-related", "--registry", server.url, cwd=project
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "installed backend-developer@1.1.0",
        "added related python-pro@1.0.0",
        "added related devops-engineer@3.0.0",  # 3.1.0 is yanked
        "added related golang-pro@1.0.0",  # transitively, via python-pro
    ]
    assert set(lock_versions(project)) == {
        "backend-developer",
        "python-pro",
        "devops-engineer",
        "golang-pro",
    }


def test_agents_links_and_copies(server: Server, project: Path) -> None:
    result = skill(
        "install",
        "golang-pro",
        "--registry",
        server.url,
        "--agent",
        "claude-code",
        "--agent",
        "codex",
        "--agent",
        "cursor",
        cwd=project,
    )
    assert result.exit_code == 0, result.stderr
    link = project / ".claude/skills/golang-pro"
    assert link.is_symlink() and os.readlink(link) == "../../.agents/skills/golang-pro"
    assert (link / "SKILL.md").is_file()
    assert (project / ".cursor/skills/golang-pro").is_symlink()
    assert not (project / ".agents/skills/golang-pro").is_symlink()  # codex reads the canonical
    result = skill(
        "install",
        "python-pro",
        "--registry",
        server.url,
        "--agent",
        "windsurf",
        "--copy",
        cwd=project,
    )
    assert result.exit_code == 0
    copy = project / ".windsurf/skills/python-pro"
    assert copy.is_dir() and not copy.is_symlink() and (copy / ".skillreg.json").is_file()
    entry = read_json(project / "skills.lock")["skills"][0]
    assert entry["name"] == "golang-pro" and entry["agents"] == ["claude-code", "codex", "cursor"]


def test_default_agents_detected_then_configured(server: Server, project: Path) -> None:
    (project / ".cursor").mkdir()
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    assert (project / ".cursor/skills/golang-pro").is_symlink()
    (project / "skill.toml").write_text('[install]\nagents = ["windsurf"]\n')
    assert skill("install", "python-pro", "--registry", server.url, cwd=project).exit_code == 0
    assert (project / ".windsurf/skills/python-pro").is_symlink()
    assert not (project / ".cursor/skills/python-pro").exists()


def test_dir_target(server: Server, project: Path) -> None:
    result = skill(
        "install", "golang-pro", "--registry", server.url, "--dir", "vendor/skills", cwd=project
    )
    assert result.exit_code == 0, result.stderr
    assert (project / "vendor/skills/golang-pro/SKILL.md").is_file()
    assert read_json(project / "skills.lock")["skills"][0]["dirs"] == ["vendor/skills"]


def test_foreign_folder_needs_force(server: Server, project: Path) -> None:
    mine = project / ".claude/skills/golang-pro"
    mine.mkdir(parents=True)
    (mine / "SKILL.md").write_text("my own")
    result = skill(
        "install", "golang-pro", "--agent", "claude-code", "--registry", server.url, cwd=project
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {mine} exists and was not installed by skillreg; use --force to replace it\n"
    )
    assert (mine / "SKILL.md").read_text() == "my own"
    assert not (project / "skills.lock").exists()
    assert not (project / ".agents/skills/golang-pro").exists()
    result = skill(
        "install",
        "golang-pro",
        "--agent",
        "claude-code",
        "--force",
        "--registry",
        server.url,
        cwd=project,
    )
    assert result.exit_code == 0 and mine.is_symlink()


def test_same_name_other_registry_needs_force(
    server: Server, registry: RegistryBuilder, project: Path
) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    result = skill("install", "golang-pro", "--registry", str(registry.root), cwd=project)
    assert result.exit_code == 1
    assert "golang-pro is already installed from http://127.0.0.1" in result.stderr


def test_restore_from_lock(server: Server, project: Path) -> None:
    args = ("--registry", server.url, "--agent", "claude-code")
    assert (
        skill("install", "backend-developer@1.0.0", "golang-pro", *args, cwd=project).exit_code == 0
    )
    before = tree(project)
    clone = project.parent / "clone"
    clone.mkdir()
    for name in ("skills.lock", "skills.toml"):
        (clone / name).write_bytes((project / name).read_bytes())
    result = skill("install", cwd=clone)  # no registry option: the lock says where
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "restored backend-developer@1.0.0 (was missing)",
        "restored golang-pro@1.0.0 (was missing)",
    ]
    assert tree(clone) == before
    result = skill("install", cwd=clone)
    assert result.stdout == "everything in the lockfile is in place\n"


def test_restore_verifies_digest(server: Server, registry: RegistryBuilder, project: Path) -> None:
    assert (
        skill("install", "golang-pro", "--registry", str(registry.root), cwd=project).exit_code == 0
    )
    blob = next((registry.root / "blobs").rglob("*.tar.gz"))
    for path in (registry.root / "blobs").rglob("*.tar.gz"):
        if read_json(project / "skills.lock")["skills"][0]["sha256"] in path.name:
            blob = path
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    (project / ".agents").rename(project / "gone")
    result = skill("install", cwd=project)
    assert result.exit_code == 1
    assert "sha256 mismatch" in result.stderr
    assert not (project / ".agents/skills/golang-pro").exists()


def test_frozen(server: Server, project: Path) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    lock_before = (project / "skills.lock").read_bytes()
    (project / ".agents").rename(project / "gone")
    result = skill("install", "--frozen", cwd=project)  # restoring files does not change the lock
    assert result.exit_code == 0, result.stderr
    (project / "skills.toml").write_text('[skills]\ngolang-pro = "^1.0.0"\npython-pro = "*"\n')
    result = skill("install", "--frozen", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --frozen: skills.lock is out of date for python-pro@*; run `skill install` and"
        " commit the lockfile\n"
    )
    result = skill("install", "python-pro", "--frozen", "--registry", server.url, cwd=project)
    assert result.exit_code == 1 and "would change" in result.stderr
    assert (project / "skills.lock").read_bytes() == lock_before
    result = skill("install", "--registry", server.url, cwd=project)  # not frozen: resolves it
    assert result.exit_code == 0, result.stderr
    assert lock_versions(project) == {"golang-pro": "1.0.0", "python-pro": "1.0.0"}


def test_update_and_outdated(server: Server, registry: RegistryBuilder, project: Path) -> None:
    args = ("--registry", server.url)
    assert (
        skill(
            "install", "backend-developer@1.0.0", "--agent", "cursor", *args, cwd=project
        ).exit_code
        == 0
    )
    assert skill("install", "golang-pro", *args, cwd=project).exit_code == 0
    result = skill("outdated", "--json", cwd=project)
    assert result.exit_code == 0
    assert read_json_text(result.stdout) == [
        {"name": "backend-developer", "current": "1.0.0", "wanted": "1.0.0", "latest": "1.1.0",
         "yanked": False, "yanked_reason": None}
    ]  # fmt: skip
    (project / "skills.toml").write_text(
        '[skills]\nbackend-developer = "^1.0.0"\ngolang-pro = "^1.0.0"\n'
    )
    registry.add("golang-pro", "1.5.0").write()
    result = skill("update", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "updated backend-developer 1.0.0 -> 1.1.0",
        "updated golang-pro 1.0.0 -> 1.5.0",
    ]
    entry = read_json(project / "skills.lock")["skills"][0]
    assert entry["agents"] == ["cursor"]  # update keeps the agents chosen at install
    assert not (project / ".claude").exists()
    assert (
        read_json(project / ".cursor/skills/backend-developer/.skillreg.json")["version"] == "1.1.0"
    )
    result = skill("outdated", cwd=project)
    assert result.exit_code == 0 and result.stdout == ""
    result = skill("update", "nope", cwd=project)
    assert result.exit_code == 1 and "nope is not installed" in result.stderr


def read_json_text(text: str) -> Any:
    import json

    return json.loads(text)


def test_remove(server: Server, project: Path) -> None:
    args = ("--registry", server.url, "--agent", "claude-code")
    assert skill("install", "golang-pro", "python-pro", *args, cwd=project).exit_code == 0
    result = skill("remove", "golang-pro", cwd=project)
    assert result.exit_code == 0
    assert result.stdout == "removed golang-pro@1.0.0\n"
    assert not (project / ".agents/skills/golang-pro").exists()
    assert not (project / ".claude/skills/golang-pro").is_symlink()
    assert lock_versions(project) == {"python-pro": "1.0.0"}
    assert "golang-pro" not in (project / "skills.toml").read_text()
    result = skill("remove", "golang-pro", cwd=project)
    assert result.exit_code == 1
    assert result.stderr == "error: not installed: golang-pro (see `skill list`)\n"


def test_list_statuses(server: Server, project: Path) -> None:
    args = ("--registry", server.url, "--agent", "claude-code")
    assert (
        skill(
            "install", "golang-pro", "python-pro", "devops-engineer", *args, cwd=project
        ).exit_code
        == 0
    )
    (project / ".agents/skills/python-pro/SKILL.md").write_text("edited")
    (project / ".claude/skills/devops-engineer").unlink()
    result = skill("list", "--json", cwd=project)
    assert result.exit_code == 0
    statuses = {row["name"]: row["status"] for row in read_json_text(result.stdout)}
    assert statuses == {"devops-engineer": "missing", "golang-pro": "ok", "python-pro": "modified"}
    text = skill("list", cwd=project).stdout
    assert "python-pro" in text and "modified" in text


def test_info_and_search(server: Server, project: Path) -> None:
    result = skill("info", "devops-engineer", "--json", "--registry", server.url, cwd=project)
    assert result.exit_code == 0
    data = read_json_text(result.stdout)
    assert [v["version"] for v in data["versions"]] == ["3.1.0", "3.0.0"]
    assert data["versions"][0]["yanked_reason"] == "broken links"
    text = skill("info", "backend-developer", "--registry", server.url, cwd=project).stdout
    assert "python-pro, devops-engineer" in text and "SHA256" in text
    result = skill("search", "pro", "--json", "--registry", server.url, cwd=project)
    assert [hit["name"] for hit in read_json_text(result.stdout)] == ["golang-pro", "python-pro"]
    result = skill("search", "zzz", "--registry", server.url, cwd=project)
    assert result.exit_code == 0 and result.stdout == "" and "no skills match" in result.stderr


def test_pyproject_manifest(server: Server, project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert skill("install", "golang-pro@^1", "--registry", server.url, cwd=project).exit_code == 0
    assert (project / "pyproject.toml").read_text() == (
        '[project]\nname = "x"\n\n[tool.skill.skills]\n'
        f'golang-pro = {{version = "^1", registry = "{server.url}"}}\n'
    )
    assert not (project / "skills.toml").exists()


def test_registry_from_env_and_config(
    server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "skill.toml").write_text(f'[install]\nregistry = "{server.url}"\n')
    assert skill("install", "golang-pro", cwd=project).exit_code == 0
    monkeypatch.setenv("SKILL_REGISTRY", str(project / "nowhere"))
    result = skill("install", "python-pro", cwd=project)
    assert result.exit_code == 2 and "nowhere: registry folder not found" in result.stderr


def test_builtin_registry(
    registry: RegistryBuilder, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillreg.registry import builtin as builtin_module

    monkeypatch.setattr(builtin_module, "builtin_registry", lambda: registry.root)
    result = skill("install", "golang-pro", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert read_json(project / "skills.lock")["skills"][0]["registry"] == "builtin"
    (project / ".agents").rename(project / "gone")
    assert skill("install", cwd=project).exit_code == 0
    assert (project / ".agents/skills/golang-pro/SKILL.md").is_file()


def test_missing_builtin_registry(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skillreg.registry import builtin as builtin_module

    monkeypatch.setattr(builtin_module, "builtin_registry", lambda: project / "absent")
    result = skill("install", "golang-pro", cwd=project)
    assert result.exit_code == 2
    assert "this installation lacks the built-in registry" in result.stderr


def test_global_scope(
    server: Server, project: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(isolated_home / "claude-conf"))
    result = skill(
        "install",
        "golang-pro",
        "--global",
        "--agent",
        "claude-code",
        "--registry",
        server.url,
        cwd=project,
    )
    assert result.exit_code == 0, result.stderr
    assert (isolated_home / ".agents/skills/golang-pro/SKILL.md").is_file()
    assert (isolated_home / "claude-conf/skills/golang-pro").is_symlink()
    lock = read_json(isolated_home / ".config/skillreg/skills.lock")
    assert lock["skills"][0]["scope"] == "global"
    assert list(project.iterdir()) == []
    result = skill("list", "--global", cwd=project)
    assert "golang-pro" in result.stdout and "ok" in result.stdout


def test_restore_with_nothing_locked(project: Path) -> None:
    result = skill("install", cwd=project)
    assert result.exit_code == 0
    assert result.stdout.startswith("nothing to restore: skills.lock lists no skills")
    assert list(project.iterdir()) == []


def test_link_failure_falls_back_to_copy(
    server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillreg.install import place

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(1, "links not permitted here")

    monkeypatch.setattr(place.os, "symlink", no_links)  # type: ignore[attr-defined]
    result = skill(
        "install", "golang-pro", "--agent", "cursor", "--registry", server.url, cwd=project
    )
    assert result.exit_code == 0, result.stderr
    copy = project / ".cursor/skills/golang-pro"
    assert copy.is_dir() and not copy.is_symlink()
    assert (copy / "SKILL.md").read_bytes() == (
        project / ".agents/skills/golang-pro/SKILL.md"
    ).read_bytes()
    assert "ok" in skill("list", cwd=project).stdout


def test_token_from_user_config(server: Server, project: Path, isolated_home: Path) -> None:
    """`[install] token` goes to the origin of the user config's own `[install] registry`."""
    config = isolated_home / ".config/skillreg/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[install]\nregistry = "{server.url}"\ntoken = "from-config"\n')
    assert skill("install", "golang-pro", cwd=project).exit_code == 0
    assert {h.get("authorization") for _, _, h in server.log} == {"Bearer from-config"}


def test_progress_bar_only_on_a_terminal() -> None:
    from skillreg.cli.install import _progress, _RichSink

    assert _progress() is None  # pytest captures stderr: not a TTY
    sink = _RichSink("golang-pro@1.0.0", 10)
    sink.advance(10)
    sink.close()


def test_concurrent_installs_lose_nothing(server: Server, project: Path) -> None:
    import subprocess
    import sys

    names = ["golang-pro", "python-pro", "devops-engineer", "legacy-helper"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "skillreg", "install", name, "--registry", server.url],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert set(lock_versions(project)) == set(names)
    assert set(read_requests_of(project)) == set(names)


def read_requests_of(project: Path) -> dict[str, str]:
    import tomllib

    return dict(tomllib.loads((project / "skills.toml").read_text())["skills"])


def test_unknown_agent_is_usage_error(server: Server, project: Path) -> None:
    result = skill(
        "install", "golang-pro", "--agent", "claud-code", "--registry", server.url, cwd=project
    )
    assert result.exit_code == 2
    assert result.stderr == "error: unknown agent 'claud-code' (did you mean 'claude-code'?)\n"
    assert server.log == []  # refused before anything was fetched


def test_dist_tags(server: Server, registry: RegistryBuilder, project: Path) -> None:
    import json

    from skillreg.registry.model import index_path

    path = registry.root / index_path("backend-developer")
    doc = read_json(path)
    doc["tags"]["beta"] = "2.0.0-beta.1"
    path.write_text(json.dumps(doc))
    result = skill("install", "backend-developer@beta", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert lock_versions(project) == {"backend-developer": "2.0.0-beta.1"}
    result = skill("install", "backend-developer@nightly", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: backend-developer has no tag 'nightly' (tags: beta, latest)"
        f" (registry: {server.url})\n"
    )


def test_frozen_passes_when_nothing_changes(server: Server, project: Path) -> None:
    assert skill("install", "golang-pro@^1", "--registry", server.url, cwd=project).exit_code == 0
    result = skill("install", "golang-pro@^1", "--frozen", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "golang-pro@1.0.0 already installed\n"


def test_frozen_without_a_lockfile_fails(project: Path) -> None:
    result = skill("install", "--frozen", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --frozen: no skills.lock in ")


def test_a_missing_registry_folder_is_a_usage_error(project: Path) -> None:
    result = skill("install", "python-pro", "--registry", str(project / "nope"), cwd=project)
    assert result.exit_code == 2
    assert result.stderr == f"error: {project / 'nope'}: registry folder not found\n"


def test_both_manifests_listing_skills_is_refused(project: Path) -> None:
    (project / "skills.toml").write_text('[skills]\npython-pro = "^1"\n')
    (project / "pyproject.toml").write_text('[tool.skill.skills]\ngolang-pro = "^1"\n')
    result = skill("install", cwd=project)
    assert result.exit_code == 2
    assert "keep one of them" in result.stderr


def test_a_failed_install_leaves_no_new_folders(server: Server, project: Path) -> None:
    (project / "afile").write_text("in the way")
    before = sorted(p.name for p in project.iterdir())
    result = skill("install", "python-pro", "--dir", "afile", "--registry", server.url, cwd=project)
    assert result.exit_code == 1, result.stdout
    assert sorted(p.name for p in project.iterdir()) == before  # no empty .agents/ left


def test_outdated_exit_code_and_yanked_in_use_flagged(
    server: Server, registry: RegistryBuilder, project: Path
) -> None:
    """`skill outdated --exit-code` is 1 when something is outdated (like `npm outdated`) or its
    version in use was yanked, 0 otherwise; the table and the warning say which."""
    args = ("--registry", server.url)
    assert skill("install", "golang-pro@1.0.0", *args, cwd=project).exit_code == 0
    current = skill("outdated", "--exit-code", cwd=project)
    assert (current.exit_code, current.stdout) == (0, "")
    registry.add("golang-pro", "1.5.0").write()
    newer = skill("outdated", "--exit-code", cwd=project)
    assert newer.exit_code == 1
    header, row = newer.stdout.splitlines()[:2]
    assert header.split() == ["NAME", "CURRENT", "WANTED", "LATEST", "NOTE"]
    assert row.split() == ["golang-pro", "1.0.0", "1.0.0", "1.5.0"]
    assert skill("outdated", cwd=project).exit_code == 0  # without the flag, a report only
    reason = "leaks a token\x1b]0;pwned\x07"  # a registry's text: escapes must not reach the tty
    registry.add("golang-pro", "1.0.0", yanked=True, yanked_reason=reason).write()
    yanked = skill("outdated", "--exit-code", cwd=project)
    assert yanked.exit_code == 1
    assert "yanked: leaks a token\\x1b]0;pwned\\x07" in yanked.stdout
    assert "warning: golang-pro 1.0.0 is yanked (leaks a token\\x1b" in yanked.stderr
    assert "\x1b" not in yanked.stdout + yanked.stderr
