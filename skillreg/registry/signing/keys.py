"""Signing keys: ed25519 key files (PEM, 0600, optionally passphrase-encrypted) and key ids.

A key file ``NAME.pem`` holds the private key; ``NAME.pem.pub`` beside it holds the public key as
TUF key JSON. Generating and loading private keys needs `cryptography` (the ``sign`` extra);
computing a key id does not, so a client can check a pin without it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.core.errors import ConfigError, UsageError
from skillreg.registry.signing.tuf_import import load_tuf

if TYPE_CHECKING:
    from securesystemslib.signer import Signer, SSlibKey

PASSPHRASE_ENV = "SKILL_SIGNING_PASSPHRASE"  # decrypts (and, with --encrypt, encrypts) key files

ONLINE_ROLES = ("targets", "snapshot", "timestamp")


def key_id(key_dict: dict[str, Any]) -> str:
    """The key id of a TUF key object: sha256 of its canonical JSON (keytype, scheme, keyval).

    Computed, never taken from metadata: a document may declare any id for any key.
    """
    from securesystemslib.formats import encode_canonical

    material = {k: key_dict[k] for k in ("keytype", "scheme", "keyval")}
    canonical = encode_canonical(material)
    assert isinstance(canonical, str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise UsageError("signing needs the 'sign' extra: pip install 'skillreg[sign]'") from None
    return serialization


def generate_key(path: Path, passphrase: bytes | None) -> str:
    """Write a new ed25519 key to `path` (0600) and its public key beside it; its key id."""
    serialization = _crypto()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if path.exists() or public_path(path).exists():
        raise UsageError(f"{path}: already exists; choose another name (keys are never replaced)")
    private = Ed25519PrivateKey.generate()
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public = _public_of(private)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        public_path(path).write_text(json.dumps(public.to_dict(), indent=2) + "\n")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write key: {exc.strerror}", path=path) from None
    return public.keyid


def public_path(path: Path) -> Path:
    return path.with_name(path.name + ".pub")


def _public_of(private: Any) -> SSlibKey:
    load_tuf()
    from securesystemslib.signer import SSlibKey

    key = SSlibKey.from_crypto(private.public_key())
    return SSlibKey(key_id(key.to_dict()), key.keytype, key.scheme, key.keyval)


def load_signer(path: Path) -> Signer:
    """A signer for the private key in `path`; `SKILL_SIGNING_PASSPHRASE` decrypts it."""
    serialization = _crypto()
    load_tuf()
    from securesystemslib.signer import CryptoSigner

    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read key: {exc.strerror}", path=path) from None
    secret = os.environ.get(PASSPHRASE_ENV)
    try:
        private = serialization.load_pem_private_key(
            pem, password=secret.encode("utf-8") if secret else None
        )
    except TypeError:
        raise ConfigError(
            f"{path}: key is encrypted; set {PASSPHRASE_ENV} to its passphrase", path=path
        ) from None
    except ValueError:
        raise ConfigError(
            f"{path}: not an ed25519 private key, or the passphrase is wrong", path=path
        ) from None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not isinstance(private, Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an ed25519 key (use `skill registry keygen`)", path=path)
    return CryptoSigner(private, _public_of(private))


def role_key_paths(folder: Path, role: str) -> list[Path]:
    """The key files of `role` in a keys folder: ``ROLE.pem`` and ``ROLE-*.pem``, sorted."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: keys folder not found", path=folder)
    return sorted(
        p for p in folder.glob(f"{role}*.pem") if p.stem == role or p.stem.startswith(f"{role}-")
    )


def load_role(folder: Path, role: str) -> list[Signer]:
    """Every signer of `role` in `folder`; a `ConfigError` saying how to make one when none."""
    paths = role_key_paths(folder, role)
    if not paths:
        raise ConfigError(
            f"{folder}: no {role} key ({role}.pem); create one with"
            f" `skill registry keygen {folder / (role + '.pem')}`",
            path=folder,
        )
    return [load_signer(p) for p in paths]
