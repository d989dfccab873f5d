"""An audit's findings condensed for a registry document: counts by severity and by code, and
the scanner that produced them, so installers and the web catalog can show them without
rescanning (an installer still rescans what it unpacks before trusting it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from skillreg.audit.rules import SCANNER_VERSION
from skillreg.core.diagnostics import Diagnostic, Severity


def summarise(diagnostics: Iterable[Diagnostic]) -> dict[str, Any]:
    found = list(diagnostics)
    by_severity = Counter(d.severity for d in found)
    return {
        "scanner": SCANNER_VERSION,
        "errors": by_severity[Severity.ERROR],
        "warnings": by_severity[Severity.WARNING],
        "infos": by_severity[Severity.INFO],
        "codes": dict(sorted(Counter(d.code for d in found).items())),
    }
