"""Folder cases: tests/lint_cases/<case>/SKILL.md gives exactly the listed (code, line, col)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skillreg.lint import LintOptions, run_lint

CASES = Path(__file__).parent / "lint_cases"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case(case: str, tmp_path: Path) -> None:
    folder = tmp_path / case
    shutil.copytree(CASES / case, folder)  # a copy: the folder name is part of the check
    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    options = LintOptions(
        profile=spec["profile"],
        known_names=frozenset(spec.get("known_names", ())),
        use_config=False,
        cwd=tmp_path,
    )
    # `target`: a file named on the command line instead of the folder (a folder without a
    # SKILL.md is "no skills found", a usage error; a file that is not one is SK001)
    target = folder / spec["target"] if "target" in spec else folder
    report = run_lint([target], options)
    got = [[d.code, d.line, d.col] for d in report.diagnostics]
    assert got == spec["findings"]
    expected_path = str(target if "target" in spec else folder / "SKILL.md")
    assert all(d.path == expected_path for d in report.diagnostics)


def test_every_lint_rule_has_a_case() -> None:
    from skillreg.lint.catalog import LINT_RULES
    from skillreg.skill.syntax_rules import SYNTAX_RULES

    covered = {
        code
        for case in CASES.iterdir()
        if case.is_dir()
        for code, _, _ in json.loads((case / "expected.json").read_text())["findings"]
    }
    # SK111 is a fallback no profile reaches; SK004 needs a file over 1 MiB (test_frontmatter.py);
    # SK007 needs a symlink leaving the folder, which the case copy would follow
    # (test_boundary_disclosure.py).
    rules = {rule.code for rule in (*SYNTAX_RULES, *LINT_RULES)}
    untested = rules - covered - {"SK111", "SK004", "SK007"}
    assert not untested
