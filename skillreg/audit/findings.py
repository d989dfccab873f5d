"""Making a finding at a character offset of a document."""

from __future__ import annotations

from skillreg.audit.document import Document
from skillreg.core.diagnostics import Diagnostic, Rule, Severity

_SHOWN = 60  # characters of the matched text quoted in a message


def at(
    doc: Document, rule: Rule, start: int, end: int, message: str, severity: Severity | None = None
) -> Diagnostic:
    line, col = doc.position(start)
    end_line, end_col = doc.position(end)
    return Diagnostic(
        doc.display, line, col, rule.code, rule.name, severity or rule.severity, message,
        end_line=end_line, end_col=end_col,
    )  # fmt: skip


def quoted(text: str) -> str:
    """A short, printable excerpt for a message (controls and invisibles shown as escapes)."""
    short = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "\u2026"
    return "".join(ch if (ch.isprintable() and ch.isascii()) or ch.isalpha() else
                   f"\\u{ord(ch):04x}" for ch in short)  # fmt: skip
