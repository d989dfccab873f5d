"""A CLI that talks like uv: one test per promise of issue 15's "A CLI that talks like uv"."""

from __future__ import annotations

import json
import re
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


def _complete(words: str, cwd: Path) -> list[str]:
    """What bash completion offers for the last word of `words` (click's protocol)."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    parts = words.split(" ")
    env = {**os.environ, "PYTHONPATH": str(REPO), "_SKILL_COMPLETE": "bash_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}  # fmt: skip
    code = "import sys; from skillreg.cli import main; sys.argv[0] = 'skill'; main()"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True,
                         text=True, timeout=60).stdout  # fmt: skip
    return [line.split(",", 1)[1] for line in out.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert "_SKILL_COMPLETE" in result.stdout
    assert f"{shell}_complete" in result.stdout


def test_completion_completes_agent_ids_and_installed_names(work: Path) -> None:
    assert _complete("skill install --agent cl", work) == ["claude-code", "cline"]
    assert _complete("skill li", work) == ["lint", "list"]
    (work / "skills.lock").write_text(json.dumps({
        "lock_version": 1, "skills": [
            {"name": n, "version": "1.0.0", "registry": "builtin:", "sha256": "0" * 64,
             "size": 1, "agents": [], "dirs": [], "scope": "project", "mode": "link"}
            for n in ("golang-pro", "graphql-pro", "python-pro")]}))  # fmt: skip
    assert _complete("skill remove g", work) == ["golang-pro", "graphql-pro"]
    assert _complete("skill update py", work) == ["python-pro"]
    (work / "skills.lock").write_text("{not json")
    assert _complete("skill remove g", work) == []  # a broken lock completes nothing, quietly


def _commands() -> list[tuple[str, ...]]:
    from skillreg.cli import COMMANDS

    found: list[tuple[str, ...]] = []
    for name in sorted(COMMANDS):
        found.append((name,))
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        if isinstance(command, __import__("click").Group):
            found += [(name, sub) for sub in sorted(command.commands)]
    return found


@pytest.mark.parametrize("words", _commands(), ids=" ".join)
def test_help_has_an_example_each(words: tuple[str, ...]) -> None:
    result = run(*words, "--help")
    assert result.exit_code == 0
    assert re.search(r"Examples:\n +skill ", result.stdout), result.stdout


def test_help_no_truncated_summaries() -> None:
    result = run("--help")
    assert "Examples:" in result.stdout
    commands = result.stdout.split("Commands:\n", 1)[1]
    assert "..." not in commands
    assert "whose version in use was yanked" in " ".join(commands.split())


# Every command that reports, and how it is asked for JSON.
REPORTING = {
    "lint": "--output-format json", "rules": "--json", "index": "(JSON always)",
    "graph": "--json", "pack": "--json", "publish": "--json", "yank": "--json",
    "unyank": "--json", "deprecate": "--json", "registry verify": "--json",
    "registry reindex": "--json", "install": "--json", "update": "--json", "remove": "--json",
    "list": "--json", "outdated": "--json", "info": "--json", "search": "--json",
}  # fmt: skip


@pytest.mark.parametrize("words", sorted(REPORTING))
def test_json_on_every_reporting_command(words: str) -> None:
    option = REPORTING[words]
    if option.startswith("("):
        return
    flag = option.split()[0]
    help_text = run(*words.split(), "--help").stdout
    assert flag in help_text


def test_json_graph_and_yank(work: Path) -> None:
    for name in ("a-skill", "b-skill"):
        _skill(work / "src", name)
    (work / "src" / "a-skill" / "SKILL.md").write_text(
        GOOD.format(name="a-skill") + "\n## Related Skills\n\n- `b-skill` - why\n"
    )
    graph = json.loads(run("graph", "--json", "src").stdout)
    assert graph["nodes"] == ["a-skill", "b-skill"]
    assert [(e["source"], e["target"]) for e in graph["edges"]] == [("a-skill", "b-skill")]
    assert run("publish", "src", "--to", "site").exit_code == 0
    yanked = json.loads(run("yank", "b-skill@1.0.0", "--from", "site", "--json").stdout)
    assert (yanked["name"], yanked["changed"]) == ("b-skill", True)


_LOADED = """
import sys
from skillreg.cli import main
sys.argv = ["skill", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"rich", "httpx", "pydantic", "filelock"})
print("LOADED", ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--version"], set()),
        (["--help"], set()),
        (["lint", "s"], set()),
        (["lint", "--output-format", "json", "s"], set()),
        (["index", "s"], {"pydantic"}),
        (["graph", "s"], {"pydantic"}),
    ],
    ids=["version", "help", "lint", "lint-json", "index", "graph"],
)
def test_fast_start_up_loads_no_heavy_library(
    work: Path, args: list[str], allowed: set[str]
) -> None:
    """rich and httpx load only for verbs that draw tables or talk HTTP (start-up is a feature)."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    _skill(work / "s", "a-skill")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", _LOADED, *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    line = [x for x in proc.stderr.splitlines() if x.startswith("LOADED")][-1]
    loaded = set(filter(None, line.split(" ", 1)[1].split(",")))
    assert loaded <= allowed, proc.stderr
