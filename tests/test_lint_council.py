"""The council profile against its family's pattern: our own examples of every tier (and, where
`../shared` is beside the repository, the real siblings), each clean as written and each missing
section reported once, naming the section and the tier."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillreg.core.diagnostics import Diagnostic
from skillreg.lint import LintOptions, run_lint
from skillreg.lint.profiles import resolve_profile
from tests.conftest import REPO, SEED, SHARED

FAMILY = REPO / "tests" / "fixtures" / "council"
SIBLINGS = SHARED / "council-family"
EXAMPLES = sorted(p.name for p in FAMILY.iterdir())


def _lint(*paths: Path, cwd: Path) -> list[Diagnostic]:
    options = LintOptions(profile="council", use_config=False, cwd=cwd)
    return run_lint(list(paths), options).diagnostics


def _required(skill: Path) -> tuple[str, tuple[str, ...]]:
    import yaml

    data = yaml.safe_load(skill.read_text("utf-8").split("---\n")[1])
    tier = str(data["metadata"]["tier"])
    return tier, resolve_profile("council").for_data(data).required_sections


def test_every_tier_has_an_example() -> None:
    tiers = {_required(FAMILY / name / "SKILL.md")[0] for name in EXAMPLES}
    assert tiers == set(resolve_profile("council").conditions[0].cases)


def test_examples_and_seed_are_clean(tmp_path: Path) -> None:
    shutil.copytree(FAMILY, tmp_path / "family")
    shutil.copytree(SEED, tmp_path / "family" / "backend-developer")
    shutil.copytree(
        REPO / "tests" / "fixtures" / "related", tmp_path / "family", dirs_exist_ok=True
    )
    assert _lint(tmp_path / "family", cwd=tmp_path) == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_missing_section_is_one_sk203_naming_it_and_the_tier(
    tmp_path: Path, name: str
) -> None:
    tier, sections = _required(FAMILY / name / "SKILL.md")
    text = (FAMILY / name / "SKILL.md").read_text("utf-8")
    for section in sections:
        folder = tmp_path / section.replace(" ", "-") / name
        shutil.copytree(FAMILY / name, folder)
        (folder / "SKILL.md").write_text(text.replace(f"## {section}\n", "## Notes\n"), "utf-8")
        found = [d for d in _lint(folder, cwd=tmp_path) if d.code == "SK203"]
        assert len(found) == 1, (section, found)
        assert f"'## {section}'" in found[0].message
        assert f"metadata.tier '{tier}'" in found[0].message


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("council: executive-council", "council: code-review-council", "SK114", "goes with"),
        ("tier: executive", "tier: executiv", "SK113", "did you mean 'executive'?"),
        ("tier: executive", "tier: placeholder-tier", "SK113", "placeholder-tier"),
        ("category: c-suite", "category: c-suit", "SK115", "did you mean 'c-suite'?"),
    ],
)
def test_wrong_values(tmp_path: Path, old: str, new: str, code: str, words: str) -> None:
    folder = shutil.copytree(FAMILY / "chief-strategy-officer", tmp_path / "chief-strategy-officer")
    path = folder / "SKILL.md"
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    found = [d for d in _lint(folder, cwd=tmp_path) if d.code not in ("SK301",)]
    assert [d.code for d in found] == [code]
    assert words in found[0].message


@pytest.mark.skipif(
    not SIBLINGS.is_dir(), reason=f"needs the real siblings at {SIBLINGS} (absent: a lone clone)"
)
def test_real_siblings_have_no_sk203_and_each_missing_section_is_named(tmp_path: Path) -> None:
    skills = sorted(p.parent for p in SIBLINGS.glob("*/SKILL.md"))
    assert len(skills) == 6
    found = _lint(*skills, Path(SHARED / "seed" / "backend-developer"), cwd=tmp_path)
    assert [d for d in found if d.code in ("SK113", "SK114", "SK203")] == []
    for skill in skills:
        tier, sections = _required(skill / "SKILL.md")
        text = (skill / "SKILL.md").read_text("utf-8")
        section = sections[len(sections) // 2]
        folder = shutil.copytree(skill, tmp_path / section.replace(" ", "-") / skill.name)
        (folder / "SKILL.md").write_text(text.replace(f"## {section}\n", "## Notes\n"), "utf-8")
        missing = [d for d in _lint(folder, cwd=tmp_path) if d.code == "SK203"]
        assert [(f"'## {section}'" in d.message, tier in d.message) for d in missing] == [
            (True, True)
        ]
