"""What a skill page shows beyond its registry document: read from the shown version's bundle.

The shown version is `latest`, else the newest (when every version is yanked). From its bundle:
the SKILL.md body, the facets (``metadata.tier``/``council``/``category`` in the frontmatter; a
registry document may carry them too once the format has them: absent is normal) and the list of
files. A bundle that is missing or unreadable gives a page without a body, never a failed publish:
the site is derived and `verify` reports damaged bundles on its own.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from skillreg.bundle.manifest import MANIFEST_FILE
from skillreg.bundle.pack import Limits
from skillreg.registry.model import SkillDocument, blob_path
from skillreg.registry.store import FolderRegistry

FACETS = ("tier", "council", "category")
_LIMITS = Limits()
_MAX_SKILL_MD = 1024 * 1024
_MAX_FACET = 80  # characters of a facet value


@dataclass(frozen=True)
class SkillView:
    """Everything a skill's page and search record need, from its document and bundle."""

    doc: SkillDocument
    shown: str | None  # the version whose contents are shown
    body: str | None  # SKILL.md without frontmatter; None when the bundle cannot be read
    facets: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, int]] = field(default_factory=list)  # (path, size), sorted
    license: str | None = None

    @property
    def description(self) -> str:
        return self.doc.versions[self.shown].description if self.shown else ""

    @property
    def related(self) -> list[str]:
        return list(self.doc.versions[self.shown].related) if self.shown else []


def shown_version(doc: SkillDocument) -> str | None:
    latest = doc.tags.get("latest")
    if latest in doc.versions:
        return latest
    import semver

    parsed = [semver.Version.parse(v) for v in doc.versions]
    return str(max(parsed)) if parsed else None


def read_view(reg: FolderRegistry, doc: SkillDocument) -> SkillView:
    """The page contents of `doc`'s shown version."""
    shown = shown_version(doc)
    if shown is None:
        return SkillView(doc, None, None)
    entry = doc.versions[shown]
    try:
        data = (reg.root / blob_path(entry.sha256)).read_bytes()
        # Only the bytes the document names: a swapped or damaged file is not shown as this skill.
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            return SkillView(doc, shown, None)
        members = _members(data, doc.name)
    except (OSError, tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error):
        return SkillView(doc, shown, None)
    raw, sizes = members
    files = sorted(sizes.items())
    text = raw[:_MAX_SKILL_MD].decode("utf-8", errors="replace")
    data_fm, body = _split_frontmatter(text)
    metadata = data_fm.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    facets = {f: v for f in FACETS if (v := _facet(metadata.get(f) or data_fm.get(f)))}
    license_value = data_fm.get("license")
    return SkillView(
        doc,
        shown,
        body,
        facets,
        files,
        license_value[:200] if isinstance(license_value, str) else None,
    )


def _members(data: bytes, name: str) -> tuple[bytes, dict[str, int]]:
    """The SKILL.md bytes (b"" when absent) and every regular file's size under the top folder."""
    sizes: dict[str, int] = {}
    skill_md = b""
    total = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for count, info in enumerate(tar):
            total += info.size
            # Packing caps a bundle at 2,000 files and 32 MB: walking a bomb further would
            # inflate it all (each member's data is decompressed to reach the next header).
            if count >= _LIMITS.max_files or total > _LIMITS.max_bytes:
                raise tarfile.TarError("bundle exceeds the size limits")
            top, _, rel = info.name.partition("/")
            if not info.isfile() or top != name or not rel or rel == MANIFEST_FILE:
                continue
            sizes[rel] = info.size
            if rel in ("SKILL.md", "skill.md") and info.size <= _MAX_SKILL_MD and not skill_md:
                fh = tar.extractfile(info)
                skill_md = fh.read() if fh else b""
    return skill_md, sizes


def _split_frontmatter(text: str) -> tuple[dict[str, Any], str]:
    from skillreg.skill.fence import split
    from skillreg.skill.frontmatter import parse

    bounds = split(text)
    if bounds is None:
        return {}, text
    lines = text.split("\n")
    _, closing = bounds
    if closing < 0:
        return {}, ""
    fm, _ = parse("\n".join(lines[1:closing]), 2, closing + 1, "SKILL.md")
    data = fm.data if isinstance(fm.data, dict) else {}
    return data, "\n".join(lines[closing + 1 :])


def _facet(value: Any) -> str | None:
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:_MAX_FACET]
