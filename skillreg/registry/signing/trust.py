"""The user's trust in signed registries: pins from ``[install.trust]`` and roots kept on first use.

A registry's trusted root (and the verified metadata ngclient caches beside it) lives in
``<user data>/trust/<hash of the registry location>/``. Its presence is the record that the
registry was signed: from then on an unsigned answer from it is refused. A pin in the user
config (``[install.trust]``: registry URL or origin -> root key id or ``sha256:`` of
``1.root.json``) is checked against the first root, so not even the first use is blind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from skillreg.core.errors import ConfigError, IntegrityError
from skillreg.registry.signing.keys import key_id

TRUST_TABLE = "trust"  # [install.trust] in the user config
# The registry.json a trusted registry last answered with, kept beside its root: within a day an
# install reads it from here instead of asking (TUF's own metadata is asked for every time, and is
# what says the registry is still signed). Older than a day, or any failure, asks again.
KEPT_ROOT = "registry.json"
KEPT_SECONDS = 86_400
KEPT_MAX_BYTES = 64_000


def trust_dir(location: str) -> Path:
    """Where the trusted root and verified metadata of `location` are kept."""
    import platformdirs

    digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:32]
    return Path(platformdirs.user_data_dir("skillreg")) / "trust" / digest


def is_trusted(location: str) -> bool:
    return (trust_dir(location) / "root.json").exists()


def kept_root(location: str) -> bytes | None:
    """The registry.json kept for trusted `location` when under a day old; None otherwise."""
    import time

    path = trust_dir(location) / KEPT_ROOT
    try:
        with open(path, "rb") as kept:
            age = time.time() - os.fstat(kept.fileno()).st_mtime
            if not 0 <= age < KEPT_SECONDS:  # a clock set back counts as stale too
                return None
            data = kept.read(KEPT_MAX_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= KEPT_MAX_BYTES else None


def keep_root(location: str, body: bytes) -> None:
    """Keep the registry.json just accepted from trusted `location` (best effort: a miss only
    costs the request next time)."""
    from skillreg.core.atomic import write_atomic

    folder = trust_dir(location)
    if len(body) > KEPT_MAX_BYTES or not (folder / "root.json").exists():
        return
    with contextlib.suppress(OSError):
        write_atomic(folder / KEPT_ROOT, body, durable=False)


def pin_for(location: str) -> str | None:
    """The pin for `location` (its exact URL or folder, else its origin), from the user config."""
    from skillreg.core.config import load_user_config
    from skillreg.registry.http import origin_of

    config = load_user_config()
    table = config.section("install").get(TRUST_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{config.path}: [install.trust] must be a table", path=config.path)
    for key in (location, location.rstrip("/"), origin_of(location)):
        value = table.get(key) if key else None
        if value is not None:
            if not isinstance(value, str) or not value:
                raise ConfigError(
                    f"{config.path}: [install.trust] {key!r} must be a root key id or"
                    " 'sha256:<hex of 1.root.json>'",
                    path=config.path,
                )
            return value.strip().lower()
    return None


def check_pin(location: str, pin: str, first_root: bytes) -> None:
    """Refuse `first_root` (``1.root.json``) unless it matches `pin`.

    ``sha256:HEX`` pins the file's bytes; a bare key id must be a root key that signed it, its id
    computed from the key itself (a document may claim any id).
    """
    if pin.startswith("sha256:"):
        actual = hashlib.sha256(first_root).hexdigest()
        if actual != pin.removeprefix("sha256:"):
            raise IntegrityError(
                f"{location}: root metadata sha256 {actual[:16]}… does not match the pin in"
                " [install.trust]; refusing (a different root: investigate before re-pinning)",
                url=location,
            )
        return
    if pin not in _signing_root_keys(first_root):
        raise IntegrityError(
            f"{location}: root metadata is not signed by the pinned root key {pin[:16]}… in"
            " [install.trust]; refusing",
            url=location,
        )


def _signing_root_keys(data: bytes) -> set[str]:
    """Computed ids of root keys whose signature over `data` (a root) is valid."""
    from skillreg.registry.signing.tuf_import import load_tuf

    load_tuf()
    from tuf.api.exceptions import UnsignedMetadataError
    from tuf.api.metadata import Metadata, Root

    try:
        md = Metadata[Root].from_bytes(data)
    except Exception:
        return set()
    good: set[str] = set()
    for declared in md.signed.roles["root"].keyids:
        key = md.signed.keys.get(declared)
        if key is None or declared not in md.signatures:
            continue
        try:
            key.verify_signature(md.signatures[declared], md.signed_bytes)
        except UnsignedMetadataError:
            continue
        except Exception:
            continue
        good.add(key_id(_as_dict(key.to_dict())))
    return good


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(json.loads(json.dumps(value)))
