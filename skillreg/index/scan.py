"""Reading a tree of skills for the index: each folder's files, their hashes, each SKILL.md summary.

The expensive part of indexing is parsing and linting; a `SkillSummary` is everything the index
needs from one SKILL.md: its fields and its lint findings before selection and suppression (see
`skillreg.index.build` for what is done with them). It is a function of the file's bytes, its
path and the lint plan, plus whether its relative link targets exist: the cache
(`skillreg.index.cache`) keeps it with the bytes' hash and re-checks the link targets before
reusing it.

A skill becomes one line as soon as it is read (`Record` head, then the JSON pieces of its index
entry and its findings), appended to a spool file, so a large tree is never held in memory; only
the `Record` heads stay, which is what resolving names across the collection needs. Work that the
cache cannot answer is shared with forked processes when there is enough of it to pay for them.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.collection.workspace import Listing
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.index.cache import (
    TABS_WITH_ENTRY,
    Record,
    Spool,
    file_key,
    record_from,
    sha256_file,
)

if TYPE_CHECKING:
    from skillreg.index.cache import IndexCache
    from skillreg.lint.checks import Plan
    from skillreg.skill.parsed import ParsedSkill
    from skillreg.skill.related import Reference, Suspect

PARALLEL_THRESHOLD = 200  # below this many parses, forking costs more than it saves
_CHUNK = 32
#: The index entry's fields that only SKILL.md decides, in the three runs they make among the
#: entry's sorted keys (the others come from the collection: errors, files, missing, name, ...).
FIELDS = (
    ("category", "council", "description"),
    ("license", "lines"),
    ("sections", "sha256", "size", "tier", "tokens", "version"),
)
COMPACT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


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
    name_at: tuple[int, int]  # where `name` is written (1, 1 without one)


def summarize(path: Path, plan: Plan) -> SkillSummary:
    """Parse and lint one SKILL.md into its summary (runs in worker processes too)."""
    from skillreg.lint.checks import check_file, link_verdicts
    from skillreg.skill.related import RELATED_SKILLS, metadata_references, scan

    result = check_file(path, plan)
    skill = result.skill
    meta = skill.metadata
    source, body = skill.source, skill.body
    text = source.text if source is not None else ""
    sections = tuple(s.heading.text for s in body.sections(2)) if body is not None else ()
    scanned = {RELATED_SKILLS: scan(skill, RELATED_SKILLS)}  # each section read once
    title = plan.profile.related_section or RELATED_SKILLS
    if title not in scanned:
        scanned[title] = scan(skill, title)
    key = plan.profile.related_metadata
    listed = metadata_references(skill, key)[0] if key else []
    refs = scanned[title][0]
    ref_findings, unresolved = _local_references(skill, title, [*refs, *listed], key, scanned)
    related = [*scanned[RELATED_SKILLS][0], *listed]  # the profile reads both: the graph shows both
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
        _name_at(skill),
    )


def _local_references(
    skill: ParsedSkill,
    title: str,
    refs: Sequence[Reference],
    key: str | None,
    scanned: dict[str, tuple[list[Reference], list[Suspect]]],
) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[str, int, int, int | None], ...]]:
    """The skill's reference findings as if it were alone, split into those that stay true in
    any collection and the references that were unresolved only because it was alone."""
    from skillreg.collection.refs import UNRESOLVED_REFERENCE, check_references

    def read(_: ParsedSkill, section: str) -> tuple[list[Reference], list[Suspect]]:
        return scanned[section]

    named = {(ref.line, ref.col): ref.name for ref in refs}
    kept: list[tuple[Any, ...]] = []
    unresolved: list[tuple[str, int, int, int | None]] = []
    found = check_references([skill], section_title=title, metadata_key=key, scanner=read)
    for diag in found:
        if diag.code == UNRESOLVED_REFERENCE.code:
            unresolved.append((named[diag.line, diag.col], diag.line, diag.col, diag.end_col))
        else:
            kept.append(pack(diag))
    return tuple(kept), tuple(unresolved)


def _name_at(skill: ParsedSkill) -> tuple[int, int]:
    """Where SK304 points in a skill whose name another skill also declares."""
    fm = skill.frontmatter
    if fm is None or ("name",) not in fm.entries:
        return 1, 1
    span = fm.entries[("name",)].span
    return span.line, span.col


def pack(d: Diagnostic) -> tuple[Any, ...]:
    """A finding as plain values (its path is the skill file's, known to whoever unpacks it)."""
    return (d.code, d.rule, int(d.severity), d.line, d.col, d.message, d.end_line, d.end_col)


def unpack(packed: Sequence[Any], path: str) -> Diagnostic:
    code, rule, severity, line, col, message, end_line, end_col = packed
    return Diagnostic(path, line, col, code, rule, Severity(severity), message, end_line, end_col)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# -- one skill, one line -------------------------------------------------------------------------

#: What the index's `file_info` gives for each listed file: (stat key, size, old enough to trust).
FileInfo = tuple[str, int, bool]


def line_of(head: list[Any], parts: Sequence[bytes]) -> bytes:
    """A cache line: the `Record` head, then the fragments."""
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"\t".join([text, *parts]) + b"\n"


def _parts(summary: SkillSummary, sha: str | None) -> list[bytes]:
    """The entry's pieces that SKILL.md alone decides, its Related Skills (name, reason) in file
    order, and its findings for `skillreg.index.lint` (all severities, suppressions)."""
    values = {
        "category": summary.category,
        "council": summary.council,
        "description": summary.description,
        "license": summary.license,
        "lines": summary.lines,
        "sections": list(summary.sections),
        "sha256": sha,
        "size": summary.size,
        "tier": summary.tier,
        "tokens": summary.tokens,
        "version": summary.version,
    }
    pieces = [COMPACT.encode({k: values[k] for k in run})[1:-1] for run in FIELDS]
    pieces.append(COMPACT.encode(summary.related))
    lint = [summary.findings, summary.directives, summary.ref_findings]
    pieces.append(COMPACT.encode(lint))
    return [piece.encode("utf-8") for piece in pieces]


def files_part(joined: str) -> bytes:
    """The entry's `files` from the flat (path, key, sha256, size) list, sorted by path."""
    files = joined.split("\0") if joined else []
    rows = [
        {"path": files[i], "sha256": files[i + 2], "size": int(files[i + 3])}
        for i in range(0, len(files), 4)
    ]
    return COMPACT.encode(rows).encode("utf-8")


def _head(file: str, files: str, sha: str | None, summary: SkillSummary, stable: bool) -> list[Any]:
    folder, skill_file = os.path.split(file)
    s = summary
    name = s.name.strip() if s.name and s.name.strip() else os.path.basename(folder)
    ref_errors = [
        [f[3], f[4], f[0], f[5]] for f in s.ref_findings if f[2] >= Severity.ERROR
    ]  # found alone: none at the rules' own severities, but a profile may say otherwise
    errors = [[f[3], f[4], f[0], f[5]] for f in s.findings if f[2] >= Severity.ERROR]
    return Record(folder, skill_file, files, sha, [list(link) for link in s.links], name,
                  s.readable, *s.name_at, [name for name, _ in s.related],
                  [list(u) for u in s.unresolved], errors, ref_errors, bool(s.directives),
                  stable, (0, 0, 0)).head()  # fmt: skip


def index_skill(file: str, listed: Listing, old: Record | None, spool: Spool, plan: Plan) -> Record:
    """Hash `file`'s folder (what changed since `old`) and summarize it (unless `old` still
    holds for its bytes); the line goes to `spool`."""
    from skillreg.lint.checks import links_unchanged

    known: dict[str, tuple[str, str]] = {}
    if old is not None:
        f = old.file_rows()
        known = {f[i]: (f[i + 1], f[i + 2]) for i in range(0, len(f), 4)}
    rows: list[tuple[str, str, str, int]] = []
    skill_sha: str | None = None
    skill_key = ""
    for rel, path, (key, size, trusted) in sorted(listed):
        prev = known.get(rel)
        if prev is not None and prev[0] and prev[0] == key:
            sha = prev[1]
        else:
            try:
                sha = sha256_file(path)
            except OSError:
                continue  # vanished or unreadable since it was listed
        rows.append((rel, key if trusted else "", sha, size))
        if path == file:
            skill_sha, skill_key = sha, key
    files = "\0".join(str(x) for row in rows for x in row)
    reuse = (
        old is not None
        and skill_sha is not None
        and old.sha256 == skill_sha
        and old.stable
        and links_unchanged(old.folder, tuple((t, c) for t, c in old.links))
    )
    fields: list[bytes] = []
    if reuse:
        assert old is not None
        fields = spool.read(old.where).rstrip(b"\n").split(b"\t")
    if len(fields) in (7, TABS_WITH_ENTRY + 1):  # else a damaged cache's line: parse again
        assert old is not None
        head = old.head()
        head[2] = files
        fields[4] = files_part(files)
        line = line_of(head, fields[1:7])  # not the finished entry: its files changed
    else:
        summary = summarize(Path(file), plan)
        stable = skill_sha is None or file_key(file) == skill_key
        parts = _parts(summary, skill_sha)
        parts.insert(3, files_part(files))
        line = line_of(_head(file, files, skill_sha, summary, stable), parts)
    where = spool.append(line)
    head_value = json.loads(line[: line.index(b"\t")])
    return record_from(head_value, where)


def reusable(record: Record, listed: Listing) -> bool:
    """Whether `record` still describes the folder: the same files with the same trusted stat
    keys, and every link target as it was."""
    from skillreg.lint.checks import links_unchanged

    files = record.file_rows()
    if not record.stable or len(files) != 4 * len(listed):
        return False
    for i, (rel, _, (key, _, _)) in enumerate(sorted(listed)):
        if files[4 * i] != rel or not key or files[4 * i + 1] != key:
            return False
    return not record.links or links_unchanged(
        record.folder, tuple((t, c) for t, c in record.links)
    )


# -- many skills ---------------------------------------------------------------------------------

Task = tuple[str, Listing, Record | None]


def _work(tasks: Sequence[Task], plan: Plan, spool: Spool) -> tuple[str | None, list[Record]]:
    """Index a chunk of skills with the cyclic GC paused (parsing allocates many small acyclic
    objects); the worker's entry point. Returns this process's spool file and the records."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        records = [index_skill(file, listed, old, spool, plan) for file, listed, old in tasks]
    finally:
        if enabled:
            gc.enable()
    return spool.flush(), records


def run_tasks(tasks: list[Task], jobs: int, plan: Plan, spool: Spool) -> dict[str, Record]:
    """Records by SKILL.md path; shares the work with forked processes when there is enough."""
    from skillreg.lint import parallel

    spool.writer()  # the spool folder exists before any fork
    size = max(_CHUNK, -(-len(tasks) // parallel.MAX_CHUNKS))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    if jobs > 1 and len(tasks) > PARALLEL_THRESHOLD and parallel.can_fork():

        def work(chunk: Sequence[Task]) -> tuple[str | None, list[Record]]:
            return _work(chunk, plan, spool)

        parts = parallel.run_chunks(work, chunks, jobs)
    else:
        parts = [_work(chunk, plan, spool) for chunk in chunks]
    found: dict[str, Record] = {}
    mine = spool.flush()
    for path, records in parts:
        source = spool.writer()[0] if path == mine else spool.adopt(path) if path else 0
        for record in records:
            record.where = (source, record.where[1], record.where[2])
            found[os.path.join(record.folder, record.skill_file)] = record
    return found


def scan(
    listings: Sequence[tuple[str, Listing]], cache: IndexCache, plan: Plan, jobs: int
) -> list[Record]:
    """Every skill's record under `plan`, asking the cache first, in `listings`' order.

    `listings` pairs each absolute SKILL.md path with its folder's files (`workspace.discover`
    with `FileInfo` for each file).
    """
    tasks: list[Task] = []
    reused: dict[str, Record] = {}
    for file, listed in listings:
        old = cache.records.get(file)
        if old is not None and reusable(old, listed):
            reused[file] = old
        else:
            tasks.append((file, listed, old))
    fresh = run_tasks(tasks, jobs, plan, cache.spool) if tasks else {}
    if fresh or len(reused) != len(cache.records):
        cache.changed()
    return [reused[file] if file in reused else fresh[file] for file, _ in listings]


def fresh_fields(record: Record, plan: Plan) -> list[bytes]:
    """A skill's line fields worked out again from its files, for a line the cache damaged."""
    file = os.path.join(record.folder, record.skill_file)
    parts = _parts(summarize(Path(file), plan), record.sha256)
    parts.insert(3, files_part(record.files))
    return [b"", *parts]
