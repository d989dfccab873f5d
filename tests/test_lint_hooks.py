"""CI hooks that never block a good commit: `skill lint FILES...` as pre-commit calls it.

Related Skills resolve against the whole collection (discovered from the project root, plus
`[lint] registry`), and only the named files are reported on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from skillreg.cli import cli

SKILL = "---\nname: {name}\ndescription: A test skill.\n---\n\n# {name}\n\nText.\n{related}"


def _write(root: Path, name: str, related: tuple[str, ...] = (), title: str = "") -> Path:
    folder = root / "skills" / name
    folder.mkdir(parents=True)
    lines = "".join(f"- `{other}` - why\n" for other in related)
    body = f"\n## Related Skills\n\n{lines}" if related else ""
    (folder / "SKILL.md").write_text(SKILL.format(name=title or name, related=body))
    return folder / "SKILL.md"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean collection in a git work tree: a-skill and b-skill name c-skill and d-skill."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    _write(root, "a-skill", ("b-skill", "c-skill"))
    _write(root, "b-skill", ("d-skill",))
    _write(root, "c-skill")
    _write(root, "d-skill", ("a-skill",))
    monkeypatch.chdir(root)
    return root


def _lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", *args])
    return result.exit_code, result.stdout, result.stderr


def test_precommit_two_files_resolve_against_the_whole_collection(repo: Path) -> None:
    code, out, err = _lint("skills/a-skill/SKILL.md", "skills/b-skill/SKILL.md")
    assert (code, err) == (0, ""), out
    assert "SK301" not in out
    assert "2 files" in out


def test_precommit_one_file_still_checks_references(repo: Path) -> None:
    _write(repo, "e-skill", ("no-such-skill", "c-skill"))
    code, out, _ = _lint("skills/e-skill/SKILL.md")
    assert code == 1
    assert "SK301" in out and "no-such-skill" in out
    assert "c-skill'" not in out  # the neighbour resolves


def test_precommit_reports_only_on_the_files_given(repo: Path) -> None:
    _write(repo, "broken", ("nowhere",))
    code, out, _ = _lint("skills/a-skill/SKILL.md")
    assert code == 0, out
    assert "broken" not in out and "nowhere" not in out


def test_precommit_uses_the_frontmatter_name_of_neighbours(repo: Path) -> None:
    """A neighbour is known by its frontmatter `name`, as lint itself names skills."""
    _write(repo, "folder-x", title="real-name")
    _write(repo, "f-skill", ("real-name",))
    code, out, _ = _lint("skills/f-skill/SKILL.md")
    assert code == 0, out


def test_precommit_collection_root_is_the_config_folder(repo: Path) -> None:
    """With a project config, the collection is under its folder and honours its `exclude`."""
    (repo / "skill.toml").write_text('[lint]\nexclude = ["skills/c-skill"]\n')
    code, out, _ = _lint("skills/a-skill/SKILL.md")
    assert code == 1
    assert "SK301" in out and "c-skill" in out


def test_precommit_with_lint_registry(repo: Path, tmp_path: Path) -> None:
    """Names from `[lint] registry` count as well as the collection's."""
    other = tmp_path / "elsewhere"
    far = _write(other, "far-skill")
    far.write_text(far.read_text().replace("\n---\n", '\nmetadata:\n  version: "1.0.0"\n---\n', 1))
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["publish", str(other / "skills"), "--to", str(site)])
    assert result.exit_code == 0, result.output
    (repo / "skill.toml").write_text(f'[lint]\nregistry = "{site.as_posix()}"\n')
    _write(repo, "g-skill", ("far-skill", "c-skill"))
    code, out, _ = _lint("skills/g-skill/SKILL.md")
    assert code == 0, out
