"""Rule documentation for `skill rules`: a table, one rule explained, or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from skillreg.core.diagnostics import Rule
from skillreg.core.errors import UsageError
from skillreg.lint import catalog


def select_rules(code_or_name: str | None) -> list[Rule]:
    if code_or_name is None:
        return list(catalog.all_rules().values())
    rule = catalog.lookup(code_or_name)
    if rule is None:
        raise UsageError(f"unknown rule {code_or_name!r} (run `skill rules` for the list)")
    return [rule]


def describe(rule: Rule) -> str:
    return (
        f"{rule.code} {rule.name} (default severity: {rule.severity.label})\n\n"
        f"{rule.summary}\n\nWhy: {rule.rationale}\n\nFix: {rule.help}\n"
    )


def rules_json(rules: Sequence[Rule]) -> str:
    items = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.label,
            "summary": r.summary,
            "rationale": r.rationale,
            "help": r.help,
        }
        for r in rules
    ]
    return json.dumps(items, indent=2, ensure_ascii=False)
