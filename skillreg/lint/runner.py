"""The lint engine: files -> parse -> rules (in parallel on large trees) -> selected findings.

Per-file work (parse, schema, field and body rules, suppression comments) is shared with forked
processes (`skillreg.lint.parallel`) when there are many files and idle cores; cross-skill
reference checks, selection, suppression and severity overrides run afterwards in this process,
so results do not depend on how the work was split. A registry named for lint is read once,
before any file is checked, so an unreadable one fails the run early.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from skillreg.audit.rules import AUDIT_CODES
from skillreg.collection.workspace import find_skill_files
from skillreg.core.config import ConfigFile, find_project_config, load_config_file
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.errors import UsageError
from skillreg.lint import parallel, suppress
from skillreg.lint.checks import FileResult, Plan, check_file
from skillreg.lint.model import LintOptions, LintReport
from skillreg.lint.neighbours import names_beside, project_root
from skillreg.lint.profiles import resolve_profile
from skillreg.lint.registry_names import NamesReader
from skillreg.lint.selection import Selection, build_selection, path_matches
from skillreg.lint.settings import LintSettings, parse_settings
from skillreg.skill.parsed import ParsedSkill

PARALLEL_MIN = 200  # below this, starting processes costs more than it saves
SLIM_MIN = 2000  # above this, keeping every parsed body would cost hundreds of MB
_CHUNK = 32


class _Setup(NamedTuple):
    settings: LintSettings
    plan: Plan
    selection: Selection
    known_names: frozenset[str]
    fail_on: Severity
    registry: tuple[str, Path] | None  # (spec, folder a relative spec starts from)
    registry_status: Mapping[str, str]
    project_root: Path  # where the collection around explicitly named files is found
    collection_known: bool = False  # the names of the whole collection are in `known_names`

    @property
    def resolves_against_registry(self) -> bool:
        return self.registry is not None or bool(self.registry_status)


def run_lint(
    paths: Sequence[Path],
    options: LintOptions,
    progress: Callable[[int, int], None] | None = None,
) -> LintReport:
    """Lint the skills under `paths` (the current folder when empty).

    Findings about the skills are data in the report, never exceptions. Raises `UsageError` for a
    path that does not exist or an unknown rule in `options`, `ConfigError` for an invalid config
    section or profile, `SourceError` when `--fix` cannot write a file, and `RegistryError`
    when the registry named for lint (`options.registry`, else the config's) cannot be read.
    """
    with _gc_paused():
        return _run(paths, options, progress)


def _run(
    paths: Sequence[Path],
    options: LintOptions,
    progress: Callable[[int, int], None] | None,
) -> LintReport:
    busy = parallel.busy_now()  # sampled again later: a blip is not a busy core
    cwd = options.cwd or Path.cwd()
    setup = _setup(options, cwd)
    files = _discover(list(paths) or [cwd], setup.settings)
    if options.collection:
        setup = _with_collection(setup, [path for path in paths if path.is_file()])
    setup = _with_registry(setup, options.offline, options.registry_reader)
    fixed, unfixed = _fix(files, setup.plan) if options.fix else ([], {})
    jobs = options.jobs if options.jobs is not None else parallel.idle_cores(busy)
    results = _check_all(files, setup.plan, jobs, progress)
    skills = [result.skill for result in results]
    by_file = _references(skills, setup)
    diagnostics: list[Diagnostic] = []
    for result in results:
        display = result.skill.display
        found = [*result.diagnostics, *by_file.get(display, ())]
        diagnostics.extend(finish_file(setup.selection, display, found, result.directives))
    diagnostics.sort()
    profile = setup.plan.profile.name
    return LintReport(diagnostics, skills, profile, setup.fail_on, fixed, unfixed)


def lint_setup(profile: str | None, cwd: Path, reader: NamesReader | None = None) -> _Setup:
    """What `skill lint --profile PROFILE` run from `cwd` checks against: the project config's
    settings, the plan (profile and size limit), the rule selection and the known names,
    including those of the registry the config names for lint (read by `reader`)."""
    return _with_registry(_setup(LintOptions(profile=profile, cwd=cwd), cwd), False, reader)


def finish_file(
    selection: Selection,
    display: str,
    found: Sequence[Diagnostic],
    directives: Sequence[suppress.Directive],
) -> list[Diagnostic]:
    """One file's findings (its own and its cross-skill ones) as `skill lint` reports them:
    selected, suppressed by its comments, with severity overrides applied."""
    enabled = selection.enabled_for(display)
    kept = suppress.apply(selection.keep(found, enabled), directives, display, enabled)
    return selection.finish(kept, enabled)


def references_wanted(setup: _Setup, count: int) -> bool:
    """Whether `skill lint` checks Related Skills references when it lints `count` skills."""
    profile = setup.plan.profile
    related = profile.related_section is not None or profile.related_metadata is not None
    if setup.collection_known:
        return True
    return count > 1 or bool(setup.known_names) or setup.resolves_against_registry or related


def _setup(options: LintOptions, cwd: Path) -> _Setup:
    config = _config(options, cwd)
    settings = parse_settings(config, cwd)

    base = cwd if options.profile else settings.root
    # A profile the project's config names is bounded by the project; one given on the command
    # line is the user's own choice.
    chosen_by_user = options.profile is not None and options.profile not in settings.profiles
    within = None if chosen_by_user else settings.root
    profile = resolve_profile(
        options.profile or settings.profile, settings.profiles, base, within=within
    )
    max_bytes = options.max_file_size or settings.max_file_size
    selection = build_selection(settings, options.select, options.ignore)
    audit = bool(selection.enabled & AUDIT_CODES)  # skip the family's cost when none is on
    return _Setup(
        settings=settings,
        plan=Plan(profile, max_bytes, slim=False, audit=audit),
        selection=selection,
        known_names=options.known_names | settings.known_names,
        fail_on=options.fail_on or settings.fail_on or Severity.ERROR,
        registry=_registry_spec(options, settings, cwd),
        registry_status=options.registry_status,
        project_root=project_root(config.root, cwd),
    )


def _registry_spec(
    options: LintOptions, settings: LintSettings, cwd: Path
) -> tuple[str, Path] | None:
    """The registry named for lint: `--registry` (relative to `cwd`) wins over the config's
    (relative to the config file's folder). Never the install registry: see `registry_names`."""
    if options.registry:
        return options.registry, cwd
    if settings.registry:
        return settings.registry, settings.root
    return None


def _with_collection(setup: _Setup, named: list[Path]) -> _Setup:
    """`setup` knowing the names of the project's other skills when files are named explicitly
    (a pre-commit run), so their Related Skills resolve against the whole collection."""
    if not named:
        return setup

    def keep(files: list[str], roots: list[Path]) -> list[str]:
        return not_excluded(files, roots, setup.settings)

    names = names_beside(named, setup.project_root, keep)
    return setup._replace(known_names=setup.known_names | names, collection_known=True)


def _with_registry(setup: _Setup, offline: bool, reader: NamesReader | None) -> _Setup:
    """`setup` with the registry's catalog names added to the known names and statuses."""
    if setup.registry is None:
        return setup
    spec, base = setup.registry
    if reader is None:
        raise UsageError(f"a registry is named for lint ({spec}) but no registry reader was given")
    names = reader(spec, base, offline)
    return setup._replace(
        known_names=setup.known_names | names.known,
        registry_status={**names.status, **setup.registry_status},
    )


def _discover(paths: list[Path], settings: LintSettings) -> list[Path]:
    """The files to lint; `exclude` drops found files, never a file named on the command line."""
    files = find_skill_files(paths)
    kept = set(not_excluded([str(file) for file in files], paths, settings))
    return [file for file in files if str(file) in kept]


def not_excluded(files: Sequence[str], paths: Sequence[Path], settings: LintSettings) -> list[str]:
    """`files` found under `paths` minus those the config's `exclude` matches; a file named in
    `paths` itself is always kept."""
    if not settings.exclude:
        return list(files)
    named = {os.path.normpath(str(p)) for p in paths if p.is_file()}
    inside = os.path.join(str(settings.root.resolve()), "")
    kept = []
    for file in files:
        # `selection.excluded`, without resolving the root again for every file
        absolute = os.path.abspath(file)
        if absolute.startswith(inside):
            relative = absolute[len(inside) :].replace(os.sep, "/")
        else:
            relative = Path(file).as_posix()
        named_here = os.path.normpath(file) in named
        if named_here or not any(path_matches(relative, glob) for glob in settings.exclude):
            kept.append(file)
    return kept


def _config(options: LintOptions, cwd: Path) -> ConfigFile:
    if options.config is not None:
        return load_config_file(options.config)
    return find_project_config(cwd) if options.use_config else ConfigFile()


def _fix(files: list[Path], plan: Plan) -> tuple[list[str], dict[str, str]]:
    """The files rewritten, and those that needed a fix but were left alone (with why)."""
    from skillreg.lint.fix import fix_skill
    from skillreg.skill.parsed import parse_skill

    fixed, unfixed = [], {}
    for file in files:
        skill = parse_skill(file, max_bytes=plan.max_bytes)
        result = fix_skill(skill)
        if result.written:
            fixed.append(skill.display)
        elif result.skipped:
            unfixed[skill.display] = result.skipped
    return fixed, unfixed


def _check_all(
    files: list[Path], plan: Plan, jobs: int, progress: Callable[[int, int], None] | None
) -> list[FileResult]:
    """Check every file, sharing the work with forked processes when there are many files and
    idle cores. Skills that cross processes, or are many, are slimmed (see `checks.slim`).
    `progress(done, total)` is told after each chunk (after all of them when forked)."""
    chunks = chunked(files)
    if len(files) > PARALLEL_MIN and jobs > 1 and parallel.can_fork():
        slim = plan._replace(slim=True)
        parts = parallel.run_chunks(functools.partial(_check_chunk, plan=slim), chunks, jobs)
    else:
        if len(files) > SLIM_MIN:
            plan = plan._replace(slim=True)
        parts = []
        for chunk in chunks:
            parts.append(_check_chunk(chunk, plan))
            if progress is not None:
                progress(sum(map(len, parts)), len(files))
    if progress is not None:
        progress(len(files), len(files))
    return [result for part in parts for result in part]


def chunked(files: list[Path]) -> list[list[Path]]:
    """Chunks of `_CHUNK` files, bigger when there would be more than the pipe holds."""
    size = max(_CHUNK, -(-len(files) // parallel.MAX_CHUNKS))
    return [files[i : i + size] for i in range(0, len(files), size)]


def _check_chunk(files: list[Path], plan: Plan) -> list[FileResult]:
    """Check `files` with the cyclic GC paused (in a worker process too)."""
    with _gc_paused():
        return [check_file(file, plan) for file in files]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic GC off while lint runs: parsing allocates many small acyclic objects that would
    trigger collections for nothing, and once the parsed skills are many, each full collection
    walks them all (together ~10% of a run); re-enabling it collects any cycles later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _references(skills: list[ParsedSkill], setup: _Setup) -> dict[str, list[Diagnostic]]:
    title = setup.plan.profile.related_section
    if not references_wanted(setup, len(skills)):
        return {}
    from skillreg.collection.refs import check_references

    by_file: dict[str, list[Diagnostic]] = {}
    found = check_references(
        skills,
        known_names=setup.known_names,
        section_title=title or "Related Skills",
        registry_status=setup.registry_status,
        metadata_key=setup.plan.profile.related_metadata,
    )
    for diag in found:
        by_file.setdefault(diag.path, []).append(diag)
    return by_file
