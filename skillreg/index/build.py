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

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skillreg.collection.cache import ParseCache
from skillreg.collection.workspace import discover
from skillreg.core.errors import SkillError, SourceError, UsageError
from skillreg.core.jsonio import dump_json
from skillreg.index.lint import lint_errors, open_cache
from skillreg.index.scan import ScannedSkill, scan
from skillreg.lint.registry_names import NamesReader

#: Bumped whenever the document's shape changes (`skillreg.index.model.Index.format`).
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "index.schema.json"


@dataclass(frozen=True)
class IndexOptions:
    paths: tuple[Path, ...] = (Path("."),)
    use_cache: bool = True
    jobs: int | None = None  # worker processes for a cold parse; None: one per CPU
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
    from skillreg.lint.runner import lint_setup, not_excluded

    generated = _generated()  # a bad SOURCE_DATE_EPOCH fails before any work
    setup = lint_setup(options.profile, options.cwd or Path.cwd(), options.registry_reader)
    paths = [path.absolute() for path in options.paths]
    listings = discover(paths)
    if setup.settings.exclude:
        kept = set(not_excluded([file for file, _ in listings], paths, setup.settings))
        listings = [(file, listed) for file, listed in listings if file in kept]
    cache = open_cache(options.paths, setup.plan) if options.use_cache else ParseCache.disabled()
    if options.progress is not None:
        options.progress(0, len(listings))
    scanned = scan(listings, cache, setup.plan, options.jobs)
    if options.progress is not None:
        options.progress(len(listings), len(listings))
    root = common_root(options.paths)
    entries = [_entry(skill, root) for skill in scanned]
    errors = lint_errors(scanned, [entry["name"] for entry in entries], setup, cache)
    cache.save()
    for entry, found in zip(entries, errors, strict=True):
        entry["errors"] = found
    _link(entries)
    entries.sort(key=lambda e: (e["name"], e["path"]))
    document: dict[str, Any] = {"format": FORMAT_VERSION, "count": len(entries), "skills": entries}
    if generated is not None:
        document["generated"] = generated
    return document


def common_root(paths: Sequence[Path]) -> str:
    """The deepest folder holding every path (a file stands for its folder), absolute."""
    folders = [os.path.abspath(p if p.is_dir() or not p.exists() else p.parent) for p in paths]
    return os.path.commonpath(folders)


def _entry(skill: ScannedSkill, root: str) -> dict[str, Any]:
    s = skill.summary
    rel = _relative(skill.folder, root)
    name = s.name.strip() if s.name and s.name.strip() else os.path.basename(skill.folder)
    return {
        "name": name,
        "description": s.description,
        "version": s.version,
        "tier": s.tier,
        "category": s.category,
        "council": s.council,
        "license": s.license,
        "path": rel,
        "sections": list(s.sections),
        "sha256": skill.sha256,
        "size": s.size,
        "lines": s.lines,
        "tokens": s.tokens,
        "files": [{"path": p, "sha256": h, "size": n} for p, h, n in skill.files],
        "related": s.related,  # resolved by _link
        "missing": [],
        "related_by": [],
        "errors": [],  # filled by build_index
    }


def _relative(folder: str, root: str) -> str:
    if folder == root:
        return "."
    if folder.startswith(root) and folder[len(root)] == os.sep:
        rel = folder[len(root) + 1 :]  # the common case, without relpath's cost
    else:
        rel = os.path.relpath(folder, root)
    return rel.replace(os.sep, "/")


def _link(entries: list[dict[str, Any]]) -> None:
    """Split each entry's references into `related`/`missing` and fill the reverse `related_by`."""
    names = {e["name"] for e in entries}
    incoming: dict[str, set[str]] = {}
    for entry in entries:
        related: dict[str, str] = {}
        missing: dict[str, str] = {}
        for name, reason in entry["related"]:
            if name == entry["name"]:
                continue  # a self-reference is a lint warning, not an edge
            (related if name in names else missing).setdefault(name, reason)
            if name in names:
                incoming.setdefault(name, set()).add(entry["name"])
        entry["related"] = [{"name": n, "reason": r} for n, r in sorted(related.items())]
        entry["missing"] = [{"name": n, "reason": r} for n, r in sorted(missing.items())]
    for entry in entries:
        entry["related_by"] = sorted(incoming.get(entry["name"], ()))


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


def is_current(document: dict[str, Any], path: Path) -> bool:
    """Whether the index file at `path` says what `document` says (ignoring `generated`)."""
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read: {exc}", path=path) from None
    except json.JSONDecodeError:
        return False
    if not isinstance(recorded, dict):
        return False
    recorded.pop("generated", None)
    return recorded == {k: v for k, v in document.items() if k != "generated"}


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
