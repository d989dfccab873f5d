"""Publishing skills into a folder registry: lint gate, plan, then bundle / document / derived.

Nothing is written until every skill passed the lint gate and every version was checked against
the registry: the same bytes again are a no-op, other bytes under a published version are refused.
Each skill is then written under its own lock (bundle create-only, then its document), and the
derived files last. A publisher killed part-way leaves at worst an orphan bundle or a catalog that
lags its documents; running the same publish again completes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.bundle.pack import Bundle, build_bundle, check_identity, collect_files
from skillreg.core.atomic import can_sync_later
from skillreg.core.diagnostics import Diagnostic
from skillreg.core.errors import BundleError, PublishError
from skillreg.core.jsonio import dump_json
from skillreg.registry import gate
from skillreg.registry.changes import record_changes
from skillreg.registry.gate import LintRefusal
from skillreg.registry.model import (
    CATALOG_FILE,
    HTML_FILE,
    ROOT_FILE,
    AuditSummary,
    SkillDocument,
    VersionEntry,
    blob_path,
    index_path,
)
from skillreg.registry.signed import check_signing_keys, resign
from skillreg.registry.site.files import SITE_DIR
from skillreg.registry.storage.base import Kind, WriteConflict
from skillreg.registry.store import (
    FolderRegistry,
    RegistryStore,
    now_rfc3339,
    open_registry_store,
    pause_point,
)

if TYPE_CHECKING:
    from skillreg.skill.parsed import ParsedSkill

__all__ = ["LintRefusal", "PublishOptions", "PublishResult", "publish"]


@dataclass(frozen=True)
class PublishOptions:
    registry: str  # a folder, a file:// URL or an s3://bucket/prefix URL
    endpoint_url: str | None = None  # an S3-compatible service's endpoint (MinIO, R2, ...)
    dry_run: bool = False
    profile: str | None = None  # lint profile; None lets lint pick from config
    keep_going: bool = False  # publish the valid skills, list the refused ones
    nested: bool = False  # also publish a SKILL.md found inside another skill's folder
    # progress(done, total), told after each skill is packed, then written, then each batch of
    # pages of the web catalog; `phase(verb)` names each of these stages as it starts
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    phase: Callable[[str], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Planned:
    bundle: Bundle
    entry: VersionEntry
    new: bool  # False: this exact version is already published (a no-op)

    @property
    def spec(self) -> str:
        return f"{self.bundle.name}@{self.bundle.version}"


@dataclass(frozen=True)
class PublishResult:
    registry: str
    published: tuple[str, ...]  # name@version added (or that would be, on a dry run)
    unchanged: tuple[str, ...]  # name@version already there with the same contents
    written: tuple[str, ...]  # registry-relative paths written (or that would be)
    dry_run: bool
    warnings: tuple[Diagnostic, ...] = ()
    files_linted: int = 0
    refused: tuple[str, ...] = ()  # with keep_going: why each left-out skill was refused
    nested: tuple[str, ...] = ()  # SKILL.md files inside another skill's folder, left out


def publish(paths: Sequence[Path], options: PublishOptions) -> PublishResult:
    """Lint, pack and publish the skills found under `paths` into `options.registry`.

    Every reason to refuse is gathered before anything is written. Raises `LintRefusal` listing
    them all, unless `options.keep_going`: then the valid skills are published and the result
    lists the refused ones.
    """
    reg = open_registry_store(options.registry, endpoint_url=options.endpoint_url)
    if reg.exists():
        root = reg.require()
        if not options.dry_run:
            check_signing_keys(reg, root)  # before anything is written
    else:
        reg.check_creatable()
    skills, nested = gate.discover(paths, nested=options.nested)
    related = {s.path: gate.related_names(s) for s in skills}
    verdict = gate.lint_gate(skills, related, reg, options.profile)
    valid = [s for s in skills if s.display not in verdict.refused]
    plan, refusals = make_plan(valid, related, reg, options.progress)
    del skills, valid, related  # parsed skills: ~20 KB each, not needed to write
    if (verdict.refused or refusals) and not options.keep_going:
        message = gate.refusal_message(len(verdict.refused), len(refusals), len(plan))
        raise gate.LintRefusal(message, verdict.diagnostics, verdict.files, refusals)
    lint_refusals = [f"{path}: lint errors" for path in sorted(verdict.refused)]
    published = tuple(p.spec for p in plan if p.new)
    unchanged = tuple(p.spec for p in plan if not p.new)
    if options.dry_run or not plan:
        written = _would_write(reg, plan) if options.dry_run else []
    else:  # `execute` gets the only reference: it lets the bundles go once they are written
        owned = [plan]
        del plan
        written = execute(reg, owned.pop(), options.progress, options.phase)
    return PublishResult(
        registry=reg.location,
        published=published,
        unchanged=unchanged,
        written=tuple(dict.fromkeys(written)),
        dry_run=options.dry_run,
        warnings=verdict.diagnostics,
        files_linted=verdict.files,
        refused=(*lint_refusals, *refusals),
        nested=tuple(nested),
    )


def make_plan(
    skills: list[ParsedSkill],
    related: dict[Path, list[str]],
    reg: RegistryStore,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Planned], list[str]]:
    """Pack every skill and check it against the registry: the plan, and one refusal a skill
    that cannot be published (no or bad version, unpackable, a changed published version)."""
    published = now_rfc3339()
    plan: dict[str, Planned] = {}
    refusals: list[str] = []
    for done, skill in enumerate(skills, 1):
        if progress is not None:
            progress(done, len(skills))
        try:
            item = _planned(skill, related[skill.path], reg, published)
            earlier = plan.get(item.spec)
            if earlier and earlier.bundle.tar_sha256 != item.bundle.tar_sha256:
                raise PublishError(
                    f"{item.spec}: {skill.folder} and another folder give different contents"
                )
        except (BundleError, PublishError) as exc:
            refusals.append(exc.message)
            continue
        plan[item.spec] = item
    return list(plan.values()), refusals


def _planned(skill: ParsedSkill, related: list[str], reg: RegistryStore, published: str) -> Planned:
    name, version = check_identity(skill.name, skill.version, skill.path)
    bundle = build_bundle(name, version, collect_files(skill.folder, own_name=name))
    entry = VersionEntry(
        audit=audit_bundle(skill.folder, bundle),
        sha256=bundle.sha256,
        size=bundle.size,
        tar_sha256=bundle.tar_sha256,
        tar_size=bundle.tar_size,
        description=skill.description or "",
        related=related,
        published=published,
        **recorded_metadata(skill),
    )
    return Planned(bundle, entry, _is_new(reg.read_doc(name), bundle, str(skill.path)))


def audit_bundle(folder: Path, bundle: Bundle) -> AuditSummary:
    """The SK5xx findings in the files the bundle holds, as the skill document records them."""
    from skillreg.audit.scan import scan_folder
    from skillreg.audit.summary import summarise

    shipped = {f.path for f in bundle.manifest.files}
    found = scan_folder(folder, display="")
    kept = [d for d in found if d.path.lstrip("/") in shipped]
    return AuditSummary.model_validate(summarise(kept))


def recorded_metadata(skill: ParsedSkill) -> dict[str, Any]:
    """What a version records of its frontmatter: `license`, `compatibility` and the string
    values of `metadata` (`version` is the key it is filed under). Lint has checked them for the
    profile; what the registry format cannot hold (a non-string, an odd key, an overlong value,
    past the count limit) is left out rather than refused, as no profile requires it."""
    import re

    from skillreg.registry.model import MAX_METADATA

    data = skill.frontmatter.data if skill.frontmatter is not None else None
    if not isinstance(data, dict):
        return {}
    key_ok = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}").fullmatch
    raw = data.get("metadata")
    metadata = {
        str(k): v
        for k, v in (raw.items() if isinstance(raw, dict) else ())
        if isinstance(k, str) and key_ok(k) and k != "version" and _fits(v)
    }
    kept = dict(sorted(metadata.items())[:MAX_METADATA])
    top = {k: data[k] for k in ("license", "compatibility") if _fits(data.get(k))}
    return {**top, "metadata": kept}


def _fits(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 1024


def _is_new(doc: SkillDocument | None, bundle: Bundle, where: str) -> bool:
    existing = doc.versions.get(bundle.version) if doc else None
    if existing is None:
        return True
    # The tar digest decides: a different zlib may compress the same tar to other bytes.
    if existing.tar_sha256 == bundle.tar_sha256:
        return False
    import semver

    raise PublishError(
        f"{bundle.name}@{bundle.version} is already published with different contents "
        f"({where}); bump metadata.version (e.g. to "
        f"{semver.Version.parse(bundle.version).bump_patch()}) and publish again"
    )


def execute(
    reg: RegistryStore,
    plan: list[Planned],
    progress: Callable[[int, int], None] | None = None,
    phase: Callable[[str], None] | None = None,
) -> list[str]:
    """Write the plan: per skill bundle then document (the commit point), then derived files.

    Lets go of `plan` once the documents are written (the derived files are made from the
    documents): a publish of 10,000 skills need not hold their bundles meanwhile."""
    from skillreg.registry.derived import update_derived

    # Before the first write: the skeleton, and the way to each file this publish writes.
    reg.check_writable(
        key for p in plan for key in (index_path(p.bundle.name), blob_path(p.bundle.sha256))
    )
    written = [ROOT_FILE] if reg.ensure_root() else reg.upgrade_root()
    new = [item for item in plan if item.new]
    if phase is not None:
        phase("Stored")
    if isinstance(reg, FolderRegistry) and len(new) >= BATCH and can_sync_later():
        written += _write_batch(reg, plan, progress)
    else:
        for done, item in enumerate(plan, 1):
            written += _write_one(reg, item)
            if progress is not None:
                progress(done, len(plan))
    names = sorted({p.bundle.name for p in plan})
    del new, plan
    written += resign(reg, names)
    # Installers learn from the log which documents changed (committed above, so listed after).
    written += record_changes(reg, [n for n in names if index_path(n) in written])
    started = time.time()
    if phase is not None:
        phase("Rendered")
    # Unchanged skills are refreshed too: a rerun repairs a catalog a killed publisher left.
    written += update_derived(reg, names, progress)
    reg.storage.clear_pending(started, names)
    return written


def _write_one(reg: RegistryStore, item: Planned) -> list[str]:
    """The bundle (create-only), then the document (conditional: the commit point)."""
    from skillreg.registry.edit import add_version

    b = item.bundle
    written = []
    doc = reg.read_doc(b.name)
    existing = doc.versions.get(b.version) if doc else None
    if existing is not None:  # published before: put back a bundle deleted or damaged since
        if existing.sha256 == b.sha256 and reg.write_blob(b.data, b.sha256):
            written.append(blob_path(b.sha256))
        return written

    stored: set[str] = set()

    def edit(current: SkillDocument | None) -> SkillDocument | None:
        pause_point("before-doc")  # tests widen the read-modify-write window here
        if current is not None and b.version in current.versions:  # another publisher, just now
            _is_new(current, b, "by another publisher just now")  # raises if its bytes differ
            return None
        # The bundle before the document that names it (once: a retry after a lost race on
        # the document finds it stored).
        if blob_path(b.sha256) not in stored and reg.write_blob(b.data, b.sha256):
            written.append(blob_path(b.sha256))
        stored.add(blob_path(b.sha256))
        pause_point("after-blob")
        reg.storage.mark_pending(b.name)
        return add_version(current, b.name, b.version, item.entry)

    after = reg.update_doc(b.name, edit)
    if after is not None and after.versions.get(b.version) == item.entry:
        written.append(index_path(b.name))
    pause_point("after-doc")
    return written


#: New versions from which a publish into a folder writes as a batch (`_write_batch`).
BATCH = 2


def _write_batch(
    reg: FolderRegistry, plan: list[Planned], progress: Callable[[int, int], None] | None
) -> list[str]:
    """`_write_one` for many skills, with one flush to disk where it did two a skill.

    The same order, batched: every bundle (not synced), then every document staged beside its
    place (not synced), one flush, so that each bundle and document is on disk before any
    document is renamed into place; then each document is renamed under its key's lock if it
    is still the one read (the commit point). A document that changed meanwhile, and a skill
    already published, take `_write_one`. Killed at any point, a publisher leaves what
    `_write_one` leaves: orphan bundles, temp files, documents ahead of the derived files.
    """
    from skillreg.registry.edit import add_version

    storage = reg.storage
    blobs: dict[str, list[str]] = {}
    with storage.unsynced():
        for item in plan:
            b = item.bundle
            if item.new and reg.write_blob(b.data, b.sha256):
                blobs[item.spec] = [blob_path(b.sha256)]
    pause_point("after-blob")
    staged: dict[str, tuple[Path, str | None]] = {}
    names: set[str] = set()
    for item in plan:
        b = item.bundle
        if not item.new or b.name in names:
            continue  # already there, or a second version of one skill: `_write_one`
        key = index_path(b.name)
        stored = storage.read(key)
        doc = None if stored is None else reg.parse_doc(b.name, stored.data)
        if doc is not None and b.version in doc.versions:
            continue  # published meanwhile: `_write_one` decides
        names.add(b.name)
        storage.mark_pending(b.name)
        new = add_version(doc, b.name, b.version, item.entry)
        tmp = storage.stage(key, dump_json(new.model_dump(mode="json")))
        staged[item.spec] = (tmp, stored.etag if stored else None)
    storage.sync()
    pause_point("before-doc")
    written: list[str] = []
    for count, item in enumerate(plan, 1):
        if progress is not None:
            progress(count, len(plan))
        done = list(blobs.get(item.spec, ()))
        if item.spec in staged:
            tmp, etag = staged.pop(item.spec)
            key = index_path(item.bundle.name)
            try:
                storage.commit_staged(key, tmp, Kind.DOCUMENT, etag=etag, create=etag is None)
                done.append(key)
            except WriteConflict:
                done += [p for p in _write_one(reg, item) if p not in done]
        else:
            done += [p for p in _write_one(reg, item) if p not in done]
        written += done
    for tmp, _etag in staged.values():  # (none left unless an error stopped the loop)
        tmp.unlink(missing_ok=True)
    pause_point("after-doc")
    return written


def _would_write(reg: RegistryStore, plan: list[Planned]) -> list[str]:
    paths = [] if reg.exists() else [ROOT_FILE]
    for item in plan:
        if item.new:
            if not reg.storage.exists(blob_path(item.bundle.sha256)):
                paths.append(blob_path(item.bundle.sha256))
            paths.append(index_path(item.bundle.name))
    if any(p.new for p in plan):
        sharded = reg.require().sharded if reg.exists() else reg.storage.sharded_catalog
        # A sharded catalog (object storage) has shards and no web catalog; a folder has both.
        paths += ["catalog/", HTML_FILE] if sharded else [CATALOG_FILE, HTML_FILE]
        paths += [f"{SITE_DIR}/"] if isinstance(reg, FolderRegistry) and not sharded else []
    return paths
