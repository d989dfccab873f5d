"""The lint run's inputs and result: `LintOptions` in, `LintReport` out.

Renderers (`skillreg.report`) and callers (publish, install) code against these two values only.
Both are named tuples: making a frozen dataclass costs about a millisecond at import, which every
one-skill `skill lint` pays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.skill.parsed import ParsedSkill

if TYPE_CHECKING:
    from skillreg.lint.registry_names import NamesReader

_NO_STATUS: Mapping[str, str] = MappingProxyType({})


class LintOptions(NamedTuple):
    """What to lint against; every field left at its default defers to the project config.

    `profile` is a profile name or a path to a profile file. `select`/`ignore`/`extend_select`
    take codes, rule names or code prefixes ("SK2"). `config` is an explicit config file (else
    the nearest one above `cwd` is used unless `use_config` is False).

    `registry` (a folder or URL; else the config's `registry`) is a registry whose catalog names
    resolve Related Skills, read by `registry_reader` (lint does not read registries itself: the
    caller passes `skillreg.registry.lint_names.read_registry_names`); `offline` reads it from the
    cache only. `registry_status` maps further
    names to ``"yanked"`` or ``"deprecated"`` (for callers that read a catalog themselves). With a
    registry or a status, references are checked even when a single skill is linted.

    `collection`: when files are named, their Related Skills also resolve against the other
    skills of the project (`skillreg.lint.neighbours`); a caller with its own notion of what
    resolves (publish: this batch and the target registry) turns it off.
    """

    profile: str | None = None
    known_names: frozenset[str] = frozenset()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None  # None: the config's `fail-on`, else error
    fix: bool = False
    config: Path | None = None
    use_config: bool = True
    cwd: Path | None = None
    max_file_size: int | None = None
    jobs: int | None = None  # None: automatic (parallel only for large trees)
    registry: str | None = None
    offline: bool = False
    registry_status: Mapping[str, str] = _NO_STATUS
    registry_reader: NamesReader | None = None
    collection: bool = True


class LintReport(NamedTuple):
    """Every finding of one run, sorted by path, line, column and code.

    `skills` are the parsed skills in path order. On large runs (work shared between processes,
    or over 2,000 files) they keep only what cross-skill checks read: `source.text` is empty,
    the frontmatter keeps its values but only the `name` entry, and the body holds the level-1/2
    headings and the lines of the profile's related section (see `skillreg.lint.checks.slim`).
    """

    diagnostics: list[Diagnostic]
    skills: list[ParsedSkill]
    profile: str
    fail_on: Severity
    fixed: list[str]  # paths rewritten by --fix
    unfixed: dict[str, str]  # path -> why --fix left it alone

    @property
    def has_errors(self) -> bool:
        return any(d.severity >= Severity.ERROR for d in self.diagnostics)

    @property
    def failed(self) -> bool:
        """True when some finding is at or above `fail_on` (exit code 1)."""
        return any(d.severity >= self.fail_on for d in self.diagnostics)

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity label ("error", "warning", "info")."""
        counter = Counter(d.severity.label for d in self.diagnostics)
        return {s.label: counter.get(s.label, 0) for s in sorted(Severity, reverse=True)}

    @property
    def files(self) -> int:
        return len(self.skills)
