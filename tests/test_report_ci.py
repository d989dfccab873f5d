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
    assert set(action["inputs"]) == {"paths", "profile", "strict", "sarif-file"}
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
    fake = tmp_path / "skill"
    fake.write_text(
        '#!/bin/bash\nprintf "%s\\n" "CALL" "$@" >> "$FAKE_LOG"\n'
        'if [[ " $* " == *" sarif "* ]]; then echo SARIF; fi\nexit "${FAKE_STATUS:-0}"\n',
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "decoy").touch()  # what an unwanted glob of `*` would expand to
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SKILLREG_BIN": str(fake),
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "INPUT_PATHS": ".",
        "INPUT_PROFILE": "",
        "INPUT_STRICT": "false",
        "INPUT_SARIF_FILE": "",
    }


def _run(env: dict[str, str], **inputs: str) -> tuple[int, list[list[str]]]:
    env = {**env, **inputs}
    bash = shutil.which("bash")
    assert bash is not None
    work = Path(env["HOME"]) / "work"
    proc = subprocess.run([bash, "-c", _lint_script()], env=env, cwd=work, capture_output=True)
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
    options = ["--profile", "agentskills; touch pwned4", "--strict", "--"]
    paths = ["skills", "more", "$(touch", "pwned)", "`touch", "pwned2`", ";touch", "pwned3", "*"]
    assert calls == [
        ["lint", "--output-format", "github", *options, *paths],
        ["lint", "--output-format", "sarif", *options, *paths],
    ]
    assert not list((tmp_path / "work").glob("pwned*"))
    assert (tmp_path / "work" / "out dir" / "lint.sarif").read_text(encoding="utf-8") == "SARIF\n"
    output = Path(runner["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert "sarif-file=out dir/lint.sarif\n" in output


def test_action_reports_a_usage_error_from_either_run(runner: dict[str, str]) -> None:
    status, calls = _run(runner, INPUT_SARIF_FILE="x.sarif", FAKE_STATUS="2")
    assert status == 2
    assert len(calls) == 2


def test_action_installs_from_its_own_checkout_never_from_pypi() -> None:
    """The PyPI name "skillreg" is an unrelated project: installing it by name would run a
    stranger's code in users' CI."""
    (install,) = [s for s in _steps() if s["name"] == "Install skillreg"]
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert "skillreg==" not in Path("action.yml").read_text(encoding="utf-8")
