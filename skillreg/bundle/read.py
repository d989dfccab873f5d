"""Reading a bundle back: its members, checked against the manifest it carries (`verify`)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from typing import TYPE_CHECKING

from skillreg.bundle.manifest import MANIFEST_FILE
from skillreg.bundle.pack import Limits
from skillreg.core.errors import BundleError, IntegrityError, describe_error
from skillreg.core.record import validation_error

if TYPE_CHECKING:
    from skillreg.bundle.manifest import BundleManifest

_LIMITS = Limits()


def read_manifest(data: bytes, where: str = "bundle") -> BundleManifest:
    """Check a bundle's bytes against its own manifest and return the manifest.

    Raises `IntegrityError` when a member is missing, extra or has other bytes than recorded, and
    `BundleError` when the archive or manifest cannot be read.
    """
    from skillreg.bundle.manifest import BundleManifest

    contents = _members(data, where)
    manifests = [p for p in contents if p.endswith("/" + MANIFEST_FILE) and p.count("/") == 1]
    if len(manifests) != 1:
        raise BundleError(f"{where}: no {MANIFEST_FILE} under a top folder", path=where)
    top = manifests[0].split("/")[0]
    try:
        manifest = BundleManifest.model_validate_json(contents.pop(manifests[0]))
    except validation_error() as exc:
        raise BundleError(f"{where}: invalid manifest: {describe_error(exc)}", path=where) from None
    if manifest.name != top:
        raise IntegrityError(f"{where}: manifest names {manifest.name!r}, folder is {top!r}")
    expected = {f"{top}/{f.path}": f.sha256 for f in manifest.files}
    actual = {p: hashlib.sha256(b).hexdigest() for p, b in contents.items()}
    if expected != actual:
        diff = sorted(set(expected.items()) ^ set(actual.items()))
        raise IntegrityError(f"{where}: contents differ from its manifest at {diff[0][0]}")
    return manifest


def _members(data: bytes, where: str, limits: Limits = _LIMITS) -> dict[str, bytes]:
    contents: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for info in tar:
                if not info.isfile():
                    raise BundleError(f"{where}: member {info.name!r} is not a regular file")
                total += info.size
                if len(contents) >= limits.max_files or total > limits.max_bytes:
                    raise BundleError(f"{where}: bundle exceeds the size limits")
                fh = tar.extractfile(info)
                contents[info.name] = fh.read() if fh else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BundleError(f"{where}: not a readable .tar.gz: {exc}", path=where) from None
    return contents
