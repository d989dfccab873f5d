"""Output formats: golden files for each format, and the API the `skill lint` command uses.

After an intended change, regenerate the golden files with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from skillreg import __version__
from skillreg.core.diagnostics import Diagnostic, Rule, Severity
from skillreg.report import CHOICES, FORMATS, render, resolve_format

from .conftest import REPO

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path("/repo")
E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES = {
    rule.code: rule
    for rule in (
        Rule("SK010", "missing-frontmatter", E, "No frontmatter.", "Agents need it.", "Add it."),
        Rule("SK101", "missing-required-field", E, "Field missing.", "Required.", "Add it."),
        Rule("SK203", "long-body", W, "Body too long.", "Context is scarce.", "Split it."),
        Rule("SK209", "todo-left", N, "A TODO is left.", "Unfinished text.", "Finish it."),
    )
}

# Given out of order, with the awkward cases every format must survive: a space, a comma, a colon
# and non-ASCII in paths; `%` and a newline in a message; a whole-file finding (line 0); a
# multi-line span; a code missing from the catalog; two identical findings in one file.
DIAGNOSTICS = [
    Diagnostic("/repo/skills/pdf/SKILL.md", 40, 1, "SK203", "long-body", W,
               "body is 612 lines (limit 500)", 40, 80),
    Diagnostic("/repo/skills/pdf/SKILL.md", 2, 1, "SK101", "missing-required-field", E,
               "missing required field 'description'"),
    Diagnostic("/repo/skills/a b,c:d/SKILL.md", 3, 5, "SK209", "todo-left", N,
               "TODO left: 100% done?\nnot yet", 3, 9),
    Diagnostic("/repo/skills/café/SKILL.md", 0, 0, "SK010", "missing-frontmatter", E,
               "SKILL.md does not start with '---'"),
    Diagnostic("/repo/skills/pdf/SKILL.md", 7, 3, "SK209", "todo-left", N, "TODO left", 9, 2),
    Diagnostic("/repo/skills/pdf/SKILL.md", 12, 3, "SK209", "todo-left", N, "TODO left", 12, 7),
    Diagnostic("/elsewhere/SKILL.md", 1, 1, "SK999", "future-rule", W, "from a newer catalog"),
]  # fmt: skip
FILES_CHECKED = 5

GOLDEN_FILES = {
    "text": "report.txt",
    "json": "report.json",
    "github": "report.github.txt",
    "sarif": "report.sarif",
}


def _check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; UPDATE_GOLDEN=1 to accept"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt: str) -> None:
    out = render(fmt, DIAGNOSTICS, RULES, files_checked=FILES_CHECKED, root=ROOT)
    if fmt == "sarif":
        # SARIF is written compact; indent it (same keys, same order) so golden diffs are readable.
        assert out.count("\n") == 1 and out.startswith('{"$schema":"https://')
        out = json.dumps(json.loads(out), indent=2) + "\n"
    # The tool version appears only in SARIF; keep the golden file valid across releases.
    _check_golden(GOLDEN_FILES[fmt], out.replace(f'"{__version__}"', '"<VERSION>"'))


def test_golden_text_in_color() -> None:
    out = render("text", DIAGNOSTICS, RULES, files_checked=FILES_CHECKED, root=ROOT, color=True)
    _check_golden("report.color.txt", out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_input_order_does_not_matter(fmt: str) -> None:
    forward = render(fmt, DIAGNOSTICS, RULES, files_checked=FILES_CHECKED, root=ROOT)
    backward = render(fmt, DIAGNOSTICS[::-1], RULES, files_checked=FILES_CHECKED, root=ROOT)
    assert forward == backward


@pytest.mark.parametrize(
    ("diagnostics", "files", "summary"),
    [
        ([], 5, "All 5 files clean"),
        ([], 1, "1 file clean"),
        ([], 0, "No files checked"),
        (DIAGNOSTICS[:1], 1, "0 errors, 1 warning in 1 file"),
        (DIAGNOSTICS, FILES_CHECKED, "2 errors, 2 warnings, 3 info in 5 files"),
    ],
)
def test_text_summary(diagnostics: list[Diagnostic], files: int, summary: str) -> None:
    out = render("text", diagnostics, RULES, files_checked=files)
    assert out.endswith("\n")
    assert out.splitlines()[-1] == summary


def test_text_line_starts_with_location_then_code() -> None:
    first = render("text", DIAGNOSTICS[1:2], RULES, files_checked=1, root=ROOT).splitlines()[0]
    assert first == "skills/pdf/SKILL.md:2:1: SK101 error: missing required field 'description'"


def test_text_without_color_has_no_escape_codes() -> None:
    assert "\x1b" not in render("text", DIAGNOSTICS, RULES, files_checked=5)
    colored = render("text", DIAGNOSTICS, RULES, files_checked=5, color=True)
    assert "\x1b[" in colored
    # Line filters (`-q`, grep) look for ": SK"; colour must not split it.
    assert sum(": SK" in line for line in colored.splitlines()) == len(DIAGNOSTICS)


def test_paths_without_root_are_kept_as_given() -> None:
    d = Diagnostic("./skills/x/SKILL.md", 1, 1, "SK101", "missing-required-field", E, "m")
    assert render("text", [d], RULES, files_checked=1).startswith("skills/x/SKILL.md:1:1: ")
    data = json.loads(render("json", [d], RULES, files_checked=1))
    assert data["diagnostics"][0]["path"] == "skills/x/SKILL.md"


def test_relative_paths_are_made_relative_to_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    d = Diagnostic("skills/x/../y/SKILL.md", 1, 1, "SK101", "missing-required-field", E, "m")
    out = render("github", [d], RULES, files_checked=1, root=tmp_path)
    assert out.startswith("::error file=repo/skills/y/SKILL.md,line=1,")


def test_json_validates_against_published_schema() -> None:
    schema = json.loads((REPO / "schema" / "lint-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for diagnostics in (DIAGNOSTICS, []):
        data = json.loads(
            render("json", diagnostics, RULES, files_checked=FILES_CHECKED, root=ROOT)
        )
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == []
    # The schema must be able to say no, or the check above proves nothing.
    data["diagnostics"] = [{"path": "x", "line": "1"}]
    assert list(validator.iter_errors(data))


def test_json_content() -> None:
    data = json.loads(render("json", DIAGNOSTICS, RULES, files_checked=FILES_CHECKED, root=ROOT))
    assert data["summary"] == {
        "files_checked": 5,
        "files_with_diagnostics": 4,
        "total": 7,
        "error": 2,
        "warning": 2,
        "info": 3,
    }
    first = data["diagnostics"][0]
    assert (first["path"], first["line"], first["column"]) == ("/elsewhere/SKILL.md", 1, 1)
    todo = next(d for d in data["diagnostics"] if d["path"] == "skills/a b,c:d/SKILL.md")
    assert todo["message"] == "TODO left: 100% done?\nnot yet"
    assert (todo["end_line"], todo["end_column"], todo["severity"]) == (3, 9, "info")


def test_json_is_ascii_and_round_trips_unicode() -> None:
    out = render("json", DIAGNOSTICS, RULES, files_checked=FILES_CHECKED, root=ROOT)
    assert out.isascii()
    assert "skills/café/SKILL.md" in {d["path"] for d in json.loads(out)["diagnostics"]}


def test_resolve_format() -> None:
    assert resolve_format("auto", {"GITHUB_ACTIONS": "true"}) == "github"
    assert resolve_format("auto", {"GITHUB_ACTIONS": "false"}) == "text"
    assert resolve_format("auto", {}) == "text"
    for fmt in FORMATS:
        assert resolve_format(fmt, {"GITHUB_ACTIONS": "true"}) == fmt
    assert set(CHOICES) == {*FORMATS, "auto"}
    with pytest.raises(ValueError, match="junit"):
        resolve_format("junit", {})
    with pytest.raises(ValueError, match="auto"):
        render("auto", [], RULES, files_checked=0)


def test_text_neutralises_terminal_escapes_from_skill_text() -> None:
    message = "name 'x\x1b]0;pwned\x07' \u202eevil\u202c\tok"
    d = Diagnostic("s\x1b[2J/SKILL.md", 1, 1, "SK101", "missing-required-field", E, message)
    first = render("text", [d], RULES, files_checked=1).splitlines()[0]
    assert first == (
        "s\\x1b[2J/SKILL.md:1:1: SK101 error: name 'x\\x1b]0;pwned\\x07' \\u202eevil\\u202c\tok"
    )
