"""A folder whose marker another tool removed, files untouched: "unmanaged", and `--adopt`."""

from __future__ import annotations

import json
from pathlib import Path

from skillreg.install.place import MARKER
from tests.install_helpers import read_json, skill


def _install_builtin(project: Path) -> Path:
    result = skill("install", "backend-developer", "--agent", "cursor", "--copy", cwd=project)
    assert result.exit_code == 0, result.stderr
    return project / ".agents/skills/backend-developer"


def _status(project: Path) -> str:
    result = skill("list", "--json", cwd=project)
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    return str(row["status"])


def test_folder_with_identical_files_but_no_marker_is_unmanaged_not_missing(
    project: Path,
) -> None:
    folder = _install_builtin(project)
    (folder / MARKER).unlink()
    assert _status(project) == "unmanaged"
    (folder / "SKILL.md").write_text("changed\n")
    assert _status(project) == "missing"  # other files: not the locked skill any more


def test_install_adopt_takes_over_a_folder_whose_files_match_the_lock(project: Path) -> None:
    folder = _install_builtin(project)
    copy = project / ".cursor/skills/backend-developer"
    (folder / MARKER).unlink()
    (copy / MARKER).unlink()
    before = (folder / "SKILL.md").stat().st_ino
    result = skill("install", cwd=project)
    assert result.exit_code == 1
    assert "use --adopt to take it over" in result.stderr
    result = skill("install", "--adopt", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "adopted backend-developer@1.0.0"
    assert (folder / "SKILL.md").stat().st_ino == before  # taken over in place, not replaced
    assert read_json(folder / MARKER)["name"] == "backend-developer"
    assert (copy / MARKER).is_file()
    assert _status(project) == "ok"


def test_adopt_leaves_a_folder_whose_files_differ(project: Path) -> None:
    folder = _install_builtin(project)
    (folder / MARKER).unlink()
    (folder / "extra.md").write_text("not from the bundle\n")
    result = skill("install", "--adopt", cwd=project)
    assert result.exit_code == 1
    assert not (folder / MARKER).exists()
    assert "use --force to replace it" in result.stderr
