"""Boundary: a cloned project's files cannot make lint or index read a file outside the project
and quote it.

A profile path in the project's config (skill.toml, pyproject.toml) must resolve inside the
project, through symlinks and `extends`; a profile error names where and which rule, never the
file's values. A SKILL.md that is a symlink to a file outside its skill folder is one finding
(SK007) and is never read. Each refusal: exit 2 (config) or 1 (finding), one `error:` line or one
finding, and the secret's text nowhere in stdout or stderr.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

SECRET = "sk-live-SECRET-0123456789"


def run(*args: str, cwd: Path) -> Any:
    from skillreg.cli import cli

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the project holding files the project must not reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "creds.json").write_text(json.dumps({"token": SECRET, "name": [SECRET]}))
    profile = {"name": "fine", "frontmatter": {"type": "object", "description": SECRET}}
    (folder / "profile.json").write_text(json.dumps(profile))
    (folder / "SECRET.md").write_text(
        f"---\nname: {SECRET}\ndescription: {SECRET}\n---\n{SECRET}\n"
    )
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    skill = folder / "skills" / "alpha"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        '---\nname: alpha\ndescription: A skill.\nmetadata:\n  version: "1.0.0"\n---\n\n# Alpha\n'
    )
    return folder


def assert_refused(result: Any, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "config",
    [
        'profile = "{outside}/creds.json"',
        'profile = "../outside/creds.json"',
        'profile = "{outside}/profile.json"',
        'profile = "team"\nprofiles = {{ team = "../outside/creds.json" }}',
        'profile = "team"\nprofiles = {{ team = "{outside}/profile.json" }}',
    ],
)
@pytest.mark.parametrize("file", ["skill.toml", "pyproject.toml"])
def test_config_profile_outside_the_project_is_refused(
    project: Path, outside: Path, config: str, file: str
) -> None:
    section = "[lint]" if file == "skill.toml" else "[tool.skill.lint]"
    (project / file).write_text(f"{section}\n{config.format(outside=outside)}\n")
    for command in (["lint", "skills"], ["index", "skills"]):
        result = run(*command, cwd=project)
        assert_refused(result)
        assert "inside the project" in result.stderr


def test_named_profile_from_config_is_bounded_even_when_picked_on_the_command_line(
    project: Path, outside: Path
) -> None:
    (project / "skill.toml").write_text('[lint]\nprofiles = { team = "../outside/profile.json" }\n')
    assert_refused(run("lint", "--profile", "team", "skills", cwd=project))


def test_profile_symlink_and_extends_leaving_the_project_are_refused(
    project: Path, outside: Path
) -> None:
    (project / "linked.json").symlink_to(outside / "profile.json")
    (project / "skill.toml").write_text('[lint]\nprofile = "linked.json"\n')
    assert_refused(run("lint", "skills", cwd=project))
    chain = {"name": "mine", "extends": str(outside / "profile.json"), "frontmatter": {}}
    (project / "mine.json").write_text(json.dumps(chain))
    (project / "skill.toml").write_text('[lint]\nprofile = "mine.json"\n')
    assert_refused(run("lint", "skills", cwd=project))


@pytest.mark.parametrize(
    "profile",
    [
        {"name": [SECRET]},
        {"name": "x", "frontmatter": {"type": SECRET}},
        {"name": "x", "frontmatter": {"properties": {"a": {"minLength": SECRET}}}},
        {"name": "x", "body": {"max_lines": SECRET}},
        {"name": "x", SECRET: SECRET},
        [SECRET],
    ],
)
def test_profile_errors_never_quote_its_values(project: Path, profile: object) -> None:
    (project / "bad.json").write_text(json.dumps(profile))
    (project / "skill.toml").write_text('[lint]\nprofile = "bad.json"\n')
    result = run("lint", "skills", cwd=project)
    assert_refused(result)
    assert "bad.json" in result.stderr


def test_a_profile_from_the_command_line_may_live_anywhere(project: Path, outside: Path) -> None:
    result = run("lint", "--profile", str(outside / "profile.json"), "skills", cwd=project)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output


def test_a_profile_inside_the_project_still_works(project: Path) -> None:
    (project / "team").mkdir()
    (project / "team" / "p.json").write_text(json.dumps({"name": "team", "extends": "agentskills"}))
    (project / "skill.toml").write_text('[lint]\nprofile = "team/p.json"\n')
    result = run("lint", "skills", cwd=project)
    assert result.exit_code in (0, 1), result.output
    assert not result.stderr.startswith("error:")


@pytest.mark.parametrize("target", ["SECRET.md", "creds.json"])
def test_skill_md_symlinked_outside_is_one_finding_and_never_quoted(
    project: Path, outside: Path, target: str
) -> None:
    evil = project / "skills" / "evil"
    evil.mkdir()
    (evil / "SKILL.md").symlink_to(outside / target)
    result = run("lint", "skills", cwd=project)
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output
    findings = [line for line in result.stdout.splitlines() if "evil" in line]
    assert len(findings) == 1 and " SK007 error: " in findings[0], result.stdout
    for fmt in ("json", "sarif", "github"):
        result = run("lint", "--output-format", fmt, "skills", cwd=project)
        assert result.exit_code == 1 and SECRET not in result.output
    result = run("index", "skills", cwd=project)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    entry = next(e for e in json.loads(result.stdout)["skills"] if e["path"].endswith("evil"))
    assert "SK007" in json.dumps(entry["errors"])
    assert run("graph", "skills", cwd=project).exit_code == 0


def test_skill_md_symlinked_inside_its_folder_is_read(project: Path) -> None:
    alpha = project / "skills" / "alpha"
    (alpha / "real.md").write_text((alpha / "SKILL.md").read_text())
    (alpha / "SKILL.md").unlink()
    (alpha / "SKILL.md").symlink_to("real.md")
    result = run("lint", "skills", cwd=project)
    assert "SK007" not in result.output
    assert result.exit_code == 0, result.output
