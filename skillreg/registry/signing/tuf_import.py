"""Importing python-tuf without what this program never runs of it and its signing library.

- ``tuf.api.metadata`` imports ``securesystemslib.signer``, which imports a signer for each cloud
  key service (AWS KMS, Google Cloud KMS, Azure Key Vault) and, inside each, tries that
  service's SDK. Where boto3 is installed (our ``s3`` extra) that alone is about a second of
  import time on every signed install, for back-ends never used here: keys are files (`keys`).
  Those SDK modules are blocked while securesystemslib loads (a ``None`` in `sys.modules` makes
  their import fail, and securesystemslib then marks that signer unavailable), and unblocked
  after, so the S3 storage back-end still imports boto3 when a registry lives in a bucket.
- The package also imports a signer for each hardware token, key vault, GnuPG and Sigstore,
  about 20 ms of every signed install (GnuPG's brings subprocess and its packet parser). Those
  modules are stand-ins here whose classes refuse to be used: a key of theirs in a root is
  refused as a key of an unknown type is (keys here are ed25519 files, `keys`), which also keeps
  a hostile registry's metadata away from their parsers. Should a securesystemslib want more of
  them than the stand-ins hold, the real modules are imported after all.
- ``tuf.ngclient`` imports its default fetcher, which imports urllib3 (whose URL regexes compile
  at import). Every `Updater` here gets our own fetcher (`fetcher.RegistryFetcher`, over our
  HTTP client), so that module is replaced by a stand-in whose fetcher cannot be built.
"""

from __future__ import annotations

import sys
import types
from typing import Any

_CLOUD_SDKS = (
    "boto3",
    "botocore",
    "google.cloud.kms",
    "google.cloud.kms_v1",
    "azure.core.exceptions",
    "azure.identity",
    "azure.keyvault.keys",
)
_DEFAULT_FETCHER = "tuf.ngclient.urllib3_fetcher"
_SIGNER = "securesystemslib.signer."
#: The signer modules replaced while securesystemslib loads, with the classes each must hold.
_UNUSED_SIGNERS = {
    "_aws_signer": ("AWSSigner",),
    "_azure_signer": ("AzureSigner",),
    "_gcp_signer": ("GCPSigner",),
    "_gpg_signer": ("GPGKey", "GPGSigner"),
    "_hsm_signer": ("HSMSigner",),
    "_sigstore_signer": ("SigstoreKey", "SigstoreSigner"),
    "_tkey_signer": ("TKeySigner",),
    "_vault_signer": ("VaultSigner",),
}


class _Unused:
    """A securesystemslib key or signer class this program never uses."""

    SCHEME = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise type(self).refusal()

    @classmethod
    def from_dict(cls, *args: Any, **kwargs: Any) -> Any:
        raise cls.refusal()

    from_priv_key_uri = from_dict

    @classmethod
    def refusal(cls) -> ValueError:
        return ValueError(f"{cls.__name__} keys are not supported here (ed25519, ECDSA, RSA are)")


def _stand_ins() -> dict[str, types.ModuleType]:
    made = {}
    for module, classes in _UNUSED_SIGNERS.items():
        name = _SIGNER + module
        if name in sys.modules:
            continue
        stand_in = types.ModuleType(name, _Unused.__doc__)
        for cls in classes:  # a scheme no URI uses, so `Signer.from_priv_key_uri` never picks it
            scheme = f"skillreg-unused-{cls.lower()}"
            setattr(stand_in, cls, type(cls, (_Unused,), {"SCHEME": scheme}))
        made[name] = stand_in
    return made


class _NoDefaultFetcher:
    """Stands in for python-tuf's urllib3 fetcher, which is never used here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("skillreg gives every tuf Updater its own fetcher")


def load_tuf() -> None:
    """Prepare (once) the imports above; then import tuf and securesystemslib as usual."""
    if "tuf.ngclient" not in sys.modules and _DEFAULT_FETCHER not in sys.modules:
        stand_in = types.ModuleType(_DEFAULT_FETCHER, _NoDefaultFetcher.__doc__)
        stand_in.Urllib3Fetcher = _NoDefaultFetcher  # type: ignore[attr-defined]
        sys.modules[_DEFAULT_FETCHER] = stand_in
    if "securesystemslib.signer" in sys.modules:
        return
    blocked = [name for name in _CLOUD_SDKS if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    stand_ins = _stand_ins()
    sys.modules.update(stand_ins)
    try:
        try:
            import securesystemslib.signer
        except ImportError:  # a version that wants more of them: the real modules after all
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
            import securesystemslib.signer  # noqa: F401
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
