"""A CLI that talks like uv: one test per promise of issue 15's "A CLI that talks like uv"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skillreg.cli import cli

GOOD = (
    '---\nname: {name}\ndescription: A test skill.\nmetadata:\n  version: "1.0.0"\n---\n'
    "\n# T\n\nText.\n"
)


def _skill(root: Path, name: str, text: str | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SKILL.md").write_text(text or GOOD.format(name=name), encoding="utf-8")
    return folder


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # away from the repo's own config
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "empty"),
        ("index", "empty"),
        ("graph", "--format", "text", "x", "empty"),
        ("publish", "empty", "--to", "site"),
    ],
    ids=["lint", "index", "graph", "publish"],
)
def test_empty_folder_is_no_skills_found(work: Path, args: tuple[str, ...]) -> None:
    (work / "empty" / "docs").mkdir(parents=True)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: no skills found in ")
    assert "empty (a skill is a folder holding a SKILL.md)" in result.stderr
    assert "SK001" not in result.stderr
    assert not (work / "site").exists()


def test_lint_sarif_file_in_the_same_run(work: Path) -> None:
    _skill(work, "bad-skill", GOOD.format(name="other-name"))
    result = run("lint", "--output-format", "github", "--sarif-file", "out/lint.sarif")
    assert result.exit_code == 1
    assert result.stdout.startswith("::error ")
    sarif = json.loads((work / "out" / "lint.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SK106"]


def test_lint_fixable_with_fix_hint(work: Path) -> None:
    folder = _skill(work, "crlf-skill")
    (folder / "SKILL.md").write_bytes((folder / "SKILL.md").read_bytes().replace(b"\n", b"\r\n"))
    result = run("lint")
    assert result.stdout.splitlines()[-1].endswith("(1 fixable with --fix)")
    assert run("lint", "--fix").exit_code == 0
    assert "fixable" not in run("lint").stdout


def test_lint_statistics(work: Path) -> None:
    for name in ("one-skill", "two-skill"):
        folder = _skill(work, name, GOOD.format(name="x" + name))
        (folder / "SKILL.md").write_bytes(
            (folder / "SKILL.md").read_bytes().replace(b"\n", b"\r\n")
        )
    result = run("lint", "--statistics")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["COUNT", "CODE", "RULE", "FIXABLE"]
    rows = [line.split() for line in lines[1:] if line.strip() and "fixable with" not in line]
    assert ["2", "SK106", "name-folder-mismatch"] in [row[:3] for row in rows]
    assert lines[-1] == "2 fixable with --fix"
    as_json = json.loads(run("lint", "--statistics", "--output-format", "json").stdout)
    assert {row["code"]: row["count"] for row in as_json}["SK106"] == 2


def test_profile_did_you_mean(work: Path) -> None:
    _skill(work, "a-skill")
    result = run("lint", "--profile", "councel")
    assert result.exit_code == 2
    assert "did you mean 'council'?" in result.stderr


def test_command_did_you_mean() -> None:
    result = run("lnit")
    assert result.exit_code == 2
    assert "did you mean 'lint'?" in result.stderr


@pytest.mark.parametrize(
    ("env", "flag", "colored"),
    [
        ({}, [], False),
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),
        ({"NO_COLOR": "1"}, [], False),
    ],
)
def test_no_color_force_color_and_color_option(
    work: Path, env: dict[str, str], flag: list[str], colored: bool
) -> None:
    _skill(work, "bad-skill", GOOD.format(name="other-name"))
    result = run(*flag, "lint", env=env)
    assert ("\x1b[" in result.stdout) is colored
    assert ("\x1b[" in run(*flag, "rules", env=env).stdout) is colored
