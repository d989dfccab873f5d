"""`skill yank`, `unyank` and `deprecate`: flags change, serials rise, derived files follow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_publish import published_registry, run, snapshot, write_skill


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


def doc(reg: Path, name: str = "python-pro") -> Any:
    return json.loads((reg / f"index/{name[:2]}/{name[2:4]}/{name}.json").read_text())


def test_yank_and_unyank_move_latest_and_raise_the_serial(tmp_path: Path) -> None:
    src, reg = published_registry(tmp_path)
    text = (src / "python-pro" / "SKILL.md").read_text()
    (src / "python-pro" / "SKILL.md").write_text(text.replace('"1.0.0"', '"1.1.0"'))
    assert run("publish", str(src / "python-pro"), "--to", str(reg)).exit_code == 0
    assert doc(reg)["tags"]["latest"] == "1.1.0"

    result = run("yank", "python-pro@1.1.0", "--from", str(reg), "--reason", "broken table")
    assert result.exit_code == 0, result.output
    assert result.stdout == "python-pro: 1.1.0 yanked (serial 3)\n"
    entry = doc(reg)["versions"]["1.1.0"]
    assert (entry["yanked"], entry["yanked_reason"]) == (True, "broken table")
    assert doc(reg)["tags"]["latest"] == "1.0.0"
    catalog = json.loads((reg / "catalog.json").read_text())
    assert [s["latest"] for s in catalog["skills"] if s["name"] == "python-pro"] == ["1.0.0"]

    before = snapshot(reg)
    again = run("yank", "python-pro@1.1.0", "--from", str(reg), "--reason", "broken table")
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert snapshot(reg) == before

    result = run("unyank", "python-pro@1.1.0", "--from", str(reg))
    assert result.exit_code == 0, result.output
    assert (doc(reg)["serial"], doc(reg)["tags"]["latest"]) == (4, "1.1.0")
    assert doc(reg)["versions"]["1.1.0"]["yanked_reason"] is None
    assert run("registry", "verify", str(reg)).exit_code == 0


def test_deprecate_and_undo(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    result = run("deprecate", "golang-pro", "--from", str(reg), "--message", "use go-expert")
    assert result.exit_code == 0, result.output
    assert doc(reg, "golang-pro")["deprecated"] == {"message": "use go-expert"}
    assert doc(reg, "golang-pro")["serial"] == 2
    page = reg / "site/skills/go/la/golang-pro.html"
    assert b"<strong>Deprecated</strong>: use go-expert</p>" in page.read_bytes()
    assert run("registry", "verify", str(reg)).exit_code == 0
    result = run("deprecate", "golang-pro", "--from", str(reg), "--undo")
    assert result.exit_code == 0
    assert b"Deprecated" not in page.read_bytes()
    assert (doc(reg, "golang-pro")["deprecated"], doc(reg, "golang-pro")["serial"]) == (None, 3)
    assert run("registry", "verify", str(reg)).exit_code == 0


def test_unknown_skill_version_or_spec_is_an_error(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    result = run("yank", "python-pro@9.9.9", "--from", str(reg))
    assert result.exit_code == 1
    assert result.stderr == "error: python-pro@9.9.9 is not published (versions: 1.0.0)\n"
    result = run("deprecate", "nope", "--from", str(reg))
    assert result.exit_code == 1
    assert result.stderr == f"error: nope: no such skill in {reg}\n"
    result = run("yank", "python-pro", "--from", str(reg))
    assert result.exit_code == 2
    assert "expected NAME@VERSION" in result.stderr


def test_yanking_the_only_version_drops_latest(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    folder = write_skill(tmp_path / "src", "solo-skill")
    assert run("publish", str(folder), "--to", str(reg)).exit_code == 0
    assert run("yank", "solo-skill@1.0.0", "--from", str(reg)).exit_code == 0
    assert doc(reg, "solo-skill")["tags"] == {}
    catalog = json.loads((reg / "catalog.json").read_text())
    assert catalog["skills"][0]["latest"] is None
    assert run("registry", "verify", str(reg)).exit_code == 0


def test_names_that_are_not_skill_names_never_reach_a_path(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    before = snapshot(reg)
    for args in (["deprecate", "../../escape"], ["yank", "../x@1.0.0"], ["yank", "Py@1.0.0"]):
        result = run(*args, "--from", str(reg))
        assert result.exit_code == 2, args
        assert "is not a skill name" in result.stderr
    assert snapshot(reg) == before
    assert not (tmp_path / "escape.json").exists()


def test_a_registry_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from skillreg.cli import cli

    for args in (["registry", "verify"], ["registry", "reindex"]):
        result = CliRunner().invoke(cli, [*args, str(tmp_path / "nope")])
        assert result.exit_code == 2, args
        assert result.stderr == f"error: {tmp_path / 'nope'}: no such folder\n"
    result = CliRunner().invoke(cli, ["yank", "a@1.0.0", "--from", str(tmp_path / "nope")])
    assert result.exit_code == 2
