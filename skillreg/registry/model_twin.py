"""The registry format as pydantic models: the twins of the records in `skillreg.registry.model`.

`skillreg.registry.schemas` generates the published JSON Schemas from these, and a record hands
a document it cannot vouch for to its twin here, which words the error (or accepts it). Only
those two paths import this module, and with it pydantic: keep it field for field the same as
`skillreg.registry.model` (`tests/core/test_record.py` compares them).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from skillreg.core.models import SHA256, SemVer, SkillName
from skillreg.core.models import StrictModel as _Model
from skillreg.registry.model import (
    BLOB_TEMPLATE,
    CATALOG_FILE,
    FORMAT,
    FORMAT_VERSION,
    INDEX_TEMPLATE,
    MAX_METADATA,
    MAX_SERIAL,
    METADATA_KEY_PATTERN,
    SHARD_PATTERN,
    TERM_PATTERN,
    TIMESTAMP,
    template_problem,
)

MetadataKey = Annotated[str, Field(pattern=METADATA_KEY_PATTERN)]
MetadataValue = Annotated[str, Field(max_length=1024)]
Metadata = dict[MetadataKey, MetadataValue]


def _metadata_field() -> Metadata:
    return Field(
        default_factory=dict,
        max_length=MAX_METADATA,
        description="the frontmatter's string metadata (tier, council, category, ...), "
        "`version` excepted",
    )


class RegistryRoot(_Model):
    """``registry.json``: what a client reads first (and caches). It never lists skills."""

    format: Literal["skillreg-registry"] = Field(description=f"always {FORMAT!r}")
    format_version: int = Field(
        default=FORMAT_VERSION, description="refuse a version you do not know"
    )
    name: str | None = Field(default=None, description="a display name for the registry")
    index: str = Field(default=INDEX_TEMPLATE, description="per-skill document path template")
    blobs: str = Field(default=BLOB_TEMPLATE, description="bundle path template")
    catalog: str = Field(
        default=CATALOG_FILE, description="derived catalog path, or its shards' path template"
    )
    search: str | None = Field(
        default=None, description="with a sharded catalog: the search index's path template"
    )
    tuf: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # unsigned registry.json files stay as they were
        description="folder of the TUF metadata of a signed registry (docs/registry-format.md)",
    )

    @field_validator("index", "blobs", "catalog", "search", "tuf")
    @classmethod
    def _inside(cls, template: str | None) -> str | None:
        """See `skillreg.registry.model.template_problem`."""
        problem = None if template is None else template_problem(template)
        if problem is not None:
            raise ValueError(problem)
        return template


class Deprecation(_Model):
    message: str = Field(default="", description="what to use instead, shown to users")


class AuditSummary(_Model):
    """What `skill audit` found in the bundle when it was published (`skillreg.audit`)."""

    scanner: str = Field(description="the scanner and its rule-set version")
    errors: int = Field(ge=0)
    warnings: int = Field(ge=0)
    infos: int = Field(ge=0)
    codes: dict[str, int] = Field(default_factory=dict, description="findings per rule code")


class VersionEntry(_Model):
    """One published version; immutable except `yanked` and `yanked_reason`."""

    sha256: SHA256 = Field(description="of the .tar.gz bundle (its address under blobs/)")
    size: int = Field(ge=0, description="bytes of the .tar.gz bundle")
    tar_sha256: SHA256 = Field(description="of the uncompressed tar (stable across zlib builds)")
    tar_size: int = Field(ge=0, description="bytes of the uncompressed tar")
    description: str = Field(description="the skill's frontmatter description")
    related: list[SkillName] = Field(
        default_factory=list, description="names under the skill's Related Skills section"
    )
    published: str = Field(pattern=TIMESTAMP, description="RFC 3339 UTC, e.g. 2026-11-26T17:00:00Z")
    license: str | None = Field(default=None, max_length=1024, description="frontmatter license")
    compatibility: str | None = Field(
        default=None, max_length=1024, description="frontmatter compatibility"
    )
    metadata: Metadata = _metadata_field()
    yanked: bool = Field(default=False, description="skipped by resolution unless pinned exactly")
    yanked_reason: str | None = None
    audit: AuditSummary | None = Field(
        default=None, description="the audit of the bundle at publish time (absent before 0.2)"
    )


class SkillDocument(_Model):
    """``index/{prefix}/{name}.json``: every version of one skill."""

    name: SkillName
    serial: int = Field(
        ge=1,
        le=MAX_SERIAL,
        description="raised by every change; refuse one lower than seen before",
    )
    tags: dict[str, SemVer] = Field(
        default_factory=dict, description='e.g. {"latest": "1.2.0"}: highest non-yanked release'
    )
    deprecated: Deprecation | None = None
    versions: dict[SemVer, VersionEntry] = Field(
        default_factory=dict,
        description="keyed by SemVer version",
        json_schema_extra={"additionalProperties": False},
    )


class CatalogEntry(_Model):
    name: SkillName
    description: str = Field(description="first line of the latest description, trimmed")
    latest: SemVer | None
    deprecated: bool = False
    metadata: Metadata = _metadata_field()  # of the version `description` comes from


class Catalog(_Model):
    """``catalog.json``: derived from the per-skill documents; rebuilt by `reindex`."""

    format_version: int = FORMAT_VERSION
    skills: list[CatalogEntry] = Field(default_factory=list, description="sorted by name")


class ShardEntry(CatalogEntry):
    serial: int = Field(ge=1, description="serial of the document this entry was made from")


class CatalogShard(_Model):
    """``catalog/{shard}.json``: the catalog entries of the names starting with `shard`."""

    format_version: int = FORMAT_VERSION
    shard: str = Field(pattern=SHARD_PATTERN, description="the names' first three characters")
    skills: list[ShardEntry] = Field(default_factory=list, description="sorted by name")


class SearchShard(_Model):
    """``catalog/terms/{term}.json``: which skills use each word beginning with `term`."""

    format_version: int = FORMAT_VERSION
    term: str = Field(pattern=TERM_PATTERN, description="the words' first four characters (or all)")
    terms: dict[str, list[SkillName]] = Field(
        default_factory=dict, description="word -> names of the skills using it, sorted"
    )
