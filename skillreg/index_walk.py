"""Finding a tree's skills and listing each skill's files, in one pass over the folders.

The index needs both the SKILL.md files (`skillreg.workspace.find_skill_files`) and every file of
each skill folder. Walking twice doubles the directory reads on a large tree, so this walk follows
the workspace's rules (same skip set, same SKILL.md / skill.md choice, explicit files taken as
given, an explicit folder without a skill standing for its missing SKILL.md) and lists files as it
goes. A test keeps the two in agreement.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from skillreg.errors import UsageError
from skillreg.skill import FALLBACK_FILE, SKILL_FILE
from skillreg.workspace import SKIPPED_DIRS

#: (path relative to the skill folder with `/`, absolute path, stat) of each file.
Listing = list[tuple[str, str, os.stat_result]]

_NOT_LISTED = frozenset({"CVS", "_darcs"})  # VCS folders that are not hidden


def discover(paths: Iterable[Path]) -> list[tuple[str, Listing]]:
    """(absolute SKILL.md path, its folder's files) for every skill under `paths`, sorted."""
    found: dict[str, Listing] = {}
    explicit: list[str] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or folder")
        absolute = os.path.abspath(path)
        if not path.is_dir():
            explicit.append(absolute)
            continue
        walked = _walk(absolute)
        if not walked:
            walked = {os.path.join(absolute, SKILL_FILE): list(folder_files(absolute, set()))}
        for file, listing in walked.items():
            found.setdefault(file, listing)
    folders = {os.path.dirname(file) for file in found}
    for file in explicit:
        found.setdefault(file, list(folder_files(os.path.dirname(file), folders)))
    return sorted(found.items())


def _walk(root: str) -> dict[str, Listing]:
    """Every skill under `root`; files below a skill folder go to the nearest one."""
    found: dict[str, Listing] = {}
    stack: list[tuple[str, Listing | None, str]] = [(root, None, "")]
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
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIPPED_DIRS:
                        owner = None if name in _NOT_LISTED else listing
                        stack.append((entry.path, owner, f"{prefix}{name}/"))
                elif listing is not None and entry.is_file():
                    listing.append((prefix + name, entry.path, entry.stat()))
            except OSError:
                continue  # vanished while listed
    return found


def folder_files(folder: str, skill_folders: set[str]) -> Iterator[tuple[str, str, os.stat_result]]:
    """The files under `folder`, skipping what the walk skips and nested `skill_folders`."""
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
                    if entry.path not in skill_folders:
                        stack.append((entry.path, f"{prefix}{name}/"))
                elif entry.is_file():
                    yield prefix + name, entry.path, entry.stat()
            except OSError:
                continue
