"""`skill registry init --sign`: turn a new or existing registry into a signed one.

Everything under ``tuf/`` is written first (root, targets with the hash-bin delegation, every bin
listing the documents already there, snapshot, timestamp); ``registry.json`` gains ``"tuf"`` last.
Until then clients see an unsigned registry, so a killed init leaves the old state and a rerun
starts over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.core.errors import RegistryError, UsageError
from skillreg.core.jsonio import dump_json
from skillreg.registry.model import ROOT_FILE
from skillreg.registry.signing import layout
from skillreg.registry.signing.keys import load_role
from skillreg.registry.signing.writer import OnlineKeys, sign
from skillreg.registry.store import FolderRegistry

if TYPE_CHECKING:
    from securesystemslib.signer import Signer
    from tuf.api.metadata import SuccinctRoles, Targets


@dataclass(frozen=True)
class InitOptions:
    keys: Path  # folder with root*.pem, targets.pem, snapshot.pem, timestamp.pem
    root_threshold: int = 1
    bit_length: int = layout.DEFAULT_BIT_LENGTH
    expiry_days: tuple[tuple[str, int], ...] = ()  # overrides of layout.DEFAULT_EXPIRY_DAYS


@dataclass(frozen=True)
class InitResult:
    root_keyids: tuple[str, ...]
    documents: int
    bins: int
    created_registry: bool


def init_signing(reg: FolderRegistry, options: InitOptions) -> InitResult:
    """Sign every document of `reg` (created if missing) with fresh metadata, version 1."""
    days = _expiries(options)
    root_keys = load_role(options.keys, "root")
    if not 1 <= options.root_threshold <= len(root_keys):
        raise UsageError(
            f"--root-threshold {options.root_threshold}: needs between 1 and the"
            f" {len(root_keys)} root key(s) in {options.keys}"
        )
    online = OnlineKeys.load(options.keys)
    created = reg.ensure_root()
    doc = reg.require()
    if doc.tuf is not None:
        raise RegistryError(
            f"{reg.root}: already signed; use `skill registry rotate` to change keys",
            path=reg.root,
        )
    written = {
        layout.metadata_file("root", 1): _root(days, root_keys, options.root_threshold, online)
    }
    documents, bins = _targets(reg, days, online, options.bit_length, written)
    with reg.registry_lock():
        for rel, data in written.items():
            reg.write_file(rel, data, force=True)
        signed_doc = doc.model_copy(update={"tuf": layout.TUF_DIR})
        reg.write_file(ROOT_FILE, dump_json(signed_doc.model_dump(mode="json", exclude_none=True)))
    from skillreg.registry.changes import record_changes

    record_changes(reg, ())  # its copy of registry.json now says "tuf" too
    return InitResult(tuple(s.public_key.keyid for s in root_keys), documents, bins, created)


def _root(
    days: dict[str, int], root_keys: list[Signer], threshold: int, online: OnlineKeys
) -> bytes:
    """Root version 1: the keys of every role, signed by the root keys."""
    from tuf.api.metadata import TOP_LEVEL_ROLE_NAMES, Metadata, Root

    root = Root(
        expires=layout.expiry(days["root"]),
        consistent_snapshot=True,
        unrecognized_fields={layout.EXPIRY_FIELD: days},
    )
    for role in TOP_LEVEL_ROLE_NAMES:
        root.roles[role].keyids.clear()
    for signer in root_keys:
        root.add_key(signer.public_key, "root")
    root.roles["root"].threshold = threshold
    for role in ("targets", "snapshot", "timestamp"):
        for signer in getattr(online, role):
            root.add_key(signer.public_key, role)
        root.roles[role].threshold = len(getattr(online, role))
    return sign(Metadata(root), root_keys)


def _targets(
    reg: FolderRegistry,
    days: dict[str, int],
    online: OnlineKeys,
    bit_length: int,
    written: dict[str, bytes],
) -> tuple[int, int]:
    """Targets delegating to the hash bins, the bins, snapshot and timestamp, into `written`;
    (documents signed, bins)."""
    from tuf.api.metadata import Delegations, Metadata, MetaFile, Snapshot, Timestamp
    from tuf.api.metadata import SuccinctRoles as Succinct
    from tuf.api.metadata import Targets as TargetsRole

    keyids = [s.public_key.keyid for s in online.targets]
    succinct = Succinct(keyids, len(keyids), bit_length, layout.BIN_PREFIX)
    targets = TargetsRole(expires=layout.expiry(days["targets"]))
    targets.delegations = Delegations(
        keys={s.public_key.keyid: s.public_key for s in online.targets}, succinct_roles=succinct
    )
    written[layout.metadata_file("targets", 1)] = sign(Metadata(targets), online.targets)
    bins = {r: TargetsRole(expires=layout.expiry(days["bins"])) for r in succinct.get_roles()}
    documents = _sign_existing(reg, succinct, bins)
    for role, md in bins.items():
        written[layout.metadata_file(role, 1)] = sign(Metadata(md), online.targets)
    meta = {f"{role}.json": MetaFile(1) for role in ["targets", *bins]}
    snapshot = Snapshot(expires=layout.expiry(days["snapshot"]), meta=meta)
    written[layout.metadata_file("snapshot", 1)] = sign(Metadata(snapshot), online.snapshot)
    timestamp = Timestamp(expires=layout.expiry(days["timestamp"]), snapshot_meta=MetaFile(1))
    written[layout.metadata_file("timestamp")] = sign(Metadata(timestamp), online.timestamp)
    return documents, len(bins)


def _expiries(options: InitOptions) -> dict[str, int]:
    days = dict(layout.DEFAULT_EXPIRY_DAYS)
    for role, value in options.expiry_days:
        if role not in days:
            raise UsageError(f"--expires {role}={value}: roles are {', '.join(days)}")
        if value < 1:
            raise UsageError(f"--expires {role}={value}: must be at least 1 day")
        days[role] = value
    return days


def _sign_existing(reg: FolderRegistry, succinct: SuccinctRoles, bins: dict[str, Targets]) -> int:
    """Add every document already in `reg` to its bin (and its content-addressed copy)."""
    import hashlib

    from tuf.api.metadata import TargetFile

    from skillreg.registry.derived import iter_documents

    count = 0
    for path in iter_documents(reg.root):
        name = path.name.removesuffix(".json")
        rel = path.relative_to(reg.root).as_posix()
        if rel != layout.target_path(name) or not reg.has_skill(name):
            continue  # `verify` reports misplaced documents; they are not signed
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        reg.write_file(layout.target_file(name, digest), data)
        md = bins[succinct.get_role_for_target(rel)]
        md.targets[rel] = TargetFile(len(data), {"sha256": digest}, rel)
        count += 1
    return count
