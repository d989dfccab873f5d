"""Publishing skills into a folder registry: lint gate, plan, then bundle / document / derived.

Nothing is written until every skill passed the lint gate and every version was checked against
the registry: the same bytes again are a no-op, other bytes under a published version are refused.
Each skill is then written under its own lock (bundle create-only, then its document), and the
derived files last. A publisher killed part-way leaves at worst an orphan bundle or a catalog that
lags its documents; running the same publish again completes the job.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.bundle.pack import Bundle, build_bundle, check_identity, collect_files
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.errors import PublishError
from skillreg.registry.model import (
    CATALOG_FILE,
    HTML_FILE,
    ROOT_FILE,
    VersionEntry,
    blob_path,
    index_path,
)
from skillreg.registry.store import FolderRegistry, now_rfc3339, pause_point, registry_folder

if TYPE_CHECKING:
    from skillreg.lint.model import LintReport
    from skillreg.skill.parsed import ParsedSkill


class LintRefusal(PublishError):
    """Publishing refused because of lint errors.

    `diagnostics` are the run's findings, warnings included, as `skill lint` reports them;
    `files` is how many files lint checked.
    """

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic], files: int) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.files = files


@dataclass(frozen=True)
class PublishOptions:
    registry: str  # a folder or a file:// URL
    dry_run: bool = False
    profile: str | None = None  # lint profile; None lets lint pick from config


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
    registry: Path
    published: tuple[str, ...]  # name@version added (or that would be, on a dry run)
    unchanged: tuple[str, ...]  # name@version already there with the same contents
    written: tuple[str, ...]  # registry-relative paths written (or that would be)
    dry_run: bool
    warnings: tuple[Diagnostic, ...] = ()
    files_linted: int = 0


def publish(paths: Sequence[Path], options: PublishOptions) -> PublishResult:
    """Lint, pack and publish the skills found under `paths` into `options.registry`."""
    reg = FolderRegistry(registry_folder(options.registry))
    if reg.exists():
        reg.require()
    else:
        reg.check_creatable()
    skills = discover(paths)
    related = {s.path: related_names(s) for s in skills}
    report = lint_gate(skills, related, reg, options.profile)
    plan = make_plan(skills, related, reg)
    if options.dry_run:
        return _result(reg, plan, _would_write(reg, plan), True, report)
    return _result(reg, plan, execute(reg, plan), False, report)


def _result(
    reg: FolderRegistry,
    plan: list[Planned],
    written: list[str],
    dry_run: bool,
    report: LintReport,
) -> PublishResult:
    return PublishResult(
        registry=reg.root,
        published=tuple(p.spec for p in plan if p.new),
        unchanged=tuple(p.spec for p in plan if not p.new),
        written=tuple(dict.fromkeys(written)),
        dry_run=dry_run,
        warnings=tuple(report.diagnostics),
        files_linted=report.files,
    )


def discover(paths: Sequence[Path]) -> list[ParsedSkill]:
    """Every skill at or under `paths`: a SKILL.md, a skill folder, or a folder of skill folders."""
    from skillreg.collection.workspace import find_skill_files
    from skillreg.skill.parsed import parse_skill

    return [parse_skill(p) for p in find_skill_files(paths)]


def related_names(skill: ParsedSkill) -> list[str]:
    """The names under the skill's Related Skills section, sorted and unique."""
    from skillreg.skill.related import related_references

    return sorted({ref.name for ref in related_references(skill)})


def lint_gate(
    skills: list[ParsedSkill],
    related: dict[Path, list[str]],
    reg: FolderRegistry,
    profile: str | None,
) -> LintReport:
    """Refuse (`LintRefusal`) when any skill has a lint error or names an unknown skill.

    Returns the lint report (then holding warnings only). A related name resolves when it is
    being published now or already has a document in the target registry (looked up per name,
    so the cost does not grow with the registry).
    """
    from skillreg.collection.refs import skill_name

    batch = {skill_name(s) for s in skills if s.source is not None}  # the names lint resolves
    wanted = {n for names in related.values() for n in names} - batch
    known = frozenset(n for n in wanted if reg.has_skill(n))
    report = _run_lint(skills, known, profile)
    diagnostics = _with_unresolved(report.diagnostics, skills, batch | known)
    errors = {d.path for d in diagnostics if d.severity >= Severity.ERROR}
    if errors:
        raise LintRefusal(
            f"refused: lint errors in {len(errors)} skill(s); fix them and publish again",
            diagnostics,
            report.files,
        )
    return report


def _run_lint(skills: list[ParsedSkill], known: frozenset[str], profile: str | None) -> LintReport:
    from skillreg.lint import LintOptions, run_lint

    return run_lint([s.path for s in skills], LintOptions(profile=profile, known_names=known))


def _with_unresolved(
    diagnostics: list[Diagnostic], skills: list[ParsedSkill], resolved: set[str]
) -> list[Diagnostic]:
    """`diagnostics` with every related name that resolves nowhere as an SK301 error.

    Lint may not have said it (one skill under a profile that checks no references, the rule
    turned off or down in config), but publishing never accepts a dangling reference. A name is
    reported at its first reference, as lint does (later ones are SK303 duplicates); lint's own
    SK301 at that position is kept, as an error.
    """
    from skillreg.collection.refs import UNRESOLVED_REFERENCE
    from skillreg.skill.related import related_references
    from skillreg.skill.syntax_rules import finding

    code = UNRESOLVED_REFERENCE.code
    by_place = {(d.path, d.line, d.col): d for d in diagnostics if d.code == code}
    result = [d for d in diagnostics if d.code != code]
    for skill in skills:
        seen: set[str] = set()
        for ref in related_references(skill):
            if ref.name in resolved or ref.name in seen:
                continue
            seen.add(ref.name)
            place = (skill.display, ref.line, ref.col)
            message = f"no skill named '{ref.name}' in this publish or in the registry"
            own = by_place.pop(place, None) or finding(
                UNRESOLVED_REFERENCE, *place, message, end_col=ref.end_col
            )
            result.append(replace(own, severity=max(own.severity, Severity.ERROR)))
    return sorted([*result, *by_place.values()])


def make_plan(
    skills: list[ParsedSkill], related: dict[Path, list[str]], reg: FolderRegistry
) -> list[Planned]:
    """Pack every skill and check it against the registry; refuse changed published versions."""
    published = now_rfc3339()
    plan: dict[str, Planned] = {}
    for skill in skills:
        name, version = check_identity(skill.name, skill.version, skill.path)
        bundle = build_bundle(name, version, collect_files(skill.folder))
        entry = VersionEntry(
            sha256=bundle.sha256,
            size=bundle.size,
            tar_sha256=bundle.tar_sha256,
            tar_size=bundle.tar_size,
            description=skill.description or "",
            related=related[skill.path],
            published=published,
            **recorded_metadata(skill),
        )
        earlier = plan.get(f"{name}@{version}")
        if earlier and earlier.bundle.tar_sha256 != bundle.tar_sha256:
            raise PublishError(
                f"{name}@{version}: {skill.folder} and another folder give different contents"
            )
        plan[f"{name}@{version}"] = Planned(bundle, entry, _is_new(reg, bundle, str(skill.path)))
    return list(plan.values())


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


def _is_new(reg: FolderRegistry, bundle: Bundle, where: str) -> bool:
    doc = reg.read_doc(bundle.name)
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


def execute(reg: FolderRegistry, plan: list[Planned]) -> list[str]:
    """Write the plan: per skill bundle then document (under its lock), then derived files."""
    from skillreg.registry.derived import update_derived

    written = [ROOT_FILE] if reg.ensure_root() else reg.upgrade_root()
    for item in plan:
        written += _write_one(reg, item)
    names = sorted({p.bundle.name for p in plan})
    started = time.time()
    # Unchanged skills are refreshed too: a rerun repairs a catalog a killed publisher left.
    written += update_derived(reg, names)
    reg.clear_pending(started, names)
    return written


def _write_one(reg: FolderRegistry, item: Planned) -> list[str]:
    from skillreg.registry.edit import add_version

    b = item.bundle
    written = []
    with reg.skill_lock(b.name):
        doc = reg.read_doc(b.name)
        pause_point("before-doc")  # tests widen the read-modify-write window here
        existing = doc.versions.get(b.version) if doc else None
        if existing is not None:  # published before, or by another publisher just now
            _is_new(reg, b, "by another publisher just now")  # raises if its bytes differ
            # Same bytes: put back a bundle that was deleted or damaged since.
            if existing.sha256 == b.sha256 and reg.write_blob(b.data, b.sha256):
                written.append(blob_path(b.sha256))
            return written
        if reg.write_blob(b.data, b.sha256):
            written.append(blob_path(b.sha256))
        pause_point("after-blob")
        reg.mark_pending(b.name)
        reg.write_doc(add_version(doc, b.name, b.version, item.entry))
        written.append(index_path(b.name))
        pause_point("after-doc")
    return written


def _would_write(reg: FolderRegistry, plan: list[Planned]) -> list[str]:
    paths = [] if reg.exists() else [ROOT_FILE]
    for item in plan:
        if item.new:
            if not (reg.root / blob_path(item.bundle.sha256)).is_file():
                paths.append(blob_path(item.bundle.sha256))
            paths.append(index_path(item.bundle.name))
    if any(p.new for p in plan):
        paths += [CATALOG_FILE, HTML_FILE]
    return paths
