"""The install verbs: install, restore from the lock, update, remove.

Each builds a plan of lock entries (resolving versions against registries), checks it, and hands
it to `apply_plan`. Messages for the user come back in a `Report`; nothing here prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from skillreg.core.atomic import temp_name
from skillreg.core.errors import InstallError, LockError, RegistryError, UsageError
from skillreg.install.agents import get_agent
from skillreg.install.apply import Planned, apply_plan, check_conflicts
from skillreg.install.lock import LockEntry, write_lock
from skillreg.install.manifest import update_requests
from skillreg.install.place import discard, fs_errors, is_ours
from skillreg.install.resolve import (
    Resolved,
    default_spec,
    parse_request,
    pick_version,
    related_closure,
    yank_warning,
)
from skillreg.install.semver_range import parse_range, parse_version
from skillreg.install.session import InstallOptions, Session
from skillreg.install.targets import Targets, choose_targets, entry_paths, entry_status, merged


@dataclass
class Report:
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # parts that could not be done (exit 1)


def _entry(session: Session, resolved: Resolved, registry: str, targets: Targets) -> LockEntry:
    return LockEntry(
        name=resolved.name,
        version=resolved.version,
        registry=registry,
        sha256=resolved.entry.sha256,
        size=resolved.entry.size,
        agents=list(targets.agents),
        dirs=list(targets.dirs),
        scope="global" if session.project.scope == "global" else "project",
        mode="copy" if targets.mode == "copy" else "link",
        verified="tuf" if session.registry(registry).signed is not None else None,
    )


def _note(session: Session, entry: LockEntry, added: bool) -> str | None:
    """What changes for this entry, or None when it is already exactly in place."""
    old = session.lock.get(entry.name)
    label = f"{entry.name}@{entry.version}"
    if old == entry and entry_status(session.project, entry) == "ok":
        return None
    if old is not None and old.version != entry.version:
        return f"updated {entry.name} {old.version} -> {entry.version}"
    return f"added related {label}" if added else f"installed {label}"


def _finish(session: Session, report: Report, plan: list[Planned], specs: dict[str, str]) -> Report:
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
    apply_plan(session, plan, specs)
    report.actions.extend(p.note for p in plan)
    return report


def _target_parents(session: Session) -> list[Path]:
    return list({p.parent for e in session.lock.skills for p in entry_paths(session.project, e)})


def _related(session: Session, roots: list[Resolved], report: Report) -> list[Resolved]:
    """Related skills to add; ones already installed or requested keep the version they have."""
    registry = session.registry()
    added, missing = related_closure(roots, registry.document)
    report.warnings.extend(f"related skill {name!r} not found; skipped" for name in missing)
    return [x for x in added if session.lock.get(x.name) is None and x.name not in session.requests]


def _plan(
    session: Session, items: list[Resolved], added: list[Resolved], report: Report
) -> list[Planned]:
    options = session.options
    targets = choose_targets(
        session.project, options.cwd, agent_ids=options.agents, dirs=options.dirs, copy=options.copy
    )
    explicit = bool(options.agents or options.dirs or options.copy)
    location = session.registry().recorded
    plan: list[Planned] = []
    for item in [*items, *added]:
        report.warnings.extend(item.warnings)
        here = merged(session.lock.get(item.name), targets, explicit)
        entry = _entry(session, item, location, here)
        note = _note(session, entry, item in added)
        if note is None:
            report.actions.append(f"{item.name}@{item.version} already installed")
        else:
            plan.append(Planned(entry, note))
    return plan


def install(options: InstallOptions, names: list[str]) -> Report:
    """``skill install NAME[@RANGE]...``; with no names, restore from the lock."""
    if not names:
        return restore(options)
    requests = [parse_request(text) for text in names]
    for agent_id in options.agents:
        get_agent(agent_id)  # a typo is a usage error before anything is fetched
    report = Report()
    with fs_errors(), Session(options, exclusive=True) as session:
        session.clean(_target_parents(session))
        registry = session.registry()
        resolved = [pick_version(registry.document(r.name), r.spec) for r in requests]
        added = _related(session, resolved, report) if options.with_related else []
        plan = _plan(session, resolved, added, report)
        pairs = zip(requests, resolved, strict=True)
        specs = {r.name: r.spec or default_spec(x.version) for r, x in pairs}
        specs.update({x.name: default_spec(x.version) for x in added})
        changed = {k: v for k, v in specs.items() if session.requests.get(k) != v}
        return _finish(session, report, plan, changed)


def _locked_warnings(session: Session, entry: LockEntry, report: Report) -> None:
    """Warn about yanked or deprecated locked versions; refuse a registry that changed bytes."""
    try:
        doc = session.registry(entry.registry).document(entry.name)
    except RegistryError:
        if session.options.offline:
            return  # warnings are best effort offline; the digest check still happens
        raise
    if entry.verified == "tuf" and session.registry(entry.registry).signed is None:
        # The lock can only make us stricter: a skill locked from a signed registry is never
        # restored from that registry answering unsigned, even on a machine with no trust yet.
        raise LockError(
            f"{entry.name}: skills.lock records it as verified (signed registry), but"
            f" {entry.registry} now answers unsigned; refusing (investigate before reinstalling)"
        )
    version = doc.versions.get(entry.version)
    if version is not None and version.sha256 != entry.sha256:
        raise LockError(
            f"{entry.name}@{entry.version}: registry {entry.registry} now serves different bytes"
            " than skills.lock records; refusing (investigate before reinstalling)"
        )
    if version is not None and version.yanked:
        report.warnings.append(yank_warning(entry.name, entry.version, version) + " (locked)")
    if doc.deprecated is not None:
        report.warnings.append(
            f"{entry.name} is deprecated: {doc.deprecated.message or 'no reason given'}"
        )


def _stale_requests(session: Session) -> list[str]:
    """Manifest requests the lock does not satisfy (missing, or a version outside the range)."""
    stale = []
    for name, spec in sorted(session.requests.items()):
        entry = session.lock.get(name)
        version = parse_version(entry.version) if entry else None
        try:
            satisfied = version is not None and parse_range(spec).matches(version)
        except UsageError:
            satisfied = entry is not None  # a dist-tag: whatever was locked satisfies it
        if not satisfied:
            stale.append(name if not spec else f"{name}@{spec}")
    return stale


def restore(options: InstallOptions) -> Report:
    """Make the disk match the lock (digests verified), resolving manifest requests not locked."""
    report = Report()
    with fs_errors(), Session(options, exclusive=True) as session:
        session.clean(_target_parents(session))
        stale = _stale_requests(session)
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
                _locked_warnings(session, entry, report)
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
            targets = Targets(tuple(entry.agents), tuple(entry.dirs), entry.mode)
            new = _entry(session, resolved, entry.registry, targets)
            plan.append(Planned(new, f"updated {entry.name} {entry.version} -> {new.version}"))
        report.failures.extend(failed)
        return _finish(session, report, plan, {})


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
        write_lock(session.project.lock_path, session.lock.without(set(names)))
        if set(names) & set(session.requests):
            update_requests(session.project.manifest, remove=set(names))
        for entry in entries:
            canonical = session.project.canonical / entry.name
            for path in [*entry_paths(session.project, entry), canonical]:
                if (path.exists() or path.is_symlink()) and is_ours(path, entry.name, canonical):
                    # Hide it first (one rename) so a kill never leaves half a folder visible.
                    hidden = temp_name(path.parent, path.name)
                    os.rename(path, hidden)
                    discard(hidden)
            report.actions.append(f"removed {entry.name}@{entry.version}")
        report.actions.extend(
            f"removed {n} from the manifest" for n in names if session.lock.get(n) is None
        )
    return report
