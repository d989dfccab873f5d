"""`skill registry verify` on a signed registry: every signature, expiry, version and hash.

The root chain is walked from ``1.root.json`` (each root signed by the previous one's threshold
and its own), then timestamp -> snapshot -> targets -> every bin, as a client would, and every
bin entry against its content-addressed copy. A document that differs from its signed entry is
an error, unless a writer was interrupted before re-signing it (its pending mark says so): then
it is reported as info, as the derived files are, and a rerun of the publish completes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from skillreg.core.errors import SkillError
from skillreg.registry.signing import layout
from skillreg.registry.signing.verifier import plain_text
from skillreg.registry.signing.writer import read_metadata, root_versions
from skillreg.registry.store import FolderRegistry

if TYPE_CHECKING:
    from tuf.api.metadata import Metadata, Root

Report = Callable[[str, str], None]  # (path, message)


def check_signed(reg: FolderRegistry, error: Report, info: Report) -> int:
    """Check the signed metadata of `reg`; the number of signed documents."""
    try:
        root = _root_chain(reg, error)
        if root is None:
            return 0
        return _check_top(reg, root, error, info)
    except SkillError as exc:
        error(layout.METADATA_DIR, exc.message)
        return 0


def _root_chain(reg: FolderRegistry, error: Report) -> Metadata[Root] | None:
    versions = root_versions(reg)
    if not versions or versions[0] != 1 or versions != list(range(1, len(versions) + 1)):
        error(layout.METADATA_DIR, f"root versions {versions} are not 1..N without gaps")
        return None
    trusted = read_metadata(reg, layout.metadata_file("root", 1))
    if not _verified(trusted, "root", trusted, layout.metadata_file("root", 1), error):
        return None
    for version in versions[1:]:
        rel = layout.metadata_file("root", version)
        new = read_metadata(reg, rel)
        if not _verified(trusted, "root", new, rel, error):
            return None
        if not _verified(new, "root", new, rel, error):
            return None
        trusted = new
    _expiry(trusted, layout.metadata_file("root", versions[-1]), error)
    return trusted


def _check_top(reg: FolderRegistry, root: Metadata[Root], error: Report, info: Report) -> int:
    ts_rel = layout.metadata_file("timestamp")
    timestamp = read_metadata(reg, ts_rel)
    _verified(root, "timestamp", timestamp, ts_rel, error)
    _expiry(timestamp, ts_rel, error)
    snap_rel = layout.metadata_file("snapshot", timestamp.signed.snapshot_meta.version)
    snapshot = read_metadata(reg, snap_rel)
    _verified(root, "snapshot", snapshot, snap_rel, error)
    _expiry(snapshot, snap_rel, error)
    tg_rel = layout.metadata_file("targets", snapshot.signed.meta["targets.json"].version)
    targets = read_metadata(reg, tg_rel)
    _verified(root, "targets", targets, tg_rel, error)
    _expiry(targets, tg_rel, error)
    delegations = targets.signed.delegations
    if delegations is None or delegations.succinct_roles is None:
        error(tg_rel, "no hash-bin delegation")
        return 0
    signed: dict[str, Any] = {}
    for role in delegations.succinct_roles.get_roles():
        meta = snapshot.signed.meta.get(f"{role}.json")
        if meta is None:
            error(snap_rel, f"lists no version of {role}")
            continue
        rel = layout.metadata_file(role, meta.version)
        md = read_metadata(reg, rel)
        if _verified(targets, role, md, rel, error):
            _expiry(md, rel, error)
            signed.update(md.signed.targets)
    _check_documents(reg, signed, error, info)
    return len(signed)


def _check_documents(
    reg: FolderRegistry, signed: dict[str, Any], error: Report, info: Report
) -> None:
    from skillreg.registry.derived import iter_documents

    pending = reg.pending_names()
    for path, target in sorted(signed.items()):
        digest = target.hashes.get("sha256", "")
        name = path.rsplit("/", 1)[-1].removesuffix(".json")
        copy = layout.target_file(name, digest)
        data = _read(reg, copy)
        if data is None or len(data) != target.length or _sha(data) != digest:
            error(copy, "missing, or does not match the length and sha256 its bin records")
        current = _read(reg, path)
        if current is not None and _sha(current) != digest:
            _lagging(path, name in pending, "differs from its signed entry", error, info)
    for doc in iter_documents(reg.root):
        rel = doc.relative_to(reg.root).as_posix()
        if rel not in signed:
            name = doc.name.removesuffix(".json")
            _lagging(rel, name in pending, "is not in any signed bin", error, info)


def _lagging(rel: str, pending: bool, what: str, error: Report, info: Report) -> None:
    if pending:
        info(rel, f"{what}: an interrupted publish; run it again (or the same yank/deprecate)")
    else:
        error(rel, f"{what} (edited by hand, or damaged)")


def _verified(
    delegator: Metadata[Any], role: str, md: Metadata[Any], rel: str, error: Report
) -> bool:
    from tuf.api.exceptions import UnsignedMetadataError

    try:
        delegator.signed.verify_delegate(role, md.signed_bytes, md.signatures)
    except UnsignedMetadataError as exc:
        error(rel, f"signature check failed for {role}: {plain_text(str(exc))}")
        return False
    except ValueError as exc:
        error(rel, f"cannot check {role}: {plain_text(str(exc))}")
        return False
    return True


def _expiry(md: Metadata[Any], rel: str, error: Report) -> None:
    if md.signed.is_expired(datetime.now(tz=UTC)):
        error(
            rel, f"expired at {md.signed.expires:%Y-%m-%dT%H:%M:%SZ}; run `skill registry refresh`"
        )


def _read(reg: FolderRegistry, rel: str) -> bytes | None:
    try:
        return (reg.root / rel).read_bytes()
    except OSError:
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
