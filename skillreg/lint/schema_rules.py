"""Frontmatter schema findings: each `SchemaError` mapped to a rule at its YAML node's position.

The keyword decides the rule (missing field, unknown field, wrong type, too long, ...); a schema may
refine that per keyword with ``x-codes`` and word the message with ``x-messages`` (templates over
``{field}``, ``{value}``, ``{limit}``). A string expected where YAML's implicit typing produced a
number, boolean, date or null becomes SK108 with advice to quote the value.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from skillreg.core.diagnostics import Diagnostic, Rule
from skillreg.core.lazy_pattern import lazy
from skillreg.lint import catalog as c
from skillreg.lint.schema_check import Checker, SchemaError
from skillreg.skill.frontmatter import Entry, Frontmatter, Span
from skillreg.skill.syntax_rules import finding

_BY_KEYWORD: dict[str, Rule] = {
    "required": c.MISSING_FIELD,
    "additionalProperties": c.UNKNOWN_FIELD,
    "false": c.UNKNOWN_FIELD,
    "type": c.WRONG_TYPE,
    "maxLength": c.TOO_LONG,
    "maxItems": c.TOO_LONG,
    "minLength": c.EMPTY_VALUE,
    "minItems": c.EMPTY_VALUE,
    "pattern": c.INVALID_VALUE,
    "enum": c.INVALID_VALUE,
    "const": c.INVALID_VALUE,
}
_IMPLICIT_TAGS = frozenset({"int", "float", "bool", "null", "timestamp"})
#: An unquoted number that was meant as a version: `--fix` quotes exactly these (SK108 fixable).
SEMVERISH = lazy(r"\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.+-]+)?")


def schema_findings(
    fm: Frontmatter,
    checker: Checker,
    display: str,
    tagged: Collection[tuple[int, int]] = frozenset(),
) -> list[Diagnostic]:
    """Check `fm.data` (a mapping) with `checker`; findings in file positions.

    `tagged` holds the (line, col) of values written with an explicit tag: their type is no
    accident of implicit typing, so quoting would not help (SK103, not SK108). A profile and its
    parent may both constrain one value (`allOf`): the same finding twice is reported once.
    """
    errors = checker(fm.data)
    # A value of the wrong type also fails `enum` or `const`: the type finding says it all.
    mistyped = {error.path for error in errors if error.keyword == "type"}
    found = (
        _diagnostic(fm, error, display, tagged)
        for error in errors
        if error.keyword not in ("enum", "const") or error.path not in mistyped
    )
    return list(dict.fromkeys(found))


def _diagnostic(
    fm: Frontmatter, error: SchemaError, display: str, tagged: Collection[tuple[int, int]]
) -> Diagnostic:
    rule = _rule_for(error)
    dotted = _dotted(error.path, error.field)
    span = _span_for(fm, error)
    entry = fm.entries.get(error.path)
    fixable = False
    if _is_implicit(error, entry, tagged):
        assert entry is not None
        rule, fixable = c.IMPLICIT_TYPE, _fixable_version(error.path, entry)
        message = (
            f"'{dotted}' is read as {_kind(error.instance)} ({entry.raw}) where a string is "
            f'expected; quote it: "{entry.raw}"'
        )
        if not entry.raw:  # `key:` with nothing after it
            rule, message = c.EMPTY_VALUE, f"'{dotted}' has no value (YAML reads it as null)"
    else:
        message = _message(error, dotted)
    return finding(
        rule, display, span.line, span.col, message,
        end_line=span.end_line, end_col=span.end_col, fixable=fixable,
    )  # fmt: skip


def _rule_for(error: SchemaError) -> Rule:
    codes = error.schema.get("x-codes")
    if isinstance(codes, Mapping) and isinstance(codes.get(error.keyword), str):
        rule = c.lookup(codes[error.keyword])
        if rule is not None:
            return rule
    return _BY_KEYWORD.get(error.keyword, c.SCHEMA_VIOLATION)


def _span_for(fm: Frontmatter, error: SchemaError) -> Span:
    if error.keyword == "additionalProperties" and error.field is not None:
        entry = fm.entries.get((*error.path, error.field))
        if entry is not None and entry.key_span is not None:
            return entry.key_span
    if error.keyword == "required":
        parent = fm.entries.get(error.path)
        if parent is not None and parent.key_span is not None:
            return parent.key_span
    return fm.span(error.path)


def _is_implicit(
    error: SchemaError, entry: Entry | None, tagged: Collection[tuple[int, int]]
) -> bool:
    if error.keyword != "type" or entry is None or not entry.plain:
        return False
    if (entry.span.line, entry.span.col) in tagged:
        return False
    expected = error.schema.get("type")
    wants_string = expected == "string" or (isinstance(expected, list) and "string" in expected)
    return wants_string and entry.tag in _IMPLICIT_TAGS and entry.raw is not None


def _fixable_version(path: tuple[str | int, ...], entry: Entry) -> bool:
    return bool(path) and path[-1] == "version" and bool(SEMVERISH.fullmatch(entry.raw or ""))


def _message(error: SchemaError, dotted: str) -> str:
    templates = error.schema.get("x-messages")
    if isinstance(templates, Mapping) and isinstance(templates.get(error.keyword), str):
        try:
            return str(templates[error.keyword]).format(
                field=dotted, value=error.instance, limit=_limit(error)
            )
        except (KeyError, IndexError, ValueError, AttributeError):
            pass  # a malformed template in a user's profile: fall back to our wording
    return _default_message(error, dotted)


def _limit(error: SchemaError) -> Any:
    return error.schema.get(error.keyword)


def _default_message(error: SchemaError, dotted: str) -> str:
    keyword, value, limit = error.keyword, error.instance, _limit(error)
    if keyword == "required":
        return f"missing required field '{dotted}'"
    if keyword in ("additionalProperties", "false"):
        allowed = sorted(error.schema.get("properties", {}))
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown field '{dotted}'{hint}"
    if keyword == "type":
        wanted = limit if isinstance(limit, str) else " or ".join(map(str, limit))
        return f"'{dotted}' must be {_article(str(wanted))}, not {_kind(value)}"
    if keyword in ("maxLength", "maxItems"):
        return f"'{dotted}' is {len(value)} long, over the limit of {limit}"
    if keyword in ("minLength", "minItems"):
        return f"'{dotted}' is too short (at least {limit} needed)"
    if keyword == "pattern":
        return f"'{dotted}' value {_short(value)} does not match the pattern {limit}"
    if keyword == "enum":
        hint = _did_you_mean(value, limit)
        return f"'{dotted}' is {_short(value)}{hint}; allowed: {', '.join(map(str, limit))}"
    if keyword == "const":
        return f"'{dotted}' must be {limit!r}"
    return f"'{dotted}' fails the schema keyword '{keyword}'"


def _did_you_mean(value: Any, choices: Any) -> str:
    """A close allowed value for a typo (`developer-specalization`), via SK301's matcher."""
    if not isinstance(value, str) or not isinstance(choices, list):
        return ""
    from skillreg.collection.refs import Suggestions

    hint = Suggestions(str(choice) for choice in choices).hint(value).removeprefix("; ")
    return f" ({hint})" if hint else ""


def _dotted(path: tuple[str | int, ...], field: str | None) -> str:
    parts = [str(p) for p in path] + ([field] if field is not None else [])
    return ".".join(parts) or "frontmatter"


# First match wins: bool before int (a bool is an int), datetime before date.
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (type(None), "null"),
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (datetime.datetime, "a timestamp"),
    (datetime.date, "a date"),
    ((bytes, bytearray), "binary data"),
    (dict, "a mapping"),
    (list, "a list"),
    (str, "a string"),
)


def _kind(value: Any) -> str:
    """What a frontmatter value is, for messages: "an integer", "binary data", ..."""
    for kind, label in _KINDS:
        if isinstance(value, kind):
            return label
    return f"a {type(value).__name__} value"


def _article(type_name: str) -> str:
    names = {"object": "a mapping", "array": "a list", "integer": "an integer", "null": "null"}
    return names.get(type_name, f"a {type_name}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
