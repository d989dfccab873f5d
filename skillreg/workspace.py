"""Which SKILL.md files a set of paths designates (the skills a command works on)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from skillreg.errors import UsageError
from skillreg.skill import FALLBACK_FILE, SKILL_FILE

SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


def find_skill_files(paths: Iterable[Path]) -> list[Path]:
    """Every skill file under `paths`, sorted and unique.

    A folder is searched recursively, skipping hidden folders, `node_modules` and the like; a file
    is taken as given. A folder holding no SKILL.md but named explicitly yields its would-be path,
    so that linting it reports the missing file. A path that does not exist is a usage error.
    """
    found: dict[str, Path] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir():
            files = list(_walk(path))
            if not files:
                files = [path / SKILL_FILE]
        else:
            files = [path]
        for file in files:
            found.setdefault(os.path.normpath(str(file)), file)
    return [found[key] for key in sorted(found)]


def _walk(root: Path) -> Iterator[Path]:
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        names = {entry.name for entry in entries}
        if SKILL_FILE in names:
            yield Path(folder) / SKILL_FILE
        elif FALLBACK_FILE in names:
            yield Path(folder) / FALLBACK_FILE
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
