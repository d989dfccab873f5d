"""Inline suppression comments, in the file's own comment syntax.

- Frontmatter: ``# skill-lint: disable=SK101,SK102`` at the end of a YAML line covers that line.
- Body: ``<!-- skill-lint: disable-next-line SK201 -->`` covers the line after the comment;
  ``<!-- skill-lint: disable SK201 -->`` covers the whole file.

Codes may be written as codes or rule names, comma- or space-separated; no code means every rule.
A suppression that suppresses nothing is itself a finding (SK901), as is an unknown code (SK902).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from skillreg.core.diagnostics import Diagnostic
from skillreg.core.lazy_pattern import lazy
from skillreg.lint import catalog as c
from skillreg.skill.parsed import ParsedSkill
from skillreg.skill.syntax_rules import finding

MARKER = "skill-lint:"
_YAML = lazy(r"#\s*skill-lint:\s*disable(?:\s*=\s*|\s+|$)([\w\s,-]*)")
_HTML = lazy(r"skill-lint:\s*(disable-next-line|disable)(?:\s*=\s*|\s+|$)([\w\s,-]*)")
_FILE = 0  # `target` of a file-wide suppression


class Directive(NamedTuple):
    line: int  # where the comment is
    col: int
    target: int  # the line it covers, or 0 for the whole file
    codes: tuple[str, ...]  # as written; empty means every rule


def collect(skill: ParsedSkill) -> tuple[Directive, ...]:
    """Every suppression comment in `skill` (cheap when the marker is absent)."""
    if skill.source is None or MARKER not in skill.source.text:
        return ()
    found: list[Directive] = []
    fm = skill.frontmatter
    if fm is not None:
        lines = skill.source.text.split("\n", fm.closing_line)[: fm.closing_line]
        for number, text in enumerate(lines[1 : fm.closing_line - 1], start=2):
            if MARKER in text and (match := _YAML.search(text)):
                found.append(Directive(number, match.start() + 1, number, _split(match.group(1))))
    if skill.body is not None:
        for comment in skill.body.comments:
            if match := _HTML.match(comment.text):
                target = comment.line + 1 if match.group(1) == "disable-next-line" else _FILE
                found.append(Directive(comment.line, comment.col, target, _split(match.group(2))))
    return tuple(found)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", text) if part)


def apply(
    diagnostics: list[Diagnostic],
    directives: Collection[Directive],
    display: str,
    enabled: Collection[str],
) -> list[Diagnostic]:
    """`diagnostics` minus the suppressed ones, plus findings about the directives themselves."""
    if not directives:
        return diagnostics
    resolved: list[tuple[Directive, frozenset[str] | None]] = []
    meta: list[Diagnostic] = []
    for directive in directives:
        codes: set[str] = set()
        for text in directive.codes:
            rule = c.lookup(text)
            if rule is None:
                message = f"unknown rule {text!r} in a suppression comment"
                meta.append(
                    finding(c.UNKNOWN_SUPPRESSION, display, directive.line, directive.col, message)
                )
            else:
                codes.add(rule.code)
        if directive.codes and not codes:
            continue
        resolved.append((directive, frozenset(codes) if directive.codes else None))
    used: set[tuple[int, str]] = set()
    kept = []
    for diag in diagnostics:
        hit = _covering(diag, resolved)
        if hit is None:
            kept.append(diag)
        else:
            used.add(hit)
    meta.extend(_unused(resolved, used, display, enabled))
    return kept + meta


def _covering(
    diag: Diagnostic, resolved: list[tuple[Directive, frozenset[str] | None]]
) -> tuple[int, str] | None:
    for index, (directive, codes) in enumerate(resolved):
        if directive.target not in (_FILE, diag.line):
            continue
        if codes is None or diag.code in codes:
            return index, (diag.code if codes is not None else "*")
    return None


def _unused(
    resolved: list[tuple[Directive, frozenset[str] | None]],
    used: set[tuple[int, str]],
    display: str,
    enabled: Collection[str],
) -> list[Diagnostic]:
    found = []
    for index, (directive, codes) in enumerate(resolved):
        wanted = sorted(codes) if codes is not None else ["*"]
        for code in wanted:
            if (index, code) in used or (code != "*" and code not in enabled):
                continue
            what = "every rule" if code == "*" else code
            message = f"suppression of {what} suppresses nothing"
            found.append(
                finding(c.UNUSED_SUPPRESSION, display, directive.line, directive.col, message)
            )
    return found
