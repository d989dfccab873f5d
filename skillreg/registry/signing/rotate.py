"""`skill registry rotate`: replace a role's keys with a new root version.

The new root is signed by the current root keys (enough to meet its threshold) and, when the
root's own keys change, by the new ones too, so a client holding any earlier root can follow the
chain (TUF's root rotation). Then the rotated role's metadata is re-signed with the new key and a
new snapshot and timestamp commit it, in the usual write order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from skillreg.core.errors import ConfigError, UsageError
from skillreg.registry.signing import layout
from skillreg.registry.signing.keys import load_role, load_signer
from skillreg.registry.signing.writer import OnlineKeys, SignedState, latest_root, sign
from skillreg.registry.store import FolderRegistry

ROLES = ("root", "targets", "snapshot", "timestamp")


@dataclass(frozen=True)
class RotateResult:
    role: str
    root_version: int
    new_keyids: tuple[str, ...]
    written: tuple[str, ...]


def rotate(reg: FolderRegistry, role: str, keys: Path, new_keys: list[Path]) -> RotateResult:
    """Make `new_keys` the keys of `role`; `keys` holds the current root and online keys."""
    if role not in ROLES:
        raise UsageError(f"{role!r}: roles are {', '.join(ROLES)}")
    if not new_keys:
        raise UsageError("give at least one --new-key")
    signers = [load_signer(p) for p in new_keys]
    old_root_keys = load_role(keys, "root")
    online = OnlineKeys.load(keys) if role == "root" else _online_except(keys, role)
    with reg.registry_lock():
        root = latest_root(reg)
        threshold = root.signed.roles["root"].threshold
        current = set(root.signed.roles["root"].keyids)
        if sum(s.public_key.keyid in current for s in old_root_keys) < threshold:
            raise ConfigError(
                f"{keys}: fewer than {threshold} current root key(s); the new root must be"
                " signed by the old one"
            )
        for keyid in list(root.signed.roles[role].keyids):
            root.signed.revoke_key(keyid, role)
        for signer in signers:
            root.signed.add_key(signer.public_key, role)
        if role != "root":
            root.signed.roles[role].threshold = len(signers)
        else:
            root.signed.roles[role].threshold = min(threshold, len(signers))
        root.signed.version += 1
        root.signed.expires = layout.expiry(layout.DEFAULT_EXPIRY_DAYS["root"])
        by = [s for s in old_root_keys if s.public_key.keyid in current]
        by += signers if role == "root" else []
        rel = layout.metadata_file("root", root.signed.version)
        reg.write_file(rel, sign(root, by), force=True)
        if role != "root":
            online = replace(online, **{role: signers})
        written = [rel, *_resign(reg, role, online)]
    return RotateResult(
        role, root.signed.version, tuple(s.public_key.keyid for s in signers), tuple(written)
    )


def _online_except(keys: Path, role: str) -> OnlineKeys:
    roles = ("targets", "snapshot", "timestamp")
    return OnlineKeys(*([] if r == role else load_role(keys, r) for r in roles))


def _resign(reg: FolderRegistry, role: str, keys: OnlineKeys) -> list[str]:
    """Re-sign what `role` signs with its new keys; snapshot and timestamp commit it."""
    state = SignedState(reg, keys)
    if role == "targets":
        return _resign_targets(state)
    if role == "snapshot":
        return state.commit({})
    return [state.write_timestamp()]


def _resign_targets(state: SignedState) -> list[str]:
    """New targets key: the delegation to the bins names it, and every bin is signed with it."""
    targets = state.targets
    delegations = targets.signed.delegations
    assert delegations is not None and delegations.succinct_roles is not None
    keyids = [s.public_key.keyid for s in state.keys.targets]
    delegations.keys = {s.public_key.keyid: s.public_key for s in state.keys.targets}
    delegations.succinct_roles.keyids = keyids
    delegations.succinct_roles.threshold = len(keyids)
    days = state.days
    written = [state.write_versioned("targets", targets, state.keys.targets, days["targets"])]
    changed = {"targets.json": targets.signed.version}
    for role in delegations.succinct_roles.get_roles():
        md = state.load_bin(role)
        written.append(state.write_versioned(role, md, state.keys.targets, days["bins"]))
        changed[f"{role}.json"] = md.signed.version
    return written + state.commit(changed)
