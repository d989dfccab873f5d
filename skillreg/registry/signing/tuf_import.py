"""Importing python-tuf without what this program never runs of it and its signing library.

- ``tuf.api.metadata`` imports ``securesystemslib.signer``, which imports a signer for each cloud
  key service (AWS KMS, Google Cloud KMS, Azure Key Vault) and, inside each, tries that
  service's SDK. Where boto3 is installed (our ``s3`` extra) that alone is about a second of
  import time on every signed install, for back-ends never used here: keys are files (`keys`).
  Those SDK modules are blocked while securesystemslib loads (a ``None`` in `sys.modules` makes
  their import fail, and securesystemslib then marks that signer unavailable), and unblocked
  after, so the S3 storage back-end still imports boto3 when a registry lives in a bucket.
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
    try:
        import securesystemslib.signer  # noqa: F401
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
