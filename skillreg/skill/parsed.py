"""A parsed skill: one SKILL.md read, its frontmatter composed and its body outlined.

`parse_skill` never raises for bad content: what it cannot read becomes a finding in
`ParsedSkill.diagnostics` and the parts it could not build are None.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from skillreg.core.diagnostics import Diagnostic
from skillreg.skill import syntax_rules as sr
from skillreg.skill.fence import split
from skillreg.skill.markdown import Body, parse_body
from skillreg.skill.source import DEFAULT_MAX_BYTES, Source, leaves_folder, read_source

if TYPE_CHECKING:  # imported where frontmatter is composed: it imports PyYAML
    from skillreg.skill.frontmatter import Frontmatter

SKILL_FILE = "SKILL.md"
FALLBACK_FILE = "skill.md"  # accepted when SKILL.md is missing, as the reference validator does


class ParsedSkill(NamedTuple):
    """A named tuple, like the records inside it: making a frozen dataclass costs about a
    millisecond at import, which every one-skill `skill lint` pays."""

    path: Path  # the SKILL.md (or where it should be)
    folder: Path
    source: Source | None
    frontmatter: Frontmatter | None
    body: Body | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def display(self) -> str:
        """The path as findings show it."""
        return str(self.path)

    @property
    def data(self) -> dict[str, Any]:
        fm = self.frontmatter
        return fm.data if fm is not None and isinstance(fm.data, dict) else {}

    def _string(self, value: Any) -> str | None:
        return value if isinstance(value, str) else None

    @property
    def name(self) -> str | None:
        return self._string(self.data.get("name"))

    @property
    def description(self) -> str | None:
        return self._string(self.data.get("description"))

    @property
    def metadata(self) -> dict[str, Any]:
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def version(self) -> str | None:
        return self._string(self.metadata.get("version"))

    @property
    def license(self) -> str | None:
        return self._string(self.data.get("license"))


def skill_file(path: Path) -> Path:
    """The SKILL.md a path designates: the file itself, or the one in the folder."""
    if path.is_dir():
        primary = path / SKILL_FILE
        if not primary.exists() and (path / FALLBACK_FILE).is_file():
            return path / FALLBACK_FILE
        return primary
    return path


def parse_skill(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, compose: bool = True
) -> ParsedSkill:
    """Parse the skill at `path` (a folder or its SKILL.md). With `compose` false the
    frontmatter is only found, not read as YAML: `frontmatter` is None and there are no
    findings about it (for a reader of the text and body only, such as the audit)."""
    file = skill_file(path)
    display = os.path.normpath(str(file))
    folder = file.parent
    if not file.is_file():
        missing = sr.finding(sr.MISSING_SKILL_FILE, display, 1, 1, f"no {SKILL_FILE} in {folder}")
        return ParsedSkill(file, folder, None, None, None, (missing,))
    if leaves_folder(file):
        message = f"{SKILL_FILE} is a symlink to a file outside the skill folder (not read)"
        return ParsedSkill(
            file,
            folder,
            None,
            None,
            None,
            (sr.finding(sr.SYMLINK_OUTSIDE, display, 1, 1, message),),
        )
    source, findings = read_source(file, display, max_bytes)
    if source is None:
        return ParsedSkill(file, folder, None, None, None, tuple(findings))
    frontmatter, body = _parse_text(source.text, display, findings, compose)
    return ParsedSkill(file, folder, source, frontmatter, body, tuple(findings))


def _parse_text(
    text: str, display: str, findings: list[Diagnostic], compose: bool = True
) -> tuple[Frontmatter | None, Body | None]:
    bounds = split(text)
    if bounds is None:
        findings.append(
            sr.finding(
                sr.MISSING_FRONTMATTER,
                display,
                1,
                1,
                "file does not start with a `---` frontmatter line",
            )
        )
        return None, parse_body(text, 1)
    _, closing = bounds
    if closing < 0:
        findings.append(
            sr.finding(
                sr.UNTERMINATED_FRONTMATTER,
                display,
                1,
                1,
                "frontmatter opened on line 1 is never closed by `---`",
            )
        )
        return None, None  # where the body starts is unknown: no body rule can judge it
    lines_before = text.split("\n", closing + 1)
    yaml_text = "\n".join(lines_before[1:closing]) + "\n"
    body_text = lines_before[closing + 1] if len(lines_before) > closing + 1 else ""
    frontmatter = None
    if compose:
        from skillreg.skill.frontmatter import parse

        frontmatter, fm_findings = parse(yaml_text, 2, closing + 1, display)
        findings.extend(fm_findings)
    return frontmatter, parse_body(body_text, closing + 2)
