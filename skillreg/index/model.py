"""The index document's contract: pydantic models from which schema/index.schema.json is generated.

`skillreg.index.build` writes plain dicts (building 10,000 models would cost more than the parse);
the
models are the single definition of the format: the committed schema is generated from them
(``python -m skillreg.index.build --write-schema``) and `--check` reads an index back through them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "https://skillreg.dev/schema/index.schema.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileEntry(_Model):
    """One file of a skill folder (hidden files and VCS folders are skipped)."""

    path: str = Field(description="Relative to the skill folder, forward slashes.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class RelatedEntry(_Model):
    """A Related Skills reference."""

    name: str
    reason: str = Field(description="The text after ` - ` in the list item; may be empty.")


class ErrorEntry(_Model):
    """A lint finding of severity error, as `skill lint` reports it with the same profile."""

    code: str
    line: int = Field(ge=1)
    col: int = Field(ge=1)
    message: str


class SkillEntry(_Model):
    """One skill of the collection."""

    name: str = Field(description="The frontmatter name, else the folder's name.")
    description: str | None
    version: str | None = Field(description="metadata.version")
    tier: str | None = Field(description="metadata.tier")
    category: str | None = Field(description="metadata.category")
    council: str | None = Field(description="metadata.council")
    license: str | None
    path: str = Field(description="The skill folder, relative to the index root, forward slashes.")
    sections: list[str] = Field(description="Titles of the body's level-2 headings, in order.")
    sha256: str | None = Field(
        pattern=r"^[0-9a-f]{64}$", description="Of the SKILL.md bytes; null when it is missing."
    )
    size: int = Field(ge=0, description="Of SKILL.md, in bytes.")
    lines: int = Field(ge=0, description="Lines of SKILL.md.")
    tokens: int = Field(ge=0, description="Estimated tokens of SKILL.md (characters / 4).")
    files: list[FileEntry] = Field(description="Every file of the folder, SKILL.md included.")
    related: list[RelatedEntry] = Field(description="References that resolve in this index.")
    missing: list[RelatedEntry] = Field(description="References that resolve nowhere here.")
    related_by: list[str] = Field(description="Names of the skills whose `related` names this one.")
    errors: list[ErrorEntry] = Field(
        description="Lint errors (the profile given, else the project config's), sorted by "
        "line, column and code; empty when the skill passes lint."
    )


class Index(_Model):
    """A collection of skills, as `skill index` describes it."""

    format: Literal[1] = Field(description="The index format version.")
    generated: str | None = Field(
        default=None, description="UTC time from SOURCE_DATE_EPOCH, only when it is set."
    )
    count: int = Field(ge=0)
    skills: list[SkillEntry] = Field(description="Sorted by name, then path.")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the index document, as committed in schema/index.schema.json."""
    schema = Index.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
