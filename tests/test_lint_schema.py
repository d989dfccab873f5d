"""Profiles as data, and the built-in schema interpreter against jsonschema itself."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from skillreg.lint import LintOptions, run_lint
from skillreg.lint.profiles import builtin_profiles, resolve_profile, schema_dir
from skillreg.lint.schema_check import SchemaError, compiled, jsonschema_errors
from tests.conftest import CORPUS

CASES = Path(__file__).parent / "lint_cases"


def _key(errors: list[SchemaError]) -> list[tuple[object, ...]]:
    return sorted((e.path, e.keyword, e.field or "") for e in errors)


def test_builtin_profiles_match_the_profile_schema() -> None:
    meta = json.loads((schema_dir() / "profile.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(meta)
    assert set(builtin_profiles()) == {"agentskills", "council"}
    for path in builtin_profiles().values():
        data = json.loads(path.read_text("utf-8"))
        jsonschema.Draft202012Validator(meta).validate(data)
        jsonschema.Draft202012Validator.check_schema(data["frontmatter"])


@pytest.mark.parametrize("name", ["agentskills", "council"])
def test_interpreter_agrees_with_jsonschema(name: str) -> None:
    profile = resolve_profile(name)
    checker = compiled(profile.schema_key)
    report = run_lint([CORPUS, CASES], LintOptions(profile="agentskills", use_config=False))
    checked = 0
    for skill in report.skills:
        if skill.frontmatter is None or not isinstance(skill.frontmatter.data, dict):
            continue
        data = skill.frontmatter.data
        assert _key(checker(data)) == _key(jsonschema_errors(profile.frontmatter, data)), skill.path
        checked += 1
    assert checked > 600


def test_unsupported_keyword_falls_back_to_jsonschema() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "multipleOf": 3}}}
    check = compiled(json.dumps(schema, sort_keys=True))
    assert [(e.path, e.keyword) for e in check({"n": 4})] == [(("n",), "multipleOf")]
    assert check({"n": 6}) == []


def test_x_codes_and_messages_come_from_the_profile(tmp_path: Path) -> None:
    profile = {
        "name": "strict-tier",
        "extends": "agentskills",
        "frontmatter": {
            "properties": {
                "metadata": {
                    "required": ["tier"],
                    "properties": {
                        "tier": {
                            "enum": ["gold", "silver"],
                            "x-codes": {"enum": "SK111"},
                            "x-messages": {"enum": "tier {value!r} is not gold or silver"},
                        }
                    },
                }
            }
        },
    }
    (tmp_path / "p.json").write_text(json.dumps(profile), "utf-8")
    folder = tmp_path / "tiered"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: tiered\ndescription: x\nmetadata:\n  tier: bronze\n---\n", "utf-8"
    )
    report = run_lint([folder], LintOptions(profile="p.json", use_config=False, cwd=tmp_path))
    assert [(d.code, d.line, d.col, d.message) for d in report.diagnostics] == [
        ("SK111", 5, 9, "tier 'bronze' is not gold or silver")
    ]
