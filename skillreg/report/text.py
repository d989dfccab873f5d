"""The human format: one `path:line:col: CODE severity: message` line per finding and a summary.

The `path:line:col:` prefix is what editors and terminals turn into clickable locations, so it
comes first; colour (for a terminal) only ever wraps whole fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.terminal import for_terminal, one_line
from skillreg.report.location import Locator
from skillreg.report.tally import Tally, ordered

# Plain ANSI SGR codes: importing rich would cost more start-up time than the whole render.
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_SEVERITY_STYLE = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def format_line(diagnostic: Diagnostic, locator: Locator, *, color: bool = False) -> str:
    d = diagnostic
    # Paths and messages quote skill text, which is untrusted (see `skillreg.core.terminal`).
    where = f"{for_terminal(locator.display(d.path))}:{d.line}:{d.col}"
    # A message spanning lines would break one-finding-per-line tools (grep, editors).
    message = one_line(d.message)
    label = _paint(f"{d.severity.label}:", _SEVERITY_STYLE[d.severity], color)
    # Styling stops before the `: CODE` that follows the location, so `grep ': SK1'` and the
    # like match coloured and plain output alike.
    return f"{_paint(where, _BOLD, color)}: {d.code} {label} {message}"


def render(
    diagnostics: Sequence[Diagnostic],
    *,
    files_checked: int,
    root: Path | None = None,
    color: bool = False,
) -> str:
    locator = Locator(root)
    lines = [format_line(d, locator, color=color) for d in ordered(diagnostics)]
    tally = Tally.of(diagnostics, files_checked)
    summary = tally.sentence()
    fixable = sum(1 for d in diagnostics if d.fixable)
    if fixable:  # as ruff says it: the user learns that a rewrite is one flag away
        summary += f" ({fixable} fixable with --fix)"
    if color:
        worst = Severity.ERROR if tally.errors else Severity.WARNING if tally.warnings else None
        summary = _paint(summary, _SEVERITY_STYLE[worst] if worst else "\x1b[1;32m", color)
    if lines:
        lines.append("")  # a blank line keeps the summary apart from the last finding
    lines.append(summary)
    return "\n".join(lines) + "\n"
