"""`skill registry verify` and `reindex`; the JSON Schemas against the models."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jsonschema
import pytest

from skillreg.bundle.pack import pack_skill
from skillreg.registry.model import blob_path
from skillreg.registry.schemas import generate
from tests.conftest import REPO
from tests.test_publish import published_registry, run, snapshot


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


def blob_of(reg: Path, name: str, version: str = "1.0.0") -> Path:
    prefix = f"{name[:2]}/{name[2:4]}"
    doc = json.loads((reg / f"index/{prefix}/{name}.json").read_text())
    return reg / blob_path(doc["versions"][version]["sha256"])


def test_a_bundle_edited_after_publishing_is_caught(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    blob = blob_of(reg, "data-engineer")
    data = bytearray(blob.read_bytes())
    data[-10] ^= 0xFF
    blob.write_bytes(bytes(data))
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 1
    line = f"{blob.relative_to(reg).as_posix()}: error: data-engineer@1.0.0: bundle bytes do not "
    assert line in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("FAILED: 6 skills")


def test_missing_bundle_and_invalid_document_are_errors(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    blob_of(reg, "golang-pro").unlink()
    doc = reg / "index/py/th/python-pro.json"
    doc.write_text(doc.read_text().replace('"serial": 1', '"serial": 0'))
    result = run("registry", "verify", str(reg), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    messages = {(f["severity"], f["path"]): f["message"] for f in report["findings"]}
    assert any("golang-pro@1.0.0: bundle is missing" in m for m in messages.values())
    assert messages[("error", "index/py/th/python-pro.json")].startswith("invalid skill document")


def test_orphan_bundles_are_info_only(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    orphan = pack_skill(REPO / "tests" / "fixtures" / "related" / "python-pro")
    path = reg / blob_path("0" * 64)
    path.parent.mkdir(parents=True)
    path.write_bytes(orphan.data)
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 0, result.output
    assert f"{blob_path('0' * 64)}: info: orphan bundle" in result.stdout


def test_stale_catalog_fails_and_reindex_repairs_it(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    good = (reg / "catalog.json").read_bytes()
    (reg / "catalog.json").write_text('{"format_version": 1, "skills": []}\n')
    (reg / "index.html").unlink()
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 1
    assert "catalog.json: error: derived file is out of date" in result.stdout
    assert "index.html: error: derived file is missing" in result.stdout
    result = run("registry", "reindex", str(reg))
    assert result.exit_code == 0, result.output
    # Derived files were out of date, so the change log restarts (clients refetch once).
    assert result.stdout.splitlines() == [
        "wrote catalog.json",
        "wrote changes.json",
        "wrote index.html",
    ]
    assert (reg / "catalog.json").read_bytes() == good
    before = snapshot(reg)
    assert run("registry", "reindex", str(reg)).stdout == "derived files already current\n"
    assert snapshot(reg) == before
    assert run("registry", "verify", str(reg)).exit_code == 0


def test_verify_and_reindex_refuse_a_folder_that_is_no_registry(tmp_path: Path) -> None:
    for command in ("verify", "reindex"):
        result = run("registry", command, str(tmp_path))
        assert result.exit_code == 1
        assert result.stderr == f"error: {tmp_path}: not a registry (no registry.json); " \
            "publish a skill to create one\n"  # fmt: skip


def test_committed_schemas_match_the_models() -> None:
    for filename, data in generate().items():
        committed = REPO / "schema" / filename
        assert committed.is_file(), f"missing {committed}: run python -m skillreg.registry.schemas"
        assert committed.read_bytes() == data, (
            f"{filename} drifted: python -m skillreg.registry.schemas"
        )


def test_written_files_validate_against_the_schemas(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)

    def check(schema: str, document: object) -> None:
        validator = jsonschema.Draft202012Validator(
            json.loads((REPO / "schema" / schema).read_text())
        )
        assert not list(validator.iter_errors(document)), schema

    check("registry-root.schema.json", json.loads((reg / "registry.json").read_text()))
    check("registry-catalog.schema.json", json.loads((reg / "catalog.json").read_text()))
    for doc in (reg / "index").rglob("*.json"):
        check("registry-skill.schema.json", json.loads(doc.read_text()))
    bundle = pack_skill(REPO / "tests" / "fixtures" / "related" / "data-engineer")
    check("bundle-manifest.schema.json", bundle.manifest.model_dump(mode="json"))


def test_republishing_puts_back_a_damaged_bundle(tmp_path: Path) -> None:
    src, reg = published_registry(tmp_path)
    blob = blob_of(reg, "devops-engineer")
    good = blob.read_bytes()
    blob.write_bytes(good[:100])
    assert run("registry", "verify", str(reg)).exit_code == 1
    result = run("publish", str(src), "--to", str(reg))
    assert result.exit_code == 0, result.output
    assert f"wrote {blob.relative_to(reg).as_posix()}" in result.stdout
    assert blob.read_bytes() == good
    assert run("registry", "verify", str(reg)).exit_code == 0


def test_a_registry_of_an_unknown_format_version_is_refused(tmp_path: Path) -> None:
    src, reg = published_registry(tmp_path)
    root = json.loads((reg / "registry.json").read_text())
    (reg / "registry.json").write_text(json.dumps({**root, "format_version": 3}))
    result = run("publish", str(src), "--to", str(reg))
    assert result.exit_code == 1
    assert (
        "registry.json: format version 3 is not one this skillreg reads (1 to 2)" in result.stderr
    )


def test_reindex_sweeps_temp_files_of_dead_publishers_only(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    folder = reg / "index/py/th"
    dead = folder / ".skillreg-tmp-python-pro.json-999999999-0badc0de"  # no such pid
    live = folder / f".skillreg-tmp-python-pro.json-{os.getpid()}-0badc0de"
    fresh = folder / ".skillreg-tmp-golang-pro.json-999999998-0badc0de"
    for path in (dead, live, fresh):
        path.write_text("{")
    for path in (dead, live):
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 0
    assert f"{dead.relative_to(reg).as_posix()}: info: leftover temporary file" in result.stdout
    result = run("registry", "reindex", str(reg))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"removed {dead.relative_to(reg).as_posix()} (left by an interrupted publish)\n"
    )
    assert not dead.exists() and live.exists() and fresh.exists()


def test_catalog_rendering_is_canonical_json() -> None:
    from skillreg.registry.derived import render_catalog
    from skillreg.registry.model import Catalog, CatalogEntry

    tricky = ['say "hi"', "back\\slash", "é ü 技能", "line\u2028sep", "<b>&amp;</b>", "\t", ""]
    catalog = Catalog(
        skills=[
            CatalogEntry(
                name=f"skill-{i}",
                description=text,
                latest=None if i % 2 else f"1.{i}.0-rc.1+build.{i}",
                deprecated=bool(i % 3),
                metadata={"tier": text, "council": "c"} if i % 2 else {},
            )
            for i, text in enumerate(tricky)
        ]
    )
    out = render_catalog(catalog)
    assert Catalog.model_validate_json(out) == catalog
    expected = [
        json.dumps(e, sort_keys=True, ensure_ascii=False)
        for e in catalog.model_dump(mode="json")["skills"]
    ]
    assert [line.strip().rstrip(",") for line in out.decode().split("\n")[3:-3]] == expected
    assert render_catalog(Catalog()) == b'{\n  "format_version": 2,\n  "skills": []\n}\n'


def test_custom_path_templates_are_refused_by_the_writer_and_verify(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    root = json.loads((reg / "registry.json").read_text())
    root["index"] = "other/{prefix}/{name}.json"
    (reg / "registry.json").write_text(json.dumps(root))
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 1
    assert "custom path templates" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "change",
    [
        {"index": "/tmp/elsewhere/{name}.json"},
        {"blobs": "../../{sha256}.tar.gz"},
        {"catalog": "file:///etc/passwd"},
        {"serial_as_text": True},
        {"no_format": True},
    ],
)
def test_registry_documents_are_read_strictly(tmp_path: Path, change: dict[str, object]) -> None:
    """Templates stay inside the registry; types are not coerced; `format` is required."""
    from skillreg.registry.model import RegistryRoot, SkillDocument

    _src, reg = published_registry(tmp_path)
    root = json.loads((reg / "registry.json").read_text())
    if change.pop("no_format", False):
        del root["format"]
    if change.pop("serial_as_text", False):
        doc_path = reg / "index/py/th/python-pro.json"
        doc = json.loads(doc_path.read_text())
        doc["serial"] = str(doc["serial"])
        with pytest.raises(ValueError):
            SkillDocument.model_validate_json(json.dumps(doc))
        return
    root.update(change)
    with pytest.raises(ValueError):
        RegistryRoot.model_validate_json(json.dumps(root))


def test_a_document_that_is_a_folder_fails_verify(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    doc = reg / "index/py/th/python-pro.json"
    doc.unlink()
    doc.mkdir()
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 1
    assert "python-pro.json" in result.stdout + result.stderr
