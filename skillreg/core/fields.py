"""Field types every file format shares: a SemVer string, a skill name, a sha256, a strict model.

The bundle manifest, the registry documents and the lockfile are separate formats that agree on
these; defining them once keeps the generated JSON Schemas identical where the formats meet.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from skillreg.core.names import MAX_NAME, NAME_PATTERN

# SemVer 2.0.0's own regular expression (semver.org), so a third-party client can check keys.
SEMVER_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
SemVer = Annotated[str, Field(pattern=SEMVER_PATTERN)]
SkillName = Annotated[str, Field(pattern=NAME_PATTERN, max_length=MAX_NAME)]
SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="lowercase hex sha256")]


class StrictModel(BaseModel):
    # Strict: "1" is not a serial and "no" is not a boolean, as the JSON Schemas say; a client
    # that coerced would read documents other clients refuse.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
