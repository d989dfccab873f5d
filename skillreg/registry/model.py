"""The registry file format: pydantic models and the path scheme (the contract between publish and
install; `docs/registry-format.md` is its prose form).

Layout under a registry root::

    registry.json                               small root, never lists skills
    index/{prefix}/{name}.json                  one document per skill (Cargo prefix scheme)
    blobs/sha256/{h[0:2]}/{h[2:4]}/{h}.tar.gz   content-addressed bundles, immutable
    catalog.json                                derived: names + one-line summaries, for search

Only the per-skill documents change after publish: a new version, `yanked`, `deprecated`, tags.
Every change raises `serial`, so a client can refuse a document older than one it has seen.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

FORMAT = "skillreg-registry"
FORMAT_VERSION = 1
ROOT_FILE = "registry.json"
CATALOG_FILE = "catalog.json"
INDEX_TEMPLATE = "index/{prefix}/{name}.json"
BLOB_TEMPLATE = "blobs/sha256/{h01}/{h23}/{sha256}.tar.gz"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegistryRoot(_Model):
    """``registry.json``: what a client reads first (and caches)."""

    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    name: str | None = None
    index: str = INDEX_TEMPLATE
    blobs: str = BLOB_TEMPLATE
    catalog: str = CATALOG_FILE


class Deprecation(_Model):
    message: str = ""


class VersionEntry(_Model):
    """One published version; immutable except `yanked` and `yanked_reason`."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # of the .tar.gz bundle
    size: int = Field(ge=0)  # bytes of the .tar.gz bundle
    tar_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # of the uncompressed tar
    tar_size: int = Field(ge=0)
    description: str
    related: list[str] = Field(default_factory=list)
    published: str  # RFC 3339 UTC, e.g. 2026-11-26T17:00:00Z
    yanked: bool = False
    yanked_reason: str | None = None


class SkillDocument(_Model):
    """``index/{prefix}/{name}.json``: every version of one skill."""

    name: str
    serial: int = Field(ge=1)
    tags: dict[str, str] = Field(default_factory=dict)  # e.g. {"latest": "1.2.0"}
    deprecated: Deprecation | None = None
    versions: dict[str, VersionEntry] = Field(default_factory=dict)


class CatalogEntry(_Model):
    name: str
    description: str  # first line, trimmed
    latest: str | None
    deprecated: bool = False


class Catalog(_Model):
    """``catalog.json``: derived from the per-skill documents; rebuilt by `reindex`."""

    format_version: int = FORMAT_VERSION
    skills: list[CatalogEntry] = Field(default_factory=list)


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
