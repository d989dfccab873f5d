"""The rule catalogue: every lint rule by code and by name, and the SK1xx/SK2xx/SK9xx definitions.

Syntax rules (SK0xx) come from `skillreg.skill.syntax_rules`, reference rules (SK3xx) from
`skillreg.collection.refs`, audit rules (SK5xx) from `skillreg.audit.rules`; the frontmatter, body
and meta rules are defined here so that one module
documents every code this package can emit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from skillreg.core.diagnostics import Rule, Severity
from skillreg.skill.syntax_rules import SYNTAX_RULES

E, W = Severity.ERROR, Severity.WARNING

# SK1xx: frontmatter fields (schema profile and field rules).
MISSING_FIELD = Rule(
    "SK101", "missing-required-field", E,
    "A field the profile requires is missing.",
    "Agents need `name` and `description` to list a skill; profiles may require more.",
    "Add the field named in the message.",
)  # fmt: skip
UNKNOWN_FIELD = Rule(
    "SK102", "unknown-field", E,
    "A frontmatter key the profile does not allow.",
    "The base spec allows six top-level fields; other keys are rejected by strict validators.",
    "Move extra properties under `metadata`, or remove them.",
)  # fmt: skip
WRONG_TYPE = Rule(
    "SK103", "wrong-type", E,
    "A field has the wrong type (e.g. a list where a string is expected).",
    "Consumers read each field as one type; anything else is dropped or crashes them.",
    "Write the value as the type named in the message.",
)  # fmt: skip
TOO_LONG = Rule(
    "SK104", "value-too-long", E,
    "A value is longer than the profile allows.",
    "Agents load `description` for every skill at start-up; the spec caps its size.",
    "Shorten the value below the limit in the message.",
)  # fmt: skip
INVALID_NAME = Rule(
    "SK105", "invalid-name", E,
    "`name` is not 1-64 lowercase letters, digits and single hyphens.",
    "The name is an identifier: agents, registries and folders must agree on it exactly.",
    "Use lowercase letters, digits and hyphens; no leading, trailing or double hyphen.",
)  # fmt: skip
NAME_FOLDER_MISMATCH = Rule(
    "SK106", "name-folder-mismatch", E,
    "`name` differs from the skill folder's name (after NFKC normalisation).",
    "Agents find a skill by its folder and name it by `name`; the spec requires them equal.",
    "Rename the folder or change `name` so they match.",
)  # fmt: skip
INVALID_SEMVER = Rule(
    "SK107", "invalid-semver", E,
    "`metadata.version` is not a SemVer 2.0 version string.",
    "Registries order and resolve versions by SemVer; other strings cannot be compared.",
    'Write a quoted version such as `version: "1.2.0"`.',
)  # fmt: skip
IMPLICIT_TYPE = Rule(
    "SK108", "implicit-type", E,
    "An unquoted value is read as a number, boolean, date or null where a string is expected.",
    "YAML 1.1 parsers read `1.0`, `yes` or `2024-01-01` as non-strings; other tools keep text: "
    "the same file means different things to different agents.",
    "Quote the value (`skill lint --fix` does for versions).",
)  # fmt: skip
EMPTY_VALUE = Rule(
    "SK109", "empty-value", E,
    "A field that must hold text is empty or blank.",
    "An empty `description` gives an agent nothing to choose the skill by.",
    "Write a value, or remove the optional field.",
)  # fmt: skip
INVALID_VALUE = Rule(
    "SK110", "invalid-value", E,
    "A value is not one the profile allows (format or allowed values).",
    "Profiles restrict some fields to known values so that catalogues stay consistent.",
    "Use one of the values or the format named in the message.",
)  # fmt: skip
SCHEMA_VIOLATION = Rule(
    "SK111", "schema-violation", E,
    "The frontmatter violates the profile's schema.",
    "The profile's JSON Schema describes what consumers accept.",
    "Follow the message; `skill rules` and the profile file list the constraints.",
)  # fmt: skip
EXPLICIT_TAG = Rule(
    "SK112", "explicit-yaml-tag", E,
    "A frontmatter value or key carries an explicit YAML tag (`!!binary`, `!!python/...`, `!x`).",
    "Portable frontmatter has no tags: strict and JSON-minded parsers reject unknown tags, "
    "unsafe loaders construct objects from `!!python/...`, and core tags change a value's type "
    "behind its text. `!!str` is allowed.",
    "Remove the tag and write the value as plain or quoted text.",
)  # fmt: skip
UNKNOWN_VALUE = Rule(
    "SK113", "unknown-value", E,
    "A value is not one of those the profile lists (e.g. an unknown tier or council).",
    "Classifying fields sort skills into groups agents and registries filter on; an unknown or "
    "placeholder value (`placeholder-tier`) puts the skill in no group.",
    "Use one of the values in the message (the closest is suggested), or add the new value "
    "to the profile.",
)  # fmt: skip
VALUE_PAIRING = Rule(
    "SK114", "value-pairing", E,
    "A field's value does not go with another field's value (e.g. a tier and its council).",
    "Profiles pair some values (each tier sits on one council): a mismatch files the skill "
    "under the wrong group.",
    "Change one of the two values; the message lists those that go together.",
)  # fmt: skip
UNEXPECTED_VALUE = Rule(
    "SK115", "unexpected-value", W,
    "A value not seen before for this case (e.g. a category new for the tier).",
    "New values are legitimate but are more often typos, which split a group in two.",
    "Check the spelling; if the value is new on purpose, add it to the profile (or ignore).",
)  # fmt: skip

# SK2xx: the Markdown body.
MISSING_H1 = Rule(
    "SK201", "missing-h1", E,
    "The body has no level-1 heading.",
    "The profile expects the body to open with a `# Title`.",
    "Add a `# Title` line at the top of the body.",
)  # fmt: skip
MULTIPLE_H1 = Rule(
    "SK202", "multiple-h1", E,
    "The body has more than one level-1 heading.",
    "One title per skill keeps the outline unambiguous.",
    "Demote the extra `#` headings to `##`.",
)  # fmt: skip
MISSING_SECTION = Rule(
    "SK203", "missing-section", E,
    "A section the profile requires is missing.",
    "Profiles require sections that agents and reviewers rely on (e.g. Constraints).",
    "Add a `## <Section>` heading with its content.",
)  # fmt: skip
DUPLICATE_SECTION = Rule(
    "SK204", "duplicate-section", W,
    "Two sections at the same level have the same title.",
    "Tools that look a section up by title see only the first.",
    "Merge the two sections or rename one.",
)  # fmt: skip
HEADING_JUMP = Rule(
    "SK205", "heading-level-jump", W,
    "A heading is more than one level deeper than the previous one.",
    "Skipped levels break the outline agents and renderers build from headings.",
    "Use the next level down (e.g. `###` after `##`).",
)  # fmt: skip
BODY_TOO_LONG = Rule(
    "SK206", "body-too-long", W,
    "The body is over 500 lines.",
    "The spec recommends short bodies; an agent loads the whole body when it picks the skill.",
    "Move detail into referenced files (e.g. `references/`).",
)  # fmt: skip
BODY_TOO_MANY_TOKENS = Rule(
    "SK207", "body-too-many-tokens", W,
    "The body is over about 5,000 tokens (characters / 4).",
    "The spec recommends under ~5,000 tokens so the skill fits an agent's context cheaply.",
    "Move detail into referenced files (e.g. `references/`).",
)  # fmt: skip
BROKEN_LINK = Rule(
    "SK208", "broken-link", E,
    "A relative link points to a file that does not exist.",
    "Agents follow references on demand; a missing file is a dead end.",
    "Fix the path (relative to the skill folder) or add the file.",
)  # fmt: skip
LINK_OUTSIDE_SKILL = Rule(
    "SK209", "link-outside-skill", E,
    "A relative link leaves the skill folder.",
    "A skill is installed as one folder; files outside it are not installed with it.",
    "Copy the file into the skill folder and link to it there.",
)  # fmt: skip
SECTION_ORDER = Rule(
    "SK210", "section-order", W,
    "A section the profile places first or last is elsewhere in the outline.",
    "Readers and agents expect the family's outline: where to apply first, related skills last.",
    "Move the section to the place named in the message.",
)  # fmt: skip

# SK9xx: about the lint run itself.
UNUSED_SUPPRESSION = Rule(
    "SK901", "unused-suppression", W,
    "A suppression comment suppresses nothing.",
    "Stale suppressions hide future findings and mislead readers.",
    "Remove the code from the comment, or the comment.",
)  # fmt: skip
UNKNOWN_SUPPRESSION = Rule(
    "SK902", "unknown-suppression-code", W,
    "A suppression comment names a code or rule that does not exist.",
    "A typo in a suppression silently suppresses nothing.",
    "Use a code listed by `skill rules`.",
)  # fmt: skip

LINT_RULES: tuple[Rule, ...] = (
    MISSING_FIELD, UNKNOWN_FIELD, WRONG_TYPE, TOO_LONG, INVALID_NAME, NAME_FOLDER_MISMATCH,
    INVALID_SEMVER, IMPLICIT_TYPE, EMPTY_VALUE, INVALID_VALUE, SCHEMA_VIOLATION, EXPLICIT_TAG,
    UNKNOWN_VALUE, VALUE_PAIRING, UNEXPECTED_VALUE,
    MISSING_H1, MULTIPLE_H1, MISSING_SECTION, DUPLICATE_SECTION, HEADING_JUMP, BODY_TOO_LONG,
    BODY_TOO_MANY_TOKENS, BROKEN_LINK, LINK_OUTSIDE_SKILL, SECTION_ORDER,
    UNUSED_SUPPRESSION, UNKNOWN_SUPPRESSION,
)  # fmt: skip


@cache
def all_rules() -> Mapping[str, Rule]:
    """Every rule by code, in code order."""
    from skillreg.audit.rules import AUDIT_RULES
    from skillreg.collection.refs import REF_RULES

    rules = (*SYNTAX_RULES, *LINT_RULES, *REF_RULES, *AUDIT_RULES)
    return {rule.code: rule for rule in sorted(rules, key=lambda r: r.code)}


@cache
def _by_name() -> Mapping[str, Rule]:
    return {rule.name: rule for rule in all_rules().values()}


def lookup(code_or_name: str) -> Rule | None:
    """The rule with this code (any case) or kebab-case name."""
    text = code_or_name.strip()
    return all_rules().get(text.upper()) or _by_name().get(text.lower())


def expand(selectors: Iterable[str]) -> tuple[frozenset[str], list[str]]:
    """Codes matched by codes, names or code prefixes ("SK2", "ALL"); and the unmatched ones."""
    codes: set[str] = set()
    unknown: list[str] = []
    every = all_rules()
    for selector in selectors:
        text = selector.strip()
        rule = lookup(text)
        if rule is not None:
            codes.add(rule.code)
            continue
        upper = text.upper()
        matched = [code for code in every if upper == "ALL" or code.startswith(upper)]
        if matched and upper.startswith(("SK", "ALL")):
            codes.update(matched)
        else:
            unknown.append(selector)
    return frozenset(codes), unknown
