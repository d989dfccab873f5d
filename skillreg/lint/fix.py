"""`--fix`: safe, mechanical rewrites that never change what a file means.

Removes a UTF-8 BOM, turns CRLF into LF, and quotes an unquoted `version` whose text is a
SemVer-like number (`version: 1.0` -> `version: "1.0"`): the value every YAML 1.1 reader turns into
a float was meant as the string the author typed. Files are replaced atomically.

A SKILL.md that is a symbolic link is fixed in its target when the target lies inside the skill
folder (replacing the link would turn it into a copy); a link leading out of the folder is never
followed to write: that file is left alone and the run says why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import SourceError
from skillreg.lint.field_rules import explicit_tags
from skillreg.lint.schema_rules import SEMVERISH
from skillreg.skill.frontmatter import Frontmatter
from skillreg.skill.parsed import ParsedSkill

_NUMERIC_TAGS = frozenset({"int", "float"})


@dataclass(frozen=True)
class FixResult:
    """What `--fix` did to one file: `written`, or left alone for the reason in `skipped`."""

    written: bool = False
    skipped: str | None = None


def fixed_text(skill: ParsedSkill) -> str | None:
    """The file's fixed text, or None when nothing needs fixing."""
    source = skill.source
    if source is None:
        return None
    text = source.text  # already BOM-free with LF line endings
    if skill.frontmatter is not None:
        tagged = explicit_tags(skill, skill.frontmatter)  # `!!float 1.0` stays what it says
        text = _quote_versions(text, skill.frontmatter, tagged)
    changed = source.bom or source.crlf or text != source.text
    return text if changed else None


def _quote_versions(text: str, fm: Frontmatter, tagged: Collection[tuple[int, int]]) -> str:
    edits = []
    for key, entry in fm.entries.items():
        if (
            key
            and key[-1] == "version"
            and entry.plain
            and entry.tag in _NUMERIC_TAGS
            and entry.raw is not None
            and entry.span.line == entry.span.end_line
            and (entry.span.line, entry.span.col) not in tagged
            and SEMVERISH.fullmatch(entry.raw)
        ):
            edits.append(entry.span)
    if not edits:
        return text
    lines = text.split("\n")
    for span in sorted(edits, key=lambda s: (s.line, s.col), reverse=True):
        line = lines[span.line - 1]
        start, end = span.col - 1, span.end_col - 1
        lines[span.line - 1] = f'{line[:start]}"{line[start:end]}"{line[end:]}'
    return "\n".join(lines)


def fix_skill(skill: ParsedSkill) -> FixResult:
    """Apply the fixes to `skill`'s file (to a symlink's target inside the skill folder).

    Raises `SourceError` when the file cannot be written.
    """
    text = fixed_text(skill)
    if text is None:
        return FixResult()
    target, why_not = _write_target(skill.path, skill.folder)
    if target is None:
        return FixResult(skipped=why_not)
    try:
        write_atomic(target, text)  # keeps the file's mode
    except OSError as exc:
        message = f"{skill.display}: cannot write the fixed file: {exc.strerror or exc}"
        raise SourceError(message, path=skill.path) from None
    return FixResult(written=True)


def _write_target(path: Path, folder: Path) -> tuple[Path | None, str]:
    """The file to write for `path`: itself, or the target of a link that stays inside `folder`;
    else None and why not."""
    if not path.is_symlink():
        return path, ""
    try:
        target, root = path.resolve(strict=True), folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a dangling link or a loop (RuntimeError before 3.13)
        return None, f"it is a symbolic link that cannot be resolved ({exc})"
    if not target.is_relative_to(root):
        return None, f"it is a symbolic link to {target}, outside the skill folder (not followed)"
    return target, ""
