"""Profiles as data, and the built-in schema interpreter against jsonschema itself."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from skillreg.lint import LintOptions, run_lint
from skillreg.lint.profiles import builtin_profiles, resolve_profile, schema_dir
from skillreg.lint.schema_check import SchemaError, compiled, jsonschema_errors
from tests.conftest import CORPUS, needs_corpus

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


@needs_corpus
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


def _messages(tmp_path: Path, fields: str) -> list[tuple[str, int, int, str]]:
    folder = tmp_path / "typed"
    folder.mkdir()
    (folder / "SKILL.md").write_text(f"---\nname: typed\n{fields}---\n", "utf-8")
    report = run_lint([folder], LintOptions(profile="agentskills", use_config=False, cwd=tmp_path))
    return [(d.code, d.line, d.col, d.message) for d in report.diagnostics]


def test_wrong_type_messages_name_what_the_value_is(tmp_path: Path) -> None:
    found = _messages(
        tmp_path,
        "description: !!binary aGk=\nlicense: !!timestamp 2024-01-02 03:04:05\n"
        "metadata:\n  build: !!int 3\n",
    )
    assert [(c, m) for c, _, _, m in found if c != "SK112"] == [
        ("SK103", "'description' must be a string, not binary data"),
        ("SK103", "'license' must be a string, not a timestamp"),
        # tagged, not implicitly typed: quoting would not make it a string, so no "quote it"
        ("SK103", "'metadata.build' must be a string, not an integer"),
    ]


def test_explicit_tags_are_reported_and_str_is_allowed(tmp_path: Path) -> None:
    found = _messages(
        tmp_path,
        "description: !!str fine\nlicense: !!python/object:os.system MIT\n"
        "metadata:\n  !k owner: me\n",
    )
    assert found == [
        ("SK112", 4, 10, "'license' has the explicit YAML tag `!!python/object:os.system`; "
         "portable frontmatter has no tags"),
        ("SK112", 6, 3, "key 'owner' in 'metadata' has the explicit YAML tag `!k`; "
         "portable frontmatter has no tags"),
    ]  # fmt: skip


def test_metadata_keys_must_be_strings(tmp_path: Path) -> None:
    found = _messages(tmp_path, 'description: d\nmetadata: {3: x, "4": y, null: z}\n')
    assert [(c, line, col) for c, line, col, _ in found] == [("SK108", 4, 12), ("SK108", 4, 26)]
    assert found[0][3] == "key 3 in 'metadata' is read as an integer, not a string; quote it: \"3\""
    assert found[1][3].startswith("key null in 'metadata' is read as null, not a string")
