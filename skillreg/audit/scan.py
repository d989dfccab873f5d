"""Running the SK5xx scanners over one file, one SKILL.md, or every file of a skill folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from skillreg.audit import hidden, injection, payloads, reach, secrets
from skillreg.audit.document import Document, Kind
from skillreg.core.diagnostics import Diagnostic
from skillreg.skill.parsed import FALLBACK_FILE, SKILL_FILE, ParsedSkill

#: Larger files are not read: a skill's scripts and references are small, and a scan is bounded.
MAX_FILE_BYTES = 1 << 20
#: Folders never shipped in a bundle, and never worth reading.
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})
_SCRIPT_SUFFIXES = frozenset({
    ".sh", ".bash", ".zsh", ".fish", ".ksh", ".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl",
    ".php", ".ps1", ".psm1", ".bat", ".cmd", ".lua", ".go", ".rs",
})  # fmt: skip
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx"})


def scan_document(doc: Document) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    found.extend(hidden.unicode_findings(doc))
    found.extend(hidden.comment_findings(doc))
    found.extend(hidden.html_findings(doc))
    found.extend(payloads.pipe_findings(doc))
    found.extend(payloads.exec_findings(doc))
    found.extend(payloads.blob_findings(doc))
    found.extend(secrets.secret_findings(doc))
    found.extend(reach.reach_findings(doc))
    found.extend(injection.injection_findings(doc))
    return found


def scan_skill_file(skill: ParsedSkill) -> list[Diagnostic]:
    """The SK5xx findings of a parsed SKILL.md (what `skill lint` adds)."""
    if skill.source is None:
        return []
    return scan_document(Document(skill.display, skill.source.text, Kind.SKILL, skill.body))


def kind_of(relative: str, mode: int, head: str) -> Kind:
    name = relative.rsplit("/", 1)[-1]
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _MARKDOWN_SUFFIXES:
        return Kind.MARKDOWN
    executable = bool(mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
    in_scripts = relative.startswith(("scripts/", "bin/"))
    if suffix in _SCRIPT_SUFFIXES or executable or in_scripts or head.startswith("#!"):
        return Kind.SCRIPT
    return Kind.TEXT


def files_of(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under `folder` (links are not followed), with its relative path."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(root, name)
            yield path, path.relative_to(folder).as_posix()


def read_text(path: Path) -> tuple[str, int] | None:
    """The file's text and mode, or None for what is not a small regular UTF-8 text file."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n"), info.st_mode
    except UnicodeDecodeError:
        return None


def scan_folder(folder: Path, display: str | None = None) -> list[Diagnostic]:
    """Findings in every text file of the skill in `folder` (SKILL.md parsed as Markdown), with
    paths shown under `display` (default: the folder as given)."""
    from skillreg.skill.parsed import parse_skill

    shown = display if display is not None else str(folder)
    found: list[Diagnostic] = []
    for path, relative in files_of(folder):
        where = f"{shown}/{relative}"
        if relative in (SKILL_FILE, FALLBACK_FILE):
            skill = parse_skill(path, max_bytes=MAX_FILE_BYTES, compose=False)
            if skill.source is not None:
                doc = Document(where, skill.source.text, Kind.SKILL, skill.body)
                found.extend(scan_document(doc))
            continue
        read = read_text(path)
        if read is None:
            continue
        text, mode = read
        found.extend(scan_document(Document(where, text, kind_of(relative, mode, text[:2]))))
    return sorted(found)
