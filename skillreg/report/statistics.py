"""`skill lint --statistics`: how many findings each rule produced, most frequent first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skillreg.core.diagnostics import Diagnostic, Rule


@dataclass(frozen=True)
class RuleCount:
    """One row: `count` findings of rule `code` (`name`), `fixable` of them by `--fix`."""

    count: int
    code: str
    name: str
    fixable: int


def count_by_rule(diagnostics: Sequence[Diagnostic], rules: Mapping[str, Rule]) -> list[RuleCount]:
    """Rows ordered by count (descending), then code."""
    totals = Counter(d.code for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fixable)
    rows = [
        RuleCount(n, code, rules[code].name if code in rules else "", fixable[code])
        for code, n in totals.items()
    ]
    return sorted(rows, key=lambda row: (-row.count, row.code))


def fixable_count(diagnostics: Sequence[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.fixable)
