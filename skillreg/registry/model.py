"""The registry file format: its records and the path scheme (the contract between publish and
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

The documents are records (`skillreg.core.record`): frozen objects read without pydantic.
Their twins, the pydantic models the JSON Schemas are generated from and that word the error for
a document a record refuses, are in `skillreg.registry.model_twin`.
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal

from skillreg.core.fields import SEMVER, SHA256, SKILL_NAME
from skillreg.core.record import (
    Boolean,
    DictOf,
    Integer,
    ListOf,
    Nested,
    OneOf,
    OrNone,
    Record,
    Reject,
    Text,
    field,
)

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

METADATA_KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
SHARD_PATTERN = r"^[a-z0-9][a-z0-9-]{0,2}$"
TERM_PATTERN = r"^[a-z0-9]{2,4}$"

_METADATA = DictOf(Text(METADATA_KEY_PATTERN), Text(max_length=1024), max_length=MAX_METADATA)
_STRING, _NAMES = Text(), ListOf(SKILL_NAME)
_COUNT = Integer(ge=0)
_TEMPLATE = Text()


def template_problem(template: str) -> str | None:
    """Why a path template in ``registry.json`` cannot be used, or None.

    A template may only name a path below the registry root: a document that could point reads
    at `/etc` or `../..` would turn any registry into a way to read the disk."""
    parts = template.replace("\\", "/").split("/")
    if (
        not template
        or template.startswith("/")
        or ":" in template
        or any(part in ("", ".", "..") for part in parts)
    ):
        return f"{template!r} must be a relative path inside the registry"
    # No path or URL holds a control character; a NUL would reach open() as a ValueError.
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in template):
        return f"{template!r} holds a control character"
    return None


class RegistryRoot(Record):
    """``registry.json``: what a client reads first (and caches). It never lists skills."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:RegistryRoot"

    format: Literal["skillreg-registry"] = field(OneOf(FORMAT))
    format_version: int = field(Integer(), default=FORMAT_VERSION)
    name: str | None = field(OrNone(_STRING), default=None)
    index: str = field(_TEMPLATE, default=INDEX_TEMPLATE)
    blobs: str = field(_TEMPLATE, default=BLOB_TEMPLATE)
    catalog: str = field(_TEMPLATE, default=CATALOG_FILE)
    search: str | None = field(OrNone(_TEMPLATE), default=None)
    tuf: str | None = field(OrNone(_TEMPLATE), default=None, omit_none=True)

    def _finish(self) -> None:
        for template in (self.index, self.blobs, self.catalog, self.search, self.tuf):
            if template is not None and template_problem(template) is not None:
                raise Reject

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


class Deprecation(Record):
    TWIN: ClassVar[str] = "skillreg.registry.model_twin:Deprecation"

    message: str = field(_STRING, default="")


class AuditSummary(Record):
    """What `skill audit` found in the bundle when it was published (`skillreg.audit`)."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:AuditSummary"

    scanner: str = field(_STRING)
    errors: int = field(_COUNT)
    warnings: int = field(_COUNT)
    infos: int = field(_COUNT)
    codes: dict[str, int] = field(DictOf(_STRING, Integer()), factory=dict)


class VersionEntry(Record):
    """One published version; immutable except `yanked` and `yanked_reason`."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:VersionEntry"

    sha256: str = field(SHA256)
    size: int = field(_COUNT)
    tar_sha256: str = field(SHA256)
    tar_size: int = field(_COUNT)
    description: str = field(_STRING)
    related: list[str] = field(_NAMES, factory=list)
    published: str = field(Text(TIMESTAMP))
    license: str | None = field(OrNone(Text(max_length=1024)), default=None)
    compatibility: str | None = field(OrNone(Text(max_length=1024)), default=None)
    metadata: dict[str, str] = field(_METADATA, factory=dict)
    yanked: bool = field(Boolean(), default=False)
    yanked_reason: str | None = field(OrNone(_STRING), default=None)
    audit: AuditSummary | None = field(OrNone(Nested(lambda: AuditSummary)), default=None)


class SkillDocument(Record):
    """``index/{prefix}/{name}.json``: every version of one skill."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:SkillDocument"

    name: str = field(SKILL_NAME)
    serial: int = field(Integer(ge=1, le=MAX_SERIAL))
    tags: dict[str, str] = field(DictOf(_STRING, SEMVER), factory=dict)
    deprecated: Deprecation | None = field(OrNone(Nested(lambda: Deprecation)), default=None)
    versions: dict[str, VersionEntry] = field(
        DictOf(SEMVER, Nested(lambda: VersionEntry)), factory=dict
    )


class CatalogEntry(Record):
    TWIN: ClassVar[str] = "skillreg.registry.model_twin:CatalogEntry"

    name: str = field(SKILL_NAME)
    description: str = field(_STRING)
    latest: str | None = field(OrNone(SEMVER))
    deprecated: bool = field(Boolean(), default=False)
    metadata: dict[str, str] = field(_METADATA, factory=dict)  # of `description`'s version


class Catalog(Record):
    """``catalog.json``: derived from the per-skill documents; rebuilt by `reindex`."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:Catalog"

    format_version: int = field(Integer(), default=FORMAT_VERSION)
    skills: list[CatalogEntry] = field(ListOf(Nested(lambda: CatalogEntry)), factory=list)


class ShardEntry(CatalogEntry):
    TWIN: ClassVar[str] = "skillreg.registry.model_twin:ShardEntry"

    serial: int = field(Integer(ge=1))


class CatalogShard(Record):
    """``catalog/{shard}.json``: the catalog entries of the names starting with `shard`."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:CatalogShard"

    format_version: int = field(Integer(), default=FORMAT_VERSION)
    shard: str = field(Text(SHARD_PATTERN))
    skills: list[ShardEntry] = field(ListOf(Nested(lambda: ShardEntry)), factory=list)


class SearchShard(Record):
    """``catalog/terms/{term}.json``: which skills use each word beginning with `term`."""

    TWIN: ClassVar[str] = "skillreg.registry.model_twin:SearchShard"

    format_version: int = field(Integer(), default=FORMAT_VERSION)
    term: str = field(Text(TERM_PATTERN))
    terms: dict[str, list[str]] = field(DictOf(_STRING, _NAMES), factory=dict)


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
