"""Checking a folder registry end to end (`verify`) and rebuilding its derived files (`reindex`).

`verify` reads every per-skill document and every bundle it references: each file must exist,
match its recorded size and digests (of the ``.tar.gz`` and of the tar inside), and agree with
the manifest inside it; the derived files must equal what `reindex` would write. Bundles nothing
references (left by a publisher killed between bundle and document) are reported as info only.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from skillreg.core.bounded import read_regular
from skillreg.core.diagnostics import Severity
from skillreg.core.errors import SkillError, describe_error
from skillreg.registry.derived import (
    catalog_entry,
    iter_documents,
    read_catalog,
    rebuild_derived,
    render_catalog,
    render_html,
)
from skillreg.registry.model import (
    CATALOG_FILE,
    HTML_FILE,
    MAX_BUNDLE,
    MAX_INDEX_FILE,
    Catalog,
    CatalogEntry,
    SkillDocument,
    VersionEntry,
    blob_path,
    index_path,
)
from skillreg.registry.nolinks import links_under
from skillreg.registry.store import FolderRegistry, registry_folder


@dataclass(frozen=True)
class Finding:
    severity: Severity
    path: str  # relative to the registry root
    message: str


@dataclass
class VerifyReport:
    root: Path
    findings: list[Finding] = field(default_factory=list)
    skills: int = 0
    versions: int = 0
    blobs: int = 0
    signed: int | None = None  # documents checked against signed metadata (None: unsigned)

    @property
    def ok(self) -> bool:
        return not any(f.severity >= Severity.ERROR for f in self.findings)

    def error(self, path: str, message: str) -> None:
        self.findings.append(Finding(Severity.ERROR, path, message))

    def info(self, path: str, message: str) -> None:
        self.findings.append(Finding(Severity.INFO, path, message))


def verify(target: str) -> VerifyReport:
    """Check the registry at `target` (a folder or file:// URL); raises only if it is none."""
    reg = FolderRegistry(registry_folder(target))
    report = VerifyReport(reg.root)
    try:
        reg.require()
    except SkillError as exc:
        if not reg.exists():
            raise
        report.error("registry.json", exc.message)
    entries: list[CatalogEntry] = []
    referenced: set[str] = set()
    for path in iter_documents(reg.root):
        doc = _check_document(reg, path, report)
        if doc is None:
            continue
        report.skills += 1
        entries.append(catalog_entry(doc))
        for version, entry in sorted(doc.versions.items()):
            report.versions += 1
            referenced.add(entry.sha256)
            _check_bundle(reg, doc.name, version, entry, report)
    _check_blob_folder(reg, referenced, report)
    for rel in links_under(reg.root):
        report.error(rel, "symlink inside the registry (a publish refuses to write through it)")
    _check_derived(reg, Catalog(skills=sorted(entries, key=lambda e: e.name)), report)
    if reg.exists() and _signed(reg):
        from skillreg.registry.signing.check import check_signed

        report.signed = check_signed(reg, report.error, report.info)
    return report


def _signed(reg: FolderRegistry) -> bool:
    try:
        return reg.require().tuf is not None
    except SkillError:
        return False


def _check_document(reg: FolderRegistry, path: Path, report: VerifyReport) -> SkillDocument | None:
    from pydantic import ValidationError

    rel = path.relative_to(reg.root).as_posix()
    try:
        doc = SkillDocument.model_validate_json(read_regular(path, MAX_INDEX_FILE))
    except (OSError, ValidationError) as exc:
        report.error(rel, f"invalid skill document: {describe_error(exc)}")
        return None
    if index_path(doc.name) != rel:
        report.error(rel, f"document of {doc.name!r} belongs at {index_path(doc.name)}")
        return None
    for tag, version in sorted(doc.tags.items()):
        if version not in doc.versions:
            report.error(rel, f"tag {tag!r} points at unknown version {version}")
    return doc


def _check_bundle(
    reg: FolderRegistry, name: str, version: str, entry: VersionEntry, report: VerifyReport
) -> None:
    from skillreg.bundle.read import read_manifest

    rel = blob_path(entry.sha256)
    where = f"{name}@{version}"
    try:
        data = read_regular(reg.root / rel, MAX_BUNDLE)
    except FileNotFoundError:
        report.error(rel, f"{where}: bundle is missing")
        return
    except OSError as exc:
        report.error(rel, f"{where}: cannot read bundle: {exc.strerror}")
        return
    if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
        report.error(rel, f"{where}: bundle bytes do not match the recorded size/sha256")
        return
    try:
        tar = gzip.decompress(data)
        if len(tar) != entry.tar_size or hashlib.sha256(tar).hexdigest() != entry.tar_sha256:
            report.error(rel, f"{where}: tar inside does not match the recorded tar_sha256")
        manifest = read_manifest(data, rel)
    except (OSError, EOFError, SkillError) as exc:
        report.error(rel, f"{where}: {describe_error(exc)}")
        return
    if (manifest.name, manifest.version) != (name, version):
        report.error(rel, f"{where}: bundle says {manifest.name}@{manifest.version}")


def _check_blob_folder(reg: FolderRegistry, referenced: set[str], report: VerifyReport) -> None:
    for dirpath, dirnames, filenames in os.walk(reg.root / "blobs"):
        dirnames.sort()
        for fname in sorted(filenames):
            rel = Path(dirpath, fname).relative_to(reg.root).as_posix()
            digest = fname.removesuffix(".tar.gz")
            if digest in referenced and rel == blob_path(digest):
                report.blobs += 1
            elif fname.startswith("."):
                report.info(rel, "leftover temporary file from an interrupted write")
            else:
                report.info(rel, "orphan bundle: no version references it")
    for path in iter_temp_documents(reg.root):
        report.info(path, "leftover temporary file from an interrupted write")


def iter_temp_documents(root: Path) -> list[str]:
    found = []
    for dirpath, _dirs, filenames in os.walk(root / "index"):
        found += [
            Path(dirpath, f).relative_to(root).as_posix() for f in filenames if f.startswith(".")
        ]
    return sorted(found)


def _check_derived(reg: FolderRegistry, catalog: Catalog, report: VerifyReport) -> None:
    interrupted = _interrupted(reg, catalog)
    for rel, expected in (
        (CATALOG_FILE, render_catalog(catalog)),
        (HTML_FILE, render_html(catalog)),
    ):
        try:
            actual = read_regular(reg.root / rel, MAX_INDEX_FILE)
        except OSError:
            report.error(rel, "derived file is missing; run `skill registry reindex`")
            continue
        if actual == expected:
            continue
        if interrupted:
            report.info(
                rel,
                f"behind the documents of {', '.join(interrupted)}: a publish was interrupted;"
                " publish again or run `skill registry reindex`",
            )
        else:
            report.error(rel, "derived file is out of date; run `skill registry reindex`")


def _interrupted(reg: FolderRegistry, expected: Catalog) -> list[str]:
    """The skills the catalog lags on, when every one of them has a pending mark (an interrupted
    writer's); empty when the catalog is current, unreadable, or wrong for another reason."""
    actual = read_catalog(reg)
    pending = reg.pending_names()
    if actual is None or not pending:
        return []
    have = {e.name: e for e in actual.skills}
    want = {e.name: e for e in expected.skills}
    lagging = {name for name in have.keys() | want.keys() if have.get(name) != want.get(name)}
    return sorted(lagging) if lagging <= pending else []


def reindex(target: str) -> tuple[list[str], list[str]]:
    """Rebuild the derived files of the registry at `target` and sweep temp files left by
    killed publishers; the paths rewritten and the paths removed."""
    reg = FolderRegistry(registry_folder(target))
    reg.check_writable()
    started = time.time()
    written = rebuild_derived(reg)
    reg.clear_pending(older_than=started)
    return written, reg.sweep_temp_files()
