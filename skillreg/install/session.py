"""One command's view of the world: the project, its lock and manifest, and open registries.

Options come from the CLI as a frozen `InstallOptions`; a `Session` opens registries on demand
(one HTTP client shared by all of them) and closes them at the end.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from skillreg.core.config import user_cache_dir
from skillreg.core.locking import Held, hold
from skillreg.install.lock import Lockfile, check_project_lock, read_lock
from skillreg.install.manifest import Requirement, read_requirements
from skillreg.install.place import clean_stale
from skillreg.install.project import (
    BUILTIN,
    Project,
    choose_registry,
    locate_project,
    resolve_builtin,
)

if TYPE_CHECKING:
    from skillreg.install.audit_gate import AuditPolicy
    from skillreg.registry.client import Registry
    from skillreg.registry.http import HttpClient, ProgressFactory


@dataclass(frozen=True)
class InstallOptions:
    cwd: Path
    registry: str | None = None
    agents: tuple[str, ...] = ()
    dirs: tuple[str, ...] = ()
    global_: bool = False
    copy: bool = False
    force: bool = False
    with_related: bool = False
    frozen: bool = False
    offline: bool = False
    allow_audit: tuple[str, ...] = ()  # rule codes (or "all") whose audit errors do not refuse
    audit_level: str | None = (
        None  # show audit findings at or above this; None: config, else warning
    )
    adopt: bool = False  # take over unmanaged folders that hold exactly the locked files
    dry_run: bool = False  # update/remove: say what would change, change nothing
    progress: ProgressFactory | None = field(default=None, compare=False)
    #: told (done, total) as each skill of a plan is unpacked and staged (a counter on a terminal)
    counter: Callable[[int, int], None] | None = field(default=None, compare=False)
    notice: Callable[[str], None] | None = field(default=None, compare=False)  # e.g. retries


class Session:
    """Open with `exclusive=True` for commands that write: one writer per project at a time."""

    def __init__(self, options: InstallOptions, *, exclusive: bool = False) -> None:
        self.options = options
        self._audit: AuditPolicy | None = None
        self.project: Project = locate_project(options.cwd, global_=options.global_)
        self._guard = _project_guard(self.project.root) if exclusive else None
        try:  # read under the guard, so what we read is what the last writer wrote
            self.lock: Lockfile = read_lock(self.project.lock_path)
            if self.project.scope == "project":
                check_project_lock(self.project.lock_path, self.lock)
            self.requirements: dict[str, Requirement] = read_requirements(self.project.manifest)
        except BaseException:
            if self._guard is not None:
                self._guard.release()
            raise
        self.requests: dict[str, str] = {n: r.spec for n, r in self.requirements.items()}
        self.fetched: dict[str, bytes] = {}  # bundles built from sources this run, by sha256
        self.bundle_cache = user_cache_dir() / "bundles"
        self._http: HttpClient | None = None
        self._registries: dict[str, Registry] = {}
        # What the project root held before this writer ran: a failed run removes any new,
        # file-less folders it made (`.agents/skills`, `.claude/skills`), leaving the old state.
        self._before = _entries(self.project.root) if exclusive else None

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for opened in self._registries.values():
            opened.close()
        if self._http is not None:
            self._http.close()
        if exc is not None and self._before is not None:
            _remove_new_empty_folders(self.project.root, self._before)
        if self._guard is not None:
            self._guard.release()

    def clean(self, folders: list[Path]) -> None:
        """Remove what interrupted runs left in the folders this run will touch."""
        clean_stale(self.project.root)
        for folder in {self.project.canonical, *folders}:
            if self.project.boundary.contains(folder):
                clean_stale(folder)

    def audit_policy(self) -> AuditPolicy:
        """What the install audit shows and refuses (read once per run)."""
        if self._audit is None:
            from skillreg.install.audit_gate import user_policy

            self._audit = user_policy(self.options.allow_audit, self.options.audit_level)
        return self._audit

    def registry(self, spec: str | None = None) -> Registry:
        """`spec` as recorded in a lock entry, or None for the configured registry."""
        from skillreg.registry.client import open_registry, registry_id

        raw, base = spec or self.options.registry or "", self.options.cwd
        if not raw:
            raw, base = choose_registry(None, self.options.cwd)
        key = raw if raw == BUILTIN else registry_id(raw, base)
        if key not in self._registries:
            where = str(resolve_builtin()) if raw == BUILTIN else raw
            http = self._client() if key.startswith(("http://", "https://")) else None
            opened = open_registry(
                where,
                base=base,
                cache_dir=user_cache_dir(),
                http=http,
                offline=self.options.offline,
            )
            opened.recorded = key
            if raw == BUILTIN:
                opened.label = "the built-in registry"
            opened.notice = self.options.notice  # e.g. "trusting ... on first use"
            self._registries[key] = opened
        return self._registries[key]

    def _client(self) -> HttpClient:
        if self._http is None:
            from skillreg.registry.http import HttpClient, HttpSettings
            from skillreg.registry.tokens import registry_tokens

            # Scoped by origin: a registry named by the lock or the project config gets a
            # token only if the user mapped its origin to one.
            settings = HttpSettings.from_env(tokens=registry_tokens(self.options.registry))
            self._http = HttpClient(
                settings, progress=self.options.progress, notice=self.options.notice
            )
        return self._http


def _project_guard(root: Path) -> Held | None:
    """An exclusive lock for writers of one project, so two installs never lose a lock entry.

    The lock file lives in the user cache (keyed by the project's path), not in the project.
    """
    import hashlib

    key = hashlib.sha256(str(root).encode()).hexdigest()[:32]
    try:
        return hold(user_cache_dir() / "locks" / f"{key}.lock")
    except OSError:
        return None  # an unwritable cache must not stop installs; they are just not serialised


def _entries(root: Path) -> set[str]:
    try:
        return set(os.listdir(root))
    except OSError:
        return set()


def _remove_new_empty_folders(root: Path, before: set[str]) -> None:
    for name in _entries(root) - before:
        path = root / name
        if path.is_dir() and not path.is_symlink() and not _holds_files(path):
            shutil.rmtree(path, ignore_errors=True)


def _holds_files(folder: Path) -> bool:
    return any(not p.is_dir() or p.is_symlink() for p in folder.rglob("*"))
