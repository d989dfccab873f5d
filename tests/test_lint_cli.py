"""`skill lint` and `skill rules` end to end: exit code, stdout and stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from tests.conftest import SEED

GOOD = "---\nname: {name}\ndescription: A test skill.\n---\n\n# Title\n\nText.\n"


def _skill(root: Path, name: str, text: str | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(text or GOOD.format(name=name), encoding="utf-8")
    return folder


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # away from the repo's own pyproject config
    return tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", *args])
    return result.exit_code, result.stdout, result.stderr


def test_clean_skill_exits_0(work: Path) -> None:
    _skill(work, "good-skill")
    code, out, err = _run("good-skill")
    assert (code, err) == (0, "")
    assert "SK" not in out
    assert "1 file" in out


def test_no_argument_lints_current_folder_recursively(work: Path) -> None:
    _skill(work / "nested" / "deeper", "bad-name", GOOD.format(name="other-name"))
    code, out, _ = _run("-q")
    assert code == 1
    assert out == (
        "nested/deeper/bad-name/SKILL.md:2:7: SK106 error: name 'other-name' does not match "
        "the folder name 'bad-name'\n"
    )


def test_missing_path_exits_2(work: Path) -> None:
    code, out, err = _run("does-not-exist")
    assert code == 2
    assert out == ""
    assert err == "error: does-not-exist: no such file or folder\n"


def test_unknown_profile_exits_2(work: Path) -> None:
    _skill(work, "good-skill")
    code, out, err = _run("good-skill", "--profile", "nonesuch")
    assert (code, out) == (2, "")
    assert err.startswith("error: unknown profile 'nonesuch'")


def test_unknown_select_code_exits_2(work: Path) -> None:
    _skill(work, "good-skill")
    code, _, err = _run("good-skill", "--select", "SK999")
    assert code == 2
    assert "SK999" in err


def test_warning_fails_only_with_strict(work: Path) -> None:
    body = GOOD.format(name="warn-skill") + "\n#### Deep\n"
    _skill(work, "warn-skill", body)
    assert _run("warn-skill")[0] == 0
    assert _run("warn-skill", "--strict")[0] == 1
    assert _run("warn-skill", "--fail-on", "warning")[0] == 1
    assert _run("warn-skill", "--ignore", "heading-level-jump", "--strict")[0] == 0


def test_select_prefix(work: Path) -> None:
    _skill(work, "mixed", "---\nname: Mixed\ndescription: x\nauthor: me\n---\n# T\n#### D\n")
    code, out, _ = _run("mixed", "--select", "SK2", "-q")
    assert code == 0
    assert [line.split(" ")[1] for line in out.splitlines()] == ["SK205"]


def test_json_output_is_parseable(work: Path) -> None:
    _skill(work, "bad", GOOD.format(name="other"))
    code, out, err = _run("bad", "--output-format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert "SK106" in json.dumps(data)


def test_github_output(work: Path) -> None:
    _skill(work, "bad", GOOD.format(name="other"))
    code, out, _ = _run("bad", "--output-format", "github")
    assert code == 1
    assert out.startswith("::error file=bad/SKILL.md,line=2,")
    assert "title=SK106 name-folder-mismatch::" in out


def test_council_seed(work: Path) -> None:
    shutil.copytree(SEED, work / "backend-developer")
    code, out, _ = _run("backend-developer", "--profile", "council", "-q")
    assert code == 1
    assert [line.split(" ")[1] for line in out.splitlines()] == ["SK301"] * 5


def test_fix_quotes_version_and_relints(work: Path) -> None:
    text = "---\r\nname: fixme\r\ndescription: x\r\nmetadata:\r\n  version: 1.0\r\n---\r\n# T\r\n"
    folder = work / "fixme"
    folder.mkdir()
    (folder / "SKILL.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    code, out, err = _run("fixme", "-q")
    assert code == 1
    assert {line.split(" ")[1] for line in out.splitlines()} == {"SK005", "SK006", "SK108"}
    code, out, err = _run("fixme", "--fix")
    assert code == 0
    assert "fixed 1 file(s)" in err
    assert (folder / "SKILL.md").read_bytes() == text.replace("\r\n", "\n").replace(
        "version: 1.0", 'version: "1.0"'
    ).encode()


def test_rules_table_and_explain() -> None:
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["CODE", "NAME", "SEVERITY", "SUMMARY"]
    assert any(
        line.startswith("SK106  name-folder-mismatch") for line in result.stdout.splitlines()
    )
    one = CliRunner().invoke(cli, ["rules", "implicit-type"])
    assert one.exit_code == 0
    assert one.stdout.startswith("SK108 implicit-type (default severity: error)")
    assert "Why:" in one.stdout and "Fix:" in one.stdout
    as_json = json.loads(CliRunner().invoke(cli, ["rules", "--json"]).stdout)
    assert {"SK001", "SK105", "SK208", "SK301", "SK901"} <= {r["code"] for r in as_json}
    missing = CliRunner().invoke(cli, ["rules", "SK999"])
    assert (missing.exit_code, missing.stdout) == (2, "")
    assert missing.stderr == "error: unknown rule 'SK999' (run `skill rules` for the list)\n"


def test_subprocess_no_traceback_on_garbage(work: Path) -> None:
    folder = work / "garbage"
    folder.mkdir()
    (folder / "SKILL.md").write_bytes(b"---\n\xff\xfe: [\n\x00\n")
    proc = subprocess.run(
        [sys.executable, "-m", "skillreg", "lint", "garbage"],
        capture_output=True, text=True, cwd=work, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "SK003" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_docs_list_every_rule() -> None:
    from skillreg.lint.catalog import all_rules
    from tests.conftest import REPO

    docs = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    missing = [r.code for r in all_rules().values() if f"| {r.code} | `{r.name}` |" not in docs]
    assert missing == []
