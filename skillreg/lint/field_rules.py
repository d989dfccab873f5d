"""Frontmatter rules JSON Schema cannot express: the name's form and folder, `---` in values,
explicit YAML tags, and keys that YAML reads as something other than a string.

`name` is checked as the spec and the reference validator do: stripped and NFKC-normalised first,
any Unicode letter or digit allowed, lowercase required, and equal to the (normalised) folder name.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping

from skillreg.core.diagnostics import Diagnostic
from skillreg.core.lazy_pattern import lazy
from skillreg.core.names import MAX_NAME
from skillreg.lint import catalog as c
from skillreg.skill.frontmatter import Entry, Frontmatter
from skillreg.skill.parsed import ParsedSkill
from skillreg.skill.syntax_rules import DELIMITER_IN_VALUE, finding


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


# A node's span starts at its tag when it has one (anchors, the other node property, are refused
# before rules run); plain scalars cannot start with `!`, so a `!` there is always a tag.
_TAG = lazy(r"!<[^>]*>|![^\s,\[\]{}]*")
_ALLOWED_TAGS = frozenset({"!!str", "!<tag:yaml.org,2002:str>"})
_KEY_KINDS = {
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "null": "null",
    "timestamp": "a date",
    "binary": "binary data",
    "merge": "a merge key (`<<`)",
}


Position = tuple[int, int]  # (line, col) where a node or key starts, its tag included


def explicit_tags(skill: ParsedSkill, fm: Frontmatter) -> dict[Position, str]:
    """Where a value or key is written with an explicit tag (`!!str` too), and the tag's text."""
    text = skill.source.text if skill.source is not None else ""
    lines = text.split("\n", fm.closing_line)[: max(fm.closing_line - 1, 0)]
    if not any("!" in line for line in lines):
        return {}
    tags = {}
    for entry in fm.entries.values():
        for span in (entry.key_span, entry.span):
            if span is not None and span.line <= len(lines):
                match = _TAG.match(lines[span.line - 1], span.col - 1)
                if match:
                    tags[span.line, span.col] = match.group()
    return tags


def tag_findings(
    skill: ParsedSkill, fm: Frontmatter, tags: Mapping[Position, str]
) -> list[Diagnostic]:
    """SK112: an explicit YAML tag on a value or a key (`!!str` excepted), once per position."""
    if not tags:
        return []
    # Keys first: a block mapping's span starts where its first key does, that key's tag included.
    spans = [
        (entry.key_span, f"key '{key[-1]}' in '{_dotted(key[:-1])}'")
        for key, entry in fm.entries.items()
        if entry.key_span is not None
    ]
    spans += [(entry.span, f"'{_dotted(key)}'") for key, entry in fm.entries.items()]
    found: dict[Position, Diagnostic] = {}
    for span, where in spans:
        tag = tags.get((span.line, span.col))
        if tag is None or tag in _ALLOWED_TAGS or (span.line, span.col) in found:
            continue
        message = f"{where} has the explicit YAML tag `{tag}`; portable frontmatter has no tags"
        found[span.line, span.col] = finding(
            c.EXPLICIT_TAG, skill.display, span.line, span.col, message,
            end_line=span.line, end_col=span.col + len(tag),
        )  # fmt: skip
    return list(found.values())


def key_findings(
    skill: ParsedSkill, fm: Frontmatter, tags: Mapping[Position, str]
) -> list[Diagnostic]:
    """A key inside a mapping field (such as `metadata`) that YAML reads as a non-string.

    Keys are kept as their text, so the schema never sees `3` as a number; top-level keys are
    field names, which the schema checks (SK102). An unquoted key (`3:`, `yes:`) is SK108, one with
    a core tag (`!!int 3:`) SK103; custom tags are SK112's.
    """
    found = []
    for key, entry in fm.entries.items():
        if len(key) < 2 or not _non_string_key(entry) or entry.key_span is None:
            continue
        span, name, parent = entry.key_span, key[-1], _dotted(key[:-1])
        kind = _KEY_KINDS.get(str(entry.key_tag), f"a `!!{entry.key_tag}` value")
        if (span.line, span.col) not in tags:
            rule = c.IMPLICIT_TYPE
            message = f"key {name} in '{parent}' is read as {kind}, not a string; quote it: "
            message += f'"{name}"'
        else:
            rule, message = c.WRONG_TYPE, f"key {name} in '{parent}' is {kind}, not a string"
        found.append(
            finding(rule, skill.display, span.line, span.col, message,
                    end_line=span.end_line, end_col=span.end_col)
        )  # fmt: skip
    return found


def _non_string_key(entry: Entry) -> bool:
    tag = entry.key_tag
    return tag is not None and tag != "str" and not tag.startswith("!")


def _dotted(key: tuple[str | int, ...]) -> str:
    return ".".join(map(str, key)) or "frontmatter"
