"""`skill audit` over folders: every file of every skill scanned by the SK5xx family, with the
project's lint configuration (select, ignore, severity, per-file ignores) and inline suppressions.

Registry bundles and installed skills are unpacked or located by the install layer, which then
calls `audit_folders` on them like on any folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from skillreg.audit.lookalike import imitations
from skillreg.audit.rules import AUDIT_CODES, LOOKALIKE_NAME
from skillreg.audit.scan import read_text, scan_folder
from skillreg.collection.workspace import find_skill_files
from skillreg.core.config import ConfigFile, find_project_config, load_config_file
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.lint import catalog
from skillreg.lint.model import LintReport
from skillreg.lint.selection import Selection, build_selection
from skillreg.lint.settings import parse_settings
from skillreg.skill.parsed import ParsedSkill, parse_skill
from skillreg.skill.syntax_rules import finding

_DISABLE = re.compile(r"skill-lint:\s*(disable-next-line|disable)(?:\s*=\s*|\s+|$)([\w\s,-]*)")


@dataclass(frozen=True)
class AuditOptions:
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    config: Path | None = None
    cwd: Path | None = None
    known_names: frozenset[str] = frozenset()  # other skills a name must not imitate
    #: honour ``skill-lint: disable`` comments; off for bundles from a registry or an install,
    #: whose author must not be able to switch off the checks on their own files
    suppressions: bool = True


def audit_paths(paths: Sequence[Path], options: AuditOptions) -> LintReport:
    """Audit every skill under `paths` (the current folder when empty)."""
    cwd = options.cwd or Path.cwd()
    folders = sorted({file.parent for file in find_skill_files(list(paths) or [cwd])})
    return audit_folders([(folder, str(folder)) for folder in folders], options)


def audit_folders(folders: Iterable[tuple[Path, str]], options: AuditOptions) -> LintReport:
    """Audit each (folder, how its paths are shown) pair."""
    cwd = options.cwd or Path.cwd()
    config = load_config_file(options.config) if options.config else find_project_config(cwd)
    settings = parse_settings(config if isinstance(config, ConfigFile) else ConfigFile(), cwd)
    selection = build_selection(settings, options.select, options.ignore)
    skills: list[ParsedSkill] = []
    kept: list[Diagnostic] = []
    listed = list(folders)
    for folder, shown in listed:
        skill = parse_skill(folder / "SKILL.md")
        skills.append(skill)
        real = folder if options.suppressions else None
        kept.extend(_finish(scan_folder(folder, display=shown), selection, shown, real))
    shown_of = {skill.name: shown for skill, (_, shown) in zip(skills, listed, strict=True)}
    for skill in skills:
        if skill.name:
            found = _lookalike(skill, shown_of[skill.name], skills, options.known_names)
            kept.extend(_finish(found, selection, shown_of[skill.name], None))
    fail_on = options.fail_on or settings.fail_on or Severity.ERROR
    return LintReport(sorted(kept), skills, "audit", fail_on, [], {})


def _lookalike(
    skill: ParsedSkill, shown: str, others: list[ParsedSkill], known: frozenset[str]
) -> list[Diagnostic]:
    name = skill.name
    if not name:
        return []
    names = {s.name for s in others if s.name and s is not skill} | known
    imitated = imitations([name], names).get(name)
    if imitated is None:
        return []
    line = 1
    fm = skill.frontmatter
    if fm is not None and ("name",) in fm.entries:
        line = fm.entries[("name",)].span.line
    message = f"the name {name!r} reads like the skill {imitated!r}"
    return [finding(LOOKALIKE_NAME, f"{shown}/SKILL.md", line, 1, message)]


def _finish(
    found: list[Diagnostic], selection: Selection, shown: str, real: Path | None
) -> list[Diagnostic]:
    kept: list[Diagnostic] = []
    for diagnostic in found:
        enabled = selection.enabled_for(diagnostic.path) & AUDIT_CODES
        if diagnostic.code not in enabled:
            continue
        if real is not None and _suppressed(real / diagnostic.path[len(shown) + 1 :], diagnostic):
            continue
        kept.extend(selection.finish([diagnostic], enabled))
    return kept


def _suppressed(path: Path, diagnostic: Diagnostic) -> bool:
    """Covered by a ``skill-lint:`` comment in the file's own comment syntax (scripts have no
    HTML): ``disable-next-line`` covers the next line; ``disable`` covers its own line, or the
    whole file when written as an HTML comment (as lint reads it in SKILL.md)."""
    read = read_text(path)
    if read is None or "skill-lint:" not in read[0]:
        return False
    for index, text in enumerate(read[0].split("\n"), start=1):
        match = _DISABLE.search(text)
        if match is None:
            continue
        if match.group(1) == "disable-next-line":
            covers = index + 1 == diagnostic.line
        else:
            covers = "<!--" in text[: match.start()] or index == diagnostic.line
        if covers and _names(match.group(2), diagnostic.code):
            return True
    return False


def _names(text: str, code: str) -> bool:
    """Whether the comment's code list is empty (every rule) or names `code`."""
    written = [part for part in re.split(r"[\s,]+", text) if part]
    return not written or any(
        (rule := catalog.lookup(part)) is not None and rule.code == code for part in written
    )
