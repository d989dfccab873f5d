"""Scaffolding: a new skill folder with a ``SKILL.md`` that already passes lint for its profile.

One template per lint profile. ``agentskills`` (the base specification) gets `name`,
`description`, a ``metadata.version`` (so that it can be published as it is) and a short body;
``council`` (the catalog's own format) adds tier, category and council to ``metadata`` and the
sections the profile requires of the chosen tier (read from the profile's ``when`` cases, so a
team's own tiers scaffold too), each stubbed with an HTML comment saying what belongs there.
Values the tier leaves open (a specialist's council, a developer's category) and every value when
no tier is given are placeholders that fail lint on purpose: a skill must say where it belongs.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from skillreg.core.atomic import write_atomic
from skillreg.core.config import find_project_config
from skillreg.core.errors import ConfigError, SkillError, UsageError
from skillreg.core.names import RULE, is_skill_name

SKILL_FILE = "SKILL.md"
DEFAULT_PROFILE = "agentskills"
MAX_DESCRIPTION = 1024
# Scalars that YAML reads back as the same plain string; anything else is written double-quoted.
_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;()'/+-]*[A-Za-z0-9.)]")


def check_name(name: str) -> None:
    """Raise `UsageError` unless `name` is a valid skill name (the base spec's rule, ASCII only)."""
    if not name:
        raise UsageError("the skill name is empty")
    if not is_skill_name(name):
        raise UsageError(f"invalid skill name {name!r}: use {RULE} (e.g. my-skill)")


def default_profile(start: Path) -> str:
    """The ``[lint] profile`` of the project config at or above `start`, else ``agentskills``."""
    config = find_project_config(start)
    profile = config.section("lint").get("profile", DEFAULT_PROFILE)
    if not isinstance(profile, str) or not profile:
        raise ConfigError(f"{config.path}: [lint] profile must be a string", path=config.path)
    return profile


def _yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    import yaml

    if _PLAIN_RE.fullmatch(text):
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text  # plain keeps the file easy to edit by hand
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("-"))


def _placeholder_description(name: str) -> str:
    return (
        f"Placeholder for the {name} skill; replace it with what the skill does and when an agent "
        "should use it."
    )


def _agentskills(name: str, description: str, outline: Outline | None) -> str:
    # `metadata.version` is not required by the spec, but publishing needs it.
    return f"""---
name: {name}
description: {_yaml_scalar(description)}
metadata:
  version: "0.1.0"
---

# {_title(name)}

<!-- Agents load this body once they pick the skill. Keep it under 500 lines; move long
reference material into files beside SKILL.md and link them with relative paths. -->

Explain here, in a short paragraph, the expertise this skill gives an agent.

## Instructions

- Describe the steps or rules the agent should follow.

## Examples

- Describe a typical request and what a good result looks like.
"""


# What belongs in each section the council profile knows; other titles get a generic stub.
_SECTION_STUBS = {
    "When to Apply": "<!-- The tasks, questions or files that should make an agent load this "
    "skill. -->\n\nInvoke this skill when:\n"
    "- Describe the first situation that calls for this skill",
    "Core Competencies": "<!-- The knowledge the skill carries, grouped into numbered ### areas. "
    "Decision tables and\nfenced code examples (with a language tag) can follow in sections of "
    "their own. -->\n\n### 1. First Area\n- Describe one competency in this area",
    "Core Responsibilities": "<!-- What this role owns and decides, grouped into numbered ### "
    "areas. -->\n\n### 1. First Responsibility\n- Describe what the role does here",
    "Anti-Patterns to Avoid": "<!-- Mistakes to steer away from, each paired with what to do "
    "instead. -->\n\n| Anti-Pattern | Better Approach |\n|--------------|-----------------|\n"
    "| Describe a common mistake | Describe the better approach |",
    "Constraints": "<!-- Hard rules the agent must follow whatever the request says. -->\n\n"
    "- Describe one rule the agent must always follow",
    "Council Role": "<!-- What this role brings to its council's reviews and decisions. -->\n\n"
    "- Describe the questions this role raises in council",
    "Related Skills": "<!-- One list item per related skill: the skill name in backticks, then "
    '" - " and the reason.\nAlternatives share an item, separated by " / ". Every name must be a '
    "skill that exists in this\ncatalog or in a registry; nothing is listed yet. -->",
}


@dataclass(frozen=True)
class Outline:
    """What a tiered template fills in: metadata values (placeholders where the profile leaves
    a choice, which lint rejects until the author decides) and the required sections, in order."""

    tier: str
    category: str
    council: str
    sections: tuple[str, ...]


def council_outline(profile_name: str, tier: str | None) -> Outline:
    """The outline `profile_name` requires of a skill of `tier` (its default case without one).

    The council and category are filled in when the tier's case allows or expects exactly one.
    Raises `UsageError` for a tier the profile does not list.
    """
    from skillreg.lint.profiles import resolve_profile

    profile = resolve_profile(profile_name)
    tiers = [c for c in profile.conditions if c.field == "metadata.tier"]
    if tier is not None and (not tiers or tier not in tiers[0].cases):
        known = sorted(tiers[0].cases) if tiers else []
        close = difflib.get_close_matches(tier, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        listed = f"known: {', '.join(known)}" if known else "the profile has no tiers"
        raise UsageError(f"unknown tier {tier!r} for profile {profile_name!r} ({hint}{listed})")
    variant = profile.for_data({"metadata": {"tier": tier}} if tier else {})
    case = tiers[0].cases.get(tier or "") if tiers else None
    categories = case.expected.get("metadata.category", ()) if case else ()
    councils = case.allowed.get("metadata.council", ()) if case else ()
    return Outline(
        tier=tier or "placeholder-tier",
        category=categories[0] if len(categories) == 1 else "placeholder-category",
        council=councils[0] if len(councils) == 1 else "placeholder-council",
        sections=variant.required_sections,
    )


def _council(name: str, description: str, outline: Outline | None) -> str:
    outline = outline or council_outline("council", None)
    sections = "\n\n".join(
        f"## {title}\n\n{_SECTION_STUBS.get(title, _GENERIC_STUB)}" for title in outline.sections
    )
    return f"""---
name: {name}
description: {_yaml_scalar(description)}
metadata:
  version: "0.1.0"
  tier: {outline.tier}
  category: {outline.category}
  council: {outline.council}
---

# {_title(name)}

You embody the perspective of a senior practitioner in this area. Replace this paragraph with the
persona the agent should adopt and the judgement it should bring.

{sections}
"""


_GENERIC_STUB = "<!-- What this section holds for the skill's tier. -->\n\n- Describe it here"


TEMPLATES: dict[str, Callable[[str, str, Outline | None], str]] = {
    "agentskills": _agentskills,
    "council": _council,
}


def _check_description(description: str) -> None:
    if not description.strip():
        raise UsageError("the description is empty")
    if len(description) > MAX_DESCRIPTION:
        raise UsageError(
            f"the description has {len(description)} characters; the limit is {MAX_DESCRIPTION}"
        )
    if "---" in description:
        # The reference validator splits frontmatter on the first `---` anywhere in the file.
        raise UsageError("the description must not contain '---'")


def scaffold_skill(
    parent: Path,
    name: str,
    profile_name: str,
    *,
    description: str | None = None,
    force: bool = False,
    tier: str | None = None,
) -> Path:
    """Create ``<parent>/<name>/SKILL.md`` from the `profile_name` template and return its path.

    `tier` picks the outline a tiered profile (``council``) requires of that tier; without it the
    tier, category and council are placeholders that lint rejects until the author fills them in.
    Raises `UsageError` for an invalid name, description, profile or tier, and `SkillError` when the
    folder already holds a ``SKILL.md`` (any letter case) and `force` is false. The file is
    written atomically, so an interrupted run leaves no half-written skill.
    """
    check_name(name)
    template = TEMPLATES.get(profile_name)
    if template is None:
        known = ", ".join(sorted(TEMPLATES))
        raise UsageError(f"no skill template for profile {profile_name!r} (known: {known})")
    outline = council_outline(profile_name, tier) if profile_name == "council" else None
    if tier is not None and outline is None:
        raise UsageError(f"profile {profile_name!r} has no tiers; drop --tier")
    if description is None:
        description = _placeholder_description(name)
    _check_description(description)

    folder = parent / name
    if folder.exists() and not folder.is_dir():
        raise SkillError(f"{folder} exists and is not a folder", path=folder)
    path = folder / SKILL_FILE
    if not force and folder.is_dir():
        for existing in folder.iterdir():
            if existing.name.lower() == SKILL_FILE.lower():
                raise SkillError(
                    f"{existing} already exists; use --force to overwrite it", path=existing
                )
    write_atomic(path, template(name, description, outline))
    return path
