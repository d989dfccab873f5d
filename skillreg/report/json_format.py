"""The machine format: one JSON object with every finding and a summary.

Its shape is described by `schema/lint-report.schema.json`; `version` changes only when a
consumer would have to change. Keys are sorted and findings ordered, so equal runs give equal bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skillreg.core.diagnostics import Diagnostic
from skillreg.report.location import Locator
from skillreg.report.tally import Tally, ordered

FORMAT_VERSION = 1


def _item(d: Diagnostic, locator: Locator) -> dict[str, Any]:
    return {
        "path": locator.display(d.path),
        "line": d.line,
        "column": d.col,
        # Always numbers, for consumers that index by them: a finding whose extent is unknown is
        # the empty range at its start.
        "end_line": d.end_line if d.end_line is not None else d.line,
        "end_column": d.end_col if d.end_col is not None else d.col,
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity.label,
        "message": d.message,
        "fixable": d.fixable,
    }


def report_data(
    diagnostics: Sequence[Diagnostic], *, files_checked: int, root: Path | None = None
) -> dict[str, Any]:
    """The report as plain data, for callers that embed it in a larger document."""
    tally = Tally.of(diagnostics, files_checked)
    locator = Locator(root)
    return {
        "version": FORMAT_VERSION,
        "diagnostics": [_item(d, locator) for d in ordered(diagnostics)],
        "summary": {
            "files_checked": tally.files_checked,
            "files_with_diagnostics": tally.files_with_findings,
            "total": tally.total,
            "error": tally.errors,
            "warning": tally.warnings,
            "info": tally.infos,
        },
    }


def render(
    diagnostics: Sequence[Diagnostic], *, files_checked: int, root: Path | None = None
) -> str:
    data = report_data(diagnostics, files_checked=files_checked, root=root)
    # ASCII-only output (\u escapes) survives any console or pipe encoding unchanged.
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
