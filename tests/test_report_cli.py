"""`skill lint --output-format …` end to end: the lint command wired to each renderer."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from skillreg.cli import cli

from .conftest import REPO
from .test_report_sarif import _check

GOOD = (
    "---\nname: {name}\ndescription: Does one thing well. Use when testing reports.\n---\n"
    "\n# {name}\n\nBody.\n"
)
BAD = "---\nname: {name}\n---\n\n# {name}\n\nBody.\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for folder, template in (("good-one", GOOD), ("bad-one", BAD), ("odd name,1", BAD)):
        (tmp_path / "skills" / folder).mkdir(parents=True)
        text = template.format(name=folder)
        (tmp_path / "skills" / folder / "SKILL.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["lint", "skills", "--profile", "agentskills", *args], env=env, catch_exceptions=False
    )
    return result.exit_code, result.stdout


def test_text(project: Path) -> None:
    status, out = _lint("--output-format", "text")
    assert status == 1
    lines = out.splitlines()
    assert lines[-1].endswith("in 3 files")
    assert any(line.startswith("skills/bad-one/SKILL.md:") for line in lines)
    assert "\x1b" not in out  # not a terminal: no colour


def test_json(project: Path) -> None:
    status, out = _lint("--output-format", "json")
    assert status == 1
    data = json.loads(out)
    schema = json.loads((REPO / "schema" / "lint-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["summary"]["files_checked"] == 3
    assert {d["path"] for d in data["diagnostics"]} >= {"skills/bad-one/SKILL.md"}
    assert "skills/good-one/SKILL.md" not in {d["path"] for d in data["diagnostics"]}


def test_sarif(project: Path) -> None:
    status, out = _lint("--output-format", "sarif")
    assert status == 1
    log = json.loads(out)
    _check(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert "skills/odd%20name%2C1/SKILL.md" in uris


@pytest.mark.parametrize("fmt", ["github", "auto"])
def test_github(project: Path, fmt: str) -> None:
    status, out = _lint("--output-format", fmt, env={"GITHUB_ACTIONS": "true"})
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith("::error file=skills/bad-one/SKILL.md,")
    assert any(line.startswith("::error file=skills/odd name%2C1/SKILL.md,") for line in lines)
    assert lines[-1].startswith("skill lint: ")


def test_auto_outside_actions_is_text(project: Path) -> None:
    _, out = _lint("--output-format", "auto", env={"GITHUB_ACTIONS": ""})
    assert out.startswith("skills/")


def test_sarif_paths_are_relative_to_the_github_workspace(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "skills")  # linting from a subfolder of the checkout
    result = CliRunner().invoke(
        cli,
        ["lint", ".", "--profile", "agentskills", "--output-format", "sarif"],
        env={"GITHUB_WORKSPACE": str(project)},
    )
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    assert "skills/bad-one/SKILL.md" in uris
