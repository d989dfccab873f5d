"""The collection index: one deterministic JSON document describing every skill under some paths.

Same input, same bytes: keys and lists are sorted, paths are relative to the paths' common root with
forward slashes, and a `generated` time appears only when SOURCE_DATE_EPOCH sets it. Skills that
fail lint are listed with their `errors`, never dropped: every finding of severity error that
`skill lint` with the same profile and project config reports, cross-reference findings (SK301,
SK304) resolved over the indexed collection and the config's known names (a registry named for
lint is not read). The document's shape is defined by `skillreg.index.model`; regenerate its
schema with ``python -m skillreg.index.build --write-schema``.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from skillreg.collection.workspace import discover, list_folder
from skillreg.core.errors import SkillError, SourceError, UsageError
from skillreg.core.jsonio import dump_json
from skillreg.index.cache import REUSED, TABS_WITH_ENTRY, IndexCache, Record
from skillreg.index.lint import Errors, open_cache, read_lint
from skillreg.index.scan import COMPACT, scan
from skillreg.lint.registry_names import NamesReader

#: Bumped whenever the document's shape changes (`skillreg.index.model.Index.format`).
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "index.schema.json"


@dataclass(frozen=True)
class IndexOptions:
    paths: tuple[Path, ...] = (Path("."),)
    use_cache: bool = True
    jobs: int | None = None  # processes for a cold parse; None: `lint.parallel.idle_cores`
    profile: str | None = None  # a lint profile name or file; None: the config's, else agentskills
    cwd: Path | None = None  # where the project config is looked for; None: the current folder
    #: reads the registry the config names for lint (`skillreg.registry.lint_names`); None: none
    registry_reader: NamesReader | None = None
    # progress(done, total) in skills, told when parsing starts and ends (for a counter)
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)


def build_index(options: IndexOptions) -> dict[str, Any]:
    """The index document of the skills under `options.paths` (as plain JSON values).

    Raises `UsageError` for a path that does not exist and `ConfigError` for an invalid project
    config or profile.
    """
    with indexed(options) as document:
        value: dict[str, Any] = json.loads(b"".join(document.chunks()))
    return value


@contextlib.contextmanager
def indexed(options: IndexOptions) -> Iterator[Document]:
    """Index the skills under `options.paths`: the `Document`, whose text is read (once) from
    `chunks()` inside the block; the cache is saved when the block ends without an exception.

    Raises as `build_index` does.
    """
    from skillreg.lint import parallel
    from skillreg.lint.runner import lint_setup, not_excluded

    busy = parallel.busy_now()
    generated = _generated()  # a bad SOURCE_DATE_EPOCH fails before any work
    setup = lint_setup(options.profile, options.cwd or Path.cwd(), options.registry_reader)
    paths = [path.absolute() for path in options.paths]
    # The cyclic GC is paused for the run, as lint does: loading a cache makes ~10^5 acyclic
    # containers, which set off collections of everything (about half of its load time).
    collecting = gc.isenabled()
    gc.disable()
    cache = IndexCache.disabled()
    try:
        if options.use_cache:
            cache = open_cache(options.paths, setup.plan)
        lister = cache.lister if options.use_cache else list_folder
        listings = discover(paths, lister=lister, file_info=cache.file_info)
        if setup.settings.exclude:
            kept = set(not_excluded([file for file, _ in listings], paths, setup.settings))
            listings = [(file, listed) for file, listed in listings if file in kept]
        if options.progress is not None:
            options.progress(0, len(listings))
        jobs = options.jobs if options.jobs is not None else parallel.idle_cores(busy)
        records = scan(listings, cache, setup.plan, jobs)
        del listings
        if options.progress is not None:
            options.progress(len(records), len(records))
        document = Document(records, common_root(options.paths), Errors(records, setup, cache),
                            cache, generated, setup.plan)  # fmt: skip
        yield document
        cache.save(records)
    finally:
        cache.spool.close()
        if collecting:
            gc.enable()


class Document:
    """An index being written: its skills' records, and their lines in the cache's spool."""

    def __init__(
        self,
        records: list[Record],
        root: str,
        errors: Errors,
        cache: IndexCache,
        generated: str | None,
        plan: Any,
    ) -> None:
        self.root = root
        self.errors = errors
        self.cache = cache
        self.spool = cache.spool
        self.generated = generated
        self.plan = plan
        self.invalid = 0  # skills with errors, once `chunks` has been read
        keyed = [(r.name, _relative(r.folder, root), r) for r in records]
        keyed.sort(key=lambda k: (k[0], k[1]))
        self.sorted = keyed
        names = {r.name for r in records}
        self.incoming: dict[str, set[str]] = {}
        for r in records:
            for name in r.refs:
                if name != r.name and name in names:
                    self.incoming.setdefault(name, set()).add(r.name)
        self.names = names
        # A skill's entry is its line's fragments plus what this digest covers: the stored
        # entries of unchanged lines hold while it is the one they were made under.
        facts = [root, errors.context(), [(r.folder, r.skill_file, r.name, r.readable, r.refs)
                                          for r in records]]  # fmt: skip
        context = hashlib.sha256(repr(facts).encode()).hexdigest()  # repr: half json's time
        self.reuse = cache.path is not None and cache.context == context
        if self.reuse:
            cache.keep_notes()  # entries reused ask the "did you mean" notes nothing
        cache.context_now = context

    @property
    def count(self) -> int:
        return len(self.sorted)

    def chunks(self) -> Iterator[bytes]:
        """The canonical text (`dumps` of the document) in pieces of whole lines, UTF-8."""
        head = [f'{{\n  "count": {self.count},\n  "format": {FORMAT_VERSION},\n']
        if self.generated is not None:
            head.append(f'  "generated": {COMPACT.encode(self.generated)},\n')
        if not self.sorted:
            yield ("".join(head) + '  "skills": []\n}\n').encode("utf-8")
            return
        yield ("".join(head) + '  "skills": [').encode("utf-8")
        batch: list[bytes] = []
        keep = self.cache.path is not None
        for i, (name, rel, record) in enumerate(self.sorted):
            batch.append(b",\n    " if i else b"\n    ")
            fields = self._stored(record) if self.reuse else None
            if fields is None:
                fields = self._made(name, rel, record)
                if keep:
                    record.entry = self.spool.append(b"\t".join(fields[7:]))
                    self.cache.changed()
            if fields[7][:1] == b"1":
                self.invalid += 1
            batch.append(b"".join((
                b"{", fields[1], b', "errors": ', fields[7][1:], b', "files": ', fields[4], b", ",
                fields[2], b", ", fields[8], b", ", fields[3], b"}",
            )))  # fmt: skip
            if len(batch) >= 512:
                yield b"".join(batch)
                batch.clear()
        batch.append(b"\n  ]\n}\n")
        yield b"".join(batch)

    def _stored(self, record: Record) -> list[bytes] | None:
        """The record's line with its stored entry pieces (`_made`), or None when it has none
        of the right shape."""
        fields = self.spool.read(record.where).rstrip(b"\n").split(b"\t")
        if len(fields) != TABS_WITH_ENTRY + 1 or fields[7][:2] not in (b"0[", b"1["):
            return None
        record.entry = REUSED
        return fields

    def _made(self, name: str, rel: str, record: Record) -> list[bytes]:
        """The record's line fields and its entry's two pieces that depend on the collection:
        "has errors" ("1" or "0") with the `errors` list, and the keys from `missing` to
        `related_by`. A damaged line is made again from the file (and replaces the old one)."""
        try:
            fields = self.spool.read(record.where).rstrip(b"\n").split(b"\t")
            if len(fields) not in (7, TABS_WITH_ENTRY + 1):
                raise ValueError("line")
            pairs = json.loads(fields[5]) if record.refs else []
            if not all(isinstance(p, list) and len(p) == 2 and _strs(p) for p in pairs):
                raise ValueError("related")
            errors = self.errors.of(record, lambda: read_lint(fields[6]))
        except (ValueError, TypeError, RecursionError):  # a damaged cache line: read the file
            from skillreg.index.scan import fresh_fields, line_of

            fields = fresh_fields(record, self.plan)
            record.where = self.spool.append(line_of(record.head(), fields[1:]))
            pairs = json.loads(fields[5])
            errors = self.errors.of(record, lambda: json.loads(fields[6]))
        related: dict[str, str] = {}
        missing: dict[str, str] = {}
        for ref, reason in pairs:
            if ref == name:
                continue  # a self-reference is a lint warning, not an edge
            (related if ref in self.names else missing).setdefault(ref, reason)
        found = [{"code": c, "line": y, "col": x, "message": m} for y, x, c, m in errors]
        rest = {  # the entry's keys from "missing" to "related_by", in one encoding
            "missing": [{"name": n, "reason": r} for n, r in sorted(missing.items())],
            "name": name,
            "path": rel,
            "related": [{"name": n, "reason": r} for n, r in sorted(related.items())],
            "related_by": sorted(self.incoming.get(name, ())),
        }
        made = (b"1" + COMPACT.encode(found).encode("utf-8")) if found else b"0[]"
        return [*fields[:7], made, COMPACT.encode(rest)[1:-1].encode("utf-8")]

    def write_to(self, out: BinaryIO) -> None:
        for chunk in self.chunks():
            out.write(chunk)


def _strs(value: list[Any]) -> bool:
    return all(isinstance(x, str) for x in value)


def common_root(paths: Sequence[Path]) -> str:
    """The deepest folder holding every path (a file stands for its folder), absolute."""
    folders = [os.path.abspath(p if p.is_dir() or not p.exists() else p.parent) for p in paths]
    return os.path.commonpath(folders)


def _relative(folder: str, root: str) -> str:
    if folder == root:
        return "."
    if folder.startswith(root) and folder[len(root)] == os.sep:
        rel = folder[len(root) + 1 :]  # the common case, without relpath's cost
    else:
        rel = os.path.relpath(folder, root)
    return rel.replace(os.sep, "/")


def _generated() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        moment = datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(document: dict[str, Any]) -> str:
    """The canonical text of an index document: sorted keys, two-space indent, final newline.

    The document is indented down to the `skills` list, and each skill is one line: a changed
    skill is a one-line diff, and each line comes from the C encoder. (`json.dumps(indent=2)`
    falls back to the pure-Python encoder: about 0.5 s more on 10,000 skills.)
    """
    parts: list[str] = []
    _write(document, 0, parts)
    parts.append("\n")
    return "".join(parts)


_INLINE_DEPTH = 2  # document > skills > one skill per line
_COMPACT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def _write(value: Any, depth: int, out: list[str]) -> None:
    if depth >= _INLINE_DEPTH or not value or not isinstance(value, dict | list):
        out.append(_COMPACT.encode(value))
        return
    pad = "\n" + "  " * (depth + 1)
    if isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value)):
            out.append(f"{',' if i else ''}{pad}{_COMPACT.encode(key)}: ")
            _write(value[key], depth + 1, out)
        out.append("\n" + "  " * depth + "}")
    else:
        out.append("[")
        for i, item in enumerate(value):
            out.append(f"{',' if i else ''}{pad}")
            _write(item, depth + 1, out)
        out.append("\n" + "  " * depth + "]")


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step, so readers never see half a file."""
    from skillreg.core import atomic

    try:
        atomic.write_atomic(path, text)
    except OSError as exc:
        raise SourceError(f"{path}: cannot write: {exc.strerror or exc}", path=path) from None


def write_streamed(path: Path, document: Document) -> None:
    """`write_atomic` of a document's text, written as it is made."""
    from skillreg.core import atomic

    try:
        with atomic.open_atomic(path) as out:
            document.write_to(out)
    except OSError as exc:
        raise SourceError(f"{path}: cannot write: {exc.strerror or exc}", path=path) from None


def is_current(document: dict[str, Any], path: Path) -> bool:
    """Whether the index file at `path` says what `document` says (ignoring `generated`)."""
    recorded = _read_index(path)
    if not isinstance(recorded, dict):
        return False
    recorded.pop("generated", None)
    return recorded == {k: v for k, v in document.items() if k != "generated"}


def is_current_text(text: bytes, path: Path) -> bool:
    """`is_current` for a document's canonical text: a byte-equal file needs no parsing."""
    try:
        if path.read_bytes() == text:
            return True
    except OSError:
        pass  # missing or unreadable: `_read_index` says which
    return is_current(json.loads(text), path)


def _read_index(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read: {exc}", path=path) from None
    except json.JSONDecodeError:
        return None


def schema_text() -> str:
    from skillreg.index.model import json_schema

    return dump_json(json_schema()).decode("utf-8")


def main(argv: Sequence[str]) -> int:
    """``python -m skillreg.index.build --write-schema``: regenerate schema/index.schema.json."""
    if list(argv) != ["--write-schema"]:
        print("usage: python -m skillreg.index.build --write-schema", file=sys.stderr)
        return 2
    try:
        write_atomic(SCHEMA_PATH, schema_text())
    except SkillError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    print(SCHEMA_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
