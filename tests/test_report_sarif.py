"""SARIF output: the properties GitHub code scanning requires, URIs, fingerprints, rule indexes.

The official SARIF schema is not fetched (tests never touch the network); `SARIF_SUBSET` below
restates the parts of it, and of GitHub's documented requirements, that this tool relies on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from skillreg.core.diagnostics import Diagnostic, Rule, Severity
from skillreg.report import render
from skillreg.report.sarif import MAX_DESCRIPTION, sarif_log

from .test_report import DIAGNOSTICS, FILES_CHECKED, ROOT, RULES

_TEXT = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
_POSITIVE = {"type": "integer", "minimum": 1}
_URI_REFERENCE = r"^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]+$"
SARIF_SUBSET: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["$schema", "version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/run"}},
    },
    "$defs": {
        "run": {
            "type": "object",
            "required": ["tool", "results", "columnKind"],
            "properties": {
                "columnKind": {"const": "unicodeCodePoints"},
                "tool": {
                    "type": "object",
                    "required": ["driver"],
                    "properties": {"driver": {"$ref": "#/$defs/driver"}},
                },
                "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
            },
        },
        "driver": {
            "type": "object",
            "required": ["name", "version", "informationUri", "rules"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "version": {"type": "string", "minLength": 1},
                "informationUri": {"type": "string", "pattern": "^https://"},
                "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
            },
        },
        "rule": {
            "type": "object",
            "required": ["id", "name", "shortDescription", "fullDescription", "help"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "name": {"type": "string"},
                "shortDescription": _TEXT,
                "fullDescription": {
                    **_TEXT,
                    "properties": {"text": {"type": "string", "maxLength": MAX_DESCRIPTION}},
                },
                "help": _TEXT,
                "defaultConfiguration": {
                    "type": "object",
                    "properties": {"level": {"enum": ["none", "note", "warning", "error"]}},
                },
            },
        },
        "result": {
            "type": "object",
            "required": ["ruleId", "ruleIndex", "level", "message", "locations",
                         "partialFingerprints"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": 0},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": _TEXT,
                "locations": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["physicalLocation"],
                        "properties": {"physicalLocation": {"$ref": "#/$defs/physicalLocation"}},
                    },
                },
                "partialFingerprints": {
                    "type": "object",
                    "required": ["primaryLocationLineHash"],
                    "additionalProperties": {"type": "string"},
                },
            },
        },
        "physicalLocation": {
            "type": "object",
            "required": ["artifactLocation"],
            "properties": {
                "artifactLocation": {
                    "type": "object",
                    "required": ["uri"],
                    # A URI reference: no backslashes, spaces or raw non-ASCII.
                    "properties": {"uri": {"type": "string", "pattern": _URI_REFERENCE}},
                },
                "region": {
                    "type": "object",
                    "required": ["startLine"],
                    "properties": {
                        "startLine": _POSITIVE,
                        "startColumn": _POSITIVE,
                        "endLine": _POSITIVE,
                        "endColumn": _POSITIVE,
                    },
                },
            },
        },
    },
}  # fmt: skip


def _check(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(SARIF_SUBSET)
    assert [e.message for e in validator.iter_errors(log)] == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules), "duplicate rule ids"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(set(hashes)) == len(hashes), "two results share a fingerprint"


def test_subset_schema_rejects_what_github_rejects() -> None:
    log = sarif_log(DIAGNOSTICS, RULES, root=ROOT)
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        "skills\\x\\SKILL.md"
    )
    with pytest.raises(AssertionError):
        _check(log)
    log = sarif_log(DIAGNOSTICS, RULES, root=ROOT)
    del log["runs"][0]["tool"]["driver"]["rules"][0]["help"]
    with pytest.raises(AssertionError):
        _check(log)


def test_render_is_valid_sarif_json() -> None:
    out = render("sarif", DIAGNOSTICS, RULES, files_checked=FILES_CHECKED, root=ROOT)
    _check(json.loads(out))


def test_empty_run_is_valid() -> None:
    log = sarif_log([], RULES)
    _check(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_the_real_catalog() -> None:
    from skillreg.lint.catalog import all_rules

    catalog = all_rules()
    findings = [
        Diagnostic("skills/x/SKILL.md", 1, 1, rule.code, rule.name, rule.severity, rule.summary)
        for rule in catalog.values()
    ]
    log = sarif_log(findings, catalog)
    _check(log)
    ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == sorted(catalog)


def test_rule_index_does_not_depend_on_what_fired() -> None:
    one = sarif_log(DIAGNOSTICS[1:2], RULES)["runs"][0]
    all_ = sarif_log(DIAGNOSTICS, RULES)["runs"][0]
    assert one["results"][0]["ruleIndex"] == 1  # SK101 is second in code order
    assert one["tool"]["driver"]["rules"][:4] == all_["tool"]["driver"]["rules"][:4]


def test_long_rationale_is_clipped() -> None:
    rule = Rule("SK101", "x", Severity.ERROR, "Short.", "word " * 400, "Fix it.")
    text = sarif_log([], {"SK101": rule})["runs"][0]["tool"]["driver"]["rules"][0]
    assert len(text["fullDescription"]["text"]) == MAX_DESCRIPTION
    assert text["fullDescription"]["text"].startswith("Short. word word")


@pytest.mark.parametrize(
    ("path", "root", "uri"),
    [
        ("/repo/skills/pdf/SKILL.md", Path("/repo"), "skills/pdf/SKILL.md"),
        ("/repo/skills/a b#1?/SKILL.md", Path("/repo"), "skills/a%20b%231%3F/SKILL.md"),
        ("/repo/skills/ünï/SKILL.md", Path("/repo/"), "skills/%C3%BCn%C3%AF/SKILL.md"),
        ("/repo/skills/100%/SKILL.md", Path("/repo"), "skills/100%25/SKILL.md"),
        ("skills/x/SKILL.md", None, "skills/x/SKILL.md"),
        ("./skills/x/SKILL.md", None, "skills/x/SKILL.md"),
        ("/other/SKILL.md", Path("/repo"), "file:///other/SKILL.md"),
        ("/repository/SKILL.md", Path("/repo"), "file:///repository/SKILL.md"),
        ("/abs/SKILL.md", None, "file:///abs/SKILL.md"),
    ],
)
def test_artifact_uris(path: str, root: Path | None, uri: str) -> None:
    d = Diagnostic(path, 1, 1, "SK101", "missing-required-field", Severity.ERROR, "m")
    result = sarif_log([d], RULES, root=root)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri


def test_fingerprint_survives_line_moves_but_not_content_changes() -> None:
    def fingerprint(line: int, message: str) -> str:
        d = Diagnostic(
            "s/SKILL.md", line, 1, "SK101", "missing-required-field", Severity.ERROR, message
        )
        result = sarif_log([d], RULES)["runs"][0]["results"][0]
        return str(result["partialFingerprints"]["primaryLocationLineHash"])

    assert fingerprint(3, "m") == fingerprint(30, "m")
    assert fingerprint(3, "m") != fingerprint(3, "n")


def test_levels_follow_each_findings_severity() -> None:
    levels = [r["level"] for r in sarif_log(DIAGNOSTICS, RULES)["runs"][0]["results"]]
    assert levels == ["warning", "note", "error", "error", "note", "note", "warning"]


def test_whole_file_finding_has_no_region() -> None:
    d = Diagnostic("s/SKILL.md", 0, 0, "SK101", "missing-required-field", Severity.ERROR, "m")
    location = sarif_log([d], RULES)["runs"][0]["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"]


@pytest.mark.parametrize(
    ("start", "end", "region"),
    [
        ((3, 5), (3, 9), {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 9}),
        ((3, 5), (4, 1), {"startLine": 3, "startColumn": 5, "endLine": 4, "endColumn": 1}),
        ((3, 5), (None, 7), {"startLine": 3, "startColumn": 5, "endColumn": 7}),
        # Ends before the start (a rule's mistake) are dropped, not passed on to be rejected.
        ((3, 5), (2, 9), {"startLine": 3, "startColumn": 5}),
        ((3, 5), (3, 4), {"startLine": 3, "startColumn": 5, "endLine": 3}),
        ((3, 0), (None, None), {"startLine": 3}),
    ],
)
def test_regions(
    start: tuple[int, int], end: tuple[int | None, int | None], region: dict[str, int]
) -> None:
    d = Diagnostic("s/SKILL.md", *start, "SK101", "r", Severity.ERROR, "m", *end)
    location = sarif_log([d], RULES)["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["region"] == region
