"""The shared field types of `skillreg.core.fields` for pydantic models, and the strict base model.

Only the twins of the records (the models JSON Schemas are generated from, and that word the
error for a document a record refuses) import this, and with it pydantic.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from skillreg.core.fields import SEMVER_PATTERN, SHA256_PATTERN
from skillreg.core.names import MAX_NAME, NAME_PATTERN

SemVer = Annotated[str, Field(pattern=SEMVER_PATTERN)]
SkillName = Annotated[str, Field(pattern=NAME_PATTERN, max_length=MAX_NAME)]
SHA256 = Annotated[str, Field(pattern=SHA256_PATTERN, description="lowercase hex sha256")]


class StrictModel(BaseModel):
    # Strict: "1" is not a serial and "no" is not a boolean, as the JSON Schemas say; a client
    # that coerced would read documents other clients refuse.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
