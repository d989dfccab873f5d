"""Which skills a set of paths designates, found in one pass over the folders.

Every command that works on "the skills under these paths" (lint, index, graph, publish) starts
here, so they all agree on what a skill is: a folder holding SKILL.md (or skill.md when SKILL.md is
missing), found recursively, skipping hidden folders, `node_modules` and the like. The index also
needs each skill's files; listing them during the same walk saves a second pass over a large tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from skillreg.core.errors import UsageError
from skillreg.skill.parsed import FALLBACK_FILE, SKILL_FILE

SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
_NOT_LISTED = frozenset({"CVS", "_darcs"})  # VCS folders that are not hidden

#: (path relative to the skill folder with `/`, full path, stat) of each file of a skill.
Listing = list[tuple[str, str, os.stat_result]]


def find_skill_files(paths: Iterable[Path]) -> list[Path]:
    """Every skill file under `paths`, sorted and unique.

    A folder is searched recursively; a file is taken as given. A path that does not exist, or a
    folder holding no skill at all, is a usage error ("no skills found in PATH"): a finding about
    a SKILL.md nobody wrote would send the user looking for the wrong problem.
    """
    return [Path(file) for file, _ in discover(paths, with_files=False)]


def discover(paths: Iterable[Path], *, with_files: bool = True) -> list[tuple[str, Listing]]:
    """(SKILL.md path, the files of its folder) for every skill under `paths`, sorted by path.

    Paths keep the form they were given in (normalised); the listings are empty unless
    `with_files`. Files below a skill folder belong to the nearest skill above them.
    """
    found: dict[str, Listing] = {}
    explicit: list[str] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or folder")
        given = os.path.normpath(path)
        if not path.is_dir():
            explicit.append(given)
            continue
        walked = _walk(given, with_files)
        if not walked:
            raise UsageError(
                f"no skills found in {given} (a skill is a folder holding a {SKILL_FILE})",
                path=path,
            )
        for file, listing in walked.items():
            found.setdefault(file, listing)
    for file in explicit:
        listing = list(folder_files(os.path.dirname(file) or ".")) if with_files else []
        found.setdefault(file, listing)
    return sorted(found.items())


def _walk(root: str, with_files: bool) -> dict[str, Listing]:
    found: dict[str, Listing] = {}
    stack: list[tuple[str, Listing | None, str]] = [(root, None, "")]
    seen = {os.path.realpath(root)}  # linked folders are followed (installs link skills), once
    while stack:
        folder, listing, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        names = {entry.name for entry in entries}
        skill = (
            SKILL_FILE if SKILL_FILE in names else FALLBACK_FILE if FALLBACK_FILE in names else ""
        )
        if skill:
            listing, prefix = [], ""
            found[os.path.join(folder, skill)] = listing
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir():
                    if name not in SKIPPED_DIRS and _first_visit(entry, seen):
                        owner = None if name in _NOT_LISTED else listing
                        stack.append((entry.path, owner, f"{prefix}{name}/"))
                elif with_files and listing is not None and entry.is_file():
                    listing.append((prefix + name, entry.path, entry.stat()))
            except OSError:
                continue  # vanished while listed
    return found


def folder_files(folder: str) -> Iterator[tuple[str, str, os.stat_result]]:
    """The files of the skill in `folder`: skipping what the walk skips, and nested skills."""
    stack = [(folder, "")]
    while stack:
        current, prefix = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name[0] == "." or name in SKIPPED_DIRS or name in _NOT_LISTED:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not _holds_skill(entry.path):
                        stack.append((entry.path, f"{prefix}{name}/"))
                elif entry.is_file():
                    yield prefix + name, entry.path, entry.stat()
            except OSError:
                continue


def _first_visit(entry: os.DirEntry[str], seen: set[str]) -> bool:
    """False for a folder reached before (a link cycle, or two links to one folder)."""
    if not entry.is_symlink():
        return True
    real = os.path.realpath(entry.path)
    if real in seen:
        return False
    seen.add(real)
    return True


def _holds_skill(folder: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, name)) for name in (SKILL_FILE, FALLBACK_FILE))
