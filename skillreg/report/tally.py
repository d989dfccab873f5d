"""The shape of a run's result shared by every format: finding order, counts, the summary line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from skillreg.core.diagnostics import Diagnostic, Severity


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Findings by file, then position, then code: stable output whatever order rules ran in."""
    # Not `sorted(diagnostics)`: the dataclass order would compare `end_line` None with an int.
    return sorted(diagnostics, key=lambda d: (d.path, d.line, d.col, d.code, d.message))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class Tally(NamedTuple):
    errors: int
    warnings: int
    infos: int
    files_checked: int
    files_with_findings: int

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic], files_checked: int) -> Tally:
        severities = [d.severity for d in diagnostics]
        return cls(
            errors=severities.count(Severity.ERROR),
            warnings=severities.count(Severity.WARNING),
            infos=severities.count(Severity.INFO),
            files_checked=files_checked,
            files_with_findings=len({d.path for d in diagnostics}),
        )

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos

    def sentence(self) -> str:
        """`2 errors, 1 warning in 5 files`, or `All 5 files clean`; no trailing newline."""
        files = _plural(self.files_checked, "file")
        if self.total == 0:
            if self.files_checked == 0:
                return "No files checked"
            return f"All {files} clean" if self.files_checked > 1 else f"{files} clean"
        counts = f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')}"
        if self.infos:
            counts += f", {self.infos} info"
        return f"{counts} in {files}"
