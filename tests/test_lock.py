from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from skillreg.core.errors import ConfigError, LockError
from skillreg.install.lock import (
    LockEntry,
    Lockfile,
    lock_schema,
    read_lock,
    render_lock,
    write_lock,
)
from skillreg.install.manifest import (
    Requirement,
    locate_manifest,
    read_requests,
    update_requests,
)
from tests.conftest import REPO

SHA = "a" * 64


def entry(name: str, version: str = "1.0.0") -> LockEntry:
    return LockEntry(
        name=name, version=version, registry="/r", sha256=SHA, size=10, agents=["claude-code"]
    )


def test_lock_is_sorted_and_stable(tmp_path: Path) -> None:
    lock = Lockfile(skills=[entry("zeta"), entry("alpha")])
    path = tmp_path / "skills.lock"
    write_lock(path, lock)
    text = path.read_text()
    assert text.index('"alpha"') < text.index('"zeta"')
    assert text == render_lock(Lockfile(skills=[entry("alpha"), entry("zeta")]))
    assert read_lock(path) == lock
    assert "T" not in json.dumps(json.loads(text)["skills"][0]["version"])  # no timestamps
    assert [p.name for p in tmp_path.iterdir()] == ["skills.lock"]  # no temp file left


def test_lock_edits() -> None:
    lock = Lockfile(skills=[entry("a"), entry("b")])
    assert lock.with_entries([entry("a", "2.0.0")]).get("a") == entry("a", "2.0.0")
    assert [e.name for e in lock.without({"a"}).skills] == ["b"]


def test_missing_lock_is_empty(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "skills.lock") == Lockfile()


def test_invalid_lock_names_file(tmp_path: Path) -> None:
    path = tmp_path / "skills.lock"
    path.write_text('{"lock_version": 1, "skills": [{"name": "x"}]}')
    with pytest.raises(LockError, match=r"skills.lock: invalid lockfile at skills.0"):
        read_lock(path)
    path.write_text("{not json")
    with pytest.raises(LockError, match="invalid lockfile"):
        read_lock(path)


def test_schema_file_matches_model() -> None:
    on_disk = json.loads((REPO / "schema" / "lockfile.schema.json").read_text())
    assert on_disk == lock_schema(), (
        "regenerate schema/lockfile.schema.json from skillreg.install.lock"
    )


def test_schema_validates_rendered_lock() -> None:
    document = json.loads(render_lock(Lockfile(skills=[entry("a")])))
    jsonschema.validate(document, lock_schema())
    document["skills"][0]["mode"] = "teleport"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, lock_schema())


def test_manifest_skills_toml(tmp_path: Path) -> None:
    manifest = locate_manifest(tmp_path)
    assert manifest.path == tmp_path / "skills.toml"
    assert read_requests(manifest) == {}
    update_requests(manifest, set_={"b": Requirement("^1.0.0"), "a": Requirement("~2")})
    assert read_requests(manifest) == {"a": "~2", "b": "^1.0.0"}
    update_requests(manifest, remove={"a"})
    assert read_requests(manifest) == {"b": "^1.0.0"}


@pytest.mark.parametrize(
    "requests",
    [
        {},
        {"b": Requirement("^1.0.0"), "a": Requirement("~2"), "c": Requirement("")},
        {"x": Requirement("^1.0.0", registry="https://example.org/r"), "y": Requirement("")},
        {"x": Requirement("", registry="/tmp/a folder"), "z": Requirement(source="./skills/z")},
        {"q": Requirement("1", registry='/tmp/"quoted"'), "w": Requirement("\u00e9")},
        {"u": Requirement(source="C:\\skills\\u"), "v": Requirement("1\t2")},
    ],
)
def test_a_new_skills_toml_is_what_tomlkit_writes(
    tmp_path: Path, requests: dict[str, Requirement]
) -> None:
    """A new skills.toml is written without tomlkit when its values need no escapes; either way
    the bytes are tomlkit's for a new document."""
    import tomlkit

    document = tomlkit.document()
    document["skills"] = tomlkit.table()
    for name, requirement in sorted(requests.items()):
        document["skills"][name] = requirement.toml_value()
    manifest = locate_manifest(tmp_path)
    update_requests(manifest, set_=requests)
    assert manifest.path.read_text(encoding="utf-8") == tomlkit.dumps(document)


def test_manifest_in_pyproject_keeps_formatting(tmp_path: Path) -> None:
    original = '[project]\nname = "demo"  # keep me\n\n[tool.ruff]\nline-length = 100\n'
    (tmp_path / "pyproject.toml").write_text(original)
    manifest = locate_manifest(tmp_path)
    assert manifest.in_pyproject
    update_requests(manifest, set_={"backend-developer": Requirement("^1.0.0")})
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original)
    assert '[tool.skill.skills]\nbackend-developer = "^1.0.0"' in text
    assert read_requests(manifest) == {"backend-developer": "^1.0.0"}


def test_bad_manifest_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "skills.toml"
    for content in (
        b"[skills]\nx = 3\n",
        b"[skills\n",
        b"\xff\xfe[skills]\n",
        b'[skills]\n"../x" = "1"\n',
    ):
        path.write_bytes(content)
        with pytest.raises(ConfigError, match=r"skills\.toml: "):
            read_requests(locate_manifest(tmp_path))


def test_undecodable_lock_is_a_lock_error(tmp_path: Path) -> None:
    path = tmp_path / "skills.lock"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(LockError, match=r"skills\.lock: not a lockfile \(not UTF-8 text\)"):
        read_lock(path)


def _raw_entry(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = json.loads(render_lock(Lockfile(skills=[entry("ok")])))["skills"][0]
    raw.update(changes)
    return raw


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"name": "../../../victim"}, "skills.0.name (entry '../../../victim')"),
        ({"name": "Bad_Name"}, "skills.0.name"),
        ({"version": "v1.0.0"}, "skills.0.version (entry 'ok')"),
        ({"agents": ["no-such-agent"]}, "skills.0.agents (entry 'ok')"),
        ({"dirs": ["../outside"]}, "skills.0 (entry 'ok')"),
        ({"dirs": ["/abs/path"]}, "skills.0 (entry 'ok')"),
        ({"dirs": ["a/../../b"]}, "skills.0 (entry 'ok')"),
    ],
)
def test_hostile_lock_entries_refused(
    tmp_path: Path, changes: dict[str, object], where: str
) -> None:
    path = tmp_path / "skills.lock"
    path.write_text(json.dumps({"lock_version": 1, "skills": [_raw_entry(**changes)]}))
    with pytest.raises(LockError) as caught:
        read_lock(path)
    assert str(caught.value).startswith(f"{path}: invalid lockfile at {where}")


def test_global_lock_may_name_absolute_dirs(tmp_path: Path) -> None:
    path = tmp_path / "skills.lock"
    raw = _raw_entry(dirs=["/abs/path"], scope="global")
    path.write_text(json.dumps({"lock_version": 1, "skills": [raw]}))
    assert read_lock(path).skills[0].dirs == ["/abs/path"]
