"""SARIF 2.1.0 for GitHub code scanning: the catalog as `rules`, each finding as a `result`.

Every rule in the catalog is listed (in code order), not only those that fired, so a rule's
`ruleIndex` is the same in every run. Fingerprints leave out line numbers so that code scanning
still recognises a finding after lines are inserted above it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from skillreg import HOME_PAGE, __version__
from skillreg.core.diagnostics import Diagnostic, Rule, Severity
from skillreg.report.location import Locator
from skillreg.report.tally import ordered

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
TOOL_NAME = "skillreg"
INFORMATION_URI = HOME_PAGE
# GitHub's documented maximum length for a rule's description texts.
MAX_DESCRIPTION = 1024

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(f"{rule.summary} {rule.rationale}".strip())},
        # Code scanning shows `markdown` on the alert page when present: say why, then how.
        "help": {"text": rule.help, "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
    }


def _help_markdown(rule: Rule) -> str:
    # Rule texts are written with Markdown code spans already, so they go in as they are.
    why = f"{rule.rationale}\n\n" if rule.rationale else ""
    return f"{why}**How to fix:** {rule.help}"


def _placeholder(d: Diagnostic) -> Rule:
    """A descriptor for a code missing from the catalog: every result must name a listed rule."""
    summary = f"{d.code} {d.rule}".strip()
    return Rule(d.code, d.rule or d.code, d.severity, summary, "", summary)


def _region(d: Diagnostic) -> dict[str, int] | None:
    if d.line < 1:  # a finding about the whole file has no region
        return None
    region = {"startLine": d.line}
    if d.col >= 1:
        region["startColumn"] = d.col
    # An end before the start is invalid SARIF, and one invalid region fails the whole upload;
    # drop such an end rather than trust every rule to compute it right.
    if d.end_line is not None and d.end_line < d.line:
        return region
    if d.end_line is not None:
        region["endLine"] = d.end_line
    if d.end_col is not None and ((d.end_line or d.line) > d.line or d.end_col >= max(d.col, 1)):
        region["endColumn"] = d.end_col
    return region


def _fingerprint(code: str, uri: str, message: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{code}\0{uri}\0{message}".encode()).hexdigest()[:16]
    # The occurrence number tells apart identical findings in one file, as GitHub's own hashes do.
    return f"{digest}:{occurrence}"


def sarif_log(
    diagnostics: Sequence[Diagnostic], rules: Mapping[str, Rule], *, root: Path | None = None
) -> dict[str, Any]:
    """The SARIF log as plain data (one run)."""
    catalog = [rules[code] for code in sorted(rules)]
    extra = {d.code: _placeholder(d) for d in diagnostics if d.code not in rules}
    catalog.extend(extra[code] for code in sorted(extra))
    index = {rule.code: i for i, rule in enumerate(catalog)}

    locator = Locator(root)
    results: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for d in ordered(diagnostics):
        uri = locator.uri(d.path)
        key = (d.code, uri, d.message)
        seen[key] = seen.get(key, 0) + 1
        location: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        region = _region(d)
        if region is not None:
            location["region"] = region
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {
                    "primaryLocationLineHash": _fingerprint(d.code, uri, d.message, seen[key])
                },
            }
        )

    driver = {
        "name": TOOL_NAME,
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(rule) for rule in catalog],
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(
    diagnostics: Sequence[Diagnostic], rules: Mapping[str, Rule], *, root: Path | None = None
) -> str:
    log = sarif_log(diagnostics, rules, root=root)
    # Compact: `indent` would switch json to its pure-Python encoder (about 4x slower on large
    # runs) and SARIF is read by tools; GitHub also caps uploads by size.
    return json.dumps(log, separators=(",", ":")) + "\n"
