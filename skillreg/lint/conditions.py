"""Requirements that depend on a frontmatter value: a profile's ``when`` section.

A profile may list conditions, each naming a frontmatter field (dotted: ``metadata.tier``) and
what a skill with each value of that field must satisfy::

    "when": [{"field": "metadata.tier",
              "cases": {"executive": {"body": {"required_sections": ["Council Role"]},
                                      "allowed": {"metadata.council": ["executive-council"]},
                                      "expected": {"metadata.category": ["c-suite"]}}},
              "default": {"body": {"required_sections": ["When to Apply"]}}}]

A case's ``body`` overrides the profile's body settings key by key (required sections, section
order, limits); ``allowed`` values of another field are a requirement (SK114, an error) and
``expected`` ones a hint (SK115, a warning: new values are legitimate but usually typos). A value
with no case of its own, or no value at all, takes ``default`` (when given). Whether the value
itself is allowed is the frontmatter schema's business (an ``enum``), not this module's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from skillreg.collection.refs import Suggestions
from skillreg.core.diagnostics import Diagnostic
from skillreg.lint import catalog as c
from skillreg.skill.frontmatter import Frontmatter
from skillreg.skill.syntax_rules import finding

Values = Mapping[str, tuple[str, ...]]  # dotted field -> values


class Case(NamedTuple):
    """What a skill whose condition field has one value must satisfy."""

    body: Mapping[str, Any]
    allowed: Values
    expected: Values


class Condition(NamedTuple):
    """One ``when`` entry: a dotted field, a case per value and the case for other values."""

    field: str
    cases: Mapping[str, Case]
    default: Case | None

    def value_in(self, data: Mapping[str, Any]) -> str | None:
        """The skill's value when it has a case of its own, else None (the default applies):
        variants are keyed by it, so hostile trees of made-up values cannot multiply them."""
        value = field_value(data, self.field)
        return value if value in self.cases else None

    def case_for(self, value: str | None) -> tuple[Case | None, str]:
        """The case that applies and how messages name it (``metadata.tier 'executive'``)."""
        case = self.cases.get(value) if value is not None else None
        if case is not None:
            return case, f"{self.field} '{value}'"
        return self.default, f"a {self.field} with no case of its own"


def field_value(data: Mapping[str, Any], dotted: str) -> str | None:
    """The string at `dotted` in the frontmatter mapping, else None (the schema reports why)."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value if isinstance(value, str) else None


def parse_conditions(raw: Any) -> tuple[Condition, ...]:
    """The ``when`` section of a profile already checked against profile.schema.json."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        Condition(
            field=str(item["field"]),
            cases={str(k): _case(v) for k, v in item.get("cases", {}).items()},
            default=_case(item["default"]) if "default" in item else None,
        )
        for item in raw
    )


def _case(raw: Mapping[str, Any]) -> Case:
    def values(key: str) -> Values:
        return {str(f): tuple(map(str, vs)) for f, vs in raw.get(key, {}).items()}

    body = dict(raw.get("body", {}))
    return Case(body=body, allowed=values("allowed"), expected=values("expected"))


def condition_findings(
    display: str, fm: Frontmatter, conditions: tuple[Condition, ...]
) -> list[Diagnostic]:
    """SK114 and SK115 for each condition whose case names `allowed` or `expected` values."""
    found: list[Diagnostic] = []
    for condition in conditions:
        case, named = condition.case_for(condition.value_in(fm.data))  # (default: no pairings)
        if case is None:
            continue
        for rule, table in ((c.VALUE_PAIRING, case.allowed), (c.UNEXPECTED_VALUE, case.expected)):
            for dotted, choices in table.items():
                value = field_value(fm.data, dotted)
                if value is None or value in choices:
                    continue  # missing or not text: the schema says so
                verb = "goes with" if rule is c.VALUE_PAIRING else "usually has"
                hint = Suggestions(choices).hint(value).removeprefix("; ")
                hint = f" ({hint})" if hint else ""
                message = f"'{dotted}' is {value!r}{hint}, but {named} {verb}: {', '.join(choices)}"
                span = fm.span(tuple(dotted.split(".")))
                found.append(
                    finding(rule, display, span.line, span.col, message,
                            end_line=span.end_line, end_col=span.end_col)
                )  # fmt: skip
    return found
