"""The install verbs: install, restore from the lock, update, remove.

Each builds a plan of lock entries (resolving versions against registries), checks it, and hands
it to `apply_plan`. Messages for the user come back in a `Report`; nothing here prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.core.atomic import temp_name
from skillreg.core.errors import (
    BundleError,
    InstallError,
    LockError,
    RegistryError,
)
from skillreg.install.agents import EVERY_DETECTED, get_agent
from skillreg.install.apply import Planned, apply_plan, check_conflicts
from skillreg.install.lock import LockEntry, write_lock
from skillreg.install.lockcheck import locked_warnings, stale_requests
from skillreg.install.manifest import Requirement, update_requests
from skillreg.install.origins import (
    fetch_source,
    pick_from,
    registry_for,
    requirement_for,
    source_entry,
    updated_source,
)
from skillreg.install.place import discard_at, fs_errors, is_ours
from skillreg.install.resolve import (
    Resolved,
    default_spec,
    parse_request,
    pick_version,
    related_closure,
)
from skillreg.install.session import InstallOptions, Session
from skillreg.install.sources import is_source
from skillreg.install.targets import (
    Targets,
    adopt_unmanaged,
    choose_targets,
    entry_paths,
    entry_status,
    merged,
)

if TYPE_CHECKING:
    pass

_NOWHERE = Targets((), (), "link")  # placeholder until `_plan` chooses the targets


@dataclass
class Report:
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # parts that could not be done (exit 1)
    changed: int = 0  # skills placed, updated or removed (for "Installed 6 skills in 0.31 s")


def _entry(session: Session, resolved: Resolved, registry: str, targets: Targets) -> LockEntry:
    return _place(
        session,
        LockEntry(
            name=resolved.name,
            version=resolved.version,
            registry=registry,
            sha256=resolved.entry.sha256,
            size=resolved.entry.size,
            verified="tuf" if session.registry(registry).signed is not None else None,
        ),
        targets,
    )


def _place(session: Session, entry: LockEntry, targets: Targets) -> LockEntry:
    """`entry` put where `targets` say, in this session's scope."""
    return entry.model_copy(
        update={
            "agents": list(targets.agents),
            "dirs": list(targets.dirs),
            "scope": "global" if session.project.scope == "global" else "project",
            "mode": "copy" if targets.mode == "copy" else "link",
        }
    )


def _note(session: Session, entry: LockEntry, added: bool) -> str | None:
    """What changes for this entry, or None when it is already exactly in place."""
    old = session.lock.get(entry.name)
    label = f"{entry.name}@{entry.version}"
    if entry.source is not None:
        label += f" from {entry.registry}"
    if old == entry and entry_status(session.project, entry) == "ok":
        return None
    if old is not None and old.version != entry.version:
        return f"updated {entry.name} {old.version} -> {entry.version}"
    return f"added related {label}" if added else f"installed {label}"


def _finish(
    session: Session, report: Report, plan: list[Planned], specs: dict[str, Requirement]
) -> Report:
    if (
        session.options.frozen
        and session.lock.with_entries([p.entry for p in plan]) != session.lock
    ):
        raise LockError(
            f"--frozen: {session.project.lock_path.name} would change; run without --frozen"
        )
    if session.options.frozen and specs:
        raise LockError(f"--frozen: {session.project.manifest.path.name} would change")
    check_conflicts(session, plan)
    if session.options.dry_run:
        report.actions.extend(f"would have {p.note}" for p in plan)
        return report
    apply_plan(session, plan, specs)
    report.actions.extend(p.note for p in plan)
    report.changed += len(plan)
    return report


def _adopt(session: Session, report: Report) -> None:
    """--adopt: locked skills whose folders lost their marker, files unchanged, are ours again."""
    if session.options.adopt:
        for entry in session.lock.skills:
            if adopt_unmanaged(session.project, entry):
                report.actions.append(f"adopted {entry.name}@{entry.version}")


def _target_parents(session: Session) -> list[Path]:
    return list({p.parent for e in session.lock.skills for p in entry_paths(session.project, e)})


def _related(session: Session, roots: list[Resolved], report: Report) -> list[Resolved]:
    """Related skills to add; ones already installed or requested keep the version they have."""
    if not roots:
        return []
    registry = registry_for(session, roots[0].name)
    added, missing = related_closure(roots, registry.document)
    report.warnings.extend(f"related skill {name!r} not found; skipped" for name in missing)
    return [x for x in added if session.lock.get(x.name) is None and x.name not in session.requests]


def _plan(session: Session, items: list[tuple[LockEntry, bool]], report: Report) -> list[Planned]:
    """Lock entries (placed where this run's options say) for (entry, added-as-related) items."""
    options = session.options
    targets = choose_targets(
        session.project, options.cwd, agent_ids=options.agents, dirs=options.dirs, copy=options.copy
    )
    explicit = bool(options.agents or options.dirs or options.copy)
    plan: list[Planned] = []
    for base, added in items:
        here = merged(session.lock.get(base.name), targets, explicit)
        entry = _place(session, base, here)
        note = _note(session, entry, added)
        if note is None:
            report.actions.append(f"{entry.name}@{entry.version} already installed")
        else:
            plan.append(Planned(entry, note))
    return plan


def install(options: InstallOptions, names: list[str]) -> Report:
    """``skill install NAME[@RANGE]|SOURCE...``; with no names, restore from the lock."""
    if not names:
        return restore(options)
    requests = [parse_request(text) for text in names if not is_source(text)]
    for agent_id in options.agents:
        if agent_id != EVERY_DETECTED:
            get_agent(agent_id)  # a typo is a usage error before anything is fetched
    report = Report()
    with fs_errors(), Session(options, exclusive=True) as session:
        session.clean(_target_parents(session))
        _adopt(session, report)
        specs: dict[str, Requirement] = {}
        items: list[tuple[LockEntry, bool]] = []
        for text in (t for t in names if is_source(t)):
            fetched = fetch_source(session, text)
            items.append((source_entry(fetched), False))
            specs[fetched.name] = Requirement(source=fetched.locator)
        resolved: list[Resolved] = []
        for request in requests:
            registry = registry_for(session, request.name)
            found = pick_from(registry, request.name, request.spec)
            report.warnings.extend(found.warnings)
            resolved.append(found)
            spec = request.spec or default_spec(found.version)
            specs[found.name] = requirement_for(session, found.name, spec, registry)
            items.append((_entry(session, found, registry.recorded, _NOWHERE), False))
        added = _related(session, resolved, report) if options.with_related else []
        for extra in added:
            report.warnings.extend(extra.warnings)
            registry = registry_for(session, resolved[0].name)
            specs[extra.name] = requirement_for(
                session, extra.name, default_spec(extra.version), registry
            )
            items.append((_entry(session, extra, registry.recorded, _NOWHERE), True))
        plan = _plan(session, items, report)
        changed = {k: v for k, v in specs.items() if session.requirements.get(k) != v}
        return _finish(session, report, plan, changed)


def restore(options: InstallOptions) -> Report:
    """Make the disk match the lock (digests verified), resolving manifest requests not locked."""
    report = Report()
    with fs_errors(), Session(options, exclusive=True) as session:
        session.clean(_target_parents(session))
        _adopt(session, report)
        stale = stale_requests(session)
        if options.frozen and not session.project.lock_path.is_file():
            raise LockError(
                f"--frozen: no {session.project.lock_path.name} in {session.project.root};"
                " run `skill install` and commit the lockfile"
            )
        if stale and options.frozen:
            raise LockError(
                f"--frozen: {session.project.lock_path.name} is out of date for {', '.join(stale)};"
                " run `skill install` and commit the lockfile"
            )
        plan: list[Planned] = []
        for entry in session.lock.skills:
            status = entry_status(session.project, entry)
            if status != "ok":
                locked_warnings(session, entry, report.warnings.append)
                plan.append(Planned(entry, f"restored {entry.name}@{entry.version} (was {status})"))
        if not session.lock.skills and not stale:
            report.actions.append(
                f"nothing to restore: {session.project.lock_path.name} lists no skills"
                " (add some with `skill install NAME`)"
            )
        elif not plan and not stale:
            report.actions.append("everything in the lockfile is in place")
        _finish(session, report, plan, {})
    if stale:
        more = install(options, stale)
        report.actions.extend(more.actions)
        report.warnings.extend(more.warnings)
    return report


def update(options: InstallOptions, names: list[str]) -> Report:
    """Newest version within each recorded range, into the folders each skill already uses."""
    report = Report()
    with fs_errors(), Session(options, exclusive=True) as session:
        entries = [_installed(session, name) for name in names] or list(session.lock.skills)
        plan: list[Planned] = []
        failed: list[str] = []
        for entry in entries:
            if entry.source is not None:
                try:  # a source that cannot be read now does not hold back the others
                    fresh = updated_source(session, entry)
                except (InstallError, BundleError) as exc:
                    failed.append(exc.message)
                    continue
                if fresh is None:
                    report.actions.append(f"{entry.name}@{entry.version} is up to date")
                else:
                    note = f"updated {entry.name} from {entry.registry}"
                    plan.append(Planned(_place(session, fresh, _targets_of(entry)), note))
                continue
            try:  # one skill that cannot be resolved does not hold back the others
                doc = session.registry(entry.registry).document(entry.name)
                resolved = pick_version(doc, session.requests.get(entry.name, ""), entry.version)
            except RegistryError as exc:
                failed.append(exc.message)
                continue
            report.warnings.extend(resolved.warnings)
            if resolved.version == entry.version:
                report.actions.append(f"{entry.name}@{entry.version} is up to date")
                continue
            new = _entry(session, resolved, entry.registry, _targets_of(entry))
            plan.append(Planned(new, f"updated {entry.name} {entry.version} -> {new.version}"))
        report.failures.extend(failed)
        return _finish(session, report, plan, {})


def _targets_of(entry: LockEntry) -> Targets:
    return Targets(tuple(entry.agents), tuple(entry.dirs), entry.mode)


def _installed(session: Session, name: str) -> LockEntry:
    entry = session.lock.get(name)
    if entry is None:
        raise InstallError(f"{name} is not installed (not in {session.project.lock_path})")
    return entry


def remove(options: InstallOptions, names: list[str]) -> Report:
    """Lock entry first, then manifest, then files: a kill never leaves an entry without files."""
    report = Report()
    with fs_errors(), Session(options, exclusive=True) as session:
        entries = [e for e in (session.lock.get(n) for n in names) if e is not None]
        unknown = [n for n in names if session.lock.get(n) is None and n not in session.requests]
        if unknown:
            raise InstallError(f"not installed: {', '.join(unknown)} (see `skill list`)")
        doomed = [(e, _removable(session, e)) for e in entries]  # checked before any change
        if options.dry_run:
            report.actions.extend(f"would remove {e.name}@{e.version}" for e in entries)
            return report
        write_lock(session.project.lock_path, session.lock.without(set(names)))
        if set(names) & set(session.requests):
            update_requests(session.project.manifest, remove=set(names))
        for entry, paths in doomed:
            for path in paths:
                # Hide it first (one rename) so a kill never leaves half a folder visible; both
                # in a descriptor of its folder, checked again now, so nothing is deleted through
                # a link swapped in since.
                with session.project.boundary.opened(path.parent) as dir_fd:
                    hidden = temp_name(path.parent, path.name)
                    os.rename(path.name, hidden.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                    discard_at(hidden.name, dir_fd)
            report.actions.append(f"removed {entry.name}@{entry.version}")
            report.changed += 1
        report.actions.extend(
            f"removed {n} from the manifest" for n in names if session.lock.get(n) is None
        )
    return report


def _removable(session: Session, entry: LockEntry) -> list[Path]:
    """The entry's folders and links that skillreg placed; refuses any whose folder leads out of
    the project (a committed symlink must not make `remove` delete the user's own copies)."""
    canonical = session.project.canonical / entry.name
    paths = []
    for path in [*entry_paths(session.project, entry), canonical]:
        if (path.exists() or path.is_symlink()) and is_ours(path, entry.name, canonical):
            session.project.boundary.check(path.parent)
            paths.append(path)
    return paths
