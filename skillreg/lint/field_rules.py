"""Frontmatter rules JSON Schema cannot express: the name's form and folder, `---` in values.

`name` is checked as the spec and the reference validator do: stripped and NFKC-normalised first,
any Unicode letter or digit allowed, lowercase required, and equal to the (normalised) folder name.
"""

from __future__ import annotations

import os
import unicodedata

from skillreg.diagnostics import Diagnostic
from skillreg.frontmatter import Frontmatter
from skillreg.lint import catalog as c
from skillreg.names import MAX_NAME
from skillreg.skill import ParsedSkill
from skillreg.syntax_rules import DELIMITER_IN_VALUE, finding


def name_problems(raw: str) -> list[str]:
    """Why `raw` is not a valid skill name (empty when it is)."""
    name = unicodedata.normalize("NFKC", raw.strip())
    problems = []
    if len(name) > MAX_NAME:
        problems.append(f"name is {len(name)} characters, over the {MAX_NAME}-character limit")
    if name != name.lower():
        problems.append(f"name {name!r} must be lowercase")
    if name.startswith("-") or name.endswith("-"):
        problems.append("name must not start or end with a hyphen")
    if "--" in name:
        problems.append("name must not contain consecutive hyphens")
    if not all(ch.isalnum() or ch == "-" for ch in name):
        problems.append(f"name {name!r} may hold only letters, digits and hyphens")
    return problems


def name_findings(skill: ParsedSkill, fm: Frontmatter) -> list[Diagnostic]:
    raw = fm.data.get("name") if isinstance(fm.data, dict) else None
    if not isinstance(raw, str):
        return []  # missing or not a string: the schema reports it
    span = fm.span(("name",))
    display = skill.display
    if not raw.strip():
        return [finding(c.EMPTY_VALUE, display, span.line, span.col, "'name' is empty")]
    found = [
        finding(c.INVALID_NAME, display, span.line, span.col, problem,
                end_line=span.end_line, end_col=span.end_col)
        for problem in name_problems(raw)
    ]  # fmt: skip
    name = unicodedata.normalize("NFKC", raw.strip())
    folder = os.path.basename(os.path.abspath(skill.folder))
    if unicodedata.normalize("NFKC", folder) != name:
        message = f"name {name!r} does not match the folder name {folder!r}"
        found.append(
            finding(c.NAME_FOLDER_MISMATCH, display, span.line, span.col, message,
                    end_line=span.end_line, end_col=span.end_col)
        )  # fmt: skip
    return found


def delimiter_findings(skill: ParsedSkill, fm: Frontmatter) -> list[Diagnostic]:
    """SK017: a `---` inside a value, where naive splitters cut the frontmatter."""
    found = []
    for key, entry in fm.entries.items():
        if entry.raw is not None and "---" in entry.raw and entry.tag == "str":
            where = ".".join(map(str, key)) or "frontmatter"
            message = f"'{where}' contains `---`, where naive parsers end the frontmatter"
            found.append(
                finding(DELIMITER_IN_VALUE, skill.display, entry.span.line, entry.span.col, message)
            )
    return found
