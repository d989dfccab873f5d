"""CI integration files: the pre-commit hook and the composite GitHub Action.

The action's lint script is run for real with bash against a stand-in `skill` that records its
arguments, so argument passing, exit codes and injection safety are checked without a runner.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO


def _yaml(name: str) -> Any:
    return yaml.safe_load((REPO / name).read_text(encoding="utf-8"))


def test_pre_commit_hook() -> None:
    hooks = {hook["id"]: hook for hook in _yaml(".pre-commit-hooks.yaml")}
    hook = hooks["skill-lint"]
    assert hook["entry"] == "skill lint"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is False
    # pre-commit matches `files` with re.search against repo-relative forward-slash paths.
    pattern = re.compile(hook["files"])
    for path in ("SKILL.md", "skills/pdf/SKILL.md", ".claude/skills/x/SKILL.md"):
        assert pattern.search(path), path
    for path in ("NOT-SKILL.md", "skills/SKILL.md.bak", "skills/skill.md", "SKILL.mdx"):
        assert not pattern.search(path), path
    index = hooks["skill-index-check"]
    assert index["entry"].split()[:3] == ["skill", "index", "--check"]
    assert index["pass_filenames"] is False  # the index covers whole trees, not changed files
    # The entry must be an executable that `pip install .` provides.
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^skill = "skillreg\.cli:main"$', pyproject, re.MULTILINE)


def _steps() -> list[dict[str, Any]]:
    action = _yaml("action.yml")
    assert action["runs"]["using"] == "composite"
    steps: list[dict[str, Any]] = action["runs"]["steps"]
    return steps


def test_action_never_interpolates_into_scripts() -> None:
    action = _yaml("action.yml")
    assert set(action["inputs"]) == {"paths", "profile", "strict", "args", "sarif-file"}
    referenced: set[str] = set()
    for step in _steps():
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"expression inside the script of {step['name']!r}"
        for value in step.get("env", {}).values():
            referenced.update(re.findall(r"\$\{\{ inputs\.([\w-]+) \}\}", value))
    assert referenced == set(action["inputs"])


def test_action_scripts_parse() -> None:
    bash = shutil.which("bash")
    assert bash is not None
    for step in _steps():
        proc = subprocess.run([bash, "-n", "-c", step["run"]], capture_output=True, text=True)
        assert proc.returncode == 0, (step["name"], proc.stderr)


def _lint_script() -> str:
    (step,) = [s for s in _steps() if s.get("id") == "lint"]
    return str(step["run"])


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    """The environment of an Actions runner, with a stand-in `skill` that logs each call."""
    fake = tmp_path / "temp" / "skillreg-venv" / "bin" / "skill"  # where the install step puts it
    fake.parent.mkdir(parents=True)
    fake.write_text(
        '#!/bin/bash\nprintf "%s\\n" "CALL" "$@" >> "$FAKE_LOG"\n'
        'while [ $# -gt 0 ]; do if [ "$1" = --sarif-file ]; then mkdir -p "$(dirname "$2")"; '
        'echo SARIF > "$2"; fi; shift; done\nexit "${FAKE_STATUS:-0}"\n',
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "decoy").touch()  # what an unwanted glob of `*` would expand to
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(tmp_path / "temp"),
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "INPUT_PATHS": ".",
        "INPUT_PROFILE": "",
        "INPUT_STRICT": "false",
        "INPUT_ARGS": "",
        "INPUT_SARIF_FILE": "",
    }


def _run(env: dict[str, str], **inputs: str) -> tuple[int, list[list[str]]]:
    env = {**env, **inputs}
    bash = shutil.which("bash")
    assert bash is not None
    work = Path(env["HOME"]) / "work"
    # As Actions runs a `shell: bash` step: bash --noprofile --norc -eo pipefail {0}
    script = work.parent / "step.sh"
    script.write_text(_lint_script(), encoding="utf-8")
    command = [bash, "--noprofile", "--norc", "-eo", "pipefail", str(script)]
    proc = subprocess.run(command, env=env, cwd=work, capture_output=True)
    log = Path(env["FAKE_LOG"])
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    calls = [call.strip("\n").split("\n") for call in text.split("CALL\n") if call]
    return proc.returncode, calls


def test_action_default_run(runner: dict[str, str]) -> None:
    status, calls = _run(runner)
    assert status == 0
    assert calls == [["lint", "--output-format", "github", "--", "."]]


def test_action_passes_inputs_as_arguments_only(runner: dict[str, str], tmp_path: Path) -> None:
    evil = "$(touch pwned) `touch pwned2` ;touch pwned3 *"
    status, calls = _run(
        runner,
        INPUT_PATHS=f"skills\n  more {evil}",
        INPUT_PROFILE="agentskills; touch pwned4",
        INPUT_STRICT="true",
        INPUT_SARIF_FILE="out dir/lint.sarif",
        FAKE_STATUS="1",
    )
    assert status == 1  # findings fail the step
    options = ["--profile", "agentskills; touch pwned4", "--strict"]
    sarif = ["--sarif-file", "out dir/lint.sarif", "--"]
    paths = ["skills", "more", "$(touch", "pwned)", "`touch", "pwned2`", ";touch", "pwned3", "*"]
    assert calls == [["lint", "--output-format", "github", *options, *sarif, *paths]]
    assert not list((tmp_path / "work").glob("pwned*"))
    assert (tmp_path / "work" / "out dir" / "lint.sarif").read_text(encoding="utf-8") == "SARIF\n"
    output = Path(runner["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert "sarif-file=out dir/lint.sarif\n" in output


def test_action_one_lint_run_even_with_sarif(runner: dict[str, str]) -> None:
    status, calls = _run(runner, INPUT_SARIF_FILE="x.sarif", FAKE_STATUS="2")
    assert status == 2  # a usage error fails the step
    assert len(calls) == 1
    assert calls[0][calls[0].index("--sarif-file") + 1] == "x.sarif"


def test_action_args_input(runner: dict[str, str], tmp_path: Path) -> None:
    status, calls = _run(runner, INPUT_ARGS="--select SK1\n --fail-on warning $(touch pwned5)")
    assert status == 0
    assert calls == [["lint", "--output-format", "github", "--select", "SK1", "--fail-on",
                      "warning", "$(touch", "pwned5)", "--", "."]]  # fmt: skip
    assert not list((tmp_path / "work").glob("pwned*"))


def test_action_findings_still_set_the_output(runner: dict[str, str]) -> None:
    """Actions runs bash with -e: a lint exit 1 must not skip writing the step's output."""
    status, _ = _run(runner, INPUT_SARIF_FILE="r.sarif", FAKE_STATUS="1")
    assert status == 1
    assert "sarif-file=r.sarif\n" in Path(runner["GITHUB_OUTPUT"]).read_text(encoding="utf-8")


def test_action_no_github_env_writes() -> None:
    """Nothing goes to GITHUB_ENV (zizmor: it would leak into every later step of the job)."""
    for step in _steps():
        assert "$GITHUB_ENV" not in step["run"] and "${GITHUB_ENV}" not in step["run"]


def test_action_portable_to_windows_and_macos() -> None:
    """shell: bash everywhere; the venv's Scripts/ (Windows) as well as bin/; no bash-4-only
    expansion of a possibly empty array under `set -u` (macOS ships bash 3.2)."""
    steps = _steps()
    assert all(step["shell"] == "bash" for step in steps)
    install, lint = steps[0]["run"], _lint_script()
    assert "Scripts" in install and "Scripts" in lint
    assert "command -v python3" in install
    assert '"${options[@]}"' not in lint.replace('${options[@]+"${options[@]}"}', "")


def test_ci_docs_state_supported_pythons_truthfully() -> None:
    """docs/ci.md names the Python the package requires, and says what runners ship."""
    requires = re.search(r'requires-python = ">=(3\.\d+)"', (REPO / "pyproject.toml").read_text())
    assert requires is not None
    docs = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    assert f"Python {requires.group(1)} or newer" in docs
    assert "ubuntu-22.04" in docs and "3.10" in docs


def test_action_installs_from_its_own_checkout_never_from_pypi() -> None:
    """The PyPI name "skillreg" is an unrelated project: installing it by name would run a
    stranger's code in users' CI."""
    (install,) = [s for s in _steps() if s["name"] == "Install skillreg"]
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert "skillreg==" not in Path("action.yml").read_text(encoding="utf-8")
