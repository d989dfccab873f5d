"""`--fix`: safe, mechanical rewrites that never change what a file means.

Removes a UTF-8 BOM, turns CRLF into LF, and quotes an unquoted `version` whose text is a
SemVer-like number (`version: 1.0` -> `version: "1.0"`): the value every YAML 1.1 reader turns into
a float was meant as the string the author typed. Files are replaced atomically.
"""

from __future__ import annotations

import re

from skillreg.atomic import write_atomic
from skillreg.errors import SourceError
from skillreg.frontmatter import Frontmatter
from skillreg.skill import ParsedSkill

_SEMVERISH = re.compile(r"\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.+-]+)?")
_NUMERIC_TAGS = frozenset({"int", "float"})


def fixed_text(skill: ParsedSkill) -> str | None:
    """The file's fixed text, or None when nothing needs fixing."""
    source = skill.source
    if source is None:
        return None
    text = source.text  # already BOM-free with LF line endings
    if skill.frontmatter is not None:
        text = _quote_versions(text, skill.frontmatter)
    changed = source.bom or source.crlf or text != source.text
    return text if changed else None


def _quote_versions(text: str, fm: Frontmatter) -> str:
    edits = []
    for key, entry in fm.entries.items():
        if (
            key
            and key[-1] == "version"
            and entry.plain
            and entry.tag in _NUMERIC_TAGS
            and entry.raw is not None
            and entry.span.line == entry.span.end_line
            and _SEMVERISH.fullmatch(entry.raw)
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


def fix_skill(skill: ParsedSkill) -> bool:
    """Apply the fixes to `skill`'s file; True when the file was rewritten."""
    text = fixed_text(skill)
    if text is None:
        return False
    try:
        write_atomic(skill.path, text)  # keeps the file's mode
    except OSError as exc:
        message = f"{skill.display}: cannot write the fixed file: {exc.strerror or exc}"
        raise SourceError(message, path=skill.path) from None
    return True
