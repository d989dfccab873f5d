"""The hook writers call on a registry that may be signed: find the online keys, re-sign.

Kept apart from `signing` so that publishing to an unsigned registry never imports python-tuf.
The keys folder comes from ``SKILL_SIGNING_KEYS`` (or the CLI's ``--signing-keys``, which sets
it): the registry folder is served to everyone, so keys never live in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from skillreg.core.errors import ConfigError, RegistryError
from skillreg.registry.model import RegistryRoot
from skillreg.registry.store import FolderRegistry, RegistryStore

KEYS_ENV = "SKILL_SIGNING_KEYS"


def keys_folder() -> Path | None:
    raw = os.environ.get(KEYS_ENV)
    return Path(raw).expanduser() if raw else None


def check_signing_keys(reg: RegistryStore, root: RegistryRoot) -> None:
    """Refuse a write to a signed registry early (before anything is written) when its online
    keys are missing, unreadable, or not the keys its root names, or when it is not in a folder
    (signing reads and writes its metadata as files)."""
    if root.tuf is None:
        return
    if root.tuf != "tuf":
        raise RegistryError(f"registry.json: tuf {root.tuf!r}; this skillreg writes only 'tuf'")
    if not isinstance(reg, FolderRegistry):
        raise RegistryError(
            f"{reg.location}: a signed registry; this skillreg signs only registries in a folder",
            path=reg.location,
        )
    folder = keys_folder()
    if folder is None:
        raise ConfigError(
            f"the registry is signed: set {KEYS_ENV} to the folder of its online keys"
            " (targets.pem, snapshot.pem, timestamp.pem)"
        )
    from skillreg.registry.signing.writer import OnlineKeys, check_keys, latest_root

    keys = OnlineKeys.load(folder)
    root_md = latest_root(reg)
    for role in ("targets", "snapshot", "timestamp"):
        check_keys(root_md, role, getattr(keys, role))


def resign(reg: RegistryStore, names: Iterable[str]) -> list[str]:
    """Re-sign the bins of `names`, snapshot and timestamp when `reg` is signed; paths written.

    Called after every document change; `check_signing_keys` has refused a signed registry
    that is not in a folder before anything was written."""
    root = reg.require()
    folder = keys_folder()
    if root.tuf is None or folder is None or not isinstance(reg, FolderRegistry):
        return []
    from skillreg.registry.signing.writer import resign_documents

    return resign_documents(reg, names, folder)
