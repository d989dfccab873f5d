"""Field types every file format shares: a SemVer string, a skill name, a sha256.

The bundle manifest, the registry documents and the lockfile are separate formats that agree on
these; defining them once keeps the formats (and their generated JSON Schemas) identical where
they meet. Here as record checks (`skillreg.core.record`), which import no pydantic; the same
types for the pydantic twins are in `skillreg.core.models`.
"""

from __future__ import annotations

from skillreg.core.names import MAX_NAME, NAME_PATTERN
from skillreg.core.record import Text

# SemVer 2.0.0's own regular expression (semver.org), so a third-party client can check keys.
SEMVER_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
SHA256_PATTERN = r"^[0-9a-f]{64}$"

SEMVER = Text(SEMVER_PATTERN)
SKILL_NAME = Text(NAME_PATTERN, max_length=MAX_NAME)
SHA256 = Text(SHA256_PATTERN)
