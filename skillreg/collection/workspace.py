"""Which skills a set of paths designates, found in one pass over the folders.

Every command that works on "the skills under these paths" (lint, index, graph, publish) starts
here, so they all agree on what a skill is: a folder holding SKILL.md (or skill.md when SKILL.md is
missing), found recursively, skipping hidden folders, `node_modules` and the like. The index also
needs each skill's files; listing them during the same walk saves a second pass over a large tree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from skillreg.core.errors import UsageError
from skillreg.skill.parsed import FALLBACK_FILE, SKILL_FILE

SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
_NOT_LISTED = frozenset({"CVS", "_darcs"})  # VCS folders that are not hidden

#: (path relative to the skill folder with `/`, full path, what `file_info` said) of each file of a
#: skill (`os.stat` by default).
Listing = list[tuple[str, str, Any]]

#: A folder's entries as (name, kind): "d" a folder, "D" a link to a folder, "f" a file (or a link
#: to one), "" anything else.
Lister = Callable[[str], Iterable[tuple[str, str]]]


def list_folder(folder: str) -> list[tuple[str, str]]:
    """The entries of `folder` (`Lister`'s form); raises `OSError` when it cannot be read."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                if entry.is_dir():
                    kind = "D" if entry.is_symlink() else "d"
                else:
                    kind = "f" if entry.is_file() else ""
            except OSError:
                kind = ""  # vanished while listed
            found.append((entry.name, kind))
    return found


def find_skill_files(paths: Iterable[Path]) -> list[Path]:
    """Every skill file under `paths`, sorted and unique.

    A folder is searched recursively; a file is taken as given. A path that does not exist, or a
    folder holding no skill at all, is a usage error ("no skills found in PATH"): a finding about
    a SKILL.md nobody wrote would send the user looking for the wrong problem.
    """
    return [Path(file) for file, _ in discover(paths, with_files=False)]


def discover(
    paths: Iterable[Path],
    *,
    with_files: bool = True,
    lister: Lister = list_folder,
    file_info: Callable[[str], Any] = os.stat,
) -> list[tuple[str, Listing]]:
    """(SKILL.md path, the files of its folder) for every skill under `paths`, sorted by path.

    Paths keep the form they were given in (normalised); the listings are empty unless
    `with_files`. Files below a skill folder belong to the nearest skill above them. `lister`
    reads a folder (the index answers from its cache for folders that did not change) and
    `file_info` describes each listed file.
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
        walked = _walk(given, with_files, lister, file_info)
        if not walked:
            raise UsageError(
                f"no skills found in {given} (a skill is a folder holding a {SKILL_FILE})",
                path=path,
            )
        for file, listing in walked.items():
            found.setdefault(file, listing)
    for file in explicit:
        folder = os.path.dirname(file) or "."
        listing = list(folder_files(folder, file_info)) if with_files else []
        found.setdefault(file, listing)
    return sorted(found.items())


def _walk(
    root: str, with_files: bool, lister: Lister, file_info: Callable[[str], Any]
) -> dict[str, Listing]:
    found: dict[str, Listing] = {}
    stack: list[tuple[str, Listing | None, str]] = [(root, None, "")]
    seen = {os.path.realpath(root)}  # linked folders are followed (installs link skills), once
    while stack:
        folder, listing, prefix = stack.pop()
        try:
            entries = list(lister(folder))
        except OSError:
            continue
        base = folder if folder.endswith(os.sep) else folder + os.sep  # os.path.join, faster
        names = {name for name, _ in entries}
        skill = (
            SKILL_FILE if SKILL_FILE in names else FALLBACK_FILE if FALLBACK_FILE in names else ""
        )
        if skill:
            listing, prefix = [], ""
            found[base + skill] = listing
        for name, kind in entries:
            if name[0] == "." or not kind:
                continue
            path = base + name
            if kind == "f":
                if with_files and listing is not None:
                    try:
                        listing.append((prefix + name, path, file_info(path)))
                    except OSError:
                        continue  # vanished while listed
            elif name not in SKIPPED_DIRS and (kind == "d" or _first_visit(path, seen)):
                owner = None if name in _NOT_LISTED else listing
                stack.append((path, owner, f"{prefix}{name}/"))
    return found


def folder_files(
    folder: str, file_info: Callable[[str], Any] = os.stat
) -> Iterator[tuple[str, str, Any]]:
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
                    yield prefix + name, entry.path, file_info(entry.path)
            except OSError:
                continue


def _first_visit(path: str, seen: set[str]) -> bool:
    """False for a linked folder reached before (a link cycle, or two links to one folder)."""
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True


def _holds_skill(folder: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, name)) for name in (SKILL_FILE, FALLBACK_FILE))
