"""Related Skills cross-references resolved over a collection (and a registry's names): the
rules and their findings. Extracting the references from a skill is `skillreg.skill.related`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from skillreg.core.diagnostics import Diagnostic, Rule, Severity
from skillreg.core.names import is_skill_name
from skillreg.skill.parsed import ParsedSkill
from skillreg.skill.related import (
    RELATED_SKILLS,
    Reference,
    Suspect,
    metadata_references,
    scan,
)
from skillreg.skill.syntax_rules import finding

E, W = Severity.ERROR, Severity.WARNING

UNRESOLVED_REFERENCE = Rule(
    "SK301",
    "unresolved-reference",
    E,
    "A Related Skills entry names a skill that does not exist.",
    "Agents and readers follow related skills by name; a name that resolves nowhere is a dead end "
    "(often a typo or a skill that was renamed).",
    "Fix the name, add the skill to the collection, or publish it to the registry you resolve "
    "against.",
)
SELF_REFERENCE = Rule(
    "SK302",
    "self-reference",
    W,
    "A skill lists itself under Related Skills.",
    "A skill is always related to itself; the entry adds nothing and is usually a copy-paste slip.",
    "Remove the entry.",
)
DUPLICATE_REFERENCE = Rule(
    "SK303",
    "duplicate-reference",
    W,
    "The same skill is named more than once under Related Skills.",
    "Repeated entries add noise and may disagree on the reason.",
    "Keep one entry and merge the reasons.",
)
DUPLICATE_SKILL_NAME = Rule(
    "SK304",
    "duplicate-skill-name",
    E,
    "Two skill folders declare the same name.",
    "A name must identify one skill; references, indexes and installs cannot tell the two apart.",
    "Rename one of the skills (and its folder).",
)
NOT_A_SKILL_NAME = Rule(
    "SK305",
    "not-a-skill-name",
    W,
    "Backticked text under Related Skills looks like a skill name but is not a valid one.",
    "Skill names are lowercase letters, digits and single hyphens; anything else cannot resolve.",
    "Write the skill's exact name, e.g. `python-pro` rather than `Python_Pro`.",
)
YANKED_REFERENCE = Rule(
    "SK306",
    "yanked-reference",
    W,
    "A Related Skills entry names a skill that the registry has yanked.",
    "A yanked skill is no longer offered to new installs; pointing readers at it misleads them.",
    "Point at the skill that replaces it, or remove the entry.",
)
RELATED_MISMATCH = Rule(
    "SK308",
    "related-mismatch",
    W,
    "`metadata.related-skills` and the Related Skills section name different skills.",
    "When a skill lists its related skills twice, tools that read one list and readers of the "
    "other see different neighbours.",
    "Make the two lists name the same skills, or keep only one of them.",
)
DEPRECATED_REFERENCE = Rule(
    "SK307",
    "deprecated-reference",
    W,
    "A Related Skills entry names a skill that the registry marks deprecated.",
    "Deprecated skills are on their way out; new references should use their replacement.",
    "Point at the replacement the registry names, or remove the entry.",
)

REF_RULES: tuple[Rule, ...] = (
    UNRESOLVED_REFERENCE,
    SELF_REFERENCE,
    DUPLICATE_REFERENCE,
    DUPLICATE_SKILL_NAME,
    NOT_A_SKILL_NAME,
    YANKED_REFERENCE,
    DEPRECATED_REFERENCE,
    RELATED_MISMATCH,
)


# Text that a writer plausibly meant as a skill name: one word of letters, digits, `_` and `-`.
def skill_name(skill: ParsedSkill) -> str:
    """The name a skill is known by: its frontmatter `name`, else its folder's name."""
    name = skill.name
    return name.strip() if name and name.strip() else skill.folder.name


def check_references(
    skills: Sequence[ParsedSkill],
    *,
    known_names: frozenset[str] = frozenset(),
    section_title: str = RELATED_SKILLS,
    registry_status: Mapping[str, str] | None = None,
    metadata_key: str | None = None,
    scanner: Callable[[ParsedSkill, str], tuple[list[Reference], list[Suspect]]] = scan,
) -> list[Diagnostic]:
    """Findings about every skill's references, resolved over `skills` plus `known_names`.

    `registry_status` maps a name to ``"yanked"`` or ``"deprecated"``. With `metadata_key`
    (``related-skills``), the comma-separated names in that metadata field are references too,
    and a skill that lists its related skills both ways gets SK308 where the lists differ.
    `scanner` reads a skill's section (`skillreg.skill.related.scan`; a caller that has already
    read it passes its answer, so the section is parsed once). Findings are sorted.
    """
    owners = _owners(skills)
    findings = _duplicate_names(owners)
    names = frozenset(owners) | known_names
    status = registry_status or {}
    candidates = Suggestions(names)
    for skill in skills:
        refs, suspects = scanner(skill, section_title)
        own = skill_name(skill)
        findings.extend(_suspect_findings(skill.display, suspects))
        seen: dict[str, int] = {}
        for ref in refs:
            findings.extend(_ref_findings(skill.display, own, ref, seen, names, candidates, status))
            seen.setdefault(ref.name, ref.line)
        if metadata_key:
            found = _metadata_findings(skill, metadata_key, refs, own, names, candidates, status)
            findings.extend(found)
    return sorted(findings)


def _metadata_findings(
    skill: ParsedSkill,
    key: str,
    section: list[Reference],
    own: str,
    names: frozenset[str],
    candidates: Suggestions,
    status: Mapping[str, str],
) -> Iterator[Diagnostic]:
    """The metadata list's own findings (a name the section also lists is checked there), then
    SK308 at each name only one of the two lists has, when both are written."""
    listed, suspects = metadata_references(skill, key)
    yield from _suspect_findings(skill.display, suspects)
    in_section = {ref.name for ref in section}
    seen: dict[str, int] = {}
    for ref in listed:
        if ref.name not in in_section:
            yield from _ref_findings(skill.display, own, ref, seen, names, candidates, status)
        seen.setdefault(ref.name, ref.line)
    if not listed or not section:
        return
    for ref in listed:
        if ref.name not in in_section:
            message = f"'{ref.name}' is in metadata.{key} but not under the Related Skills section"
            yield finding(RELATED_MISMATCH, skill.display, ref.line, ref.col, message,
                          end_col=ref.end_col)  # fmt: skip
    for ref in {ref.name: ref for ref in reversed(section)}.values():  # each name once, first
        if ref.name not in seen:
            message = f"'{ref.name}' is under the Related Skills section but not in metadata.{key}"
            yield finding(RELATED_MISMATCH, skill.display, ref.line, ref.col, message,
                          end_col=ref.end_col)  # fmt: skip


class Memo(Protocol):
    """Somewhere answers outlive a run (the index's cache)."""

    def get(self, name: str) -> str | None: ...
    def put(self, name: str, close: str) -> None: ...


class Suggestions:
    """ "Did you mean" for names that resolve nowhere, among `names`. Comparing a name with every
    other costs milliseconds per thousand names and a large tree repeats the same few, so each
    answer is worked out once per run, or once for good when a `memo` keeps it."""

    def __init__(self, names: Iterable[str], memo: Memo | None = None) -> None:
        self.names = sorted(names)
        self.memo = memo
        self.known: dict[str, str] = {}

    def hint(self, name: str) -> str:
        if name not in self.known:
            close = self.memo.get(name) if self.memo else None
            if close is None:
                import difflib  # only when a name resolves nowhere

                matches = difflib.get_close_matches(name, self.names, n=1, cutoff=0.8)
                close = matches[0] if matches else ""
                if self.memo:
                    self.memo.put(name, close)
            self.known[name] = f"; did you mean '{close}'?" if close else ""
        return self.known[name]

    def unresolved(self, name: str) -> str:
        """SK301's message, the one wording lint and the index share."""
        return f"no skill named '{name}'{self.hint(name)}"


def _owners(skills: Sequence[ParsedSkill]) -> dict[str, list[ParsedSkill]]:
    owners: dict[str, list[ParsedSkill]] = {}
    for skill in skills:
        if skill.source is not None:
            owners.setdefault(skill_name(skill), []).append(skill)
    return owners


def _duplicate_names(owners: dict[str, list[ParsedSkill]]) -> list[Diagnostic]:
    findings = []
    for name, group in owners.items():
        ordered = sorted(group, key=lambda s: s.display)
        first = ordered[0]
        for other in ordered[1:]:
            line, col = _name_position(other)
            message = f"skill name '{name}' is declared by both {first.display} and {other.display}"
            findings.append(finding(DUPLICATE_SKILL_NAME, other.display, line, col, message))
    return findings


def _name_position(skill: ParsedSkill) -> tuple[int, int]:
    fm = skill.frontmatter
    if fm is None or ("name",) not in fm.entries:
        return 1, 1
    span = fm.entries[("name",)].span
    return span.line, span.col


def _ref_findings(
    path: str,
    own: str,
    ref: Reference,
    seen: dict[str, int],
    names: frozenset[str],
    candidates: Suggestions,
    status: Mapping[str, str],
) -> Iterator[Diagnostic]:
    def make(rule: Rule, message: str) -> Diagnostic:
        return finding(rule, path, ref.line, ref.col, message, end_col=ref.end_col)

    if ref.name == own:
        yield make(SELF_REFERENCE, f"'{ref.name}' is this skill itself")
    elif ref.name in seen:
        yield make(DUPLICATE_REFERENCE, f"'{ref.name}' is already listed on line {seen[ref.name]}")
    elif ref.name not in names:
        yield make(UNRESOLVED_REFERENCE, candidates.unresolved(ref.name))
    state = status.get(ref.name)
    if state == "yanked":
        yield make(YANKED_REFERENCE, f"'{ref.name}' is yanked from the registry")
    elif state == "deprecated":
        yield make(DEPRECATED_REFERENCE, f"'{ref.name}' is deprecated in the registry")


def _suspect_findings(path: str, suspects: list[Suspect]) -> Iterator[Diagnostic]:
    for suspect in suspects:
        message = f"'{suspect.text}' is not a valid skill name (lowercase letters, digits, '-')"
        hint = suspect.text.lower().replace("_", "-")
        if is_skill_name(hint):
            message += f"; did you mean '{hint}'?"
        yield finding(
            NOT_A_SKILL_NAME, path, suspect.line, suspect.col, message, end_col=suspect.end_col
        )
