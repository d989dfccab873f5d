"""The index's lint findings: every skill's errors as `skill lint` reports them, from summaries.

Each summary holds its file's own findings before selection and suppression, and its Related Skills
findings as if it were alone (`skillreg.index.scan`). Here, on every run and without parsing, the
references that name no skill of the collection (nor a configured known name) become SK301, names
declared twice SK304 (only those files are parsed again), and then the rule selection, suppression
comments and severity overrides of the project config apply as in `skillreg.lint.runner`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.collection.cache import ParseCache
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.index.scan import ScannedSkill, unpack

if TYPE_CHECKING:
    from skillreg.lint.checks import Plan
    from skillreg.lint.runner import _Setup


def open_cache(roots: Sequence[Path], plan: Plan) -> ParseCache:
    """The tree's cache for this profile, discarded when anything the summaries depend on changed:
    the profile's file and resolved contents (an `extends` parent included) and the size limit.
    Rule selection, suppressions and severities are applied after the cache, on every run."""
    profile = plan.profile
    try:
        raw = profile.path.read_bytes()
    except OSError:
        raw = b""  # a built-in profile inside a zip, say: its contents are hashed below anyway
    parts = [profile.name, hashlib.sha256(raw).hexdigest(), profile.schema_key,
             profile.fingerprint, str(plan.max_bytes)]  # fmt: skip
    fingerprint = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    namespace = f"lint:{profile.path}"
    return ParseCache.open(roots, namespace, fingerprint=fingerprint)


def lint_errors(
    scanned: Sequence[ScannedSkill], names: Sequence[str], setup: _Setup, cache: ParseCache
) -> list[list[dict[str, Any]]]:
    """Each skill's lint findings of severity error, as `skill lint` would report them."""
    from skillreg.lint.runner import finish_file, references_wanted
    from skillreg.lint.suppress import Directive

    by_file: dict[str, list[Diagnostic]] = {}
    if references_wanted(setup, len(scanned)):
        by_file = _references(scanned, names, setup, cache)
    selection = setup.selection
    plain = not selection.per_file and not selection.severity
    result = []
    for skill in scanned:
        display, summary = skill.skill_file, skill.summary
        extra = by_file.get(display, ())
        if plain and not summary.directives and not extra:
            # what `finish_file` leaves of findings when no comment, per-file setting or
            # severity override applies: the enabled ones (skips building 100,000 findings)
            errors = sorted(
                (line, col, code, message)
                for code, _, severity, line, col, message, *_ in summary.findings
                if severity >= Severity.ERROR and code in selection.enabled
            )
        else:
            found = [unpack(packed, display) for packed in summary.findings]
            found.extend(extra)
            directives = [Directive(*d) for d in summary.directives]
            final = finish_file(selection, display, found, directives)
            errors = sorted(
                (d.line, d.col, d.code, d.message) for d in final if d.severity >= Severity.ERROR
            )
        result.append(
            [{"code": c, "line": line, "col": col, "message": m} for line, col, c, m in errors]
        )
    return result


def _references(
    scanned: Sequence[ScannedSkill], names: Sequence[str], setup: _Setup, cache: ParseCache
) -> dict[str, list[Diagnostic]]:
    """Findings about Related Skills over the collection
    (`skillreg.collection.refs.check_references`): each skill's own ones were found alone when it
    was parsed; here its references that name no skill of the collection become SK301, and names
    declared twice SK304."""
    from skillreg.collection.refs import UNRESOLVED_REFERENCE, Suggestions
    from skillreg.skill.syntax_rules import finding

    owners: dict[str, list[str]] = {}
    for skill, name in zip(scanned, names, strict=True):
        if skill.summary.readable:
            owners.setdefault(name, []).append(skill.skill_file)
    known = frozenset(owners) | setup.known_names
    suggest = Suggestions(known, _CacheMemo(known, cache))
    by_file: dict[str, list[Diagnostic]] = {}
    for skill in scanned:
        display = skill.skill_file
        found = [unpack(packed, display) for packed in skill.summary.ref_findings]
        for name, line, col, end_col in skill.summary.unresolved:
            if name not in known:
                message = suggest.unresolved(name)
                found.append(
                    finding(UNRESOLVED_REFERENCE, display, line, col, message, end_col=end_col)
                )
        by_file[display] = found
    for diag in _duplicate_names(owners, setup.plan):
        by_file[diag.path].append(diag)
    return by_file


class _CacheMemo:
    """Keeps "did you mean" answers in the parse cache, keyed by the set of names they were
    chosen from (a rename anywhere in the collection makes them all stale)."""

    def __init__(self, names: frozenset[str], cache: ParseCache) -> None:
        self.digest = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()
        self.cache = cache

    def get(self, name: str) -> str | None:
        value = self.cache.note(f"did-you-mean {self.digest} {name}")
        return value if isinstance(value, str) else None

    def put(self, name: str, close: str) -> None:
        self.cache.remember_note(f"did-you-mean {self.digest} {name}", close)


def _duplicate_names(owners: dict[str, list[str]], plan: Plan) -> list[Diagnostic]:
    """SK304 for every name two skill files declare; only those files are parsed again."""
    from skillreg.collection.refs import DUPLICATE_SKILL_NAME, check_references
    from skillreg.skill.parsed import parse_skill

    files = [file for group in owners.values() if len(group) > 1 for file in group]
    if not files:
        return []
    skills = [parse_skill(Path(file), max_bytes=plan.max_bytes) for file in files]
    return [d for d in check_references(skills) if d.code == DUPLICATE_SKILL_NAME.code]
