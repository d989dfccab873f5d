"""The registry file format: pydantic models and the path scheme (the contract between publish and
install; `docs/registry-format.md` is its prose form).

Layout under a registry root::

    registry.json                               small root, never lists skills
    index/{prefix}/{name}.json                  one document per skill (Cargo prefix scheme)
    blobs/sha256/{h[0:2]}/{h[2:4]}/{h}.tar.gz   content-addressed bundles, immutable
    catalog.json                                derived: names + one-line summaries, for search
    index.html                                  derived: the catalog as a browsable page

A bundle (``{name}-{version}.tar.gz``, `skillreg.bundle.manifest`) holds the skill's files under
one top folder ``{name}/``, plus ``{name}/.skill-manifest.json``: every other file with its sha256.

Only the per-skill documents change after publish: a new version, `yanked`, `deprecated`, tags.
Every change raises `serial`, so a client can refuse a document older than one it has seen.

Format versions: 1 had no frontmatter metadata; 2 records each version's `license`,
`compatibility` and string `metadata` (tier, council, category, ...), and the catalog carries the
latest version's. Readers take both (version 1 documents simply have none); writers upgrade a
version 1 registry's ``registry.json`` before they write, so an old client refuses it cleanly
instead of failing on fields it does not know.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import Field, field_validator

from skillreg.core.fields import SHA256, SemVer, SkillName
from skillreg.core.fields import StrictModel as _Model

FORMAT: Final = "skillreg-registry"
FORMAT_VERSION = 2
OLDEST_READABLE = 1
BUNDLE_FORMAT_VERSION = 1  # bundles did not change with the registry format
ROOT_FILE = "registry.json"
CATALOG_FILE = "catalog.json"
HTML_FILE = "index.html"
INDEX_TEMPLATE = "index/{prefix}/{name}.json"
BLOB_TEMPLATE = "blobs/sha256/{h01}/{h23}/{sha256}.tar.gz"
# The sharded catalog (object storage): entries by name prefix, and a search index by word.
SHARD_TEMPLATE = "catalog/{shard}.json"
TERMS_TEMPLATE = "catalog/terms/{term}.json"


# Bounded, so one absurd response (10^40) cannot make a client refuse every real document after
# it; 2^53 - 1 is the largest integer every JSON reader (JavaScript's included) holds exactly.
MAX_SERIAL: Final = 2**53 - 1
MAX_BUNDLE: Final = 64 * 1024 * 1024  # bytes of a .tar.gz; packing caps a skill's files at 32 MiB
MAX_INDEX_FILE: Final = 64 * 1024 * 1024  # registry.json, a document or the catalog, from a folder
# Frontmatter metadata as a registry records it: bounded, since any registry may be hostile.
MAX_METADATA = 64
MetadataKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
MetadataValue = Annotated[str, Field(max_length=1024)]
Metadata = dict[MetadataKey, MetadataValue]


def _metadata_field() -> Metadata:
    return Field(
        default_factory=dict,
        max_length=MAX_METADATA,
        description="the frontmatter's string metadata (tier, council, category, ...), "
        "`version` excepted",
    )


TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


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

    @property
    def default_layout(self) -> bool:
        """Whether the paths are the ones `index_path` and `blob_path` give (what we write)."""
        return (self.index, self.blobs, self.catalog, self.search) in (
            (INDEX_TEMPLATE, BLOB_TEMPLATE, CATALOG_FILE, None),
            (INDEX_TEMPLATE, BLOB_TEMPLATE, SHARD_TEMPLATE, TERMS_TEMPLATE),
        )

    @property
    def sharded(self) -> bool:
        """Whether the catalog is split into shards (see `skillreg.registry.shards`)."""
        return self.search is not None

    @field_validator("index", "blobs", "catalog", "search", "tuf")
    @classmethod
    def _inside(cls, template: str | None) -> str | None:
        """A template may only name a path below the registry root: a document that could point
        reads at `/etc` or `../..` would turn any registry into a way to read the disk."""
        if template is None:
            return None
        parts = template.replace("\\", "/").split("/")
        if (
            not template
            or template.startswith("/")
            or ":" in template
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise ValueError(f"{template!r} must be a relative path inside the registry")
        # No path or URL holds a control character; a NUL would reach open() as a ValueError.
        if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in template):
            raise ValueError(f"{template!r} holds a control character")
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
    shard: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,2}$", description="the names' first three characters"
    )
    skills: list[ShardEntry] = Field(default_factory=list, description="sorted by name")


class SearchShard(_Model):
    """``catalog/terms/{term}.json``: which skills use each word beginning with `term`."""

    format_version: int = FORMAT_VERSION
    term: str = Field(
        pattern=r"^[a-z0-9]{2,4}$", description="the words' first four characters (or all)"
    )
    terms: dict[str, list[SkillName]] = Field(
        default_factory=dict, description="word -> names of the skills using it, sorted"
    )


def index_prefix(name: str) -> str:
    """Cargo's scheme: short names get their own folders, others shard on four characters."""
    if len(name) <= 2:
        return str(len(name))
    if len(name) == 3:
        return f"3/{name[0]}"
    return f"{name[:2]}/{name[2:4]}"


def index_path(name: str) -> str:
    """The per-skill document's path relative to the registry root."""
    return INDEX_TEMPLATE.format(prefix=index_prefix(name), name=name)


def blob_path(sha256: str) -> str:
    """The bundle's path relative to the registry root."""
    return BLOB_TEMPLATE.format(h01=sha256[:2], h23=sha256[2:4], sha256=sha256)
