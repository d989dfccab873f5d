"""Reading a tree of skills for the index: each folder's files, their hashes, each SKILL.md summary.

The expensive part of indexing is parsing; a `SkillSummary` is everything the index needs from one
SKILL.md, computed from its bytes alone so that the cache can key it by their hash. Work that the
cache cannot answer is done in worker processes when there is enough of it to pay for them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillreg.cache import ParseCache, sha256_file, stat_key
from skillreg.diagnostics import Severity
from skillreg.workspace import Listing

PARALLEL_THRESHOLD = 200  # below this many parses a process pool costs more than it saves


@dataclass(frozen=True, slots=True)
class SkillSummary:
    """What the index records about one SKILL.md; a function of its bytes only."""

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
    errors: tuple[tuple[str, int, int, str], ...]  # (code, line, col, message)

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


def summarize(path: Path) -> SkillSummary:
    """Parse one SKILL.md into its summary (runs in worker processes too)."""
    from skillreg.related import related_references
    from skillreg.skill import parse_skill

    skill = parse_skill(path)
    meta = skill.metadata
    source, body = skill.source, skill.body
    text = source.text if source is not None else ""
    sections = tuple(s.heading.text for s in body.sections(2)) if body is not None else ()
    errors = tuple(
        (d.code, d.line, d.col, d.message)
        for d in skill.diagnostics
        if d.severity >= Severity.ERROR
    )
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
        tuple((ref.name, ref.reason) for ref in related_references(skill)),
        errors,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _work(tasks: Sequence[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Run a chunk of ("hash", path) and ("parse", path) tasks; the worker's entry point."""
    results: list[tuple[str, Any]] = []
    for kind, path in tasks:
        try:
            if kind == "hash":
                results.append((path, sha256_file(path)))
            else:
                results.append((path, _parse_task(path)))
        except OSError:
            results.append((path, None))
    return results


def _parse_task(path: str) -> tuple[str, tuple[Any, ...], bool]:
    """Hash and parse SKILL.md; `stable` says no write happened between the two reads."""
    before = os.stat(path)
    with open(path, "rb") as fh:
        sha = hashlib.file_digest(fh, "sha256").hexdigest()
    summary = summarize(Path(path))
    after = os.stat(path)
    return sha, summary.to_cache(), stat_key(before) == stat_key(after)


def run_tasks(tasks: list[tuple[str, str]], jobs: int | None) -> dict[str, Any]:
    """Results by path; uses a process pool when there are enough parses to pay for it."""
    parses = sum(1 for kind, _ in tasks if kind == "parse")
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or parses <= PARALLEL_THRESHOLD:
        return dict(_work(tasks))
    size = max(1, len(tasks) // (workers * 4))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    from concurrent.futures import ProcessPoolExecutor

    results: dict[str, Any] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk in pool.map(_work, chunks):
            results.update(chunk)
    return results


def scan(
    listings: Sequence[tuple[str, Listing]], cache: ParseCache, jobs: int | None = None
) -> list[ScannedSkill]:
    """Every skill's hashes and summary, asking the cache first.

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
            elif sha is not None and (summary := cache.summary(sha)) is not None:
                known[path] = (sha, summary, True)
            else:
                tasks.append(("parse", path))
    fresh = run_tasks(tasks, jobs)
    known.update(fresh)
    return [_assemble(file, listed, known, fresh, cache) for file, listed in listings]


def _assemble(
    file: str,
    listed: Listing,
    known: dict[str, Any],
    fresh: Collection[str],
    cache: ParseCache,
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
            summary = SkillSummary.from_cache(cached)
            if summary is None:  # a cache entry of another shape: recompute
                summary, stable = summarize(Path(file)), False
            if stable and path in fresh:
                cache.remember_hash(path, st, skill_sha)
                cache.remember_summary(skill_sha, summary.to_cache())
            result = skill_sha
        elif path in fresh:
            cache.remember_hash(path, st, result)
        files.append((rel, result, st.st_size))
    if summary is None:  # no readable SKILL.md: let the parser say why
        summary = summarize(Path(file))
    return ScannedSkill(os.path.dirname(file), file, skill_sha, summary, tuple(sorted(files)))
