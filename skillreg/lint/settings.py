"""The ``[lint]`` config section (``[tool.skill.lint]`` in pyproject.toml), validated.

Keys: ``select``, ``ignore`` (codes, rule names or code prefixes), ``per-file-ignores`` (glob ->
codes, globs relative to the config file's folder), ``severity`` (code/name/prefix -> error,
warning, info or off), ``profile``, ``profiles`` (name -> profile file), ``max-file-size``
(bytes, or "512KB"/"2MB"), ``fail-on``, ``known-names`` (skills that exist elsewhere) and
``exclude`` (globs, relative to the config file's folder, that folder searches skip) and
``registry`` (a URL, or a folder relative to the config file's folder, whose catalog resolves
Related Skills).
Anything else is a `ConfigError`, so a typo never silently disables a check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from skillreg.core.config import ConfigFile
from skillreg.core.diagnostics import Severity
from skillreg.core.errors import ConfigError
from skillreg.core.lazy_pattern import lazy
from skillreg.lint import catalog
from skillreg.skill.source import DEFAULT_MAX_BYTES

_KEYS = frozenset(
    {"select", "ignore", "per-file-ignores", "severity", "profile", "profiles",
     "max-file-size", "fail-on", "known-names", "exclude", "registry"}
)  # fmt: skip
_SIZE = lazy(r"(\d+)\s*(B|KB|KIB|MB|MIB)?", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "KB": 1000, "KIB": 1024, "MB": 1000**2, "MIB": 1024**2}


class LintSettings(NamedTuple):
    """The config section's meaning; `root` is the folder relative paths start from."""

    root: Path
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    severity: Mapping[str, Severity | None] = MappingProxyType({})  # None: off
    profile: str | None = None
    profiles: Mapping[str, Path] = MappingProxyType({})
    max_file_size: int = DEFAULT_MAX_BYTES
    fail_on: Severity | None = None
    known_names: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()  # globs of files and folders that recursive discovery skips
    registry: str | None = None  # as written: a URL, or a folder relative to `root`


def parse_settings(config: ConfigFile, cwd: Path) -> LintSettings:
    """Validate `config`'s lint section; raise `ConfigError` naming the file and the key."""
    where = str(config.path) if config.path else "config"
    table = config.section("lint")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        known = ", ".join(sorted(_KEYS))
        raise ConfigError(f"{where}: unknown [lint] key(s) {', '.join(unknown)} (known: {known})")
    reader = _Reader(where)
    root = config.root or cwd
    select = table.get("select")
    return LintSettings(
        root=root,
        select=None if select is None else reader.codes("select", select),
        ignore=reader.codes("ignore", table.get("ignore", [])),
        per_file_ignores=reader.per_file(table.get("per-file-ignores", {})),
        severity=reader.severities(table.get("severity", {})),
        profile=reader.string("profile", table.get("profile")),
        profiles={
            name: (root / reader.string(f"profiles.{name}", path)).resolve()  # type: ignore[operator]
            for name, path in reader.table("profiles", table.get("profiles", {})).items()
        },
        max_file_size=parse_size(table.get("max-file-size", DEFAULT_MAX_BYTES), where),
        fail_on=reader.severity("fail-on", table.get("fail-on")),
        known_names=frozenset(reader.strings("known-names", table.get("known-names", []))),
        exclude=tuple(reader.strings("exclude", table.get("exclude", []))),
        registry=reader.nonempty("registry", table.get("registry")),
    )


def parse_size(value: Any, where: str = "max-file-size") -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match.group(1)) <= 0:
        raise ConfigError(
            f"{where}: max-file-size must be a positive size such as 1048576 or '2MB'"
        )
    return int(match.group(1)) * _UNITS[(match.group(2) or "").upper()]


class _Reader:
    """Typed reads of config values, each failure a `ConfigError` naming file and key."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(f"{self.where}: [lint] {key} must be {expected}")

    def string(self, key: str, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "a string")
        return value

    def nonempty(self, key: str, value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(key, "a non-empty string")
        return value

    def strings(self, key: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of strings")
        return value

    def table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "a table")
        return value

    def codes(self, key: str, value: Any) -> frozenset[str]:
        codes, unknown = catalog.expand(self.strings(key, value))
        if unknown:
            raise self.fail(key, f"rule codes, names or prefixes (unknown: {', '.join(unknown)})")
        return codes

    def severity(self, key: str, value: Any) -> Severity | None:
        if value is None:
            return None
        try:
            return Severity.parse(self.string(key, value) or "")
        except ValueError:
            raise self.fail(key, "error, warning or info") from None

    def severities(self, value: Any) -> dict[str, Severity | None]:
        result: dict[str, Severity | None] = {}
        for selector, level in self.table("severity", value).items():
            codes = self.codes(f"severity.{selector}", [selector])
            parsed = None if level == "off" else self.severity(f"severity.{selector}", level)
            result.update(dict.fromkeys(sorted(codes), parsed))
        return result

    def per_file(self, value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
        return tuple(
            (glob, self.codes(f"per-file-ignores.{glob!r}", codes))
            for glob, codes in self.table("per-file-ignores", value).items()
        )
