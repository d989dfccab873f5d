"""`skill init` end to end, and the scaffold templates it writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from skillreg.cli import cli
from skillreg.lint.scaffold import TEMPLATES, scaffold_skill

COUNCIL_SECTIONS = (
    "When to Apply",
    "Core Competencies",
    "Anti-Patterns to Avoid",
    "Constraints",
    "Related Skills",
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["init", *args])
    return result.exit_code, result.stdout, result.stderr


def split(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data, body


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_creates_named_skill(cwd: Path) -> None:
    code, out, err = run("my-skill", "--profile", "agentskills", "-q")
    assert (code, err) == (0, "")
    assert out == str(Path("my-skill", "SKILL.md")) + "\n"
    data, body = split(cwd / "my-skill" / "SKILL.md")
    assert set(data) == {"name", "description", "metadata"}
    metadata = data["metadata"]
    assert isinstance(metadata, dict)
    assert set(metadata) == {"version"}  # council's template adds tier, category, council
    assert data["name"] == "my-skill"
    assert body.count("\n# ") == 1


def test_council_template(cwd: Path) -> None:
    code, _, _ = run("api-review", "--profile", "council", "--tier", "developer-specialization")
    assert code == 0
    data, body = split(cwd / "api-review" / "SKILL.md")
    assert data["name"] == "api-review"
    assert data["metadata"] == {
        "version": "0.1.0",
        "tier": "developer-specialization",
        "category": "placeholder-category",  # the tier has several: the author picks one
        "council": "code-review-council",
    }
    assert "# Api Review\n" in body
    headings = [line[3:] for line in body.splitlines() if line.startswith("## ")]
    assert headings == list(COUNCIL_SECTIONS)
    related = body.split("## Related Skills", 1)[1]
    assert "`" not in related
    assert "\n---" not in body


LEADERSHIP = [
    "When to Apply",
    "Core Responsibilities",
    "Constraints",
    "Council Role",
    "Related Skills",
]


@pytest.mark.parametrize(
    ("tier", "council", "sections"),
    [
        ("executive", "executive-council", LEADERSHIP),
        ("engineering-leadership", "architecture-council", LEADERSHIP),
        ("product", "product-council", LEADERSHIP),
        ("specialist", "placeholder-council", ["When to Apply", "Related Skills"]),
    ],
)
def test_council_template_per_tier(cwd: Path, tier: str, council: str, sections: list[str]) -> None:
    assert run("role", "--profile", "council", "--tier", tier)[0] == 0
    data, body = split(cwd / "role" / "SKILL.md")
    assert isinstance(metadata := data["metadata"], dict)
    assert (metadata["tier"], metadata["council"]) == (tier, council)
    assert [line[3:] for line in body.splitlines() if line.startswith("## ")] == sections


def test_executive_scaffold_lints_clean(cwd: Path) -> None:
    assert run("chief", "--profile", "council", "--tier", "executive")[0] == 0
    result = CliRunner().invoke(cli, ["lint", "--strict", "--profile", "council", "chief"])
    assert result.exit_code == 0, result.output


def test_placeholders_fail_lint(cwd: Path) -> None:
    assert run("fresh-skill", "--profile", "council")[0] == 0
    data, _ = split(cwd / "fresh-skill" / "SKILL.md")
    assert isinstance(metadata := data["metadata"], dict) and metadata["tier"] == "placeholder-tier"
    result = CliRunner().invoke(cli, ["lint", "--profile", "council", "fresh-skill"])
    assert result.exit_code == 1
    assert "SK113" in result.stdout and "placeholder-tier" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--profile", "council", "--tier", "executiv"], "did you mean 'executive'?"),
    (["--profile", "agentskills", "--tier", "executive"], "has no tiers"),
])  # fmt: skip
def test_bad_tier_is_a_usage_error(cwd: Path, args: list[str], message: str) -> None:
    code, _, err = run("role", *args)
    assert code == 2
    assert message in err
    assert not (cwd / "role").exists()


def test_name_defaults_to_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pdf-tools"
    folder.mkdir()
    monkeypatch.chdir(folder)
    code, out, _ = run("--profile", "agentskills")
    assert (code, out) == (0, "SKILL.md\n")
    data, _ = split(folder / "SKILL.md")
    assert data["name"] == "pdf-tools"


def test_bad_folder_name_suggests_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "My_Skill"
    folder.mkdir()
    monkeypatch.chdir(folder)
    code, out, err = run()
    assert (code, out) == (2, "")
    assert "pass NAME" in err
    assert not (folder / "SKILL.md").exists()


@pytest.mark.parametrize(
    "name",
    ["MySkill", "my_skill", "-my-skill", "my-skill-", "my--skill", "a" * 65, "x/y", "café"],
)
def test_invalid_name_is_usage_error(cwd: Path, name: str) -> None:
    code, out, err = run("--", name)  # "--" so "-my-skill" is an argument, not an option
    assert (code, out) == (2, "")
    assert err.startswith("error: invalid skill name")
    assert list(cwd.iterdir()) == []


def test_longest_valid_name(cwd: Path) -> None:
    assert run("a" * 64)[0] == 0


def test_refuses_to_overwrite(cwd: Path) -> None:
    skill = cwd / "my-skill"
    skill.mkdir()
    (skill / "SKILL.md").write_text("mine\n", encoding="utf-8")
    code, out, err = run("my-skill")
    assert (code, out) == (1, "")
    assert "already exists" in err and "--force" in err
    assert (skill / "SKILL.md").read_text(encoding="utf-8") == "mine\n"


def test_force_overwrites(cwd: Path) -> None:
    skill = cwd / "my-skill"
    skill.mkdir()
    (skill / "SKILL.md").write_text("mine\n", encoding="utf-8")
    code, _, _ = run("my-skill", "--force", "--description", "Formats SQL. Use for SQL files.")
    assert code == 0
    data, _ = split(skill / "SKILL.md")
    assert data["description"] == "Formats SQL. Use for SQL files."
    assert [p.name for p in skill.iterdir()] == ["SKILL.md"]  # no temporary file left behind


def test_profile_from_project_config(cwd: Path) -> None:
    (cwd / "skill.toml").write_text('[lint]\nprofile = "council"\n', encoding="utf-8")
    assert run("my-skill")[0] == 0
    data, _ = split(cwd / "my-skill" / "SKILL.md")
    assert "metadata" in data


def test_default_profile_is_agentskills(cwd: Path) -> None:
    assert run("my-skill")[0] == 0
    data, _ = split(cwd / "my-skill" / "SKILL.md")
    assert set(data) == {"name", "description", "metadata"}
    metadata = data["metadata"]
    assert isinstance(metadata, dict)
    assert set(metadata) == {"version"}  # council's template adds tier, category, council


def test_unknown_profile(cwd: Path) -> None:
    code, _, err = run("my-skill", "--profile", "nope")
    assert code == 2
    assert "no skill template for profile 'nope'" in err


@pytest.mark.parametrize(
    "description",
    ["Reads YAML: keys and values", "yes", "Tabs # and hashes", 'Quotes "here"', "Zeilen\nzwei"],
)
def test_description_round_trips(tmp_path: Path, description: str) -> None:
    for profile in TEMPLATES:
        path = scaffold_skill(tmp_path / profile, "s", profile, description=description)
        data, _ = split(path)
        assert data["description"] == description


@pytest.mark.parametrize(("description", "message"), [(" ", "empty"), ("x" * 1025, "limit")])
def test_bad_description(cwd: Path, description: str, message: str) -> None:
    code, _, err = run("my-skill", "--description", description)
    assert code == 2
    assert message in err


@pytest.mark.parametrize("profile", sorted(TEMPLATES))
def test_new_skill_lints_clean(cwd: Path, profile: str) -> None:
    tier = ["--tier", "executive"] if profile == "council" else []
    assert run("fresh-skill", "--profile", profile, *tier)[0] == 0
    result = CliRunner().invoke(cli, ["lint", "--strict", "--profile", profile, "fresh-skill"])
    assert result.exit_code == 0, result.output


def test_lint_rejects_agentskills_scaffold_as_council(cwd: Path) -> None:
    # Guards the test above: lint must be able to fail on a scaffold from the wrong profile.
    assert run("fresh-skill", "--profile", "agentskills")[0] == 0
    result = CliRunner().invoke(cli, ["lint", "--strict", "--profile", "council", "fresh-skill"])
    assert result.exit_code == 1
    assert "SK101" in result.stdout


def test_a_new_skill_can_be_packed_and_published_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for profile in ("agentskills", "council"):
        name = f"new-{profile}"
        assert runner.invoke(cli, ["init", name, "--profile", profile]).exit_code == 0
        packed = runner.invoke(cli, ["pack", name, "-o", "out"])
        assert packed.exit_code == 0, packed.stderr
    published = runner.invoke(cli, ["publish", "new-agentskills", "--to", "reg"])
    assert published.exit_code == 0, published.stderr


def test_init_prints_next_steps(cwd: Path) -> None:
    """The path on stdout (for scripts), the next steps on stderr; each step's command works."""
    code, out, err = run("next-skill", "--profile", "agentskills")
    assert code == 0
    assert out == str(Path("next-skill", "SKILL.md")) + "\n"
    assert "Next steps:" in err
    assert "skill lint next-skill" in err
    assert "skill publish next-skill --to ./site" in err
    linted = CliRunner().invoke(cli, ["lint", "next-skill", "--profile", "agentskills"])
    assert linted.exit_code == 0, linted.output
