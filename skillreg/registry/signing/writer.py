"""Writing signed metadata: `init_signing`, re-signing after publish/yank/deprecate, `refresh`.

Order, as for unsigned writes, so that a writer killed at any moment leaves the old or the new
state: content-addressed document copies first, then new bin versions, then the new snapshot (all
write-once, invisible until referenced), then ``timestamp.json`` (atomic replace), the one commit
point. A rerun starts from the committed timestamp, so files a killed writer left unreferenced are
simply written again. All of it runs under the registry lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.core.errors import ConfigError, RegistryError
from skillreg.registry.signing import layout
from skillreg.registry.signing.keys import load_role
from skillreg.registry.signing.tuf_import import load_tuf
from skillreg.registry.store import FolderRegistry

load_tuf()  # every use of this module signs or reads metadata: see tuf_import

if TYPE_CHECKING:
    from securesystemslib.signer import Signer
    from tuf.api.metadata import Metadata, Root, Snapshot, Targets, Timestamp


@dataclass(frozen=True)
class OnlineKeys:
    """The keys a publisher holds: targets (also signs the bins), snapshot, timestamp."""

    targets: list[Signer]
    snapshot: list[Signer]
    timestamp: list[Signer]

    @classmethod
    def load(cls, folder: Path) -> OnlineKeys:
        return cls(*(load_role(folder, role) for role in ("targets", "snapshot", "timestamp")))


def read_metadata(reg: FolderRegistry, rel: str) -> Metadata[Any]:
    """One metadata file of the registry's own folder, parsed (not verified: it is ours)."""
    from tuf.api.metadata import Metadata
    from tuf.api.serialization import DeserializationError

    path = reg.root / rel
    try:
        return Metadata.from_bytes(path.read_bytes())
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror}", path=path) from None
    except DeserializationError as exc:
        from skillreg.registry.signing.verifier import plain_text

        raise RegistryError(
            f"{path}: invalid TUF metadata: {plain_text(str(exc))}", path=path
        ) from None


def root_versions(reg: FolderRegistry) -> list[int]:
    """The versions of ``N.root.json`` present, sorted."""
    folder = reg.root / layout.METADATA_DIR
    found = [p.name.split(".", 1)[0] for p in folder.glob("*.root.json")]
    return sorted(int(v) for v in found if v.isdigit())


def latest_root(reg: FolderRegistry) -> Metadata[Root]:
    versions = root_versions(reg)
    if not versions:
        raise RegistryError(f"{reg.root}: signed, but no root metadata under {layout.METADATA_DIR}")
    return read_metadata(reg, layout.metadata_file("root", versions[-1]))


def expiry_days(root: Metadata[Root]) -> dict[str, int]:
    chosen = root.signed.unrecognized_fields.get(layout.EXPIRY_FIELD, {})
    days = dict(layout.DEFAULT_EXPIRY_DAYS)
    if isinstance(chosen, dict):
        days.update({k: v for k, v in chosen.items() if k in days and isinstance(v, int)})
    return days


def sign(md: Metadata[Any], signers: Iterable[Signer]) -> bytes:
    md.signatures.clear()
    for signer in signers:
        md.sign(signer, append=True)
    return md.to_bytes(_serializer())


def _serializer() -> Any:
    from tuf.api.serialization.json import JSONSerializer

    return JSONSerializer(compact=True)


def check_keys(root: Metadata[Root], role: str, signers: list[Signer]) -> None:
    """Refuse keys that are not `role`'s in root: a stale key folder would sign for nobody."""
    allowed = set(root.signed.roles[role].keyids)
    for signer in signers:
        if signer.public_key.keyid not in allowed:
            raise ConfigError(
                f"key {signer.public_key.keyid[:16]}… is not a {role} key of this registry"
                " (rotated away? use the keys folder that matches the registry)"
            )


class SignedState:
    """The committed state of a signed registry folder, and the writes that move it on."""

    def __init__(self, reg: FolderRegistry, keys: OnlineKeys) -> None:
        self.reg = reg
        self.keys = keys
        self.root = latest_root(reg)
        for role in ("targets", "snapshot", "timestamp"):
            check_keys(self.root, role, getattr(keys, role))
        self.days = expiry_days(self.root)
        self.timestamp: Metadata[Timestamp] = read_metadata(reg, layout.metadata_file("timestamp"))
        version = self.timestamp.signed.snapshot_meta.version
        self.snapshot: Metadata[Snapshot] = read_metadata(
            reg, layout.metadata_file("snapshot", version)
        )
        self._targets: Metadata[Targets] | None = None

    @property
    def targets(self) -> Metadata[Targets]:
        if self._targets is None:
            version = self.snapshot.signed.meta["targets.json"].version
            self._targets = read_metadata(self.reg, layout.metadata_file("targets", version))
        return self._targets

    def bin_of(self, name: str) -> str:
        delegations = self.targets.signed.delegations
        assert delegations is not None and delegations.succinct_roles is not None
        return delegations.succinct_roles.get_role_for_target(layout.target_path(name))

    def load_bin(self, role: str) -> Metadata[Targets]:
        version = self.snapshot.signed.meta[f"{role}.json"].version
        return read_metadata(self.reg, layout.metadata_file(role, version))

    def update_documents(self, names: Iterable[str]) -> list[str]:
        """Re-sign the bins of `names` from their documents, then snapshot and timestamp.

        Idempotent: a bin whose entries already match the documents is left as it is, and
        with nothing changed nothing is written. Returns the paths written.
        """
        bins: dict[str, Metadata[Targets]] = {}
        written: list[str] = []
        for name in sorted(set(names)):
            role = self.bin_of(name)
            md = bins.get(role) or self.load_bin(role)
            if self._set_target(md, name, written):
                bins[role] = md
        if not bins:
            return written
        for role, md in sorted(bins.items()):
            written.append(self.write_versioned(role, md, self.keys.targets, self.days["bins"]))
        return written + self.commit({f"{r}.json": md.signed.version for r, md in bins.items()})

    def _set_target(self, md: Metadata[Targets], name: str, written: list[str]) -> bool:
        from tuf.api.metadata import TargetFile

        path = layout.target_path(name)
        try:
            data = (self.reg.root / path).read_bytes()
        except FileNotFoundError:
            return md.signed.targets.pop(path, None) is not None
        except OSError as exc:
            raise RegistryError(f"{self.reg.root / path}: cannot read: {exc.strerror}") from None
        digest = hashlib.sha256(data).hexdigest()
        if self.reg.write_file(layout.target_file(name, digest), data):
            written.append(layout.target_file(name, digest))
        old = md.signed.targets.get(path)
        if old is not None and old.hashes.get("sha256") == digest and old.length == len(data):
            return False
        md.signed.targets[path] = TargetFile(len(data), {"sha256": digest}, path)
        return True

    def write_versioned(
        self, role: str, md: Metadata[Any], signers: list[Signer], days: int
    ) -> str:
        """Sign `md` as its next version and write it (write-once: unreferenced until commit)."""
        md.signed.version += 1
        md.signed.expires = layout.expiry(days)
        rel = layout.metadata_file(role, md.signed.version)
        self.reg.write_file(rel, sign(md, signers), force=True)
        return rel

    def commit(self, meta_versions: dict[str, int]) -> list[str]:
        """A new snapshot with `meta_versions` changed, then the new timestamp (the commit)."""
        from skillreg.registry.store import pause_point

        for file, version in meta_versions.items():
            self.snapshot.signed.meta[file].version = version
        days = self.days["snapshot"]
        written = self.write_versioned("snapshot", self.snapshot, self.keys.snapshot, days)
        pause_point("before-timestamp")
        return [written, self.write_timestamp()]

    def write_timestamp(self) -> str:
        ts = self.timestamp.signed
        ts.version += 1
        ts.expires = layout.expiry(self.days["timestamp"])
        ts.snapshot_meta.version = self.snapshot.signed.version
        rel = layout.metadata_file("timestamp")
        self.reg.write_file(rel, sign(self.timestamp, self.keys.timestamp), force=True)
        return rel


def resign_documents(reg: FolderRegistry, names: Iterable[str], keys_folder: Path) -> list[str]:
    """After documents changed: re-sign their bins, snapshot and timestamp, under the lock."""
    keys = OnlineKeys.load(keys_folder)
    with reg.registry_lock():
        return SignedState(reg, keys).update_documents(names)


def refresh(reg: FolderRegistry, keys_folder: Path, *, margin_days: int = 7) -> list[str]:
    """Renew the timestamp; also snapshot, targets and bins that expire within `margin_days`."""
    from datetime import UTC, datetime, timedelta

    keys = OnlineKeys.load(keys_folder)
    soon = datetime.now(tz=UTC) + timedelta(days=margin_days)
    with reg.registry_lock():
        state = SignedState(reg, keys)
        written: list[str] = []
        changed: dict[str, int] = {}
        for file in sorted(state.snapshot.signed.meta):
            role = file.removesuffix(".json")
            md = state.targets if role == "targets" else state.load_bin(role)
            if md.signed.expires < soon:
                days = state.days["targets" if role == "targets" else "bins"]
                written.append(state.write_versioned(role, md, keys.targets, days))
                changed[file] = md.signed.version
        if changed or state.snapshot.signed.expires < soon:
            return written + state.commit(changed)
        return [state.write_timestamp()]
