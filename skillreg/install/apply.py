"""Carrying out a plan so that a failure or a kill at any point leaves a consistent state.

Order: fetch and verify every bundle; unpack and stage every folder and link under hidden
temporary names; drop from the lock the entries about to change; swap each staged path in with one
rename; write the manifest, then the lock; discard what was swapped out. So every lock entry
always describes files that are on disk, and a folder on disk is either complete or hidden.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from skillreg.core.atomic import temp_name
from skillreg.core.errors import InstallError
from skillreg.install.audit_gate import check_unpacked
from skillreg.install.extract import extract_bundle, settle_manifest, skill_root
from skillreg.install.lock import LockEntry, write_lock
from skillreg.install.manifest import Requirement, update_requests
from skillreg.install.place import (
    clean_stale,
    discard,
    folder_status,
    is_modified,
    is_ours,
    stage_copy,
    stage_link,
    swap_in,
    write_marker,
)
from skillreg.install.session import Session
from skillreg.install.targets import entry_paths


class Planned(NamedTuple):
    entry: LockEntry
    note: str  # what the user is told: "installed", "updated 1.0.0 -> 1.1.0", ...


def check_conflicts(session: Session, plan: list[Planned]) -> None:
    """Refuse folders outside the project boundary (even with --force); without --force, refuse
    to replace folders skillreg did not place, or a same-named skill from elsewhere."""
    boundary = session.project.boundary
    for item in plan:
        canonical = session.project.canonical / item.entry.name
        for path in [canonical, *entry_paths(session.project, item.entry)]:
            boundary.check(path)
    if session.options.force:
        return
    for item in plan:
        entry = item.entry
        previous = session.lock.get(entry.name)
        if previous is not None and previous.registry != entry.registry:
            raise InstallError(
                f"{entry.name} is already installed from {_origin(previous.registry)};"
                f" use --force to replace it with the one from {_origin(entry.registry)}"
            )
        canonical = session.project.canonical / entry.name
        for path in [canonical, *entry_paths(session.project, entry)]:
            if path == canonical and path.is_symlink():  # skillreg never puts a link there
                raise InstallError(
                    f"{path} is a symlink, not a folder skillreg installed; remove it", path=path
                )
            if not is_ours(path, entry.name, canonical):
                unmanaged = previous is not None and (
                    folder_status(path, previous.sha256, previous.name, previous.version)
                    == "unmanaged"
                )
                how = "--adopt to take it over" if unmanaged else "--force to replace it"
                raise InstallError(
                    f"{path} exists and was not installed by skillreg; use {how}", path=path
                )
            if is_modified(path):
                raise InstallError(
                    f"{path} has local changes; pass --force to discard them, or"
                    f" `skill remove {entry.name}`",
                    path=path,
                )


def _origin(recorded: str) -> str:
    """A lock entry's registry as messages name it."""
    from skillreg.install.project import BUILTIN

    return "the built-in registry" if recorded == BUILTIN else recorded


def apply_plan(
    session: Session, plan: list[Planned], manifest_set: dict[str, Requirement] | None = None
) -> None:
    if not plan and not manifest_set:
        return
    _clean_leftovers(session, plan)
    staged: list[tuple[Path, Path]] = []  # (staged path, final path)
    # Bundles are streamed to files here while hashed, never held whole in memory.
    with tempfile.TemporaryDirectory(prefix="skillreg-bundles-") as workdir:
        bundles = [_fetch(session, item.entry, Path(workdir)) for item in plan]
        try:
            count = session.options.counter
            for done, (item, bundle) in enumerate(zip(plan, bundles, strict=True), 1):
                staged.extend(_stage(session, item.entry, bundle))
                if count is not None:
                    count(done, len(plan))
        except BaseException:
            for path, _ in staged:
                discard(path)
            _clean_leftovers(session, plan)
            raise
    changing = {item.entry.name for item in plan if session.lock.get(item.entry.name) != item.entry}
    if changing & {entry.name for entry in session.lock.skills}:
        write_lock(session.project.lock_path, session.lock.without(changing))
    parked = _swap_all(session, staged)
    if manifest_set:
        update_requests(session.project.manifest, set_=manifest_set)
    write_lock(session.project.lock_path, session.lock.with_entries([i.entry for i in plan]))
    for path in parked:
        discard(path)


def _fetch(session: Session, entry: LockEntry, workdir: Path) -> bytes | Path:
    if entry.source is not None:
        from skillreg.install.sources import locked_bundle

        return locked_bundle(
            entry,
            root=session.project.root,
            cache_dir=session.bundle_cache,
            fetched=session.fetched,
            confined=session.project.scope == "project",  # a global lock is the user's own
            offline=session.options.offline,
        )
    registry = session.registry(entry.registry)
    label = f"{entry.name}@{entry.version}"
    return registry.bundle(entry.sha256, entry.size, workdir=workdir, label=label)


def _stage(session: Session, entry: LockEntry, bundle: bytes | Path) -> list[tuple[Path, Path]]:
    """Unpack the canonical copy and prepare every link or copy, all under hidden names."""
    canonical = session.project.canonical / entry.name
    boundary = session.project.boundary
    boundary.make_dirs(canonical.parent)
    unpacked = temp_name(canonical.parent, entry.name)
    staged: list[tuple[Path, Path]] = []
    try:
        extract_bundle(bundle, unpacked, label=f"{entry.name}@{entry.version}")
        folder = skill_root(unpacked)
        if folder != unpacked:  # bundle wraps its files in one folder: lift it out
            lifted = temp_name(canonical.parent, entry.name)
            os.rename(folder, lifted)
            discard(unpacked)
            unpacked = lifted
        settle_manifest(unpacked, f"{entry.name}@{entry.version}")
        check_unpacked(unpacked, f"{entry.name}@{entry.version}", session.audit_policy(),
                       session.options.notice)  # fmt: skip
        write_marker(unpacked, entry.name, entry.version, entry.sha256)
        staged.append((unpacked, canonical))
        for target in entry_paths(session.project, entry):
            boundary.make_dirs(target.parent)
            link = None if entry.mode == "copy" else stage_link(canonical, target)
            staged.append((link or stage_copy(unpacked, target), target))
    except BaseException:
        discard(unpacked)
        for path, _ in staged:
            discard(path)
        raise
    return staged


def _swap_all(session: Session, staged: list[tuple[Path, Path]]) -> list[Path]:
    """Swap every staged path in; on an error, swap back what was done and re-raise.

    Each swap happens in a descriptor of its folder, checked against the project boundary at
    that moment (not only when the plan was made)."""
    boundary = session.project.boundary
    parked: list[Path] = []
    done: list[tuple[Path, Path | None]] = []
    try:
        for path, final in staged:
            with boundary.opened(final.parent) as dir_fd:
                old = swap_in(path, final, dir_fd)
            done.append((final, old))
            if old is not None:
                parked.append(old)
    except (OSError, InstallError) as exc:  # InstallError: a folder now leads out of bounds
        for final, old in reversed(done):
            discard(final)
            if old is not None:
                os.rename(old, final)
        for path, _ in staged:
            discard(path)
        if isinstance(exc, InstallError):
            raise
        raise InstallError(f"cannot put {exc.filename} in place: {exc.strerror}") from None
    return parked


def _clean_leftovers(session: Session, plan: list[Planned]) -> None:
    """Hidden leftovers of this or an earlier interrupted run in every folder the plan touches."""
    boundary = session.project.boundary
    folders = {session.project.canonical}
    for item in plan:
        folders.update(target.parent for target in entry_paths(session.project, item.entry))
    for folder in folders:
        if boundary.contains(folder):  # one outside is refused before anything is written
            clean_stale(folder)
