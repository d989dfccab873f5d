"""Where an install happens (project or user scope) and which registry and agents it uses.

Project scope: the root is the nearest folder at or above the working folder holding
``skills.lock`` or ``skills.toml``, else the working folder. Global scope keeps its manifest and
lock in the user config folder and its canonical copies in ``~/.agents/skills``.

Registry, first found wins: ``--registry``, ``$SKILL_REGISTRY``, project config ``[install]
registry``, user config ``[install] registry``, the one shipped in ``skillreg/builtin_registry``.
Tokens are scoped to origins (`skillreg.registry.tokens`); the project config, usually committed,
never holds one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from skillreg.core.config import REGISTRY_ENV, ConfigFile, find_project_config, load_user_config
from skillreg.core.errors import ConfigError
from skillreg.install import agents
from skillreg.install.boundary import Boundary
from skillreg.install.lock import LOCK_FILE
from skillreg.install.manifest import MANIFEST_FILE, Manifest, locate_manifest

BUILTIN = "builtin"  # how lock entries name the registry shipped in the package


class Project(NamedTuple):
    root: Path
    scope: str  # "project" or "global"
    lock_path: Path
    manifest: Manifest
    canonical: Path  # the shared folder holding the real copies

    def relative(self, path: Path) -> str:
        """How a --dir folder is recorded: relative to the root when inside it."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path.resolve())

    def absolute(self, recorded: str) -> Path:
        return self.root / recorded

    @property
    def boundary(self) -> Boundary:
        """Where this project's files may place skills (see `skillreg.install.boundary`)."""
        return Boundary.of(self.root, self.scope)


def locate_project(cwd: Path, *, global_: bool) -> Project:
    if global_:
        import platformdirs

        root = Path(platformdirs.user_config_dir("skillreg"))
        scope = "global"
    else:
        root = _project_root(cwd.resolve())
        scope = "project"
    return Project(
        root=root,
        scope=scope,
        lock_path=root / LOCK_FILE,
        manifest=locate_manifest(root),
        canonical=agents.canonical_dir(scope=scope, root=root),
    )


def _project_root(cwd: Path) -> Path:
    for folder in (cwd, *cwd.parents):
        if (folder / LOCK_FILE).is_file() or (folder / MANIFEST_FILE).is_file():
            return folder
    return cwd


def _install_section(config: ConfigFile) -> dict[str, object]:
    return config.section("install")


def choose_registry(explicit: str | None, cwd: Path) -> tuple[str, Path]:
    """(registry spec, folder that relative paths in it are relative to)."""
    if explicit:
        return explicit, cwd
    if os.environ.get(REGISTRY_ENV):
        return os.environ[REGISTRY_ENV], cwd
    for config in (find_project_config(cwd), load_user_config()):
        value = _install_section(config).get("registry")
        if value is not None:
            if not isinstance(value, str) or not value:
                raise ConfigError(
                    f"{config.path}: [install] registry must be a string", path=config.path
                )
            return value, config.root or cwd
    return BUILTIN, cwd


def resolve_builtin() -> Path:
    from skillreg.registry.builtin import builtin_registry

    """The shipped registry's folder, or a `ConfigError` saying how to pick another one."""
    builtin = builtin_registry()
    if not (builtin / "registry.json").is_file():
        raise ConfigError(
            "no registry configured and this installation lacks the built-in registry;"
            f" pass --registry, set {REGISTRY_ENV}, or set [install] registry in skill.toml"
        )
    return builtin


def default_agents(cwd: Path) -> list[str] | None:
    """`[install] agents` from project config, else user config; None when neither sets it."""
    for config in (find_project_config(cwd), load_user_config()):
        value = _install_section(config).get("agents")
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"{config.path}: [install] agents must be a list of agent ids", path=config.path
            )
        for agent_id in value:
            if agent_id != agents.EVERY_DETECTED:
                agents.get_agent(agent_id)
        return list(value)
    return None
