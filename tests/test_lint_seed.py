"""The council profile on the seed, and on copies of the seed with one defect each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillreg.lint import LintOptions, run_lint
from tests.conftest import SEED

RELATED = ["python-pro", "golang-pro", "devops-engineer", "security-engineer", "data-engineer"]


def _lint(folder: Path, **kwargs: object) -> list[tuple[str, int, int]]:
    options = LintOptions(profile="council", use_config=False, cwd=folder, **kwargs)  # type: ignore[arg-type]
    return [(d.code, d.line, d.col) for d in run_lint([folder], options).diagnostics]


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SEED, tmp_path / "backend-developer"))


def test_seed_only_reports_its_five_unresolved_names(seed: Path) -> None:
    found = _lint(seed)
    assert [code for code, _, _ in found] == ["SK301"] * 5
    text = (seed / "SKILL.md").read_text(encoding="utf-8").split("\n")
    named = [text[line - 1][col - 1 :].split("`")[0] for _, line, col in found]
    assert sorted(named) == sorted(RELATED)


def test_seed_is_clean_when_its_references_are_known(seed: Path) -> None:
    assert _lint(seed, known_names=frozenset(RELATED)) == []


def _line_of(text: str, needle: str) -> int:
    """The line of the last occurrence (a replacement may duplicate an earlier line)."""
    lines = text.split("\n")
    return len(lines) - lines[::-1].index(needle)


# (what to replace, replacement, expected code, column); the line is where the replacement lands.
DEFECTS = [
    ('  version: "1.0.0"', "  version: 1.0", "SK108", 12),
    ('  version: "1.0.0"', '  version: "1.0"', "SK107", 12),
    ('  version: "1.0.0"', '  version: "v1"', "SK107", 12),
    ("  tier: developer-specialization", "  tier: Developer Specialization", "SK113", 9),
    ("  category: core", "  category: ''", "SK110", 13),
    ("  council: code-review-council", "  council: yes", "SK108", 12),
    ("name: backend-developer", "name: Backend-Developer", "SK105", 7),
    ("name: backend-developer", "name: backend-dev", "SK106", 7),
    ("# Backend Developer", "## Backend Developer", "SK201", 1),
    ("## Constraints", "## Limits", "SK203", 1),
    ("## Decision Framework", "# Decision Framework", "SK202", 1),
    ("## Code Patterns", "##### Code Patterns", "SK205", 1),
    ("## Performance Optimization", "## Core Competencies", "SK204", 1),
]


@pytest.mark.parametrize(("old", "new", "code", "col"), DEFECTS)
def test_seed_defect(seed: Path, old: str, new: str, code: str, col: int) -> None:
    path = seed / "SKILL.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    changed = text.replace(old, new, 1)
    path.write_text(changed, encoding="utf-8")
    line = _line_of(changed, new)
    if code in ("SK201", "SK203"):
        line = 10 if code == "SK201" else _line_of(changed, "# Backend Developer")
    found = _lint(seed, known_names=frozenset(RELATED))
    assert (code, line, col) in found
    # A demoted title is now the first H2, before When to Apply: SK210 says so too.
    order = {"SK210"} if code == "SK201" else set()
    assert {c for c, _, _ in found} <= {code, "SK106", "SK205", *order}  # nothing unrelated
