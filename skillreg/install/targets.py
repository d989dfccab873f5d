"""Which folders a skill lands in, and whether each of them is in the state the lock describes.

The canonical copy is ``<shared>/<name>``; every agent whose folder differs from the shared one, and
every ``--dir`` folder, gets a relative link to it (or a copy). With no ``--agent``: the configured
default (``[install] agents``), else the agents whose folders already exist, else the shared folder
alone. A skill already installed keeps its folders; new ``--agent``/``--dir`` ones are added.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from skillreg.core.errors import UsageError
from skillreg.install import agents
from skillreg.install.lock import LockEntry, is_inside
from skillreg.install.place import adopt, folder_status
from skillreg.install.project import Project, default_agents


class Targets(NamedTuple):
    agents: tuple[str, ...]
    dirs: tuple[str, ...]  # as recorded (relative to the project root when inside it)
    mode: str  # "link" or "copy"


def choose_targets(
    project: Project, cwd: Path, *, agent_ids: tuple[str, ...], dirs: tuple[str, ...], copy: bool
) -> Targets:
    chosen = list(agent_ids)
    if not agent_ids and not dirs:
        configured = default_agents(cwd)
        chosen = configured if configured is not None else _detected(project)
    if agents.EVERY_DETECTED in chosen:
        detected = _detected(project)
        if not detected:
            raise UsageError(
                "--agent '*': no agent found in the project or your home folder;"
                " name one with --agent ID"
            )
        chosen = [a for a in chosen if a != agents.EVERY_DETECTED] + detected
    for agent_id in chosen:
        agents.get_agent(agent_id)
    recorded = tuple(project.relative(cwd / d) for d in dirs)
    outside = [d for d, r in zip(dirs, recorded, strict=True) if not is_inside(r)]
    if project.scope == "project" and outside:
        raise UsageError(
            f"--dir {outside[0]!r} is outside the project ({project.root}); use a folder inside"
            " it, or --global"
        )
    return Targets(tuple(sorted(set(chosen))), recorded, "copy" if copy else "link")


def _detected(project: Project) -> list[str]:
    return agents.detect_agents(scope=project.scope, root=project.root)


def merged(existing: LockEntry | None, requested: Targets, explicit: bool) -> Targets:
    """Targets for a skill that may already be installed: keep its folders, add explicit ones."""
    if existing is None:
        return requested
    kept = Targets(tuple(existing.agents), tuple(existing.dirs), existing.mode)
    if not explicit:
        return kept
    return Targets(
        tuple(sorted({*kept.agents, *requested.agents})),
        tuple(sorted({*kept.dirs, *requested.dirs})),
        requested.mode if requested.mode == "copy" else kept.mode,
    )


def target_paths(project: Project, name: str, agent_ids: list[str], dirs: list[str]) -> list[Path]:
    """Every non-canonical folder where skill `name` appears, without duplicates."""
    paths: list[Path] = []
    for agent_id in agent_ids:
        folder = agents.skills_dir(
            agents.get_agent(agent_id), scope=project.scope, root=project.root
        )
        if folder != project.canonical:
            paths.append(folder / name)
    paths.extend(project.absolute(d) / name for d in dirs)
    # Keyed by the real folder: an agent folder linked to the shared one (``.claude/skills ->
    # ../.agents/skills``) is the canonical copy itself, not a place for a link to it.
    unique: dict[str, Path] = {}
    for path in paths:
        unique.setdefault(_real(path), path)
    return [p for key, p in unique.items() if key != _real(project.canonical / name)]


def _real(path: Path) -> str:
    return os.path.join(os.path.realpath(path.parent), path.name)


def entry_paths(project: Project, entry: LockEntry) -> list[Path]:
    return target_paths(project, entry.name, entry.agents, entry.dirs)


def entry_status(project: Project, entry: LockEntry) -> str:
    """ "ok", "modified", "unmanaged" or "missing" for the canonical copy and every link or
    copy of it."""
    canonical = project.canonical / entry.name
    paths = [canonical, *entry_paths(project, entry)]
    if canonical.is_symlink() or not all(project.boundary.contains(p) for p in paths):
        return "missing"  # not as skillreg places it (an install then refuses it)
    status = folder_status(canonical, entry.sha256, entry.name, entry.version)
    if status != "ok":
        return status
    for target in entry_paths(project, entry):
        if target.is_symlink():
            if os.path.realpath(target) != os.path.realpath(canonical):
                return "missing"
            continue
        status = folder_status(target, entry.sha256, entry.name, entry.version)
        if status != "ok":
            return status
    return "ok"


def adopt_unmanaged(project: Project, entry: LockEntry) -> bool:
    """Write markers into the entry's folders that hold exactly its locked files but lost their
    marker to another tool; True when any was taken over."""
    taken = False
    for path in [project.canonical / entry.name, *entry_paths(project, entry)]:
        if path.is_symlink() or not path.is_dir():
            continue
        if folder_status(path, entry.sha256, entry.name, entry.version) == "unmanaged":
            adopt(path, entry.name, entry.version, entry.sha256)
            taken = True
    return taken
