"""Storage backends of a registry being written: a local folder or an S3-compatible bucket.

`base` is the contract (keys, ETags, conditional writes); `folder` and `s3` implement it.
Imports only `skillreg.core` and `skillreg.registry.model`; boto3 only inside `s3`, and `s3`
only when a target is an ``s3://`` URL.
"""

from __future__ import annotations

from skillreg.registry.storage.base import Storage


def open_storage(target: str, *, endpoint_url: str | None = None) -> Storage:
    """The backend for `target`: ``s3://bucket[/prefix]``, a ``file://`` URL or a folder path."""
    if target.startswith("s3://"):
        from skillreg.registry.storage.s3 import S3Storage

        return S3Storage.from_url(target, endpoint_url=endpoint_url)
    from skillreg.core.errors import UsageError
    from skillreg.registry.storage.folder import FolderStorage, registry_folder

    if endpoint_url:
        raise UsageError(f"{target}: --endpoint-url applies only to s3:// registries")
    return FolderStorage(registry_folder(target))
