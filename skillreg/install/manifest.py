"""The project manifest: which skills a project asks for, and the version range of each.

``skills.toml`` holds a ``[skills]`` table (``backend-developer = "^1.0.0"``). A skill installed
from a registry other than the configured one remembers it (``x = { version = "^1.0.0", registry
= "https://…" }``), so a later ``install x@latest`` or a restore goes back there; one installed from
a folder, bundle file or git repository records that instead (``x = { source = "./skills/x" }``).
A project with a ``pyproject.toml`` and no ``skills.toml`` keeps the same table as
``[tool.skill.skills]`` there. Edits go through tomlkit so the user's comments and layout survive;
writes are atomic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import ConfigError
from skillreg.core.names import RULE, is_skill_name

MANIFEST_FILE = "skills.toml"
PYPROJECT = "pyproject.toml"


class Requirement(NamedTuple):
    """What the manifest asks for one skill."""

    spec: str = ""  # the version range ("" = any)
    registry: str | None = None  # where it comes from, when not the configured registry
    source: str | None = None  # a folder, bundle file or git URL it is installed from instead

    def toml_value(self) -> object:
        """A plain range string when that says it all, else an inline table."""
        if self.registry is None and self.source is None:
            return self.spec
        import tomlkit

        table = tomlkit.inline_table()
        for key, value in (("version", self.spec), ("registry", self.registry)):
            if value:
                table[key] = value
        if self.source:
            table["source"] = self.source
        return table


_FIELDS = {"version": "spec", "registry": "registry", "source": "source"}


class Manifest(NamedTuple):
    path: Path
    in_pyproject: bool

    @property
    def keys(self) -> tuple[str, ...]:
        return ("tool", "skill", "skills") if self.in_pyproject else ("skills",)


def locate_manifest(root: Path) -> Manifest:
    """``skills.toml`` if present, else a ``pyproject.toml``, else a new ``skills.toml``."""
    own = root / MANIFEST_FILE
    if own.is_file():
        pyproject = root / PYPROJECT
        if pyproject.is_file() and _has_skills_table(pyproject):
            raise ConfigError(
                f"{root}: both {MANIFEST_FILE} and {PYPROJECT} [tool.skill.skills] list skills;"
                " keep one of them",
                path=root,
            )
        return Manifest(own, False)
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        return Manifest(pyproject, True)
    return Manifest(own, False)


def _has_skills_table(pyproject: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # reported when (if ever) it is the manifest in use
    tool = data.get("tool")
    return (
        isinstance(tool, dict) and isinstance(tool.get("skill"), dict) and "skills" in tool["skill"]
    )


def read_requests(manifest: Manifest) -> dict[str, str]:
    """Skill name -> range string, as recorded."""
    return {name: req.spec for name, req in read_requirements(manifest).items()}


def read_requirements(manifest: Manifest) -> dict[str, Requirement]:
    """Skill name -> what is asked for it; `ConfigError` naming the file when it is invalid."""
    import tomllib  # here: a new project has no manifest to parse (~3 ms of start-up)

    try:
        data: Any = tomllib.loads(manifest.path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            f"{manifest.path}: cannot read manifest: {exc.strerror or exc}", path=manifest.path
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{manifest.path}: not UTF-8 text", path=manifest.path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{manifest.path}: invalid TOML: {exc}", path=manifest.path) from None
    where = ".".join(manifest.keys)
    for key in manifest.keys:
        data = data.get(key, {}) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{manifest.path}: [{where}] must map skill names to range strings", path=manifest.path
        )
    bad = next((name for name in data if not is_skill_name(name)), None)
    if bad is not None:
        raise ConfigError(
            f"{manifest.path}: [{where}] {bad!r} is not a skill name ({RULE})", path=manifest.path
        )
    return {name: _requirement(manifest, where, name, value) for name, value in data.items()}


def _requirement(manifest: Manifest, where: str, name: str, value: object) -> Requirement:
    # Values are shown in messages, so control characters (terminal escapes) are refused.
    if isinstance(value, str) and value.isprintable():
        return Requirement(value)
    if (
        isinstance(value, dict)
        and value
        and set(value) <= set(_FIELDS)
        and all(isinstance(v, str) and v and v.isprintable() for v in value.values())
        and not ("registry" in value and "source" in value)
    ):
        return Requirement(**{_FIELDS[k]: v for k, v in value.items()})
    raise ConfigError(
        f"{manifest.path}: [{where}] {name}: expected a range string or a table of"
        " version/registry or source strings",
        path=manifest.path,
    )


def update_requests(
    manifest: Manifest,
    *,
    set_: dict[str, Requirement] | None = None,
    remove: set[str] | None = None,
) -> None:
    """Add or change requests in `set_`, drop names in `remove`; keeps formatting elsewhere."""
    read_requirements(manifest)  # validates the current file before we edit it
    try:
        text = manifest.path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fresh = None if manifest.in_pyproject else _fresh_manifest(set_ or {})
        if fresh is not None:
            write_atomic(manifest.path, fresh)
            return
        text = None
    import tomlkit  # only to edit an existing file (or write unusual values): ~15 ms to import

    document = tomlkit.document() if text is None else tomlkit.parse(text)
    table: Any = document
    for key in manifest.keys:
        if key not in table:
            # Nested pyproject tables stay implicit so no empty [tool] header appears.
            table[key] = tomlkit.table(is_super_table=key != manifest.keys[-1])
        table = table[key]
    for name, requirement in sorted((set_ or {}).items()):
        table[name] = requirement.toml_value()
    for name in remove or set():
        if name in table:
            del table[name]
    write_atomic(manifest.path, tomlkit.dumps(document))


def _plain(text: str) -> bool:
    """Printable ASCII without quote or backslash: written as ``"text"`` with no escapes."""
    return all(" " <= c <= "~" and c not in '"\\' for c in text)


def _fresh_manifest(requests: dict[str, Requirement]) -> str | None:
    """A new ``skills.toml`` holding `requests`, byte for byte what tomlkit writes for a new
    document; None when a name or value would need quoting rules (then tomlkit writes it)."""
    lines = ["[skills]"]
    for name, requirement in sorted(requests.items()):
        if not is_skill_name(name):
            return None
        if requirement.registry is None and requirement.source is None:
            if not _plain(requirement.spec):
                return None
            lines.append(f'{name} = "{requirement.spec}"')
            continue
        pairs = [("version", requirement.spec), ("registry", requirement.registry)]
        pairs.append(("source", requirement.source))
        shown = [f'{key} = "{text}"' for key, text in pairs if text]
        if not all(_plain(text) for _key, text in pairs if text):
            return None
        lines.append(f"{name} = {{{', '.join(shown)}}}")
    return "\n".join(lines) + "\n"
