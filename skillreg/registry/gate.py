"""What may be published: every reason to refuse a skill, gathered in one pass.

A publish of many skills reports every refusal at once (all lint errors, all missing versions,
all changed versions), so the user fixes them in one round instead of one per run. Skills are
found as lint finds them, except that a SKILL.md nested inside another skill's folder (an example,
a template) is not a separate skill unless the caller asks for nested ones.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.errors import PublishError

if TYPE_CHECKING:
    from skillreg.registry.store import RegistryStore
    from skillreg.skill.parsed import ParsedSkill


class LintRefusal(PublishError):
    """Publishing refused: `refusals` lists why, one line a skill that cannot be published.

    `diagnostics` are the run's findings, warnings included, as `skill lint` reports them;
    `files` is how many files lint checked.
    """

    def __init__(
        self,
        message: str,
        diagnostics: Sequence[Diagnostic],
        files: int,
        refusals: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.files = files
        self.refusals = tuple(refusals)


@dataclass(frozen=True)
class Gate:
    """The lint verdict: findings to show, and the skills (by display path) lint refused."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    refused: frozenset[str]


def discover(paths: Sequence[Path], *, nested: bool) -> tuple[list[ParsedSkill], list[str]]:
    """The skills under `paths`, and the nested SKILL.md files left out (unless `nested`)."""
    from skillreg.collection.workspace import find_skill_files
    from skillreg.skill.parsed import parse_skill

    files = find_skill_files(paths)
    if nested:
        return [parse_skill(p) for p in files], []
    folders = {os.path.normpath(p.parent) for p in files}
    kept, skipped = [], []
    for file in files:
        parents = Path(os.path.normpath(file.parent)).parents
        if any(str(parent) in folders for parent in parents):
            skipped.append(str(file))
        else:
            kept.append(parse_skill(file))
    return kept, skipped


def related_names(skill: ParsedSkill) -> list[str]:
    """The names under the skill's Related Skills section, sorted and unique."""
    from skillreg.skill.related import related_references

    return sorted({ref.name for ref in related_references(skill)})


def lint_gate(
    skills: list[ParsedSkill],
    related: dict[Path, list[str]],
    reg: RegistryStore,
    profile: str | None,
) -> Gate:
    """Lint the batch; a skill with a lint error, or naming a skill that resolves nowhere, is
    refused. A related name resolves when it is being published now or already has a document
    in the target registry (looked up per name, so the cost does not grow with the registry)."""
    from skillreg.collection.refs import skill_name
    from skillreg.lint import LintOptions, run_lint

    batch = {skill_name(s) for s in skills if s.source is not None}  # the names lint resolves
    wanted = {n for names in related.values() for n in names} - batch
    known = frozenset(n for n in wanted if reg.has_skill(n))
    # The audit family is recorded in the document (`publish.audit_bundle`), not a reason to
    # refuse: the installer decides, with the user's policy, on what it unpacks.
    options = LintOptions(profile=profile, known_names=known, collection=False, ignore=("SK5",))
    report = run_lint([s.path for s in skills], options)
    diagnostics = _with_unresolved(report.diagnostics, skills, batch | known)
    refused = frozenset(d.path for d in diagnostics if d.severity >= Severity.ERROR)
    return Gate(tuple(diagnostics), report.files, refused)


def _with_unresolved(
    diagnostics: list[Diagnostic], skills: list[ParsedSkill], resolved: set[str]
) -> list[Diagnostic]:
    """`diagnostics` with every related name that resolves nowhere as an SK301 error.

    Lint may not have said it (one skill under a profile that checks no references, the rule
    turned off or down in config), but publishing never accepts a dangling reference. A name is
    reported at its first reference, as lint does (later ones are SK303 duplicates); lint's own
    SK301 at that position is kept, as an error.
    """
    from skillreg.collection.refs import UNRESOLVED_REFERENCE
    from skillreg.skill.related import related_references
    from skillreg.skill.syntax_rules import finding

    code = UNRESOLVED_REFERENCE.code
    by_place = {(d.path, d.line, d.col): d for d in diagnostics if d.code == code}
    result = [d for d in diagnostics if d.code != code]
    for skill in skills:
        seen: set[str] = set()
        for ref in related_references(skill):
            if ref.name in resolved or ref.name in seen:
                continue
            seen.add(ref.name)
            place = (skill.display, ref.line, ref.col)
            message = f"no skill named '{ref.name}' in this publish or in the registry"
            own = by_place.pop(place, None) or finding(
                UNRESOLVED_REFERENCE, *place, message, end_col=ref.end_col
            )
            result.append(replace(own, severity=max(own.severity, Severity.ERROR)))
    return sorted([*result, *by_place.values()])


def refusal_message(lint_refused: int, other: int, publishable: int) -> str:
    """The one `error:` line that closes a refused publish."""
    parts = []
    if lint_refused:
        parts.append(f"lint errors in {lint_refused} skill(s)")
    if other:
        parts.append(f"{other} skill(s) refused as listed above")
    more = f" (or --keep-going to publish the other {publishable})" if publishable else ""
    return f"refused: {'; '.join(parts)}; fix them and publish again{more}"
