"""The lockfile ``skills.lock``: what is installed, exactly, so it can be restored byte for byte.

Sorted JSON with no timestamps, so two installs of the same thing write the same file and diffs
stay readable. One entry per skill name; `sha256` is the bundle's digest and is checked again on
every restore. The entries are records (`skillreg.core.record`); ``schema/lockfile.schema.json`` is
generated from their pydantic twins in `skillreg.install.lock_twin`.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, ClassVar, Literal, cast

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import LockError
from skillreg.core.fields import SEMVER, SHA256, SKILL_NAME
from skillreg.core.jsonio import dump_json
from skillreg.core.record import (
    Integer,
    ListOf,
    Nested,
    OneOf,
    OrNone,
    Record,
    Reject,
    Text,
    field,
    validation_error,
)
from skillreg.install.agents import AGENTS

LOCK_FILE = "skills.lock"
LOCK_VERSION = 1
COMMIT_PATTERN = r"^[0-9a-f]{40}([0-9a-f]{24})?$"


class LockEntry(Record):
    """One installed skill and where it went (field descriptions: the twin's)."""

    TWIN: ClassVar[str] = "skillreg.install.lock_twin:LockEntry"

    name: str = field(SKILL_NAME)
    version: str = field(SEMVER)
    registry: str = field(Text())
    source: Literal["folder", "archive", "git"] | None = field(
        OrNone(OneOf("folder", "archive", "git")), default=None
    )
    commit: str | None = field(OrNone(Text(COMMIT_PATTERN)), default=None)
    sha256: str = field(SHA256)
    size: int = field(Integer(ge=0))
    agents: list[str] = field(ListOf(Text()), factory=list)
    dirs: list[str] = field(ListOf(Text()), factory=list)
    scope: Literal["project", "global"] = field(OneOf("project", "global"), default="project")
    mode: Literal["link", "copy"] = field(OneOf("link", "copy"), default="link")
    verified: Literal["tuf"] | None = field(OrNone(OneOf("tuf")), default=None, omit_none=True)

    def _finish(self) -> None:
        # The twin's validators: each failure is its error to word.
        if not self.registry.isprintable() or control_character(self.registry):
            raise Reject  # shown in messages: a committed lock must not reach the terminal
        if any(agent_id not in AGENTS for agent_id in self.agents):
            raise Reject
        if any(control_character(folder) for folder in self.dirs):
            raise Reject  # no path holds one, and a committed lock is untrusted
        if (self.commit is None) != (self.source != "git"):
            raise Reject  # a git source needs its commit, and only a git source has one
        if self.scope == "project" and not all(is_inside(folder) for folder in self.dirs):
            raise Reject  # a committed lock must not point installs outside the project


def control_character(text: str) -> bool:
    """Whether `text` holds a C0 control character or DEL (no path or URL holds one)."""
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def is_inside(folder: str) -> bool:
    """True for a relative path that stays inside the folder it is relative to."""
    posix, windows = PurePosixPath(folder), PureWindowsPath(folder)
    if not folder or posix.is_absolute() or windows.is_absolute() or windows.drive:
        return False
    return ".." not in windows.parts and not folder.startswith("~")


class Lockfile(Record):
    TWIN: ClassVar[str] = "skillreg.install.lock_twin:Lockfile"

    lock_version: Literal[1] = field(OneOf(1), default=1)
    skills: list[LockEntry] = field(ListOf(Nested(lambda: LockEntry)), factory=list)

    def _finish(self) -> None:
        names = [entry.name for entry in self.skills]
        if len(set(names)) != len(names):
            raise Reject  # a skill name appears twice
        self.__dict__["skills"] = sorted(self.skills, key=lambda entry: entry.name)

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
    except validation_error() as exc:
        first = cast(Any, exc).errors()[0]
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
    schema: dict[str, Any] = Lockfile.twin().model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
