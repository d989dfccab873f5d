"""GitHub workflow-command annotations: escaping, positions, severities and the summary note."""

from __future__ import annotations

import re

import pytest

from skillreg.core.diagnostics import Diagnostic, Rule, Severity
from skillreg.report import render
from skillreg.report.github import annotation, escape_data, escape_property
from skillreg.report.location import Locator

RULE = Rule("SK101", "missing-required-field", Severity.ERROR, "s", "r", "h")
RULES = {RULE.code: RULE}


def _diag(**changes: object) -> Diagnostic:
    fields: dict[str, object] = {
        "path": "skills/x/SKILL.md", "line": 3, "col": 1, "code": "SK101",
        "rule": "missing-required-field", "severity": Severity.ERROR, "message": "m",
    }  # fmt: skip
    fields.update(changes)
    return Diagnostic(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("%0A literally", "%250A literally", "%250A literally"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
        ("", "", ""),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def _unescape(text: str) -> str:
    # What the runner does; `%25` last so an escaped escape is not decoded twice.
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


@pytest.mark.parametrize("raw", ["%0A", "%%3A,", "a,b:c\r\n%", "ünï:cødé"])
def test_escaping_round_trips(raw: str) -> None:
    assert _unescape(escape_property(raw)) == raw


def test_a_message_cannot_inject_a_second_command() -> None:
    line = annotation(_diag(message="oops\n::error file=evil::pwned"), RULES, Locator(None))
    assert "\n" not in line
    assert line == (
        "::error file=skills/x/SKILL.md,line=3,col=1,title=SK101 missing-required-field"
        "::oops%0A::error file=evil::pwned"
    )


def test_a_path_cannot_add_properties() -> None:
    line = annotation(_diag(path="a,line=99/SKILL.md"), RULES, Locator(None))
    assert line.startswith("::error file=a%2Cline=99/SKILL.md,line=3,")


@pytest.mark.parametrize(
    ("severity", "command"),
    [(Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "notice")],
)
def test_severity_commands(severity: Severity, command: str) -> None:
    assert annotation(_diag(severity=severity), RULES, Locator(None)).startswith(
        f"::{command} file="
    )


@pytest.mark.parametrize(
    ("changes", "props"),
    [
        ({}, "line=3,col=1"),
        ({"end_line": 3, "end_col": 9}, "line=3,endLine=3,col=1,endColumn=9"),
        ({"end_col": 9}, "line=3,col=1,endColumn=9"),
        # GitHub drops columns on multi-line annotations; do not send misleading ones.
        ({"end_line": 5, "end_col": 2}, "line=3,endLine=5"),
        ({"line": 0, "col": 0}, ""),
    ],
)
def test_positions(changes: dict[str, object], props: str) -> None:
    line = annotation(_diag(**changes), RULES, Locator(None))
    match = re.fullmatch(r"::error file=skills/x/SKILL\.md,?(.*?),?title=.*", line)
    assert match is not None, line
    assert match.group(1) == props


def test_title_falls_back_to_the_diagnostics_rule_name() -> None:
    line = annotation(_diag(code="SK999", rule="new-rule"), RULES, Locator(None))
    assert ",title=SK999 new-rule::" in line


def test_every_finding_is_printed_and_the_summary_points_to_sarif() -> None:
    many = [_diag(line=n) for n in range(1, 26)]
    out = render("github", many, RULES, files_checked=1).splitlines()
    assert len(out) == 26
    assert all(line.startswith("::error ") for line in out[:25])
    assert out[-1].startswith("skill lint: 25 errors, 0 warnings in 1 file.")
    assert "10 error and 10 warning" in out[-1]
    assert "--output-format sarif" in out[-1]


def test_clean_run_is_one_summary_line() -> None:
    assert render("github", [], RULES, files_checked=3) == "skill lint: All 3 files clean.\n"
