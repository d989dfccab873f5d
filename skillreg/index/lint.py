"""The index's lint findings: every skill's errors as `skill lint` reports them, from its record.

Each record holds its file's own findings before selection and suppression, and its Related
Skills findings as if it were alone (`skillreg.index.scan`). Here, on every run and without
parsing, the references that name no skill of the collection (nor a configured known name)
become SK301, names declared twice SK304 (at the `name` position the record keeps), and then the
rule selection, suppression comments and severity overrides of the project config apply as in
`skillreg.lint.runner`. When no comment, per-file setting or severity override applies (the
common case), only the records' errors are read; otherwise the skill's packed findings are read
back from its line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.index.cache import IndexCache, Record
from skillreg.index.scan import unpack

if TYPE_CHECKING:
    from skillreg.lint.checks import Plan
    from skillreg.lint.runner import _Setup

Error = tuple[int, int, str, str]  # line, col, code, message
_SK301, _SK304 = "SK301", "SK304"  # `collection.refs` UNRESOLVED_REFERENCE, DUPLICATE_SKILL_NAME


def open_cache(roots: Sequence[Path], plan: Plan) -> IndexCache:
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
    return IndexCache.open(roots, namespace, fingerprint=fingerprint)


class Errors:
    """Each skill's lint errors over one collection of records."""

    def __init__(self, records: Sequence[Record], setup: _Setup, cache: IndexCache) -> None:
        from skillreg.collection.refs import Suggestions
        from skillreg.lint.runner import references_wanted

        self.setup = setup
        selection = setup.selection
        self.plain = not selection.per_file and not selection.severity
        self.wanted = references_wanted(setup, len(records))
        owners: dict[str, list[str]] = {}
        for record in records:
            if record.readable:
                owners.setdefault(record.name, []).append(_display(record))
        self.known = frozenset(owners) | setup.known_names
        self.suggest = Suggestions(self.known, _CacheMemo(self.known, cache))
        self.duplicates: dict[str, tuple[str, str]] = {}  # display -> (name, first display)
        for name, group in owners.items():
            if len(group) > 1:
                first, *others = sorted(group)
                for other in others:
                    self.duplicates[other] = (name, first)

    def context(self) -> list[Any]:
        """What, beyond the records, decides each skill's errors: the selection (codes, per-file
        exceptions, severity overrides, the folder its globs start from), the known names and
        whether references are checked, as JSON values."""
        selection = self.setup.selection
        return [
            sorted(selection.enabled),
            [[glob, sorted(codes)] for glob, codes in selection.per_file],
            sorted([code, int(severity)] for code, severity in selection.severity.items()),
            str(selection.root),
            sorted(self.setup.known_names),
            self.wanted,
        ]

    def of(self, record: Record, lint: Callable[[], Any]) -> list[Error]:
        """The record's errors, sorted; `lint()` reads its packed findings when needed."""
        enabled = self.setup.selection.enabled
        if self.plain and not record.directives:
            found: list[Error] = [tuple(e) for e in record.errors if e[2] in enabled]
            if self.wanted:
                extra = [tuple(e) for e in record.ref_errors]
                extra.extend(self._collection_errors(record))
                found.extend(e for e in extra if e[2] in enabled)
            return sorted(found)
        return self._finished(record, lint())

    def _finished(self, record: Record, lint: Any) -> list[Error]:
        from skillreg.lint.runner import finish_file
        from skillreg.lint.suppress import Directive

        display = _display(record)
        own, directives, refs = lint
        found = [unpack(packed, display) for packed in own]
        if self.wanted:
            found.extend(unpack(packed, display) for packed in refs)
            found.extend(self._collection(record))
        marks = [
            Directive(line, col, target, tuple(codes)) for line, col, target, codes in directives
        ]
        final = finish_file(self.setup.selection, display, found, marks)
        return sorted(_error(d) for d in final if d.severity >= Severity.ERROR)

    def _collection_errors(self, record: Record) -> list[Error]:
        """`_collection` as (line, col, code, message), without building findings."""
        found: list[Error] = []
        for name, line, col, _ in record.unresolved:
            if name not in self.known:
                found.append((line, col, _SK301, self.suggest.unresolved(name)))
        if self.duplicates:
            display = _display(record)
            duplicate = self.duplicates.get(display)
            if duplicate is not None:
                name, first = duplicate
                message = f"skill name '{name}' is declared by both {first} and {display}"
                found.append((record.name_line, record.name_col, _SK304, message))
        return found

    def _collection(self, record: Record) -> list[Diagnostic]:
        """SK301 for its references that resolve nowhere, SK304 when another skill has its name."""
        from skillreg.collection.refs import DUPLICATE_SKILL_NAME, UNRESOLVED_REFERENCE
        from skillreg.skill.syntax_rules import finding

        display = _display(record)
        found = []
        for name, line, col, end_col in record.unresolved:
            if name not in self.known:
                message = self.suggest.unresolved(name)
                found.append(
                    finding(UNRESOLVED_REFERENCE, display, line, col, message, end_col=end_col)
                )
        duplicate = self.duplicates.get(display)
        if duplicate is not None:
            name, first = duplicate
            message = f"skill name '{name}' is declared by both {first} and {display}"
            found.append(
                finding(DUPLICATE_SKILL_NAME, display, record.name_line, record.name_col, message)
            )
        return found


def read_lint(part: bytes) -> Any:
    """A line's packed findings, checked for shape (a line comes from an untrusted cache);
    raises `ValueError` when they are not as `skillreg.index.scan` writes them."""
    value = json.loads(part)
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError("findings")
    own, directives, refs = value
    for packed in [*own, *refs]:
        if not (isinstance(packed, list) and len(packed) == 8 and type(packed[2]) is int):
            raise ValueError("findings")
        Severity(packed[2])
    for directive in directives:
        if not (isinstance(directive, list) and len(directive) == 4):
            raise ValueError("findings")
    return value


def _error(d: Diagnostic) -> Error:
    return (d.line, d.col, d.code, d.message)


def _display(record: Record) -> str:
    import os

    return os.path.join(record.folder, record.skill_file)


class _CacheMemo:
    """Keeps "did you mean" answers in the cache, keyed by the set of names they were
    chosen from (a rename anywhere in the collection makes them all stale)."""

    def __init__(self, names: frozenset[str], cache: IndexCache) -> None:
        self.digest = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()
        self.cache = cache

    def get(self, name: str) -> str | None:
        return self.cache.note(f"did-you-mean {self.digest} {name}")

    def put(self, name: str, close: str) -> None:
        self.cache.remember_note(f"did-you-mean {self.digest} {name}", close)
