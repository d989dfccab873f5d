"""The human format: one `path:line:col: CODE severity: message` line per finding and a summary.

The `path:line:col:` prefix is what editors and terminals turn into clickable locations, so it
comes first; colour (for a terminal) only ever wraps whole fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.report.location import Locator
from skillreg.report.tally import Tally, ordered

# Plain ANSI SGR codes: importing rich would cost more start-up time than the whole render.
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_SEVERITY_STYLE = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}


# Messages quote skill text, which is untrusted: a control character or an escape sequence in it
# could rewrite the user's terminal, and bidi overrides could make a line read differently from
# what it says. They are shown as escapes instead. Tabs stay; newlines are handled per message.
_UNPRINTABLE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (
        *range(0x20),
        0x7F,
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    )
    if code != 0x09
}


def printable(text: str) -> str:
    """`text` on one line with control characters and bidi overrides shown as escapes: for any
    untrusted text (a registry's descriptions, a skill's values) bound for a terminal."""
    return " ".join(text.splitlines()).translate(_UNPRINTABLE)


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def format_line(diagnostic: Diagnostic, locator: Locator, *, color: bool = False) -> str:
    d = diagnostic
    where = f"{locator.display(d.path).translate(_UNPRINTABLE)}:{d.line}:{d.col}"
    # A message spanning lines would break one-finding-per-line tools (grep, editors).
    message = " ".join(d.message.splitlines()).translate(_UNPRINTABLE)
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
    if color:
        worst = Severity.ERROR if tally.errors else Severity.WARNING if tally.warnings else None
        summary = _paint(summary, _SEVERITY_STYLE[worst] if worst else "\x1b[1;32m", color)
    if lines:
        lines.append("")  # a blank line keeps the summary apart from the last finding
    lines.append(summary)
    return "\n".join(lines) + "\n"
