"""The lockfile ``skills.lock``: what is installed, exactly, so it can be restored byte for byte.

Sorted JSON with no timestamps, so two installs of the same thing write the same file and diffs
stay readable. One entry per skill name; `sha256` is the bundle's digest and is checked again on
every restore. The JSON Schema in ``schema/lockfile.schema.json`` is generated from `Lockfile`.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import LockError
from skillreg.core.fields import SemVer, SkillName
from skillreg.core.jsonio import dump_json
from skillreg.install.agents import AGENTS

LOCK_FILE = "skills.lock"
LOCK_VERSION = 1


class LockEntry(BaseModel):
    """One installed skill and where it went."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: SkillName = Field(description="the skill's registry name (also its folder name)")
    version: SemVer = Field(description="the exact version installed")
    registry: str = Field(
        description="URL, or absolute folder path, of the registry it came from; for a `source`,"
        " where that is (a folder or bundle file, `./` relative to the project root, or a git URL)"
    )
    source: Literal["folder", "archive", "git"] | None = Field(
        default=None, description="set when installed from a source rather than a registry"
    )
    commit: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{40}([0-9a-f]{24})?$",
        description="for a git source: the commit the files were read from",
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the bundle (.tar.gz)")
    size: int = Field(ge=0, description="bytes of the bundle")
    agents: list[str] = Field(
        default_factory=list, description="agent ids linked to it; [] = the shared folder only"
    )
    dirs: list[str] = Field(
        default_factory=list, description="extra --dir folders (relative to the project root)"
    )
    scope: Literal["project", "global"] = Field(default="project")
    mode: Literal["link", "copy"] = Field(
        default="link", description="how agent folders get it (copy where a link failed too)"
    )
    verified: Literal["tuf"] | None = Field(
        default=None,
        # Entries from unsigned registries stay byte for byte what they were.
        exclude_if=lambda value: value is None,
        description='"tuf" when the document came from a signed registry and verified',
    )

    @field_validator("registry")
    @classmethod
    def _printable(cls, text: str) -> str:
        # It is shown in messages: a committed lock must not reach the terminal with escapes.
        if not text.isprintable():
            raise ValueError("must hold printable characters only")
        return text

    @field_validator("agents")
    @classmethod
    def _known_agents(cls, ids: list[str]) -> list[str]:
        unknown = [agent_id for agent_id in ids if agent_id not in AGENTS]
        if unknown:
            raise ValueError(f"unknown agent id {unknown[0]!r}")
        return ids

    @field_validator("registry", "dirs")
    @classmethod
    def _no_control_characters(cls, value: str | list[str]) -> str | list[str]:
        # A NUL cannot be in a path or a URL (the OS refuses it with a ValueError); no control
        # character belongs in either, and a committed lock is untrusted.
        for text in [value] if isinstance(value, str) else value:
            if any(ord(char) < 0x20 or ord(char) == 0x7F for char in text):
                raise ValueError(f"{text!r} holds a control character")
        return value

    @model_validator(mode="after")
    def _commit_only_for_git(self) -> LockEntry:
        if (self.commit is None) != (self.source != "git"):
            raise ValueError("a git source needs its commit, and only a git source has one")
        return self

    @model_validator(mode="after")
    def _dirs_inside_project(self) -> LockEntry:
        # A committed lock must not point installs (or `skill remove`) outside the project.
        if self.scope == "project":
            for folder in self.dirs:
                if not is_inside(folder):
                    raise ValueError(f"dir {folder!r} must be a relative path inside the project")
        return self


def is_inside(folder: str) -> bool:
    """True for a relative path that stays inside the folder it is relative to."""
    posix, windows = PurePosixPath(folder), PureWindowsPath(folder)
    if not folder or posix.is_absolute() or windows.is_absolute() or windows.drive:
        return False
    return ".." not in windows.parts and not folder.startswith("~")


class Lockfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lock_version: Literal[1] = 1
    skills: list[LockEntry] = Field(default_factory=list, description="sorted by name")

    @field_validator("skills")
    @classmethod
    def _unique_sorted(cls, skills: list[LockEntry]) -> list[LockEntry]:
        names = [entry.name for entry in skills]
        if len(set(names)) != len(names):
            raise ValueError("a skill name appears twice")
        return sorted(skills, key=lambda entry: entry.name)

    def get(self, name: str) -> LockEntry | None:
        return next((entry for entry in self.skills if entry.name == name), None)

    def with_entries(self, entries: list[LockEntry]) -> Lockfile:
        """A copy where `entries` replace any entries of the same names."""
        replaced = {entry.name for entry in entries}
        kept = [entry for entry in self.skills if entry.name not in replaced]
        return Lockfile(skills=[*kept, *entries])

    def without(self, names: set[str]) -> Lockfile:
        return Lockfile(skills=[entry for entry in self.skills if entry.name not in names])


def render_lock(lock: Lockfile) -> str:
    # Unset optional fields stay out, so a registry-only lock reads as it always has.
    return dump_json(lock.model_dump(mode="json", exclude_none=True)).decode("utf-8")


def read_lock(path: Path) -> Lockfile:
    """The lockfile at `path`; an empty one when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lockfile()
    except OSError as exc:
        raise LockError(f"{path}: cannot read lockfile: {exc.strerror}", path=path) from None
    except ValueError:  # UnicodeDecodeError
        raise LockError(
            f"{path}: not a lockfile (not UTF-8 text); fix it, or delete it and reinstall",
            path=path,
        ) from None
    try:
        return Lockfile.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise LockError(
            f"{path}: invalid lockfile at {where}{_entry_name(text, first['loc'])}: {first['msg']}"
            " (fix it, or delete it and reinstall)",
            path=path,
        ) from None


def check_project_lock(path: Path, lock: Lockfile) -> None:
    """A project's lock is the project's file, not the user's: it can never ask for a global
    install (that comes only from ``-g``, whose lock lives in the user config folder)."""
    for entry in lock.skills:
        if entry.scope != "project":
            raise LockError(
                f"{path}: entry {entry.name!r} has scope {entry.scope!r}; a project's lockfile can"
                " only install inside the project (user-wide installs come from -g); remove"
                " the entry or fix its scope",
                path=path,
            )


def _entry_name(text: str, loc: tuple[int | str, ...]) -> str:
    """`` (entry 'name')`` for an error inside ``skills[i]``, so a user can find the entry."""
    if len(loc) < 2 or loc[0] != "skills" or not isinstance(loc[1], int):
        return ""
    try:
        name = json.loads(text)["skills"][loc[1]]["name"]
    except (ValueError, LookupError, TypeError):
        return ""
    return f" (entry {name!r})" if isinstance(name, str) else ""


def write_lock(path: Path, lock: Lockfile) -> None:
    write_atomic(path, render_lock(lock))


def lock_schema() -> dict[str, Any]:
    """The JSON Schema published as ``schema/lockfile.schema.json``."""
    schema = Lockfile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
