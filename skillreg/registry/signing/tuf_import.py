"""Importing python-tuf without the cloud key services securesystemslib offers.

``tuf.api.metadata`` imports ``securesystemslib.signer``, which imports a signer for each cloud key
service (AWS KMS, Google Cloud KMS, Azure Key Vault) and, inside each, tries that service's SDK.
Where boto3 is installed (our ``s3`` extra) that alone is about a second of import time on every
signed install, for back-ends this program never uses: keys here are files (`keys`). Importing
through `load_tuf` first blocks those SDK modules (a ``None`` in `sys.modules` makes their import
fail, and securesystemslib then marks that signer unavailable), and unblocks them afterwards, so
the S3 storage back-end still imports boto3 when a registry lives in a bucket.
"""

from __future__ import annotations

import sys

_CLOUD_SDKS = (
    "boto3",
    "botocore",
    "google.cloud.kms",
    "google.cloud.kms_v1",
    "azure.core.exceptions",
    "azure.identity",
    "azure.keyvault.keys",
)


def load_tuf() -> None:
    """Import securesystemslib's signers (once) without the cloud SDKs; then import tuf as usual."""
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
