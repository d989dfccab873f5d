"""One file's checks: parse it, run the schema, field and body rules, collect suppressions.

This is the unit of work the runner farms out to processes, so everything here is picklable and
independent of other files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from skillreg.audit.scan import scan_skill_file
from skillreg.core.diagnostics import Diagnostic
from skillreg.lint import suppress
from skillreg.lint.body_rules import body_findings, link_problem
from skillreg.lint.conditions import condition_findings
from skillreg.lint.field_rules import (
    delimiter_findings,
    explicit_tags,
    key_findings,
    name_findings,
    tag_findings,
)
from skillreg.lint.profiles import Profile
from skillreg.lint.schema_check import Checker, compiled
from skillreg.lint.schema_rules import schema_findings
from skillreg.skill.frontmatter import Key
from skillreg.skill.markdown import Body, is_relative
from skillreg.skill.parsed import FALLBACK_FILE, SKILL_FILE, ParsedSkill, parse_skill
from skillreg.skill.syntax_rules import MISSING_SKILL_FILE, finding


class Plan(NamedTuple):
    """What every file is checked against; `slim` trims kept skills to bound memory."""

    profile: Profile
    max_bytes: int
    slim: bool = False
    audit: bool = True  # run the SK5xx family (off when every audit rule is deselected)


class FileResult(NamedTuple):
    skill: ParsedSkill
    diagnostics: list[Diagnostic]
    directives: tuple[suppress.Directive, ...]


_LAST: list[tuple[Profile, Checker]] = []  # the profile of the current run and its checker


def checker_for(profile: Profile) -> Checker:
    """The profile's compiled schema checker (built once per process per schema)."""
    if not _LAST or _LAST[0][0] is not profile:
        _LAST[:] = [(profile, compiled(profile.schema_key))]
    return _LAST[0][1]


def check_file(path: Path, plan: Plan) -> FileResult:
    if path.name not in (SKILL_FILE, FALLBACK_FILE) and path.is_file():
        display = str(path)
        message = f"{path.name} is not a {SKILL_FILE} (give the skill's folder or its {SKILL_FILE})"
        skill = ParsedSkill(path, path.parent, None, None, None)
        return FileResult(skill, [finding(MISSING_SKILL_FILE, display, 1, 1, message)], ())
    skill = parse_skill(path, max_bytes=plan.max_bytes)
    found = list(skill.diagnostics)
    fm = skill.frontmatter
    profile = plan.profile  # as it applies to this skill (`when` conditions)
    if fm is not None and isinstance(fm.data, dict):
        profile = profile.for_data(fm.data)
        tags = explicit_tags(skill, fm)
        found.extend(schema_findings(fm, checker_for(plan.profile), skill.display, tags))
        found.extend(name_findings(skill, fm))
        found.extend(delimiter_findings(skill, fm))
        found.extend(key_findings(skill, fm, tags))
        found.extend(tag_findings(skill, fm, tags))
        if profile.conditions:
            # A value the schema already rejected (empty, not kebab-case) is not reported again.
            rejected = {(d.line, d.col) for d in found}
            conditional = condition_findings(skill.display, fm, profile.conditions)
            found.extend(d for d in conditional if (d.line, d.col) not in rejected)
    if skill.body is not None and skill.source is not None:
        found.extend(body_findings(skill, skill.body, profile))
    if plan.audit:
        found.extend(scan_skill_file(skill))
    directives = suppress.collect(skill)
    if plan.slim:
        profile = plan.profile
        skill = slim(skill, profile.related_section or "Related Skills", profile.related_metadata)
    return FileResult(skill, found, directives)


def slim(skill: ParsedSkill, section_title: str, metadata_key: str | None = None) -> ParsedSkill:
    """`skill` with only what cross-skill checks read: the frontmatter values, the `name` entry
    (and the related-names metadata entry, when the profile reads one), the level-1/2 headings
    and one section's lines (the body then starts at that section).
    Results cross process boundaries, and pickling whole outlines costs more than parsing them."""
    body, source, fm = skill.body, skill.source, skill.frontmatter
    if body is None or source is None:
        return skill
    section = body.section(section_title)
    kept = Body((), body.last_line + 1, tuple(h for h in body.headings if h.level <= 2), (), (), ())
    if section is not None:  # the body now starts at the section: its lines keep their numbers
        start = section.first_line - body.first_line
        lines = body.lines[start : section.last_line - body.first_line + 1]
        blocks = tuple(
            b
            for b in body.code_blocks
            if b.last_line >= section.first_line and b.first_line <= section.last_line
        )
        kept = Body(lines, section.first_line, kept.headings, (), (), blocks)
    if fm is not None:
        wanted: tuple[Key, ...] = ((), ("name",))
        if metadata_key:
            wanted += (("metadata", metadata_key),)
        entries = {key: fm.entries[key] for key in wanted if key in fm.entries}
        fm = fm._replace(entries=entries)
    return skill._replace(source=source._replace(text=""), body=kept, frontmatter=fm)


def link_verdicts(skill: ParsedSkill) -> tuple[tuple[str, str], ...]:
    """Each relative link target of `skill` with the code of its problem ("" when none).

    Link findings are the only per-file findings that depend on other files (whether a target
    exists); a cache of `check_file` results re-checks these with `links_unchanged`.
    """
    body = skill.body
    if body is None or skill.source is None or not body.links:
        return ()
    root = os.path.abspath(skill.folder)
    targets = sorted({link.target for link in body.links if is_relative(link.target)})
    return tuple((target, _verdict(root, target)) for target in targets)


def links_unchanged(folder: str, verdicts: tuple[tuple[str, str], ...]) -> bool:
    """Whether every link target of a skill in `folder` still has the verdict recorded for it."""
    if not verdicts:
        return True
    root = os.path.abspath(folder)
    return all(_verdict(root, target) == code for target, code in verdicts)


def _verdict(root: str, target: str) -> str:
    problem = link_problem(root, target)
    return problem[0].code if problem is not None else ""
