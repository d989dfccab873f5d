"""`skill install ./folder`, `./bundle.tar.gz` and `git+file://…`: the same checks, placement and
lock entries as a registry install, and git run as if the repository were hostile."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest

from skillreg.bundle.pack import Limits, pack_skill
from skillreg.install import git as git_module
from tests.install_helpers import file_member, read_json, skill, skill_md, tar_gz, tree
from tests.source_helpers import commit_all, git, git_repo, skill_folder


def _lock_entry(project: Path) -> dict[str, object]:
    (entry,) = read_json(project / "skills.lock")["skills"]
    assert isinstance(entry, dict)
    return entry


def test_install_from_a_folder_locks_source_and_digest(project: Path) -> None:
    folder = skill_folder(project / "skills", "team-style")
    result = skill("install", "./skills/team-style", "--agent", "claude-code", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "installed team-style@1.0.0 from ./skills/team-style\n"
    placed = project / ".claude/skills/team-style/SKILL.md"
    assert placed.read_bytes() == (folder / "SKILL.md").read_bytes()
    entry = _lock_entry(project)
    assert entry["source"] == "folder" and entry["registry"] == "./skills/team-style"
    assert entry["sha256"] == pack_skill(folder).sha256  # the same bytes `skill pack` makes
    assert "commit" not in entry
    manifest = (project / "skills.toml").read_text()
    assert manifest == '[skills]\nteam-style = {source = "./skills/team-style"}\n'


def test_install_from_a_bundle_file_checks_its_manifest(project: Path, tmp_path: Path) -> None:
    folder = skill_folder(tmp_path / "src", "packed-skill", "2.1.0")
    assert skill("pack", str(folder), "-o", str(project), cwd=project).exit_code == 0
    result = skill("install", "./packed-skill-2.1.0.tar.gz", cwd=project)
    assert result.exit_code == 0, result.stderr
    entry = _lock_entry(project)
    data = (project / "packed-skill-2.1.0.tar.gz").read_bytes()
    assert entry["source"] == "archive" and entry["version"] == "2.1.0"
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert (project / ".agents/skills/packed-skill/SKILL.md").is_file()


def test_install_from_a_bundle_file_refuses_one_that_lies_about_its_files(
    project: Path,
) -> None:
    manifest = (
        b'{"files":[{"executable":false,"path":"SKILL.md","sha256":"' + b"0" * 64 + b'",'
        b'"size":3}],"name":"liar","version":"1.0.0"}'
    )
    data = tar_gz(
        [
            file_member("liar/SKILL.md", skill_md("liar", "1.0.0")),
            file_member("liar/.skill-manifest.json", manifest),
        ]
    )
    (project / "liar.tar.gz").write_bytes(data)
    before = tree(project)
    result = skill("install", "./liar.tar.gz", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ./liar.tar.gz: ") and "Traceback" not in result.output
    assert tree(project) == before


def test_install_from_git_file_records_commit_and_subdir(project: Path, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo / "skills", "from-git")
    skill_folder(repo / "skills", "other-one")
    commit = commit_all(repo)
    url = f"git+{repo.as_uri()}@main#skills/from-git"
    result = skill("install", url, "--agent", "cursor", cwd=project)
    assert result.exit_code == 0, result.stderr
    entry = _lock_entry(project)
    assert entry["source"] == "git" and entry["commit"] == commit
    assert entry["registry"] == url
    assert (project / ".cursor/skills/from-git/SKILL.md").is_file()
    assert not (project / ".agents/skills/from-git/.git").exists()


def test_git_repo_with_several_skills_needs_subdir(project: Path, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "one")
    skill_folder(repo, "two")
    commit_all(repo)
    result = skill("install", f"git+{repo.as_uri()}", cwd=project)
    assert result.exit_code == 1
    assert "holds 2 skills (one, two); name one with #SUBDIR" in result.stderr
    assert skill("install", f"git+{repo.as_uri()}#two", cwd=project).exit_code == 0


def test_frozen_restore_rebuilds_from_the_locked_commit(
    project: Path, tmp_path: Path, isolated_home: Path
) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "pinned", "1.0.0")
    first = commit_all(repo)
    assert skill("install", f"git+{repo.as_uri()}@main", cwd=project).exit_code == 0
    skill_folder(repo, "pinned", "1.0.0", extra="\nMoved on.\n")
    commit_all(repo)  # the branch moves on; the lock still names the first commit
    shutil.rmtree(project / ".agents")
    shutil.rmtree(isolated_home / ".cache")  # no cached bundle: rebuilt from the repository
    result = skill("install", "--frozen", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert "Moved on" not in (project / ".agents/skills/pinned/SKILL.md").read_text()
    assert _lock_entry(project)["commit"] == first


def test_frozen_restore_refuses_a_folder_that_changed(project: Path, isolated_home: Path) -> None:
    folder = skill_folder(project / "skills", "drifting")
    assert skill("install", "./skills/drifting", cwd=project).exit_code == 0
    (folder / "SKILL.md").write_bytes(skill_md("drifting", "1.0.0") + b"\nEdited.\n")
    shutil.rmtree(project / ".agents")
    shutil.rmtree(isolated_home / ".cache")
    result = skill("install", "--frozen", cwd=project)
    assert result.exit_code == 1
    assert "./skills/drifting no longer gives the files skills.lock records" in result.stderr
    assert not (project / ".agents/skills/drifting").exists()


def test_frozen_restore_uses_the_cached_bundle_when_the_source_moved_on(project: Path) -> None:
    folder = skill_folder(project / "skills", "cached")
    assert skill("install", "./skills/cached", cwd=project).exit_code == 0
    (folder / "SKILL.md").write_bytes(skill_md("cached", "1.0.0") + b"\nEdited.\n")
    shutil.rmtree(project / ".agents")
    assert skill("install", "--frozen", cwd=project).exit_code == 0
    assert b"Edited" not in (project / ".agents/skills/cached/SKILL.md").read_bytes()


def test_update_follows_the_git_ref(project: Path, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "moving", "1.0.0")
    commit_all(repo)
    assert skill("install", f"git+{repo.as_uri()}", cwd=project).exit_code == 0
    result = skill("update", cwd=project)
    assert result.stdout == "moving@1.0.0 is up to date\n"
    skill_folder(repo, "moving", "1.1.0")
    second = commit_all(repo)
    result = skill("update", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"updated moving from git+{repo.as_uri()}\n"
    entry = _lock_entry(project)
    assert entry["commit"] == second and entry["version"] == "1.1.0"


def test_git_runs_without_the_users_git_config(
    project: Path, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Config from the home folder, $GIT_CONFIG_GLOBAL or $GIT_CONFIG_* (here: an insteadOf
    that swaps the repository; elsewhere hooks or credential helpers) does not reach git."""
    real, decoy = git_repo(tmp_path / "real"), git_repo(tmp_path / "decoy")
    skill_folder(real, "clean-env")
    skill_folder(decoy, "decoy-skill")
    commit_all(real)
    commit_all(decoy)
    swap = f'[url "{decoy.as_uri()}"]\n\tinsteadOf = {real.as_uri()}\n'
    (isolated_home / ".gitconfig").write_text(swap)
    (tmp_path / "global.gitconfig").write_text(swap)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "global.gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.{decoy.as_uri()}.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", real.as_uri())
    result = skill("install", f"git+{real.as_uri()}", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert _lock_entry(project)["name"] == "clean-env"


@pytest.mark.parametrize("kind", ["symlink", "submodule"])
def test_git_refuses_symlinks_and_submodules(project: Path, tmp_path: Path, kind: str) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "linky")
    if kind == "symlink":
        (repo / "linky" / "secret").symlink_to("/etc/passwd")
        commit_all(repo)
    else:
        sha = commit_all(repo)
        git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},linky/sub")
        git(repo, "commit", "-q", "-m", "submodule")
    before = tree(project)
    result = skill("install", f"git+{repo.as_uri()}", cwd=project)
    assert result.exit_code == 1
    assert f"'linky/{'secret' if kind == 'symlink' else 'sub'}' is a {kind} (refused)" in (
        result.stderr
    )
    assert tree(project) == before


def test_git_refuses_a_tree_entry_that_climbs_out(project: Path, tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "climber")
    commit_all(repo)
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=b"owned\n")
    skill_tree = git(repo, "rev-parse", "HEAD:climber")
    listing = git(repo, "ls-tree", skill_tree) + f"\n100644 blob {blob}\t..\n"
    bad_tree = git(repo, "mktree", stdin=listing.encode())
    root = git(repo, "mktree", stdin=f"040000 tree {bad_tree}\tclimber\n".encode())
    commit = git(repo, "commit-tree", root, "-m", "evil")
    git(repo, "update-ref", "refs/heads/main", commit)
    result = skill("install", f"git+{repo.as_uri()}", cwd=project)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("error: git+file://")
    assert not (project / "owned").exists() and not (project / ".agents/skills/owned").exists()


def test_git_limits_hold_before_any_file_is_read(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "huge")
    (repo / "huge" / "data.bin").write_bytes(b"x" * 5000)
    commit_all(repo)
    monkeypatch.setattr(git_module, "_LIMITS", Limits(max_files=100, max_bytes=4096))
    result = skill("install", f"git+{repo.as_uri()}", cwd=project)
    assert result.exit_code == 1
    assert "the skill folder is too large (limit 100 files, 4096 bytes)" in result.stderr


def test_git_has_a_time_limit(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "bin" / "git"
    slow.parent.mkdir()
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{slow.parent}:/usr/bin:/bin")
    monkeypatch.setattr(git_module, "GIT_TIMEOUT", 0.5)
    result = skill("install", f"git+{(tmp_path / 'nowhere').as_uri()}", cwd=project)
    assert result.exit_code == 1
    assert ": git init took longer than" in result.stderr


def test_git_source_never_prompts(project: Path, tmp_path: Path) -> None:
    """A repository that does not exist fails at once (no credential prompt, no hang)."""
    result = skill("install", f"git+{(tmp_path / 'absent').as_uri()}", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: git+file://") and "git fetch" in result.stderr


@pytest.mark.parametrize(
    "text",
    ["git+ssh://host/repo", "git+https://user@host/repo", "git+https://host/repo@--upload-pack=x"],
)
def test_git_url_forms_refused_as_usage_errors(project: Path, text: str) -> None:
    result = skill("install", text, cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr[-1] == "\n"


def test_project_files_cannot_name_a_folder_outside_the_project(
    project: Path, tmp_path: Path, isolated_home: Path
) -> None:
    """A cloned repository's skills.toml or skills.lock must not make skillreg copy a skill
    folder from elsewhere on this machine into the project."""
    private = skill_folder(tmp_path / "private", "private-skill")
    (project / "skills.toml").write_text(f'[skills]\nprivate-skill = {{source = "{private}"}}\n')
    result = skill("install", cwd=project)
    assert result.exit_code == 1
    assert "the project's files name a source outside the project; not read" in result.stderr
    assert not (project / ".agents").exists()
    (project / "skills.toml").write_text(
        '[skills]\nprivate-skill = {source = "./../private/private-skill"}\n'
    )
    assert skill("install", cwd=project).exit_code == 1
    # The same folder named on the command line is the user's own choice.
    (project / "skills.toml").unlink()
    assert skill("install", str(private), cwd=project).exit_code == 0
    shutil.rmtree(project / ".agents")
    shutil.rmtree(isolated_home / ".cache")
    result = skill("install", cwd=project)  # restoring it from the lock rebuilds nothing outside
    assert result.exit_code == 1
    assert "not read" in result.stderr


def test_offline_never_fetches_a_git_https_source(project: Path) -> None:
    result = skill("install", "git+https://127.0.0.1:9/org/repo", "--offline", cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: git+https://127.0.0.1:9/org/repo: not in the bundle cache, and --offline"
        " forbids git\n"
    )


def test_update_of_a_source_that_cannot_be_read_reports_it_and_goes_on(
    project: Path, tmp_path: Path
) -> None:
    repo = git_repo(tmp_path / "repo")
    skill_folder(repo, "gone-away")
    commit_all(repo)
    assert skill("install", f"git+{repo.as_uri()}", cwd=project).exit_code == 0
    folder = skill_folder(project / "skills", "renamed")
    assert skill("install", "./skills/renamed", cwd=project).exit_code == 0
    shutil.rmtree(repo)
    (folder / "SKILL.md").write_bytes(skill_md("other-name", "1.0.0"))
    result = skill("update", cwd=project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "now holds skill 'other-name', not 'renamed'" in result.stderr
    assert {e["name"] for e in read_json(project / "skills.lock")["skills"]} == {
        "gone-away",
        "renamed",
    }


def test_control_characters_in_a_projects_source_never_reach_the_terminal(project: Path) -> None:
    (project / "skills.toml").write_text('[skills]\nx = {source = "./a\\u001b[2Jb"}\n')
    result = skill("install", cwd=project)
    # click drops escapes when stdout is not a terminal, so the refusal itself is the check.
    assert result.exit_code == 2 and "\x1b" not in result.output
    assert "[skills] x: expected a range string or a table" in result.stderr
    (project / "skills.toml").unlink()
    entry = {"name": "x", "version": "1.0.0", "registry": "./a\x1b[2J", "source": "folder",
             "sha256": "0" * 64, "size": 1}  # fmt: skip
    (project / "skills.lock").write_text(json.dumps({"lock_version": 1, "skills": [entry]}))
    result = skill("install", cwd=project)
    assert result.exit_code == 1 and "\x1b" not in result.output
    assert "invalid lockfile at skills.0.registry" in result.stderr
