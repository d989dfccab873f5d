"""Findings as data: `Diagnostic` values and the `Rule` metadata every finding points to."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_on` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True)
class Rule:
    """A lint rule's identity and documentation (what SARIF and `skill rules` need)."""

    code: str  # SKnnn
    name: str  # kebab-case
    severity: Severity  # default severity
    summary: str  # one line
    rationale: str  # why the rule exists
    help: str  # how to fix


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at a 1-based position in a file; `end_*` are inclusive-exclusive columns."""

    path: str
    line: int
    col: int
    code: str
    rule: str
    severity: Severity
    message: str
    end_line: int | None = None
    end_col: int | None = None
    fixable: bool = False
