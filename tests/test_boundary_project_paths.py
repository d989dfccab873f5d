"""Boundary: a cloned project's files (skills.lock, skills.toml, skill.toml, committed symlinks) can
only place or delete files inside that project's real root.

Every hostile case: exit 1 or 2, exactly one ``error:`` line, no traceback, and the fake HOME and a
sibling folder byte-for-byte as before. Bounds: each command is one in-process CLI run against a
loopback registry of a few KiB; a run over 20 s counts as a stall (a hang guard, not a benchmark).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.install_helpers import Server, read_json, skill, tree

NAME = "golang-pro"
HANG_GUARD = 20.0  # seconds; these runs take well under one


@pytest.fixture
def sibling(tmp_path: Path) -> Path:
    """A folder beside the project holding something precious, with a skillreg-looking copy."""
    folder = tmp_path / "sibling"
    (folder / "skills" / NAME).mkdir(parents=True)
    (folder / "skills" / NAME / "SKILL.md").write_text("the user's own copy")
    (folder / "keep.txt").write_text("precious")
    return folder


def snapshot(*folders: Path) -> list[dict[str, bytes | str]]:
    """Every file under `folders`, but the user cache (written by design on every run)."""
    return [
        {k: v for k, v in tree(folder).items() if not k.startswith(".cache")} for folder in folders
    ]


def refused(result: Any, *codes: int) -> str:
    """The one error line of a refused run (no traceback, nothing else on stderr)."""
    assert result.exit_code in (codes or (1, 2)), result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return str(lines[0])


def run(*args: str, cwd: Path) -> Any:
    started = time.monotonic()
    result = skill(*args, cwd=cwd)
    assert time.monotonic() - started < HANG_GUARD
    return result


def installed(server: Server, project: Path, *extra: str) -> dict[str, Any]:
    result = run("install", NAME, "--registry", server.url, *extra, cwd=project)
    assert result.exit_code == 0, result.stderr
    lock: dict[str, Any] = read_json(project / "skills.lock")
    return lock


def rewrite_lock(project: Path, lock: dict[str, Any], **changes: Any) -> None:
    lock["skills"][0].update(changes)
    (project / "skills.lock").write_text(json.dumps(lock))


# -- what the lock says --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"scope": "global"},
        {"scope": "global", "agents": ["claude-code", "cursor"]},
        {"scope": "global", "dirs": ["{victim}"]},
        {"scope": "global", "dirs": ["../sibling/skills"]},
    ],
    ids=["global", "global-agents", "global-absolute-dir", "global-dotdot-dir"],
)
@pytest.mark.parametrize("command", [("install",), ("install", "--frozen"), ("remove", NAME)])
def test_lock_cannot_ask_for_global_scope(
    server: Server,
    project: Path,
    sibling: Path,
    isolated_home: Path,
    changes: dict[str, Any],
    command: tuple[str, ...],
) -> None:
    # The user has the same skill installed globally: the attack is to replace or delete it.
    assert (
        run("install", NAME, "-g", "-a", "claude-code", "-r", server.url, cwd=project).exit_code
        == 0
    )
    lock = installed(server, project)
    victim = project.parent / "victim"
    changes = {k: [str(victim)] if v == ["{victim}"] else v for k, v in changes.items()}
    rewrite_lock(project, lock, **changes)
    for folder in (".agents", ".claude", ".cursor"):
        shutil.rmtree(project / folder, ignore_errors=True)  # so a restore has work to do
    before = snapshot(isolated_home, sibling)
    line = refused(run(*command, cwd=project), 1)
    assert "has scope 'global'" in line and "skills.lock" in line
    assert snapshot(isolated_home, sibling) == before
    assert not victim.exists()


@pytest.mark.parametrize(
    "dirs",
    [["../sibling/skills"], ["/tmp/skillreg-never-used"], ["sub/../../sibling"], ["~/x"]],
)
def test_lock_dirs_must_be_relative_and_inside(
    server: Server, project: Path, sibling: Path, isolated_home: Path, dirs: list[str]
) -> None:
    rewrite_lock(project, installed(server, project), dirs=dirs)
    before = snapshot(isolated_home, sibling)
    for command in (("install",), ("remove", NAME), ("list",)):
        line = refused(run(*command, cwd=project), 1)
        assert "must be a relative path inside the project" in line
    assert snapshot(isolated_home, sibling) == before


# -- committed symlinks ---------------------------------------------------------------------------


def link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target, target_is_directory=True)


@pytest.mark.parametrize(
    ("committed", "args"),
    [
        (".claude", ("-a", "claude-code")),  # a parent of the agent folder
        (".claude/skills", ("-a", "claude-code")),  # the agent folder itself
        (".agents", ()),  # the parent of the shared folder
        (".agents/skills", ()),  # the shared (canonical) folder
        ("extra", ("--dir", "extra")),  # a --dir folder
        ("deep/er", ("--dir", "deep/er/skills")),  # a parent of a --dir folder
    ],
)
def test_symlinked_folder_leading_out_is_refused(
    server: Server,
    project: Path,
    sibling: Path,
    isolated_home: Path,
    committed: str,
    args: tuple[str, ...],
) -> None:
    link(project / committed, sibling)
    before = snapshot(isolated_home, sibling)
    line = refused(run("install", NAME, "-r", server.url, *args, cwd=project))
    assert "outside the project" in line
    assert snapshot(isolated_home, sibling) == before
    assert not (project / "skills.lock").exists()


def test_symlinked_folder_to_the_users_home_refused_on_restore(
    server: Server, project: Path, isolated_home: Path
) -> None:
    """A committed `.claude` link to `~/.claude`: a plain restore must not write there."""
    installed(server, project, "-a", "claude-code")
    shutil.rmtree(project / ".claude", ignore_errors=True)
    (isolated_home / ".claude" / "skills").mkdir(parents=True)
    link(project / ".claude", isolated_home / ".claude")
    before = snapshot(isolated_home)
    for command in (("install",), ("install", "--frozen"), ("install", "--force")):
        line = refused(run(*command, cwd=project), 1)
        assert "outside the project" in line
    assert snapshot(isolated_home) == before


def test_canonical_copy_that_is_a_committed_link_refused(
    server: Server, project: Path, sibling: Path
) -> None:
    installed(server, project)
    canonical = project / ".agents/skills" / NAME
    shutil.rmtree(canonical, ignore_errors=True)
    link(canonical, sibling / "skills" / NAME)
    before = snapshot(sibling)
    assert "missing" in run("list", cwd=project).stdout
    line = refused(run("install", cwd=project), 1)
    assert "outside the project" in line
    assert snapshot(sibling) == before


def test_remove_never_deletes_through_a_link(
    server: Server, project: Path, isolated_home: Path
) -> None:
    """The user's global copy, reached through a committed ``.claude`` link, survives `remove`."""
    args = ("-g", "-a", "claude-code", "--copy", "-r", server.url)
    assert run("install", NAME, *args, cwd=project).exit_code == 0
    installed(server, project, "-a", "claude-code")
    shutil.rmtree(project / ".claude", ignore_errors=True)
    link(project / ".claude", isolated_home / ".claude")
    lock_before = (project / "skills.lock").read_bytes()
    before = snapshot(isolated_home)
    line = refused(run("remove", NAME, cwd=project), 1)
    assert "outside the project" in line
    assert snapshot(isolated_home) == before
    assert (project / "skills.lock").read_bytes() == lock_before  # refused before any change


def test_link_inside_the_project_is_followed(server: Server, project: Path) -> None:
    """The decision for committed symlinked agent folders: resolved, and used when inside."""
    link(project / ".claude/skills", project / ".agents/skills")
    installed(server, project, "-a", "claude-code")
    assert (project / ".agents/skills" / NAME / "SKILL.md").is_file()
    assert not (project / ".agents/skills" / NAME).is_symlink()  # not swapped for a self-link
    assert "ok" in run("list", cwd=project).stdout
    assert run("remove", NAME, cwd=project).exit_code == 0
    assert not (project / ".agents/skills" / NAME).exists()


# -- a link swapped in after the plan was checked -------------------------------------------------


def test_link_swapped_in_after_the_check_is_refused_at_the_write(
    server: Server, project: Path, sibling: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillreg.install.apply import check_conflicts

    def check_then_swap(*args: Any) -> None:
        check_conflicts(*args)
        shutil.rmtree(project / ".claude", ignore_errors=True)
        link(project / ".claude", sibling)  # an attacker racing the install

    monkeypatch.setattr("skillreg.install.engine.check_conflicts", check_then_swap)
    before = snapshot(sibling)
    line = refused(run("install", NAME, "-a", "claude-code", "-r", server.url, cwd=project), 1)
    assert "outside the project" in line
    assert snapshot(sibling) == before


def test_global_scope_comes_from_the_command_line(
    server: Server, project: Path, isolated_home: Path
) -> None:
    """The control: with -g the user's own folders are the target."""
    result = run("install", NAME, "-g", "-a", "claude-code", "-r", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert (isolated_home / ".agents/skills" / NAME / "SKILL.md").is_file()
    assert (isolated_home / ".claude/skills" / NAME / "SKILL.md").is_file()
    assert run("remove", NAME, "-g", cwd=project).exit_code == 0
    assert not (isolated_home / ".agents/skills" / NAME).exists()


def test_link_swapped_in_after_staging_is_refused_at_the_rename(
    server: Server, project: Path, sibling: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last moment: everything is staged, then a parent becomes a link. The rename goes
    through a descriptor of a folder checked just then, so it refuses and rolls back."""
    from skillreg.install import apply

    real_swap_all = apply._swap_all

    def swap_then_rename(session: Any, staged: list[tuple[Path, Path]]) -> list[Path]:
        (project / ".claude").rename(project / ".claude-moved")
        link(project / ".claude", sibling)  # sibling/skills/golang-pro: the user's own copy
        return real_swap_all(session, staged)

    monkeypatch.setattr(apply, "_swap_all", swap_then_rename)
    before = snapshot(sibling)
    line = refused(run("install", NAME, "-a", "claude-code", "-r", server.url, cwd=project), 1)
    assert "outside the project" in line
    assert snapshot(sibling) == before
    assert not (project / "skills.lock").exists()
    assert not (project / ".agents/skills" / NAME).exists()  # the swapped-in copy rolled back
