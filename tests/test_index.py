"""`skill index`: the document, its schema, determinism and the CLI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from skillreg.index.build import SCHEMA_PATH, IndexOptions, build_index, dumps, schema_text
from skillreg.index.build import main as index_main
from skillreg.index.model import Index

from .conftest import CORPUS, SEED, needs_corpus, seed_family


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """The seed and its five related skills, plus a few extra files."""
    root = seed_family(tmp_path / "skills")
    refs = root / "python-pro" / "references"
    refs.mkdir()
    (refs / "typing.md").write_text("# Typing\n", encoding="utf-8")
    (root / "python-pro" / ".hidden").write_text("skip me\n", encoding="utf-8")
    (root / "python-pro" / ".git").mkdir()
    (root / "python-pro" / ".git" / "HEAD").write_text("ref\n", encoding="utf-8")
    return root


def entries(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["path"]: entry for entry in document["skills"]}


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "schema/index.schema.json is stale: run `python -m skillreg.index.build --write-schema`"
    )


def test_write_schema_entry_point(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert index_main(["--bogus"]) == 2
    assert "usage" in capsys.readouterr().err
    target = tmp_path / "index.schema.json"
    monkeypatch.setattr("skillreg.index.build.SCHEMA_PATH", target)
    assert index_main(["--write-schema"]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    assert capsys.readouterr().out == f"{target}\n"


@needs_corpus
def test_corpus_index_is_deterministic_valid_and_reversible() -> None:
    cold = dumps(build_index(IndexOptions((CORPUS,))))
    warm = dumps(build_index(IndexOptions((CORPUS,))))
    uncached = dumps(build_index(IndexOptions((CORPUS,), use_cache=False, jobs=1)))
    assert cold == warm == uncached
    document = json.loads(cold)
    validator().validate(document)
    Index.model_validate(document)
    assert document["count"] == len(document["skills"]) == 638
    assert "generated" not in document
    forward = {(e["name"], r["name"]) for e in document["skills"] for r in e["related"]}
    backward = {(src, e["name"]) for e in document["skills"] for src in e["related_by"]}
    assert forward == backward
    assert forward  # the corpus has resolvable references
    paths = [e["path"] for e in document["skills"]]
    assert all("\\" not in p and not p.startswith("/") for p in paths)
    keys = [(e["name"], e["path"]) for e in document["skills"]]
    assert keys == sorted(keys)


def test_entry_fields(collection: Path) -> None:
    document = build_index(IndexOptions((collection,)))
    validator().validate(document)
    seed = entries(document)["backend-developer"]
    raw = (collection / "backend-developer" / "SKILL.md").read_bytes()
    assert seed["name"] == "backend-developer"
    assert (seed["version"], seed["tier"], seed["category"], seed["council"]) == (
        "1.0.0",
        "developer-specialization",
        "core",
        "code-review-council",
    )
    assert seed["size"] == len(raw)
    assert seed["lines"] == raw.count(b"\n")
    assert seed["tokens"] == -(-len(raw.decode()) // 4)
    assert seed["sections"][0] == "When to Apply" and seed["sections"][-1] == "Related Skills"
    assert [r["name"] for r in seed["related"]] == sorted(
        ["python-pro", "golang-pro", "devops-engineer", "security-engineer", "data-engineer"]
    )
    assert {r["name"]: r["reason"] for r in seed["related"]}["golang-pro"] == "Language expertise"
    assert seed["missing"] == [] and seed["errors"] == []
    assert "python-pro" in seed["related_by"]
    python = entries(document)["python-pro"]
    assert [f["path"] for f in python["files"]] == ["SKILL.md", "references/typing.md"]
    import hashlib

    typing_md = (collection / "python-pro" / "references" / "typing.md").read_bytes()
    assert python["files"][1] == {
        "path": "references/typing.md",
        "sha256": hashlib.sha256(typing_md).hexdigest(),
        "size": len(typing_md),
    }


def test_unresolved_names_are_missing_not_related(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "backend-developer")
    (entry,) = build_index(IndexOptions((tmp_path,)))["skills"]
    assert entry["related"] == [] and entry["related_by"] == []
    assert len(entry["missing"]) == 5
    assert entry["path"] == "backend-developer"


def test_invalid_skills_are_listed_with_errors(collection: Path) -> None:
    broken = collection / "broken"
    broken.mkdir()
    (broken / "SKILL.md").write_text("---\nname: broken\n", encoding="utf-8")
    nested = collection / "python-pro" / "examples" / "inner"
    nested.mkdir(parents=True)
    (nested / "SKILL.md").write_text("no frontmatter\n", encoding="utf-8")
    document = build_index(IndexOptions((collection,)))
    validator().validate(document)
    by_path = entries(document)
    assert by_path["broken"]["errors"][0]["code"] == "SK011"
    assert by_path["broken"]["name"] == "broken"
    assert by_path["python-pro/examples/inner"]["errors"][0]["code"] == "SK010"
    python_files = [f["path"] for f in by_path["python-pro"]["files"]]
    assert "examples/inner/SKILL.md" not in python_files


def test_source_date_epoch_adds_generated(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    document = build_index(IndexOptions((collection,)))
    assert document["generated"] == "2023-11-14T22:13:20Z"
    validator().validate(document)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run(str(collection))
    assert (result.exit_code, result.stdout) == (2, "")
    assert "SOURCE_DATE_EPOCH" in result.stderr


def test_format_version_matches_the_model() -> None:
    from skillreg.index.build import FORMAT_VERSION

    assert Index.model_json_schema()["properties"]["format"]["const"] == FORMAT_VERSION


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["index", *args])


def test_cli_stdout(collection: Path) -> None:
    result = run(str(collection))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == dumps(build_index(IndexOptions((collection,))))
    assert result.stdout.endswith("}\n")


def test_cli_output_file_and_check(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "index.json"
    out.parent.mkdir()
    result = run(str(collection), "-o", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert os.listdir(out.parent) == ["index.json"]  # no temp file left behind
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()
    current = run(str(collection), "--check", str(out))
    assert (current.exit_code, current.stdout) == (0, "")
    assert "up to date" in current.stderr
    skill = collection / "golang-pro" / "SKILL.md"
    skill.write_text(skill.read_text() + "\nOne more line.\n", encoding="utf-8")
    stale = run(str(collection), "--check", str(out))
    assert (stale.exit_code, stale.stdout) == (1, "")
    assert f"is stale: re-run `skill index {collection} -o {out}`" in stale.stderr
    missing = run(str(collection), "--check", str(tmp_path / "nope.json"))
    assert missing.exit_code == 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_cli_warns_about_invalid_skills(collection: Path) -> None:
    (collection / "broken").mkdir()
    (collection / "broken" / "SKILL.md").write_bytes(b"\xff\xfe not utf-8")
    result = run(str(collection))
    assert result.exit_code == 0
    assert "1 skill(s) have errors" in result.stderr
    assert json.loads(result.stdout)["count"] == 7


def test_cli_usage_errors(collection: Path, tmp_path: Path) -> None:
    both = run(str(collection), "-o", "x.json", "--check", "y.json")
    assert both.exit_code == 2 and "either" in both.stderr and both.stdout == ""
    nowhere = run(str(tmp_path / "does-not-exist"))
    assert nowhere.exit_code == 2 and "no such file" in nowhere.stderr


def test_cli_default_path_is_the_current_folder(
    collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(collection)
    result = run()
    assert result.exit_code == 0
    assert json.loads(result.stdout)["count"] == 6
