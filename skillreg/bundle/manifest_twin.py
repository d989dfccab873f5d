"""The bundle manifest as pydantic models: the twins of the records in `skillreg.bundle.manifest`.

The published JSON Schema is generated from these, and a record hands a manifest it cannot vouch
for to its twin, which words the error. Keep them field for field the same as the records.
"""

from __future__ import annotations

from pydantic import Field

from skillreg.bundle.manifest import BUNDLE_FORMAT, MANIFEST_FORMAT_VERSION
from skillreg.core.models import SHA256, SemVer, SkillName, StrictModel


class ManifestFile(StrictModel):
    """One file of a bundle; `path` is relative to the skill folder, with ``/`` separators."""

    path: str
    sha256: SHA256
    size: int = Field(ge=0)
    executable: bool = Field(default=False, description="mode 0755 in the tar when true, else 0644")


class BundleManifest(StrictModel):
    """``{name}/.skill-manifest.json`` inside a bundle: every other member, sorted by path."""

    format: str = Field(default=BUNDLE_FORMAT, description=f"always {BUNDLE_FORMAT!r}")
    format_version: int = MANIFEST_FORMAT_VERSION
    name: SkillName
    version: SemVer
    files: list[ManifestFile]
