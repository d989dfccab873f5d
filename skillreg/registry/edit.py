"""Changes to a per-skill document: adding a version, yanking, deprecating, recomputing tags.

Every change raises the document's `serial` by one; an edit that changes nothing writes nothing
and keeps the serial. Edits run under the skill's lock, then refresh the derived files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from skillreg.core.errors import NotFoundError, UsageError
from skillreg.registry.model import Deprecation, SkillDocument, VersionEntry, index_path


@dataclass(frozen=True)
class EditResult:
    name: str
    changed: bool
    serial: int
    summary: str  # one line for the user


def latest_version(versions: dict[str, VersionEntry]) -> str | None:
    """The highest version that is not yanked, preferring releases over pre-releases."""
    import semver

    live = [semver.Version.parse(v) for v, e in versions.items() if not e.yanked]
    releases = [v for v in live if not v.prerelease]
    pool = releases or live
    return str(max(pool)) if pool else None


def retag(doc: SkillDocument) -> dict[str, str]:
    """`doc.tags` with `latest` recomputed and tags pointing at unknown versions dropped."""
    tags = {k: v for k, v in doc.tags.items() if k != "latest" and v in doc.versions}
    latest = latest_version(doc.versions)
    if latest:
        tags["latest"] = latest
    return tags


def add_version(
    doc: SkillDocument | None, name: str, version: str, entry: VersionEntry
) -> SkillDocument:
    """`doc` (or a new document) with one more version; the caller checked it is new."""
    base = doc or SkillDocument(name=name, serial=1)
    updated = base.model_copy(
        update={
            "versions": {**base.versions, version: entry},
            "serial": base.serial + 1 if doc else 1,
        }
    )
    return updated.model_copy(update={"tags": retag(updated)})


def bump(doc: SkillDocument, **changes: object) -> SkillDocument:
    """`doc` with `changes`, tags recomputed and the serial raised; unchanged when nothing moved."""
    updated = doc.model_copy(update=changes)
    updated = updated.model_copy(update={"tags": retag(updated)})
    if updated == doc:
        return doc
    return updated.model_copy(update={"serial": doc.serial + 1})


def set_yanked(
    version: str, yanked: bool, reason: str | None
) -> Callable[[SkillDocument], SkillDocument]:
    def edit(doc: SkillDocument) -> SkillDocument:
        entry = doc.versions.get(version)
        if entry is None:
            known = ", ".join(sorted(doc.versions)) or "none"
            raise NotFoundError(f"{doc.name}@{version} is not published (versions: {known})")
        new_entry = entry.model_copy(
            update={"yanked": yanked, "yanked_reason": (reason or None) if yanked else None}
        )
        return bump(doc, versions={**doc.versions, version: new_entry})

    return edit


def set_deprecated(message: str | None, undo: bool) -> Callable[[SkillDocument], SkillDocument]:
    def edit(doc: SkillDocument) -> SkillDocument:
        value = None if undo else Deprecation(message=message or "")
        return bump(doc, deprecated=value)

    return edit


def parse_spec(spec: str) -> tuple[str, str]:
    """``NAME@VERSION`` as a pair; a `UsageError` naming the expected form otherwise."""
    name, sep, version = spec.partition("@")
    if not sep or not name or not version:
        raise UsageError(f"{spec!r}: expected NAME@VERSION, e.g. backend-developer@1.0.0")
    return name, version


def apply_edit(
    target: str,
    name: str,
    edit: Callable[[SkillDocument], SkillDocument],
    done: str,
    endpoint_url: str | None = None,
) -> EditResult:
    """Apply `edit` to `name`'s document in the registry `target` (a conditional write)."""
    from skillreg.registry.changes import record_changes
    from skillreg.registry.derived import update_derived
    from skillreg.registry.signed import check_signing_keys, resign
    from skillreg.registry.store import check_name, open_registry_store

    reg = open_registry_store(target, endpoint_url=endpoint_url)
    root = reg.require()
    check_name(name)
    reg.check_writable([index_path(name)])  # the skeleton, and the way to the document
    check_signing_keys(reg, root)  # before anything is written
    reg.upgrade_root()  # the catalog it rewrites is of this skillreg's format
    before: list[SkillDocument] = []

    def step(doc: SkillDocument | None) -> SkillDocument | None:
        if doc is None:
            raise NotFoundError(f"{name}: no such skill in {target}")
        before[:] = [doc]
        updated = edit(doc)
        if updated is doc:
            return None
        reg.storage.mark_pending(name)
        return updated

    after = reg.update_doc(name, step)
    resign(reg, [name])  # also completes a signing that a killed writer left undone
    changed = after is not None and bool(before) and after is not before[0]
    record_changes(reg, [name] if changed else [])  # installers check the log, not every document
    started = time.time()
    update_derived(reg, [name])
    reg.storage.clear_pending(started, [name])
    if after is None or after is before[0]:
        return EditResult(name, False, before[0].serial, f"{name}: already {done}; nothing changed")
    return EditResult(name, True, after.serial, f"{name}: {done} (serial {after.serial})")


def yank(
    target: str, spec: str, reason: str | None = None, endpoint_url: str | None = None
) -> EditResult:
    name, version = parse_spec(spec)
    edit = set_yanked(version, True, reason)
    return apply_edit(target, name, edit, f"{version} yanked", endpoint_url)


def unyank(target: str, spec: str, endpoint_url: str | None = None) -> EditResult:
    name, version = parse_spec(spec)
    edit = set_yanked(version, False, None)
    return apply_edit(target, name, edit, f"{version} not yanked", endpoint_url)


def deprecate(
    target: str,
    name: str,
    message: str | None = None,
    undo: bool = False,
    endpoint_url: str | None = None,
) -> EditResult:
    done = "not deprecated" if undo else "deprecated"
    return apply_edit(target, name, set_deprecated(message, undo), done, endpoint_url)
