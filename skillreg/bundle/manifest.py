"""The bundle manifest: ``{name}/.skill-manifest.json`` inside every bundle, listing each other
file with its sha256, size and mode. Installers check unpacked files against it.

Records (`skillreg.core.record`); their pydantic twins are in `skillreg.bundle.manifest_twin`."""

from __future__ import annotations

from typing import ClassVar

from skillreg.core.fields import SEMVER, SHA256, SKILL_NAME
from skillreg.core.record import Boolean, Integer, ListOf, Nested, Record, Text, field

BUNDLE_FORMAT = "skillreg-bundle"
#: The manifest's own version; it moves with the bundle format, not with the registry's.
MANIFEST_FORMAT_VERSION = 1
MANIFEST_FILE = ".skill-manifest.json"


class ManifestFile(Record):
    """One file of a bundle; `path` is relative to the skill folder, with ``/`` separators."""

    TWIN: ClassVar[str] = "skillreg.bundle.manifest_twin:ManifestFile"

    path: str = field(Text())
    sha256: str = field(SHA256)
    size: int = field(Integer(ge=0))
    executable: bool = field(Boolean(), default=False)  # mode 0755 in the tar when true, else 0644


class BundleManifest(Record):
    """``{name}/.skill-manifest.json`` inside a bundle: every other member, sorted by path."""

    TWIN: ClassVar[str] = "skillreg.bundle.manifest_twin:BundleManifest"

    format: str = field(Text(), default=BUNDLE_FORMAT)
    format_version: int = field(Integer(), default=MANIFEST_FORMAT_VERSION)
    name: str = field(SKILL_NAME)
    version: str = field(SEMVER)
    files: list[ManifestFile] = field(ListOf(Nested(lambda: ManifestFile)))
