"""The one exception hierarchy: every "cannot go on" failure is a `SkillError`.

Library code raises these; only the CLI funnel prints them (``error: <message>``) and turns
`exit_code` into the process status. Findings about a user's content are never exceptions: they are
`skillreg.core.diagnostics.Diagnostic` values.
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes shared by every command (documented in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # lint findings at or above --fail-on, or an operation refused/failed
EXIT_USAGE = 2  # usage or configuration error
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class SkillError(Exception):
    """A failure that stops an operation; `message` is one line a user can act on."""

    exit_code = EXIT_FAILED

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.url = url
        self.status = status

    def __str__(self) -> str:
        return self.message


class UsageError(SkillError):
    """The command line asks for something impossible (bad option value, missing path)."""

    exit_code = EXIT_USAGE


class ConfigError(SkillError):
    """A configuration file or profile is unreadable or invalid."""

    exit_code = EXIT_USAGE


class SourceError(SkillError):
    """A skill folder or file cannot be read at all."""


class BundleError(SkillError):
    """A bundle cannot be built or is unsafe to unpack (hostile archive, bomb, bad links)."""


class RegistryError(SkillError):
    """A registry is unreachable, malformed, or refuses an operation."""


class NotFoundError(RegistryError):
    """A skill or version does not exist in the registry."""


class IntegrityError(RegistryError):
    """Bytes do not match their recorded digest or size, or metadata rolled back."""


class PublishError(RegistryError):
    """A publish was refused (lint errors, changed bytes without a version bump)."""


class InstallError(SkillError):
    """An install, update or removal could not be carried out."""


class LockError(InstallError):
    """The manifest or lockfile is invalid, or would change under --frozen."""


def describe_error(exc: BaseException) -> str:
    """One line about `exc`: a pydantic error's first location and message, else its text."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(top)"
        return f"{where}: {first.get('msg')}"
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
