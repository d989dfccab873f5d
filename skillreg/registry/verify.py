"""Checking a registry end to end (`verify`) and rebuilding its derived files (`reindex`).

`verify` reads every per-skill document and every bundle it references: each object must exist,
match its recorded size and digests (of the ``.tar.gz`` and of the tar inside), and agree with
the manifest inside it; the derived files must equal what `reindex` would write, or merely lag
(an interrupted or racing publisher: info, a rerun or `reindex` completes it). Bundles nothing
references (left by a publisher killed between bundle and document) are reported as info only.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field

from skillreg.core.diagnostics import Severity
from skillreg.core.errors import SkillError, describe_error
from skillreg.core.record import validation_error
from skillreg.registry.derived import (
    catalog_entry,
    expected_files,
    parse_shard,
    parse_terms,
    read_catalog,
    rebuild_derived,
)
from skillreg.registry.model import (
    CATALOG_FILE,
    HTML_FILE,
    Catalog,
    CatalogShard,
    SkillDocument,
    VersionEntry,
    blob_path,
    index_path,
)
from skillreg.registry.nolinks import links_under
from skillreg.registry.store import FolderRegistry, RegistryStore, open_registry_store

LAGGING = "a publish was interrupted or is running; publish again or run `skill registry reindex`"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    path: str  # relative to the registry root
    message: str


@dataclass
class VerifyReport:
    root: str
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


def verify(target: str, *, endpoint_url: str | None = None) -> VerifyReport:
    """Check the registry at `target` (folder, file:// or s3:// URL); raises only if it is none."""
    reg = open_registry_store(target, endpoint_url=endpoint_url)
    report = VerifyReport(reg.location)
    try:
        reg.require()
    except SkillError as exc:
        if not reg.exists():
            raise
        report.error("registry.json", exc.message)
        return report
    docs: list[SkillDocument] = []
    referenced: set[str] = set()
    for key in reg.storage.keys("index/"):
        doc = _check_document(reg, key, report)
        if doc is None:
            continue
        report.skills += 1
        docs.append(doc)
        for version, entry in sorted(doc.versions.items()):
            report.versions += 1
            referenced.add(entry.sha256)
            _check_bundle(reg, doc.name, version, entry, report)
    _check_blobs(reg, referenced, report)
    if isinstance(reg, FolderRegistry):
        for rel in links_under(reg.root):
            report.error(rel, "symlink inside the registry (a publish refuses to write through it)")
    if reg.require().sharded:
        _check_sharded(reg, docs, report)
    else:
        _check_single(reg, docs, report)
    if isinstance(reg, FolderRegistry) and _signed(reg):
        from skillreg.registry.signing.check import check_signed

        report.signed = check_signed(reg, report.error, report.info)
    return report


def _signed(reg: FolderRegistry) -> bool:
    try:
        return reg.require().tuf is not None
    except SkillError:
        return False


def _check_document(reg: RegistryStore, key: str, report: VerifyReport) -> SkillDocument | None:
    try:
        stored = reg.storage.read(key)
        if stored is None:
            raise OSError("unreadable")
        doc = SkillDocument.model_validate_json(stored.data)
    except (OSError, validation_error(), SkillError) as exc:
        report.error(key, f"invalid skill document: {describe_error(exc)}")
        return None
    if index_path(doc.name) != key:
        report.error(key, f"document of {doc.name!r} belongs at {index_path(doc.name)}")
        return None
    for tag, version in sorted(doc.tags.items()):
        if version not in doc.versions:
            report.error(key, f"tag {tag!r} points at unknown version {version}")
    return doc


def _check_bundle(
    reg: RegistryStore, name: str, version: str, entry: VersionEntry, report: VerifyReport
) -> None:
    from skillreg.bundle.read import read_manifest

    rel = blob_path(entry.sha256)
    where = f"{name}@{version}"
    try:
        stored = reg.storage.read(rel)
    except SkillError as exc:
        report.error(rel, f"{where}: cannot read bundle: {exc}")
        return
    if stored is None:
        report.error(rel, f"{where}: bundle is missing")
        return
    data = stored.data
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


def _check_blobs(reg: RegistryStore, referenced: set[str], report: VerifyReport) -> None:
    for rel in reg.storage.keys("blobs/"):
        digest = rel.rsplit("/", 1)[-1].removesuffix(".tar.gz")
        if digest in referenced and rel == blob_path(digest):
            report.blobs += 1
        else:
            report.info(rel, "orphan bundle: no version references it")
    from skillreg.registry.storage.folder import FolderStorage

    folder = reg.storage if isinstance(reg.storage, FolderStorage) else None
    for prefix in ("blobs", "index") if folder else ():  # only a folder has temp files
        for rel in folder.temp_files(prefix) if folder else ():
            report.info(rel, "leftover temporary file from an interrupted write")


# -- the single catalog --------------------------------------------------------------------------


def _check_single(reg: RegistryStore, docs: list[SkillDocument], report: VerifyReport) -> None:
    interrupted = _interrupted(reg, docs)
    for rel, expected in expected_files(reg, docs).items():
        stored = reg.storage.read(rel)
        if stored is None:
            report.error(rel, "derived file is missing; run `skill registry reindex`")
        elif stored.data == expected:
            continue
        elif interrupted:
            report.info(rel, f"behind the documents of {', '.join(interrupted)}: {LAGGING}")
        else:
            report.error(rel, "derived file is out of date; run `skill registry reindex`")


def _interrupted(reg: RegistryStore, docs: list[SkillDocument]) -> list[str]:
    """The skills the catalog lags on, when every one of them has a pending mark (an interrupted
    writer's); empty when the catalog is current, unreadable, or wrong for another reason."""
    actual = read_catalog(reg)
    pending = reg.storage.pending_names()
    if actual is None or not pending:
        return []
    expected = Catalog(skills=sorted((catalog_entry(d) for d in docs), key=lambda e: e.name))
    have = {e.name: e for e in actual.skills}
    want = {e.name: e for e in expected.skills}
    lagging = {name for name in have.keys() | want.keys() if have.get(name) != want.get(name)}
    return sorted(lagging) if lagging <= pending else []


# -- the sharded catalog -------------------------------------------------------------------------


def _check_sharded(reg: RegistryStore, docs: list[SkillDocument], report: VerifyReport) -> None:
    """An entry whose serial is below its document's, or a missing one, lags (info); any other
    difference is damage. Search shards are compared leaving out the lagging names."""
    expected = expected_files(reg, docs)
    serials = {d.name: d.serial for d in docs}
    actual = {k: reg.storage.read(k) for k in reg.storage.keys("catalog/")}
    lagging: set[str] = set()
    for key in sorted(k for k in expected.keys() | actual.keys() if k.count("/") == 1):
        stored = actual.get(key)
        shard = parse_shard(stored.data) if stored else None
        if stored is not None and shard is None:
            report.error(key, "catalog shard is not valid; run `skill registry reindex`")
            continue
        have = {e.name: e for e in shard.skills} if shard else {}
        want = {e.name: e for e in (parse_shard(expected.get(key)) or _empty()).skills}
        for name in sorted(have.keys() | want.keys()):
            entry = have.get(name)
            if entry == want.get(name):
                continue
            if name in serials and (entry is None or entry.serial < serials[name]):
                lagging.add(name)
            else:
                report.error(key, f"entry of {name!r} does not match its document; run reindex")
    if lagging:
        report.info(
            CATALOG_FILE.removesuffix(".json"), f"behind {', '.join(sorted(lagging))}: {LAGGING}"
        )
    for key in sorted(k for k in expected.keys() | actual.keys() if k.count("/") == 2):
        _check_terms(key, actual.get(key), expected.get(key), lagging, report)
    _check_shard_page(reg, expected[HTML_FILE], report)


def _empty() -> CatalogShard:
    return CatalogShard(shard="x")


def _check_terms(
    key: str, stored: object, expected: bytes | None, lagging: set[str], report: VerifyReport
) -> None:
    raw = getattr(stored, "data", None)
    have = parse_terms(raw) if raw is not None else None
    if raw is not None and have is None:
        report.error(key, "search shard is not valid; run `skill registry reindex`")
        return
    want = parse_terms(expected)
    have_terms = have.terms if have else {}
    want_terms = want.terms if want else {}
    for word in sorted(have_terms.keys() | want_terms.keys()):
        if set(have_terms.get(word, ())) - lagging != set(want_terms.get(word, ())) - lagging:
            report.error(key, f"search entries of {word!r} do not match the documents; reindex")


def _check_shard_page(reg: RegistryStore, expected: bytes, report: VerifyReport) -> None:
    stored = reg.storage.read(HTML_FILE)
    if stored is not None and stored.data == expected:
        return
    links = set(re.findall(rb'href="(catalog/[^"/]+\.json)"', stored.data if stored else b""))
    if links < set(re.findall(rb'href="(catalog/[^"/]+\.json)"', expected)):
        report.info(HTML_FILE, f"does not list every catalog shard yet: {LAGGING}")
    else:
        report.error(HTML_FILE, "derived page is out of date; run `skill registry reindex`")


def reindex(target: str, *, endpoint_url: str | None = None) -> tuple[list[str], list[str]]:
    """Rebuild the derived files of the registry at `target` and sweep temp files left by
    killed publishers; the paths rewritten and the paths removed."""
    import time

    reg = open_registry_store(target, endpoint_url=endpoint_url)
    reg.check_writable(everywhere=True)  # it rewrites every derived file
    started = time.time()
    written = rebuild_derived(reg)
    reg.storage.clear_pending(older_than=started)
    return written, reg.storage.sweep_temp_files()
