"""GitHub Actions workflow commands: one `::error file=…::message` annotation per finding.

GitHub shows only 10 error and 10 warning annotations per step (50 per job) on a pull request,
so every finding is still printed (the log keeps them) and the summary points to SARIF, which
code scanning shows in full.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from skillreg.core.diagnostics import Diagnostic, Rule, Severity
from skillreg.core.terminal import for_terminal
from skillreg.report.location import Locator
from skillreg.report.tally import Tally, ordered

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SHOWN_PER_STEP = 10


def escape_data(text: str) -> str:
    """Escape a command's message; `%` first so the escapes themselves are not re-escaped.

    Line breaks are GitHub's own escapes (a message may span lines); every other control
    character, escape sequence or bidi override is shown visibly, as in the text format.
    """
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return for_terminal(escaped)


def escape_property(text: str) -> str:
    """Escape a property value, where `:` and `,` would end the value early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic, rules: Mapping[str, Rule], locator: Locator) -> str:
    properties = [("file", locator.display(d.path))]
    # Line 0 means "the whole file" (e.g. a missing SKILL.md): GitHub then annotates the file.
    if d.line >= 1:
        properties.append(("line", str(d.line)))
        if d.end_line is not None:
            properties.append(("endLine", str(d.end_line)))
        # GitHub ignores columns on a multi-line annotation, so only send them on one line.
        if d.col >= 1 and d.end_line in (None, d.line):
            properties.append(("col", str(d.col)))
            if d.end_col is not None:
                properties.append(("endColumn", str(d.end_col)))
    rule = rules.get(d.code)
    name = rule.name if rule is not None else d.rule
    properties.append(("title", f"{d.code} {name}" if name else d.code))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMAND[d.severity]} {props}::{escape_data(d.message)}"


def render(
    diagnostics: Sequence[Diagnostic],
    rules: Mapping[str, Rule],
    *,
    files_checked: int,
    root: Path | None = None,
) -> str:
    locator = Locator(root)
    lines = [annotation(d, rules, locator) for d in ordered(diagnostics)]
    tally = Tally.of(diagnostics, files_checked)
    summary = f"skill lint: {tally.sentence()}."
    if tally.total:
        summary += (
            f" GitHub displays only {_SHOWN_PER_STEP} error and {_SHOWN_PER_STEP} warning"
            " annotations per step (50 per job); all are listed in this log. For the complete"
            " list in the pull request, upload `skill lint --output-format sarif` to code scanning."
        )
    lines.append(summary)
    return "\n".join(lines) + "\n"
