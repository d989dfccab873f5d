"""Helpers for the signing tests: keys made by the test, a signed copy of the standard registry,
and forging metadata the way an attacker (or a careless maintainer) would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from skillreg.registry.signing import layout
from skillreg.registry.signing.create import InitOptions, init_signing
from skillreg.registry.signing.keys import generate_key, load_signer
from skillreg.registry.signing.writer import OnlineKeys, SignedState, read_metadata, sign
from skillreg.registry.store import FolderRegistry
from tests.install_helpers import standard_registry

ROLES = ("root", "targets", "snapshot", "timestamp")
TEST_BITS = 4  # 16 bins: the same code paths as 1024, in a fraction of the files


def make_keys(folder: Path) -> Path:
    for role in ROLES:
        generate_key(folder / f"{role}.pem", None)
    return folder


def signed_registry(root: Path, keys: Path) -> FolderRegistry:
    """The standard test registry, signed with `keys`."""
    standard_registry(root)
    reg = FolderRegistry(root)
    init_signing(reg, InitOptions(keys, bit_length=TEST_BITS))
    return reg


def state(reg: FolderRegistry, keys: Path) -> SignedState:
    return SignedState(reg, OnlineKeys.load(keys))


def metadata_bytes(reg: FolderRegistry, rel: str) -> bytes:
    return (reg.root / rel).read_bytes()


def current_bin(reg: FolderRegistry, keys: Path, name: str) -> str:
    """The path of the bin file that lists `name` in the committed state."""
    st = state(reg, keys)
    role = st.bin_of(name)
    return layout.metadata_file(role, st.snapshot.signed.meta[f"{role}.json"].version)


def forge_timestamp(
    reg: FolderRegistry, keys: Path, *, days: int = 1, by: Path | None = None
) -> None:
    """A new timestamp expiring in `days` (negative: already expired), signed by `by` if given."""
    st = state(reg, keys)
    st.days["timestamp"] = days
    if by is not None:
        st.keys = replace(st.keys, timestamp=[load_signer(by)])
    st.write_timestamp()


def wrong_root_rotation(reg: FolderRegistry, new_root_key: Path) -> None:
    """Root version 2 naming a new root key, signed only by that new key (not the old root)."""
    root: Any = read_metadata(reg, layout.metadata_file("root", 1))
    signer = load_signer(new_root_key)
    for keyid in list(root.signed.roles["root"].keyids):
        root.signed.revoke_key(keyid, "root")
    root.signed.add_key(signer.public_key, "root")
    root.signed.version = 2
    reg.write_file(layout.metadata_file("root", 2), sign(root, [signer]), force=True)
