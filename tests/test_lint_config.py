"""The [lint] config section, custom profiles and inline suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillreg.core.diagnostics import Severity
from skillreg.core.errors import ConfigError
from skillreg.lint import LintOptions, run_lint

BAD = "---\nname: {name}\ndescription: x\nauthor: me\n---\n\n# T\n\n#### Deep\n"


def _skill(root: Path, name: str, text: str | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text((text or BAD).format(name=name), encoding="utf-8")
    return folder


def _codes(root: Path, **kwargs: object) -> list[str]:
    report = run_lint([], LintOptions(cwd=root, **kwargs))  # type: ignore[arg-type]
    return [d.code for d in report.diagnostics]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    _skill(tmp_path / "skills", "one")
    return tmp_path


def test_no_config_reports_everything(project: Path) -> None:
    assert _codes(project) == ["SK102", "SK205"]


def test_skill_toml_ignore_and_severity(project: Path) -> None:
    (project / "skill.toml").write_text(
        '[lint]\nignore = ["unknown-field"]\nseverity = { SK205 = "error" }\n', encoding="utf-8"
    )
    report = run_lint([], LintOptions(cwd=project))
    assert [(d.code, d.severity) for d in report.diagnostics] == [("SK205", Severity.ERROR)]


def test_pyproject_select_prefix_and_off(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.skill.lint]\nselect = ["SK1"]\n', encoding="utf-8"
    )
    assert _codes(project) == ["SK102"]
    (project / "pyproject.toml").write_text(
        '[tool.skill.lint]\nseverity = { "SK102" = "off" }\n', encoding="utf-8"
    )
    assert _codes(project) == ["SK205"]


def test_per_file_ignores(project: Path) -> None:
    _skill(project / "legacy", "old")
    (project / "skill.toml").write_text(
        '[lint.per-file-ignores]\n"legacy/*" = ["SK1", "SK205"]\n', encoding="utf-8"
    )
    report = run_lint([], LintOptions(cwd=project))
    assert [(Path(d.path).parent.name, d.code) for d in report.diagnostics] == [
        ("one", "SK102"),
        ("one", "SK205"),
    ]


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("[lint]\nselct = []\n", "unknown [lint] key(s) selct"),
        ('[lint]\nignore = "SK102"\n', "ignore must be a list of strings"),
        ('[lint]\nignore = ["SK777"]\n', "unknown: SK777"),
        ('[lint]\nseverity = { SK102 = "fatal" }\n', "error, warning or info"),
        ('[lint]\nmax-file-size = "big"\n', "max-file-size"),
        ('[lint]\nprofile = "nonesuch"\n', "unknown profile 'nonesuch'"),
        ("[lint\n", "invalid TOML"),
    ],
)
def test_bad_config_is_a_config_error(project: Path, toml: str, needle: str) -> None:
    (project / "skill.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        run_lint([], LintOptions(cwd=project))
    assert needle in info.value.message
    assert info.value.exit_code == 2


def test_max_file_size_from_config(project: Path) -> None:
    (project / "skill.toml").write_text('[lint]\nmax-file-size = "10B"\n', encoding="utf-8")
    assert _codes(project) == ["SK004"]


def test_team_profile_from_config_without_code(project: Path) -> None:
    profile = {
        "name": "team",
        "extends": "agentskills",
        "frontmatter": {
            "type": "object",
            "required": ["license"],
            "properties": {"license": {"enum": ["MIT", "Apache-2.0"]}},
        },
        "body": {"required_sections": ["Usage"]},
    }
    (project / "profiles").mkdir()
    (project / "profiles" / "team.json").write_text(json.dumps(profile), encoding="utf-8")
    (project / "skill.toml").write_text(
        '[lint]\nprofile = "team"\nignore = ["SK102", "SK205"]\n'
        '[lint.profiles]\nteam = "profiles/team.json"\n',
        encoding="utf-8",
    )
    report = run_lint([], LintOptions(cwd=project))
    assert report.profile == "team"
    assert [d.code for d in report.diagnostics] == ["SK101", "SK203"]
    by_path = run_lint([], LintOptions(cwd=project, profile="profiles/team.json"))
    assert [d.code for d in by_path.diagnostics] == ["SK101", "SK203"]


def test_invalid_profile_file_is_a_config_error(project: Path) -> None:
    (project / "p.json").write_text('{"name": "p", "body": {"max_lines": "many"}}', "utf-8")
    with pytest.raises(ConfigError, match="invalid profile at body/max_lines"):
        run_lint([], LintOptions(cwd=project, profile="p.json"))
    (project / "q.json").write_text('{"name": "q", "frontmatter": {"type": 5}}', "utf-8")
    with pytest.raises(ConfigError, match="invalid frontmatter schema"):
        run_lint([], LintOptions(cwd=project, profile="q.json"))
    (project / "r.json").write_text('{"name": "r", "extends": "r.json"}', "utf-8")
    with pytest.raises(ConfigError, match="extends itself"):
        run_lint([], LintOptions(cwd=project, profile="r.json"))


def test_suppressions_in_both_comment_syntaxes(tmp_path: Path) -> None:
    text = (
        "---\nname: sup\ndescription: x\nauthor: me  # skill-lint: disable=SK102\n---\n\n# T\n\n"
        "<!-- skill-lint: disable-next-line SK205 -->\n#### Deep\n\n#### Other\n"
    )
    folder = _skill(tmp_path, "sup", text)
    report = run_lint([folder], LintOptions(use_config=False, cwd=tmp_path))
    assert [(d.code, d.line) for d in report.diagnostics] == []
    # the second `####` follows a level-4 heading: no jump, so nothing else to suppress
    ignored = run_lint([folder], LintOptions(use_config=False, cwd=tmp_path, ignore=("SK205",)))
    assert [d.code for d in ignored.diagnostics] == []  # an unused suppression of a disabled rule


def test_exclude_skips_found_files_but_not_named_ones(project: Path) -> None:
    _skill(project / "tests" / "cases", "case")
    (project / "skill.toml").write_text('[lint]\nexclude = ["tests"]\n', encoding="utf-8")
    report = run_lint([], LintOptions(cwd=project))
    assert [Path(s.path).parent.name for s in report.skills] == ["one"]
    named = project / "tests" / "cases" / "case" / "SKILL.md"
    report = run_lint([named], LintOptions(cwd=project))
    assert [Path(s.path).parent.name for s in report.skills] == ["case"]


def test_config_is_found_from_a_subfolder(project: Path) -> None:
    (project / "skill.toml").write_text('[lint]\nignore = ["SK205"]\n', encoding="utf-8")
    assert _codes(project / "skills" / "one") == ["SK102"]
    explicit = project / "other.toml"
    explicit.write_text('[lint]\nignore = ["SK102"]\n', encoding="utf-8")
    assert _codes(project / "skills", config=explicit) == ["SK205"]


def test_profile_with_bad_regex_or_ref_cycle_never_crashes(project: Path) -> None:
    bad = {"name": "bad", "frontmatter": {"properties": {"name": {"pattern": "("}}}}
    (project / "bad.json").write_text(json.dumps(bad), "utf-8")
    with pytest.raises(ConfigError, match="invalid frontmatter schema"):
        run_lint([], LintOptions(cwd=project, profile="bad.json"))
    loop = {
        "name": "loop",
        "frontmatter": {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
    }
    (project / "loop.json").write_text(json.dumps(loop), "utf-8")
    assert _codes(project, profile="loop.json") == ["SK205"]  # SK102 needs agentskills
