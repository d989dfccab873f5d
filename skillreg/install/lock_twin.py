"""The lockfile as pydantic models: the twins of the records in `skillreg.install.lock`.

``schema/lockfile.schema.json`` is generated from these, and a record hands a lockfile it cannot
vouch for to its twin, which words the error (or, being lax, coerces). Keep them field for field
the same as the records.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from skillreg.core.models import SemVer, SkillName
from skillreg.install.agents import AGENTS
from skillreg.install.lock import COMMIT_PATTERN, control_character, is_inside


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
        pattern=COMMIT_PATTERN,
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
            if control_character(text):
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
