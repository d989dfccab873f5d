"""Reading a tree of skills for the index: each folder's files, their hashes, each SKILL.md summary.

The expensive part of indexing is parsing and linting; a `SkillSummary` is everything the index
needs from one SKILL.md: its fields and its lint findings before selection and suppression (see
`skillreg.index.build` for what is done with them). It is a function of the file's bytes, its path
and
the lint plan, plus whether its relative link targets exist: the cache keys it by the bytes' hash
and the path (one cache per plan) and re-checks the link targets before reusing it. Work that the
cache cannot answer is done in worker processes when there is enough of it to pay for them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.collection.cache import ParseCache, sha256_file, stat_key
from skillreg.collection.workspace import Listing
from skillreg.core.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from skillreg.lint.checks import Plan
    from skillreg.skill.parsed import ParsedSkill
    from skillreg.skill.related import Reference

PARALLEL_THRESHOLD = 200  # below this many parses a process pool costs more than it saves


@dataclass(frozen=True, slots=True)
class SkillSummary:
    """What the index records about one SKILL.md (see the module docstring for what it depends on).

    Findings are packed as (code, rule, severity, line, col, message, end_line, end_col):
    `findings` are the file's own, `ref_findings` those about its Related Skills that need no other
    skill; `unresolved` are the references (name, line, col, end_col) that name neither this
    skill nor one listed before, which resolve or not against the whole collection.
    """

    name: str | None
    description: str | None
    version: str | None
    tier: str | None
    category: str | None
    council: str | None
    license: str | None
    sections: tuple[str, ...]
    size: int
    lines: int
    tokens: int
    related: tuple[tuple[str, str], ...]  # (name, reason) in file order
    readable: bool  # the text could be read: the skill declares its name to the collection
    findings: tuple[tuple[Any, ...], ...]
    directives: tuple[tuple[int, int, int, tuple[str, ...]], ...]  # suppression comments
    ref_findings: tuple[tuple[Any, ...], ...]
    unresolved: tuple[tuple[str, int, int, int | None], ...]
    links: tuple[tuple[str, str], ...]  # (relative target, its problem's code or "")

    def to_cache(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    @classmethod
    def from_cache(cls, value: tuple[Any, ...]) -> SkillSummary | None:
        try:
            return cls(*value)
        except TypeError:
            return None


@dataclass(frozen=True, slots=True)
class ScannedSkill:
    """One skill folder as the index sees it; `sha256` is None when SKILL.md cannot be read."""

    folder: str  # absolute
    skill_file: str
    sha256: str | None
    summary: SkillSummary
    files: tuple[tuple[str, str, int], ...]  # (relative path, sha256, size), sorted


def summarize(path: Path, plan: Plan) -> SkillSummary:
    """Parse and lint one SKILL.md into its summary (runs in worker processes too)."""
    from skillreg.lint.checks import check_file, link_verdicts
    from skillreg.skill.related import RELATED_SKILLS, metadata_references, related_references

    result = check_file(path, plan)
    skill = result.skill
    meta = skill.metadata
    source, body = skill.source, skill.body
    text = source.text if source is not None else ""
    sections = tuple(s.heading.text for s in body.sections(2)) if body is not None else ()
    related = related_references(skill)
    title = plan.profile.related_section or RELATED_SKILLS
    refs = related if title == RELATED_SKILLS else related_references(skill, title)
    key = plan.profile.related_metadata
    listed = metadata_references(skill, key)[0] if key else []
    ref_findings, unresolved = _local_references(skill, title, [*refs, *listed], key)
    related = [*related, *listed]  # the profile reads both lists: the graph shows both
    return SkillSummary(
        skill.name,
        skill.description,
        skill.version,
        _text(meta.get("tier")),
        _text(meta.get("category")),
        _text(meta.get("council")),
        skill.license,
        sections,
        source.size if source is not None else 0,
        text.count("\n") + (1 if text and not text.endswith("\n") else 0),
        (len(text) + 3) // 4,
        tuple((ref.name, ref.reason) for ref in related),
        source is not None,
        tuple(pack(d) for d in result.diagnostics),
        tuple((d.line, d.col, d.target, d.codes) for d in result.directives),
        ref_findings,
        unresolved,
        link_verdicts(skill),
    )


def _local_references(
    skill: ParsedSkill, title: str, refs: Sequence[Reference], key: str | None
) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[str, int, int, int | None], ...]]:
    """The skill's reference findings as if it were alone, split into those that stay true in
    any collection and the references that were unresolved only because it was alone."""
    from skillreg.collection.refs import UNRESOLVED_REFERENCE, check_references

    named = {(ref.line, ref.col): ref.name for ref in refs}
    kept: list[tuple[Any, ...]] = []
    unresolved: list[tuple[str, int, int, int | None]] = []
    for diag in check_references([skill], section_title=title, metadata_key=key):
        if diag.code == UNRESOLVED_REFERENCE.code:
            unresolved.append((named[diag.line, diag.col], diag.line, diag.col, diag.end_col))
        else:
            kept.append(pack(diag))
    return tuple(kept), tuple(unresolved)


def pack(d: Diagnostic) -> tuple[Any, ...]:
    """A finding as plain values (its path is the skill file's, known to whoever unpacks it)."""
    return (d.code, d.rule, int(d.severity), d.line, d.col, d.message, d.end_line, d.end_col)


def unpack(packed: tuple[Any, ...], path: str) -> Diagnostic:
    code, rule, severity, line, col, message, end_line, end_col = packed
    return Diagnostic(path, line, col, code, rule, Severity(severity), message, end_line, end_col)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _work(tasks: Sequence[tuple[str, str]], plan: Plan) -> list[tuple[str, Any]]:
    """Run a chunk of ("hash", path) and ("parse", path) tasks; the worker's entry point."""
    results: list[tuple[str, Any]] = []
    for kind, path in tasks:
        try:
            if kind == "hash":
                results.append((path, sha256_file(path)))
            else:
                results.append((path, _parse_task(path, plan)))
        except OSError:
            results.append((path, None))
    return results


def _parse_task(path: str, plan: Plan) -> tuple[str, tuple[Any, ...], bool]:
    """Hash, parse and lint SKILL.md; `stable` says no write happened between the two reads."""
    before = os.stat(path)
    sha = sha256_file(path)
    summary = summarize(Path(path), plan)
    after = os.stat(path)
    return sha, summary.to_cache(), stat_key(before) == stat_key(after)


def run_tasks(tasks: list[tuple[str, str]], jobs: int | None, plan: Plan) -> dict[str, Any]:
    """Results by path; uses a process pool when there are enough parses to pay for it."""
    parses = sum(1 for kind, _ in tasks if kind == "parse")
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or parses <= PARALLEL_THRESHOLD:
        return dict(_work(tasks, plan))
    size = max(1, len(tasks) // (workers * 4))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    from concurrent.futures import ProcessPoolExecutor

    results: dict[str, Any] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk in pool.map(functools.partial(_work, plan=plan), chunks):
            results.update(chunk)
    return results


def scan(
    listings: Sequence[tuple[str, Listing]],
    cache: ParseCache,
    plan: Plan,
    jobs: int | None = None,
) -> list[ScannedSkill]:
    """Every skill's hashes and summary under `plan`, asking the cache first.

    `listings` pairs each absolute SKILL.md path with its folder's files (`workspace.discover`).
    """
    tasks: list[tuple[str, str]] = []
    known: dict[str, Any] = {}
    for file, listed in listings:
        for _, path, st in listed:
            sha = cache.file_hash(path, st)
            if path != file:
                if sha is None:
                    tasks.append(("hash", path))
                else:
                    known[path] = sha
            elif sha is not None and (summary := _cached(cache, sha, path)) is not None:
                known[path] = (sha, summary, True)
            else:
                tasks.append(("parse", path))
    fresh = run_tasks(tasks, jobs, plan)
    known.update(fresh)
    return [_assemble(file, listed, known, fresh, cache, plan) for file, listed in listings]


def _key(sha: str, path: str) -> str:
    return f"{sha} {path}"


def _cached(cache: ParseCache, sha: str, path: str) -> SkillSummary | None:
    """The recorded summary of these bytes at this path, if its link targets are as they were."""
    from skillreg.lint.checks import links_unchanged

    value = cache.summary(_key(sha, path))
    summary = SkillSummary.from_cache(value) if value is not None else None
    if summary is None or not links_unchanged(os.path.dirname(path), summary.links):
        return None
    return summary


def _assemble(
    file: str,
    listed: Listing,
    known: dict[str, Any],
    fresh: Collection[str],
    cache: ParseCache,
    plan: Plan,
) -> ScannedSkill:
    """One skill from its listed files and their results; records fresh results in the cache."""
    files = []
    skill_sha: str | None = None
    summary: SkillSummary | None = None
    for rel, path, st in listed:
        result = known.get(path)
        if result is None:
            continue  # vanished or unreadable since it was listed
        if path == file:
            skill_sha, cached, stable = result
            summary = cached if path not in fresh else SkillSummary.from_cache(cached)
            if summary is None:  # a cache entry of another shape: recompute
                summary, stable = summarize(Path(file), plan), False
            if stable and path in fresh:
                cache.remember_hash(path, st, skill_sha)
                cache.remember_summary(_key(skill_sha, path), summary.to_cache())
            result = skill_sha
        elif path in fresh:
            cache.remember_hash(path, st, result)
        files.append((rel, result, st.st_size))
    if summary is None:  # no readable SKILL.md: let the parser say why
        summary = summarize(Path(file), plan)
    return ScannedSkill(os.path.dirname(file), file, skill_sha, summary, tuple(sorted(files)))
