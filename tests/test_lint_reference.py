"""Verdict parity with the reference validator (skills-ref) under --profile agentskills.

Each case of the reference's own suite is built in a temp folder, validated by `skills_ref`
in-process and linted here; both must accept or both reject, except where docs/lint.md says we
differ on purpose (asserted separately below).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from skills_ref.validator import validate

from skillreg.core.errors import UsageError
from skillreg.lint import LintOptions, run_lint
from tests.conftest import CORPUS, needs_corpus

DESC = "description: A test skill\n"
CASES: dict[str, tuple[str, str | None]] = {
    # case id: (folder name, SKILL.md text or None for an empty folder)
    "valid": ("my-skill", f"---\nname: my-skill\n{DESC}---\n# My Skill\n"),
    "empty-folder": ("my-skill", None),
    "uppercase": ("MySkill", f"---\nname: MySkill\n{DESC}---\nBody\n"),
    "too-long-name": ("a" * 70, f"---\nname: {'a' * 70}\n{DESC}---\nBody\n"),
    "leading-hyphen": ("-my-skill", f"---\nname: -my-skill\n{DESC}---\nBody\n"),
    "double-hyphen": ("my--skill", f"---\nname: my--skill\n{DESC}---\nBody\n"),
    "underscore": ("my_skill", f"---\nname: my_skill\n{DESC}---\nBody\n"),
    "folder-mismatch": ("wrong-name", f"---\nname: my-skill\n{DESC}---\nBody\n"),
    "unknown-key": ("my-skill", f"---\nname: my-skill\n{DESC}unknown_field: x\n---\nBody\n"),
    "license-metadata": (
        "my-skill",
        f"---\nname: my-skill\n{DESC}license: MIT\nmetadata:\n  author: Test\n"
        '  version: "1.0"\n---\nBody\n',
    ),
    "allowed-tools": (
        "my-skill",
        f"---\nname: my-skill\n{DESC}allowed-tools: Bash(jq:*) Bash(git:*)\n---\nBody\n",
    ),
    "chinese": ("技能", f"---\nname: 技能\n{DESC}---\nBody\n"),
    "russian": ("мой-навык", f"---\nname: мой-навык\n{DESC}---\nBody\n"),
    "russian-upper": ("НАВЫК", f"---\nname: НАВЫК\n{DESC}---\nBody\n"),
    "nfkc": ("café", f"---\nname: cafe\u0301\n{DESC}---\nBody\n"),
    "long-description": ("my-skill", f"---\nname: my-skill\ndescription: {'x' * 1100}\n---\n"),
    "long-compatibility": (
        "my-skill",
        f"---\nname: my-skill\n{DESC}compatibility: {'x' * 550}\n---\nBody\n",
    ),
    "no-frontmatter": ("my-skill", "# My Skill\n\nNo frontmatter.\n"),
    "unclosed": ("my-skill", f"---\nname: my-skill\n{DESC}# Body\n"),
    "invalid-yaml": ("my-skill", "---\nname: [invalid\ndescription: x\n---\nBody\n"),
    "list-frontmatter": ("my-skill", "---\n- a\n- b\n---\nBody\n"),
}
# Where we disagree on purpose (docs/lint.md, "Where we differ"): our verdict, theirs.
DIFFERENT: dict[str, tuple[str, str | None]] = {
    # PyYAML and gray-matter read 1.0 as a float: we say "quote it"; strictyaml keeps "1.0".
    "implicit-float": ("my-skill", f"---\nname: my-skill\n{DESC}metadata:\n  version: 1.0\n---\n"),
    # A flow mapping is valid YAML (we accept); strictyaml refuses flow style.
    "flow-mapping": ("my-skill", f"---\nname: my-skill\n{DESC}metadata: {{author: me}}\n---\n"),
}


def _make(tmp_path: Path, folder: str, text: str | None) -> Path:
    skill = tmp_path / folder
    skill.mkdir()
    if text is not None:
        (skill / "SKILL.md").write_text(text, encoding="utf-8")
    return skill


def _ours(skill: Path) -> bool:
    """True when we reject the skill (an error-level finding, or "no skills found" for a folder
    without a SKILL.md)."""
    try:
        report = run_lint([skill], LintOptions(profile="agentskills", use_config=False, cwd=skill))
    except UsageError as exc:
        return exc.message.startswith("no skills found in")
    return report.has_errors


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_verdict_as_reference(case: str, tmp_path: Path) -> None:
    folder, text = CASES[case]
    skill = _make(tmp_path, folder, text)
    theirs = bool(validate(skill))
    assert _ours(skill) == theirs
    assert theirs == (case not in {"valid", "license-metadata", "allowed-tools", "chinese",
                                   "russian", "nfkc"})  # fmt: skip


@pytest.mark.parametrize("case", sorted(DIFFERENT))
def test_documented_differences(case: str, tmp_path: Path) -> None:
    folder, text = DIFFERENT[case]
    skill = _make(tmp_path, folder, text)
    ours, theirs = _ours(skill), bool(validate(skill))
    if case == "implicit-float":
        assert (ours, theirs) == (True, False)
    else:
        assert (ours, theirs) == (False, True)


def test_bom_is_a_warning_here_an_error_there(tmp_path: Path) -> None:
    skill = _make(tmp_path, "my-skill", None)
    (skill / "SKILL.md").write_bytes(
        b"\xef\xbb\xbf---\nname: my-skill\n" + DESC.encode() + b"---\n"
    )
    report = run_lint([skill], LintOptions(profile="agentskills", use_config=False, cwd=skill))
    assert [d.code for d in report.diagnostics] == ["SK005"]
    assert not report.has_errors
    assert validate(skill)


def test_missing_path_is_rejected_by_both(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert validate(missing)
    with pytest.raises(UsageError):
        run_lint([missing], LintOptions(profile="agentskills", use_config=False))


def test_file_instead_of_folder_is_rejected_by_both(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("---\nname: notes\ndescription: x\n---\n", encoding="utf-8")
    assert validate(file)
    report = run_lint([file], LintOptions(profile="agentskills", use_config=False))
    assert [d.code for d in report.diagnostics] == ["SK001"]


@needs_corpus
def test_every_corpus_skill_the_reference_rejects_is_rejected_here() -> None:
    report = run_lint([CORPUS], LintOptions(profile="agentskills", use_config=False, jobs=1))
    rejected_here = {Path(d.path).parent for d in report.diagnostics if d.severity.label == "error"}
    folders = sorted({Path(s.path).parent for s in report.skills})
    assert len(folders) == 638
    rejected_there = {folder for folder in folders if validate(folder)}
    assert len(rejected_there) >= 100  # the reference rejects 115 of them
    assert rejected_there <= rejected_here


# What we report for each rejected case of the reference suite: (code, line, col).
EXPECTED = {
    "uppercase": [("SK105", 2, 7)],
    "too-long-name": [("SK105", 2, 7)],
    "leading-hyphen": [("SK105", 2, 7)],
    "double-hyphen": [("SK105", 2, 7)],
    "underscore": [("SK105", 2, 7)],
    "folder-mismatch": [("SK106", 2, 7)],
    "unknown-key": [("SK102", 4, 1)],
    "russian-upper": [("SK105", 2, 7)],
    "long-description": [("SK104", 3, 14)],
    "long-compatibility": [("SK104", 4, 16)],
    "no-frontmatter": [("SK010", 1, 1)],
    "unclosed": [("SK011", 1, 1)],
    "invalid-yaml": [("SK012", 3, 12)],
    "list-frontmatter": [("SK013", 2, 1)],
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_rejected_cases_point_at_the_defect(case: str, tmp_path: Path) -> None:
    folder, text = CASES[case]
    skill = _make(tmp_path, folder, text)
    report = run_lint([skill], LintOptions(profile="agentskills", use_config=False, cwd=skill))
    assert [(d.code, d.line, d.col) for d in report.diagnostics] == EXPECTED[case]
