"""What a restore checks before it trusts the lock: manifest requests the lock does not satisfy,
and locked versions a registry has since yanked, deprecated or (refused) changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillreg.core.errors import LockError, RegistryError, UsageError
from skillreg.install.lock import LockEntry
from skillreg.install.resolve import yank_warning
from skillreg.install.semver_range import parse_range, parse_version
from skillreg.install.session import Session
from skillreg.install.sources import check_confined

if TYPE_CHECKING:
    from collections.abc import Callable


def locked_warnings(session: Session, entry: LockEntry, warn: Callable[[str], None]) -> None:
    """Warn about yanked or deprecated locked versions; refuse a registry that changed bytes."""
    if entry.source is not None:
        return  # a source has no yanks; its bytes are checked against the lock when fetched
    try:
        doc = session.registry(entry.registry).document(entry.name, logged=True)
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
        warn(yank_warning(entry.name, entry.version, version) + " (locked)")
    if doc.deprecated is not None:
        warn(f"{entry.name} is deprecated: {doc.deprecated.message or 'no reason given'}")


def stale_requests(session: Session) -> list[str]:
    """Manifest requests the lock does not satisfy (missing, or a version outside the range)."""
    stale = []
    for name, requirement in sorted(session.requirements.items()):
        spec, entry = requirement.spec, session.lock.get(name)
        if requirement.source is not None:
            if entry is None or entry.registry != requirement.source:
                if session.project.scope == "project":
                    check_confined(requirement.source, session.project.root)
                stale.append(requirement.source)
            continue
        version = parse_version(entry.version) if entry else None
        try:
            satisfied = version is not None and parse_range(spec).matches(version)
        except UsageError:
            satisfied = entry is not None  # a dist-tag: whatever was locked satisfies it
        if not satisfied:
            stale.append(name if not spec else f"{name}@{spec}")
    return stale
