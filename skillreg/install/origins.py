"""Where each requested skill comes from, and how that is recorded.

A name is asked of the registry named on the command line, else of the one the manifest remembers
for that skill, else of the configured one; the manifest remembers a registry only when it was
chosen for the skill. A source (folder, bundle file, git URL) becomes a bundle in this session and
a lock entry naming the source, its digest and, for git, the commit.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal, cast

from skillreg.core.config import REGISTRY_ENV
from skillreg.core.errors import InstallError, NotFoundError
from skillreg.install.lock import LockEntry
from skillreg.install.manifest import Requirement
from skillreg.install.project import BUILTIN
from skillreg.install.resolve import Resolved, pick_version
from skillreg.install.session import Session
from skillreg.install.sources import Fetched, cache_bundle, fetch, locate

if TYPE_CHECKING:
    from skillreg.registry.client import Registry


def source_entry(fetched: Fetched) -> LockEntry:
    kind = cast(Literal["folder", "archive", "git"], fetched.kind)
    return LockEntry(
        name=fetched.name,
        version=fetched.version,
        registry=fetched.locator,
        source=kind,
        commit=fetched.commit,
        sha256=fetched.sha256,
        size=len(fetched.data),
    )


def registry_for(session: Session, name: str) -> Registry:
    """The registry this run asks about `name`: the one named on the command line (or in
    $SKILL_REGISTRY), else the one the manifest remembers for it, else the configured one."""
    recorded = session.requirements.get(name, Requirement()).registry
    if recorded is None or session.options.registry or os.environ.get(REGISTRY_ENV):
        return session.registry()
    return session.registry(recorded)


def requirement_for(session: Session, name: str, spec: str, registry: Registry) -> Requirement:
    """What the manifest records: the registry too when it was chosen for this skill (on the
    command line now, or remembered from before) rather than configured for the project."""
    chosen = session.options.registry or os.environ.get(REGISTRY_ENV)
    remember = chosen or session.requirements.get(name, Requirement()).registry
    keep = remember and registry.recorded != BUILTIN
    return Requirement(spec, registry.recorded if keep else None)


def pick_from(registry: Registry, name: str, spec: str) -> Resolved:
    """`pick_version` whose refusal names the registry asked (a remembered one, perhaps)."""
    document = registry.document(name)
    try:
        return pick_version(document, spec)
    except NotFoundError as exc:
        raise NotFoundError(f"{exc.message} (registry: {registry.name})") from None


def fetch_source(session: Session, text: str) -> Fetched:
    kind, locator = locate(text, root=session.project.root, cwd=session.options.cwd)
    fetched = fetch(kind, locator, root=session.project.root, offline=session.options.offline)
    session.fetched[fetched.sha256] = fetched.data
    cache_bundle(session.bundle_cache, fetched.data)
    return fetched


def updated_source(session: Session, entry: LockEntry) -> LockEntry | None:
    """The entry for what the source holds now (a git ref's newest commit, a folder's files),
    or None when that is what is installed."""
    assert entry.source is not None
    confined = session.project.scope == "project"  # a global lock is the user's own
    fetched = fetch(
        entry.source,
        entry.registry,
        root=session.project.root,
        confined=confined,
        offline=session.options.offline,
    )
    if fetched.sha256 == entry.sha256:
        return None
    if fetched.name != entry.name:
        raise InstallError(
            f"{entry.registry} now holds skill {fetched.name!r}, not {entry.name!r}; install it"
            f" by its source, and `skill remove {entry.name}` if it replaces that one"
        )
    session.fetched[fetched.sha256] = fetched.data
    cache_bundle(session.bundle_cache, fetched.data)
    return source_entry(fetched)
