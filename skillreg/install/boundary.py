"""The project boundary: what a project's own files ask for lands inside that project, nowhere else.

A cloned project's ``skills.lock``, manifest and ``skill.toml`` are untrusted; they name skills,
agents and ``dirs`` that become folders. In project scope every folder an install, update or
remove writes to or deletes from is checked here *at the moment of the write*, on its real path
(every symlink resolved): it must be the project root or below it. Folders are created one
level at a time, each checked, so a committed symlink (``.claude -> ~/.claude``) is never
created through; renames and deletions then go through a descriptor of the checked folder, so
a link swapped in after the check does not redirect them.

Committed symlinked agent folders are resolved and checked the same way: one that stays inside
the project (``.claude/skills -> ../.agents/skills``) is used, one that leaves it is refused.
Global scope (only from ``-g``; the lock is then the user's own) has no boundary.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from skillreg.core.errors import InstallError


class Boundary(NamedTuple):
    """`root` is the real path of the project root; None means no limit (global scope)."""

    root: Path | None

    @classmethod
    def of(cls, root: Path, scope: str) -> Boundary:
        return cls(Path(os.path.realpath(root)) if scope == "project" else None)

    def contains(self, path: Path) -> bool:
        """Whether `path`, every link in it resolved, is the root or below it."""
        if self.root is None:
            return True
        real = Path(os.path.realpath(path))
        return real == self.root or self.root in real.parents

    def check(self, path: Path) -> None:
        """Raise `InstallError` unless `path` resolves inside the root (`path` need not exist)."""
        if not self.contains(path):
            raise InstallError(
                f"{path}: leads to {os.path.realpath(path)}, outside the project ({self.root});"
                " a project's files can only place skills inside it (remove the symlink that"
                " leads out, or install user-wide with -g)",
                path=path,
            )

    def make_dirs(self, folder: Path) -> None:
        """Create `folder` and any missing parents, checking each level before and after."""
        if self.root is None:
            folder.mkdir(parents=True, exist_ok=True)
            return
        self.check(folder)
        missing: list[Path] = []
        level = folder
        while not level.is_dir() and level != level.parent:
            missing.append(level)
            level = level.parent
        for path in reversed(missing):
            self.check(path)
            try:
                path.mkdir()
            except FileExistsError:
                if not path.is_dir():
                    raise
            self.check(path)  # a link swapped in while we looked is caught here

    @contextmanager
    def opened(self, folder: Path) -> Iterator[int]:
        """A descriptor of `folder`, proven to be the checked folder inside the root.

        Renames and unlinks relative to it (``dir_fd=``) cannot be redirected by a symlink that
        replaces a parent folder after this check.
        """
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if self.root is not None:
                real = Path(os.path.realpath(folder))
                opened, named = os.fstat(fd), os.stat(real)
                if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
                    raise InstallError(f"{folder}: changed while it was being checked", path=folder)
                self.check(real)
            yield fd
        finally:
            os.close(fd)
