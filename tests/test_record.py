"""Records read a document exactly as their pydantic twins do: same value, or the same error.

Every record (`skillreg.core.record`) is checked against its twin on valid documents and on
mutations of each field (wrong JSON types, coercible values, patterns with trailing newlines or
non-ASCII digits, lone surrogates, huge integers, missing, extra and duplicate keys, ...).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from skillreg.bundle.manifest import BundleManifest
from skillreg.core.record import Record, validation_error
from skillreg.install.lock import Lockfile
from skillreg.registry.model import (
    Catalog,
    CatalogShard,
    RegistryRoot,
    SearchShard,
    SkillDocument,
)

SHA = "a" * 64
VERSION = {
    "sha256": SHA,
    "size": 10,
    "tar_sha256": "b" * 64,
    "tar_size": 20,
    "description": "Does things — well",
    "related": ["other-skill"],
    "published": "2026-11-26T17:00:00Z",
    "license": "MIT",
    "compatibility": None,
    "metadata": {"tier": "developer", "council.name": "x"},
    "yanked": False,
    "yanked_reason": None,
    "audit": {"scanner": "s/1", "errors": 0, "warnings": 1, "infos": 2, "codes": {"SK501": 1}},
}
ENTRY = {
    "name": "golang-pro",
    "version": "1.2.3-rc.1+build.5",
    "registry": "https://example.org/reg",
    "sha256": SHA,
    "size": 3,
    "agents": ["claude-code"],
    "dirs": ["vendor/skills"],
    "scope": "project",
    "mode": "link",
}
VALID: dict[type[Record], list[dict[str, Any]]] = {
    RegistryRoot: [
        {"format": "skillreg-registry"},
        {"format": "skillreg-registry", "format_version": 1, "name": "n", "tuf": "tuf"},
        {"format": "skillreg-registry", "catalog": "catalog/{shard}.json", "search": "s/{term}"},
    ],
    SkillDocument: [
        {"name": "golang-pro", "serial": 3, "tags": {"latest": "1.0.0"}, "versions": {}},
        {
            "name": "golang-pro",
            "serial": 2**53 - 1,
            "deprecated": {"message": "use x"},
            "versions": {"1.0.0": VERSION, "2.0.0-beta": {**VERSION, "audit": None}},
        },
    ],
    Catalog: [
        {"skills": [{"name": "a-b", "description": "d", "latest": "1.0.0", "metadata": {}}]},
        {"format_version": 2, "skills": [{"name": "ab", "description": "", "latest": None}]},
    ],
    CatalogShard: [
        {
            "shard": "ab-",
            "skills": [{"name": "ab-c", "description": "", "latest": None, "serial": 4}],
        }
    ],
    SearchShard: [{"term": "gola", "terms": {"golang": ["golang-pro"]}}],
    BundleManifest: [
        {
            "name": "golang-pro",
            "version": "1.0.0",
            "files": [{"path": "SKILL.md", "sha256": SHA, "size": 5, "executable": True}],
        }
    ],
    Lockfile: [
        {"lock_version": 1, "skills": [ENTRY]},
        {
            "skills": [
                {**ENTRY, "name": "zz", "source": "git", "commit": "c" * 40, "verified": "tuf"},
                {**ENTRY, "scope": "global", "dirs": ["/abs"], "mode": "copy"},
            ]
        },
    ],
}
HOSTILE: list[Any] = [
    None,
    True,
    0,
    -1,
    1.0,
    2**64,
    "1",
    "",
    "1.0.0\n",
    "a" * 64 + "\n",
    "\u0661.\u0660.\u0660",  # Arabic-Indic digits
    "\ud800",
    "golang-pro",
    "../etc",
    "bad\x1b[31m",
    [],
    ["x"],
    ["claude-code", "claude-code"],
    {},
    {"k": "v"},
    {"bad key": "v"},
    {"latest": "1.0"},
]


def outcome(parse: Any, data: str | bytes) -> Any:
    try:
        result = parse(data)
    except validation_error() as exc:
        return ("error", json.dumps(exc.errors(include_url=False), default=repr))  # type: ignore[attr-defined]
    return ("ok", result.model_dump(mode="json"), result.model_dump_json(indent=2))


def same(record: type[Record], data: str) -> None:
    twin = record.twin()
    assert outcome(record.model_validate_json, data) == outcome(twin.model_validate_json, data), (
        data
    )


def mutations(value: Any) -> list[Any]:
    """`value` with each of its fields (to two levels) set to each hostile value, or dropped."""
    out: list[Any] = []
    if isinstance(value, dict):
        for key in value:
            out.append({k: v for k, v in value.items() if k != key})
            for bad in HOSTILE:
                out.append({**value, key: bad})
            for inner in mutations(value[key])[:60]:
                out.append({**value, key: inner})
        out.append({**value, "extra": 1})
    elif isinstance(value, list) and value:
        for inner in mutations(value[0]):
            out.append([inner, *value[1:]])
        out.append([*value, value[0]])
    return out


@pytest.mark.parametrize("record", list(VALID), ids=lambda r: r.__name__)
def test_valid_documents_read_the_same(
    record: type[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    for document in VALID[record]:
        data = json.dumps(document)
        expected = outcome(record.twin().model_validate_json, data)
        with monkeypatch.context() as patch:  # a valid document never needs the twin
            patch.setattr(Record, "twin", classmethod(lambda cls: pytest.fail(cls.__name__)))
            assert outcome(record.model_validate_json, data) == expected


@pytest.mark.parametrize("record", list(VALID), ids=lambda r: r.__name__)
def test_mutated_documents_read_the_same(record: type[Record]) -> None:
    for document in VALID[record]:
        for mutated in mutations(document):
            same(record, json.dumps(mutated))


@pytest.mark.parametrize(
    "data",
    [
        "",
        "[]",
        "null",
        '{"format": "skillreg-registry", "format": "skillreg-registry"}',
        '{"format": "skillreg-registry", "name": NaN}',
        '\ufeff{"format": "skillreg-registry"}',
        '{"format": "skillreg-registry", "name": "\\ud83d"}',
        '{"format": "skillreg-registry"} x',
        "[" * 5000,
    ],
)
def test_malformed_json_reads_the_same(data: str) -> None:
    same(RegistryRoot, data)
    assert outcome(RegistryRoot.model_validate_json, data.encode("utf-8", "surrogatepass")) == (
        outcome(RegistryRoot.twin().model_validate_json, data.encode("utf-8", "surrogatepass"))
    )


def test_construction_validates_like_the_twin() -> None:
    with pytest.raises(validation_error()):
        SkillDocument(name="Bad Name", serial=1)
    entries = [Lockfile.model_validate({"skills": [ENTRY]}).skills[0]]
    renamed = entries[0].model_copy(update={"name": "aa"})
    lock = Lockfile(skills=[entries[0], renamed])
    assert [e.name for e in lock.skills] == ["aa", "golang-pro"]  # sorted, as the twin sorts
    with pytest.raises(validation_error()):
        Lockfile(skills=[entries[0], entries[0]])


def test_fields_match_the_twins() -> None:
    for record in VALID:
        twin = record.twin()
        assert [f.name for f in record._FIELDS] == list(twin.model_fields)
        for f in record._FIELDS:
            spec = twin.model_fields[f.name]
            assert f.required == spec.is_required(), (record, f.name)
            if not f.required:
                assert f.initial() == spec.get_default(call_default_factory=True), (record, f.name)
