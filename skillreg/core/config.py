"""Configuration files: where they are and their raw tables.

Project config lives in ``skill.toml`` (top-level tables such as ``[lint]`` and ``[install]``) or in
``pyproject.toml`` under ``[tool.skill]`` (``[tool.skill.lint]`` …), found by walking up from the
starting folder; ``skill.toml`` wins when a folder has both. User config is ``config.toml`` in the
user config folder (platformdirs; ``$XDG_CONFIG_HOME/skillreg`` on Linux). Each domain (lint,
install) validates its own section; this module only finds and reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillreg.core.errors import ConfigError

PROJECT_FILE = "skill.toml"
PYPROJECT = "pyproject.toml"
TABLES = ("lint", "install")  # the sections a config file may hold

#: The registry the user chose for this run when ``--registry`` is not given (an environment
#: variable is the user's, like the command line: a cloned project cannot set it).
REGISTRY_ENV = "SKILL_REGISTRY"
#: A bearer token for that registry only (`skillreg.registry.tokens`).
TOKEN_ENV = "SKILL_REGISTRY_TOKEN"


@dataclass(frozen=True)
class ConfigFile:
    """The ``skill`` table of one config file; `path` is None when no file was found."""

    path: Path | None = None
    table: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        value = self.table.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{self.path}: [{name}] must be a table", path=self.path)
        return value

    @property
    def root(self) -> Path | None:
        """The folder the config file sits in (paths in it are relative to this)."""
        return self.path.parent if self.path else None


def read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here: most runs find no config file to parse (~3 ms of start-up)

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}", path=path) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8", path=path) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}", path=path) from None


def _table_of(path: Path) -> dict[str, Any] | None:
    data = read_toml(path)
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("skill") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.skill] must be a table", path=path)
        _check_tables(path, table, (*TABLES, "skills"), "tool.skill.")
        return table
    _check_tables(path, data, TABLES, "")
    return data


def _check_tables(path: Path, table: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    """A misplaced or misspelt table would otherwise be ignored without a word."""
    for key in table:
        if key in known:
            continue
        hint = (
            "; requested skills go in skills.toml (the manifest), not skill.toml"
            if key == "skills"
            else f"; known tables: {', '.join(f'[{prefix}{name}]' for name in known)}"
        )
        raise ConfigError(f"{path}: unknown table [{prefix}{key}]{hint}", path=path)


def find_project_config(start: Path) -> ConfigFile:
    """The nearest ``skill.toml``, or ``pyproject.toml`` with ``[tool.skill]``, from `start` up."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in (PROJECT_FILE, PYPROJECT):
            path = candidate / name
            if path.is_file():
                table = _table_of(path)
                if table is not None:
                    return ConfigFile(path, table)
    return ConfigFile()


def load_config_file(path: Path) -> ConfigFile:
    """An explicitly named config file (``--config``): it must exist."""
    try:
        found = path.is_file()
    except OSError as exc:  # a name too long, say: is_file only swallows "no such file"
        raise ConfigError(f"{path}: cannot read: {exc.strerror}", path=path) from None
    if not found:
        raise ConfigError(f"{path}: config file not found", path=path)
    return ConfigFile(path, _table_of(path) or {})


def user_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("skillreg")) / "config.toml"


def load_user_config() -> ConfigFile:
    path = user_config_path()
    return ConfigFile(path, read_toml(path)) if path.is_file() else ConfigFile()


def user_cache_dir() -> Path:
    """Where caches go (bundles by digest, parsed-skill cache): safe to delete at any time."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("skillreg"))
