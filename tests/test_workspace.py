from __future__ import annotations

from pathlib import Path

import pytest

from skillreg.collection.workspace import discover, find_skill_files
from skillreg.core.errors import UsageError


def test_discovery_skips_hidden_and_vendor_folders(tmp_path: Path) -> None:
    for rel in ("a", "nested/b", ".hidden/c", "node_modules/d", "a/inner"):
        (tmp_path / rel).mkdir(parents=True)
        (tmp_path / rel / "SKILL.md").write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_skill_files([tmp_path])]
    assert found == ["a/SKILL.md", "a/inner/SKILL.md", "nested/b/SKILL.md"]


def test_explicit_paths_are_deduplicated(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "SKILL.md").write_text("x")
    assert len(find_skill_files([tmp_path / "a", tmp_path / "a" / "SKILL.md", tmp_path])) == 1


def test_empty_folder_is_no_skills_found(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^no skills found in "):
        find_skill_files([tmp_path])


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        find_skill_files([tmp_path / "nope"])


def test_listings_give_each_file_to_its_nearest_skill(tmp_path: Path) -> None:
    for rel in ("a", "a/refs", "a/inner", "a/.git", "a/node_modules"):
        (tmp_path / rel).mkdir(parents=True)
    for rel in (
        "a/SKILL.md",
        "a/refs/x.md",
        "a/inner/SKILL.md",
        "a/inner/y.py",
        "a/.git/HEAD",
        "a/node_modules/z.js",
    ):
        (tmp_path / rel).write_text("x")
    found = {
        Path(file).relative_to(tmp_path).as_posix(): sorted(rel for rel, _, _ in listing)
        for file, listing in discover([tmp_path])
    }
    assert found == {
        "a/SKILL.md": ["SKILL.md", "refs/x.md"],
        "a/inner/SKILL.md": ["SKILL.md", "y.py"],
    }
    explicit = discover([tmp_path / "a" / "SKILL.md"])
    assert [sorted(rel for rel, _, _ in listing) for _, listing in explicit] == [
        ["SKILL.md", "refs/x.md"]
    ]
    assert all(listing == [] for _, listing in discover([tmp_path], with_files=False))


def test_linked_skill_folders_are_followed_once(tmp_path: Path) -> None:
    real = tmp_path / "store" / "a"
    real.mkdir(parents=True)
    (real / "SKILL.md").write_text("x")
    agent = tmp_path / "project" / ".claude" / "skills"
    agent.mkdir(parents=True)
    (agent / "a").symlink_to(real, target_is_directory=True)
    (agent / "loop").symlink_to(agent, target_is_directory=True)  # a cycle must not hang
    found = [p.relative_to(tmp_path).as_posix() for p in find_skill_files([agent])]
    assert found == ["project/.claude/skills/a/SKILL.md"]
