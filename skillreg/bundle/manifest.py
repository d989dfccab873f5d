"""The bundle manifest: ``{name}/.skill-manifest.json`` inside every bundle, listing each other
file with its sha256, size and mode. Installers check unpacked files against it."""

from __future__ import annotations

from pydantic import Field

from skillreg.core.fields import SHA256, SemVer, SkillName, StrictModel

BUNDLE_FORMAT = "skillreg-bundle"
#: The manifest's own version; it moves with the bundle format, not with the registry's.
MANIFEST_FORMAT_VERSION = 1
MANIFEST_FILE = ".skill-manifest.json"


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
