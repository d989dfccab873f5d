"""Progress and summary lines (only on a terminal, silenced by -q), and --dry-run / --json on
the install verbs. The terminal is a real pseudo-terminal (`pty`), not a flag."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, small_collection
from tests.install_helpers import RegistryBuilder, read_json, skill

_MAIN = "import sys; from skillreg.cli import main; sys.argv[0] = 'skill'; main()"


def on_a_terminal(*args: str, cwd: Path) -> tuple[int, str]:
    """Run `skill ARGS` with stdout and stderr on a pseudo-terminal; (exit code, all output)."""
    main, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _MAIN, *args], cwd=cwd, env=env,
        stdin=subprocess.DEVNULL, stdout=child, stderr=child,
    )  # fmt: skip
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace")
    # A counter redraws its line ("\r" + erase line): one line per redraw, for the assertions.
    return proc.wait(timeout=120), text.replace("\r\x1b[2K", "\n")


SUMMARY = re.compile(r"^(\w+) (\d+) skills? in \d+\.\d\d s\r?$", re.MULTILINE)


def test_install_many_prints_installed_n_skills_in_seconds_on_a_tty(
    registry: RegistryBuilder, project: Path
) -> None:
    names = ["golang-pro", "python-pro"]
    code, out = on_a_terminal("install", *names, "--registry", str(registry.root), cwd=project)
    assert code == 0, out
    assert [m.groups()[:2] for m in SUMMARY.finditer(out)] == [("Installed", "2")]
    assert "Installing 2/2 skills" in out  # the counter, redrawn as each skill is staged
    code, out = on_a_terminal("remove", "golang-pro", "-q", cwd=project)
    assert code == 0, out
    assert not SUMMARY.search(out)  # -q silences it
    code, out = on_a_terminal("remove", "python-pro", cwd=project)
    assert [m.groups()[:2] for m in SUMMARY.finditer(out)] == [("Removed", "1")]


def test_no_progress_or_summary_off_a_terminal(registry: RegistryBuilder, project: Path) -> None:
    result = skill("install", "golang-pro", "--registry", str(registry.root), cwd=project)
    assert result.exit_code == 0
    assert not SUMMARY.search(result.stderr) and not SUMMARY.search(result.stdout)
    assert "\r" not in result.stderr


def test_lint_counter_and_summary_on_a_tty(tmp_path: Path) -> None:
    small_collection(tmp_path / "skills")
    code, out = on_a_terminal("lint", "--profile", "agentskills", "skills", cwd=tmp_path)
    assert code in (0, 1), out
    assert "Linting 6/6 skills" in out
    assert [m.groups()[:2] for m in SUMMARY.finditer(out)] == [("Linted", "6")]
    _, out = on_a_terminal("lint", "-q", "--profile", "agentskills", "skills", cwd=tmp_path)
    assert "Linting" not in out and not SUMMARY.search(out)


def test_update_dry_run_changes_nothing(registry: RegistryBuilder, project: Path) -> None:
    args = ("--registry", str(registry.root))
    assert skill("install", "golang-pro@^1.0.0", *args, cwd=project).exit_code == 0
    registry.add("golang-pro", "1.5.0").write()
    lock = (project / "skills.lock").read_bytes()
    result = skill("update", "--dry-run", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "would have updated golang-pro 1.0.0 -> 1.5.0\n"
    assert (project / "skills.lock").read_bytes() == lock
    marker = read_json(project / ".agents/skills/golang-pro/.skillreg.json")
    assert marker["version"] == "1.0.0"


def test_remove_dry_run_changes_nothing(registry: RegistryBuilder, project: Path) -> None:
    assert (
        skill("install", "golang-pro", "--registry", str(registry.root), cwd=project).exit_code == 0
    )
    before = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    result = skill("remove", "golang-pro", "--dry-run", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("would remove golang-pro@")
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == before


def test_install_verbs_json(registry: RegistryBuilder, project: Path) -> None:
    args = ("--registry", str(registry.root), "--json")
    result = skill("install", "golang-pro", *args, cwd=project)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["changed"] == 1 and data["failures"] == []
    assert data["actions"][0].startswith("installed golang-pro@")
    removed = json.loads(skill("remove", "golang-pro", "--json", cwd=project).stdout)
    assert removed["actions"][0].startswith("removed golang-pro@")


def test_index_and_publish_summaries_on_a_tty(tmp_path: Path) -> None:
    small_collection(tmp_path / "skills")
    code, out = on_a_terminal("index", "skills", "-o", "index.json", cwd=tmp_path)
    assert code == 0, out
    assert [m.groups()[:2] for m in SUMMARY.finditer(out)] == [("Indexed", "6")]
    code, out = on_a_terminal("publish", "skills", "--to", "site", cwd=tmp_path)
    assert code == 0, out
    assert "Packing 6/6 skills" in out  # the counter while it packs
    assert "Storing 6/6 skills" in out  # ... writes bundles and documents
    assert "Rendering 6/6 skills" in out  # ... builds the web catalog's pages
    assert [m.groups()[:2] for m in SUMMARY.finditer(out)] == [("Published", "6")]
    code, out = on_a_terminal("publish", "skills", "--to", "site2", "-q", cwd=tmp_path)
    assert code == 0 and not SUMMARY.search(out) and "Packing" not in out
    assert "Storing" not in out and "Rendering" not in out
