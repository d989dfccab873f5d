"""Lint profiles: a frontmatter JSON Schema plus body requirements, loaded from data files.

A profile file is JSON (see ``schema/profile.schema.json``): ``name``, optional ``extends`` (a
profile name or a path relative to the file), ``frontmatter`` (JSON Schema 2020-12) and ``body``.
An extending profile's schema is checked together with its parent's (``allOf``) and its body
settings override the parent's key by key; its ``when`` conditions (requirements that depend on a
frontmatter value, see `skillreg.lint.conditions`) come after the parent's. Built-in profiles ship
in ``schema/profiles/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from skillreg.core.errors import ConfigError
from skillreg.lint.conditions import Condition, parse_conditions
from skillreg.lint.schema_check import regex_problem

DEFAULT_PROFILE = "agentskills"
_BODY_DEFAULTS: dict[str, Any] = {
    "require_single_h1": False,
    "required_sections": [],
    "related_section": None,
    "max_lines": 500,
    "max_tokens": 5000,
    "first_section": None,
    "last_section": None,
    "related_metadata": None,
}


class _Settings(NamedTuple):
    name: str
    path: Path
    frontmatter: Mapping[str, Any]  # the full JSON Schema (parents included)
    require_single_h1: bool = False
    required_sections: tuple[str, ...] = ()
    related_section: str | None = None  # when set, references are checked even for one skill
    max_lines: int = 500
    max_tokens: int = 5000
    first_section: str | None = None  # the H2 that should come first (SK210 when not)
    last_section: str | None = None  # the H2 that should come last
    related_metadata: str | None = None  # a metadata key holding comma-separated related names
    conditions: tuple[Condition, ...] = ()
    applies_to: str = ""  # for a variant: the values that chose it, for messages


class Profile(_Settings):
    """A named tuple of the settings (making a frozen dataclass costs about a millisecond at
    import, which every one-skill `skill lint` pays). A subclass, so that each profile also has
    a `__dict__` for the variants it builds, which equality and repr leave out."""

    @property
    def schema_key(self) -> str:
        """The schema as canonical JSON: what compiled checkers are cached by."""
        return json.dumps(self.frontmatter, sort_keys=True)

    @property
    def fingerprint(self) -> str:
        """Everything but the schema that changes findings, for caches keyed by the profile."""
        return repr((_body_of(self), self.conditions))

    def for_data(self, data: Mapping[str, Any]) -> Profile:
        """The profile as it applies to a skill with frontmatter `data`: each condition's case
        for the skill's value merged into the body settings (one variant per combination of
        values, built once)."""
        if not self.conditions:
            return self
        values = tuple(condition.value_in(data) for condition in self.conditions)
        variants: dict[tuple[str | None, ...], Profile] = self.__dict__.setdefault("variants", {})
        variant = variants.get(values)
        if variant is None:
            variant = variants[values] = self._variant(values)
        return variant

    def _variant(self, values: tuple[str | None, ...]) -> Profile:
        body = _body_of(self)
        named = []
        for condition, value in zip(self.conditions, values, strict=True):
            case, name = condition.case_for(value)
            if case is not None:
                body.update(case.body)
                named.append(name)
        return self._replace(**_typed(body), applies_to=", ".join(named))


def schema_dir() -> Path:
    """Where the shipped schemas are: inside the wheel, or the repository's ``schema/``."""
    package = Path(__file__).resolve().parent.parent
    bundled = package / "_schema"
    return bundled if bundled.is_dir() else package.parent / "schema"


def builtin_profiles() -> dict[str, Path]:
    folder = schema_dir() / "profiles"
    return {p.stem: p for p in sorted(folder.glob("*.json"))}


def resolve_profile(
    spec: str | None,
    named: Mapping[str, Path] | None = None,
    base: Path | None = None,
    *,
    within: Path | None = None,
) -> Profile:
    """The profile `spec` names: a configured name, a built-in name, or a path (from `base`).

    `within` is the project root when `spec` or `named` came from a project's config file, which
    a cloned repository controls: that profile file, and every one it extends, must then resolve
    (symlinks followed) inside the root, so that no config can make lint read an arbitrary file
    (say a credentials JSON) and quote it. The command line and built-ins are not bounded.
    """
    path = _locate(spec or DEFAULT_PROFILE, named or {}, base or Path.cwd())
    return _load(path, (), within.resolve() if within is not None else None)


def _locate(spec: str, named: Mapping[str, Path], base: Path) -> Path:
    if spec in named:
        return named[spec]
    builtin = builtin_profiles()
    if spec in builtin:
        return builtin[spec]
    if spec.endswith(".json") or "/" in spec or "\\" in spec:
        return (base / spec).resolve()
    from skillreg.core.suggest import closest

    known = sorted({*builtin, *named})
    close = closest(spec, known)
    hint = f"did you mean {close!r}? " if close else ""
    raise ConfigError(
        f"unknown profile {spec!r} ({hint}known: {', '.join(known)}; "
        "or give a path to a .json file)"
    )


def _load(path: Path, chain: tuple[Path, ...], within: Path | None) -> Profile:
    resolved = path.resolve()
    if resolved in chain:
        raise ConfigError(f"{path}: profile extends itself (through {chain[-1]})", path=path)
    builtin = resolved.parent == schema_dir().resolve() / "profiles"
    if within is not None and not builtin and not resolved.is_relative_to(within):
        raise ConfigError(
            f"{path}: a profile named by the project's config must be a file inside the project"
            f" ({within}); give one from elsewhere with --profile",
            path=path,
        )
    data = _read(resolved)
    parent: Profile | None = None
    if isinstance(data.get("extends"), str):
        parent_path = _locate(data["extends"], {}, resolved.parent)
        parent = _load(parent_path, (*chain, resolved), within)
    schema: Mapping[str, Any] = data.get("frontmatter", {})
    if parent is not None:
        schema = {"allOf": [parent.frontmatter, schema]}
    body = dict(_BODY_DEFAULTS)
    if parent is not None:
        body.update(_body_of(parent))
    body.update(data.get("body", {}))
    inherited = parent.conditions if parent is not None else ()
    return Profile(
        name=str(data["name"]),
        path=resolved,
        frontmatter=schema,
        conditions=(*inherited, *_conditions(resolved)),
        **_typed(body),
    )


def _typed(body: Mapping[str, Any]) -> dict[str, Any]:
    """Body settings (from JSON already checked against the profile schema) as field values."""
    return {
        "require_single_h1": bool(body["require_single_h1"]),
        "required_sections": tuple(body["required_sections"]),
        "related_section": body["related_section"],
        "max_lines": int(body["max_lines"]),
        "max_tokens": int(body["max_tokens"]),
        "first_section": body["first_section"],
        "last_section": body["last_section"],
        "related_metadata": body["related_metadata"],
    }


def _body_of(profile: Profile) -> dict[str, Any]:
    return {key: getattr(profile, key) for key in _BODY_DEFAULTS}


@cache
def _conditions(path: Path) -> tuple[Condition, ...]:
    """A profile file's ``when`` section, parsed once per process like the file itself."""
    return parse_conditions(_read(path).get("when"))


@cache
def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: profile file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read profile: {exc}", path=path) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: profile is not valid JSON: {exc}", path=path) from None
    if path.parent != schema_dir() / "profiles":  # built-ins are checked by the test suite
        _validate_profile(path, data)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a profile must be a JSON object", path=path)
    return data


def _validate_profile(path: Path, data: Any) -> None:
    """A user's profile file must match profile.schema.json and hold a valid JSON Schema.

    Errors name where and which rule, never the offending value: a file that is not a profile at
    all must not have its contents quoted into a CI log.
    """
    import jsonschema  # no stubs installed

    meta = json.loads((schema_dir() / "profile.schema.json").read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(meta).iter_errors(data)
    )
    if error is not None:
        raise ConfigError(
            f"{path}: invalid profile at {_where(error.absolute_path)}: breaks the"
            f" {error.validator!r} rule of profile.schema.json",
            path=path,
        )
    try:
        jsonschema.Draft202012Validator.check_schema(data.get("frontmatter", {}))
    except jsonschema.exceptions.SchemaError as exc:
        raise ConfigError(
            f"{path}: invalid frontmatter schema at {_where(exc.absolute_path)}: breaks the"
            f" {exc.validator!r} rule of the JSON Schema meta-schema",
            path=path,
        ) from None
    problem = regex_problem(data.get("frontmatter", {}))
    if problem:
        raise ConfigError(f"{path}: invalid frontmatter schema: {problem}", path=path)


def _where(parts: Iterable[object]) -> str:
    """A location in the file: keys as written (cut short), array indexes."""
    shown = "/".join(str(part)[:40] for part in parts)
    return shown[:200] or "(top level)"
