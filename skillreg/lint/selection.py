"""Which rules apply to which file, and at what severity (config + command line combined)."""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.errors import UsageError
from skillreg.lint import catalog
from skillreg.lint.settings import LintSettings

_META = frozenset({catalog.UNUSED_SUPPRESSION.code, catalog.UNKNOWN_SUPPRESSION.code})


class Selection(NamedTuple):
    """The enabled codes, the per-file exceptions and the severity overrides of one run."""

    enabled: frozenset[str]
    per_file: tuple[tuple[str, frozenset[str]], ...]
    severity: Mapping[str, Severity]
    root: Path

    def enabled_for(self, display: str) -> frozenset[str]:
        if not self.per_file:
            return self.enabled
        relative = _relative(display, self.root)
        ignored: set[str] = set()
        for glob, codes in self.per_file:
            if path_matches(relative, glob):
                ignored.update(codes)
        return self.enabled - ignored

    def keep(self, diagnostics: Iterable[Diagnostic], enabled: frozenset[str]) -> list[Diagnostic]:
        return [d for d in diagnostics if d.code in enabled]

    def finish(self, diagnostics: list[Diagnostic], enabled: frozenset[str]) -> list[Diagnostic]:
        """Drop meta findings that are disabled and apply severity overrides."""
        kept = [d for d in diagnostics if d.code not in _META or d.code in enabled]
        if not self.severity:
            return kept
        return [
            dataclasses.replace(d, severity=self.severity[d.code]) if d.code in self.severity else d
            for d in kept
        ]


def build_selection(
    settings: LintSettings, select: tuple[str, ...] | None, ignore: tuple[str, ...]
) -> Selection:
    """Command-line `select` replaces the config's; `ignore` adds to it."""
    every = frozenset(catalog.all_rules())
    enabled = settings.select if settings.select is not None else every
    if select is not None:
        enabled = _expand(select, "--select")
    enabled = enabled - settings.ignore - _expand(ignore, "--ignore")
    off = {code for code, level in settings.severity.items() if level is None}
    levels = {code: level for code, level in settings.severity.items() if level is not None}
    return Selection(enabled - off, settings.per_file_ignores, levels, settings.root)


def _expand(selectors: tuple[str, ...], option: str) -> frozenset[str]:
    parts = [part for text in selectors for part in text.split(",") if part.strip()]
    codes, unknown = catalog.expand(parts)
    if unknown:
        raise UsageError(f"{option}: unknown rule(s) {', '.join(unknown)} (see `skill rules`)")
    return codes


def excluded(display: str, globs: tuple[str, ...], root: Path) -> bool:
    """True when the file matches one of the config's `exclude` globs."""
    relative = _relative(display, root)
    return any(path_matches(relative, glob) for glob in globs)


def _relative(display: str, root: Path) -> str:
    absolute = os.path.abspath(display)
    try:
        return Path(absolute).relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(display).as_posix()


def path_matches(relative: str, glob: str) -> bool:
    """Gitignore-like: a glob without a slash matches any path component, one with a slash a
    leading part of the path (so a folder's glob covers everything under it)."""
    glob = glob.strip("/")
    parts = relative.split("/")
    if "/" not in glob:
        return any(fnmatch.fnmatchcase(part, glob) for part in parts)
    return any(fnmatch.fnmatchcase("/".join(parts[:i]), glob) for i in range(1, len(parts) + 1))
