"""A newcomer's first hour, scripted: a fresh home folder, a `PATH` without this checkout's venv
but with a stand-in for procps' `skill` ahead of everything, the README's set-up commands as
written, then installs from a folder, a bundle file and a local git repository, a restore from the
lock, a pre-commit style lint of two edited skills, and `skill outdated --exit-code`.

One substitution, because tests never reach the network: the README's `pip install skillreg-cli`
installs the wheel built from this checkout instead (its dependencies come from this environment).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

# procps' /usr/bin/skill prints nothing and exits 0; ours leaves a trace when it is ever run.
FAKE_PROCPS = '#!/bin/sh\necho "$@" >> "$HOME/procps-skill-was-run"\nexit 0\n'
README_INSTALL = "~/.venvs/skillreg/bin/pip install -q skillreg-cli"


@dataclass(frozen=True)
class Machine:
    home: Path
    env: dict[str, str]

    def bash(self, script: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """`script` in a login-like bash with the venv activated as the README says."""
        prelude = "set -euo pipefail\n. ~/.venvs/skillreg/bin/activate\n"
        return subprocess.run(
            ["bash", "-c", prelude + script],
            cwd=cwd or self.home / "work",
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )


def readme_block() -> list[str]:
    """The commands of the README's ```sh first-hour block, comments dropped."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^```sh first-hour\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    assert found is not None, "README.md lost its ```sh first-hour block"
    lines = [re.sub(r"\s+#.*$", "", line) for line in found.group(1).splitlines()]
    return [line for line in lines if line.strip()]


def _wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(folder), str(REPO)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return next(folder.glob("skillreg_cli-*.whl"))


def _offline_install(wheel: Path) -> str:
    """What replaces the README's `pip install` line's second half: the wheel, no network."""
    venv_python = "~/.venvs/skillreg/bin/python"
    deps = __import__("sysconfig").get_paths()["purelib"]
    return (
        f"{sys.executable} -m pip --python {venv_python} install -q --no-deps --no-index {wheel}"
        f" && echo {deps} > \"$({venv_python} -c 'import sysconfig;"
        ' print(sysconfig.get_paths()["purelib"])\')/deps.pth"'
    )


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Machine:
    """A fresh machine after the README's set-up commands, run exactly as written."""
    root = tmp_path_factory.mktemp("first-hour")
    home, bin_dir = root / "home", root / "bin"
    (home / "work").mkdir(parents=True)
    bin_dir.mkdir()
    fake = bin_dir / "skill"
    fake.write_text(FAKE_PROCPS)
    fake.chmod(0o755)
    (bin_dir / "python3").symlink_to(sys.executable)  # the README's `python3`: this interpreter
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",  # no venv; procps' stand-in first
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "LANG": "C.UTF-8",
        "https_proxy": "http://127.0.0.1:9",  # any network use fails: nothing listens there
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "PIP_NO_INDEX": "1",
    }
    lines = readme_block()
    assert README_INSTALL in lines[0]
    script = "\n".join(
        [lines[0].replace(README_INSTALL, _offline_install(_wheel(root / "wheels"))), *lines[1:]]
    )
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=home / "work",
        env={**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("skill")  # `skill --version` answered: not procps' silence
    return Machine(home, env)


def _lock(project: Path) -> dict[str, dict[str, object]]:
    return {e["name"]: e for e in json.loads((project / "skills.lock").read_text())["skills"]}


def test_readme_set_up_as_written_never_reaches_procps_skill(machine: Machine) -> None:
    work = machine.home / "work"
    assert (work / "my-skill/SKILL.md").is_file()
    assert (work / ".claude/skills/backend-developer/SKILL.md").is_file()
    assert not (machine.home / "procps-skill-was-run").exists()
    # Without activation, `skill` is procps' (the trap); `skillreg` by its path is ours.
    plain = subprocess.run(
        ["bash", "-c", "skill install backend-developer; ~/.venvs/skillreg/bin/skillreg --version"],
        cwd=work,
        env=machine.env,
        capture_output=True,
        text=True,
    )
    assert (machine.home / "procps-skill-was-run").read_text() == "install backend-developer\n"
    assert plain.stdout == "skill, version 0.1.0\n"
    (machine.home / "procps-skill-was-run").unlink()


def test_install_from_a_folder_a_tarball_and_a_local_git_repo_then_restore(
    machine: Machine,
) -> None:
    project = machine.home / "project"
    project.mkdir()
    script = """
    export GIT_AUTHOR_NAME=n GIT_AUTHOR_EMAIL=n@example.invalid
    export GIT_COMMITTER_NAME=n GIT_COMMITTER_EMAIL=n@example.invalid
    skill init local-skill
    skill install ./local-skill --agent claude-code
    skill init packed-skill
    skill pack packed-skill -o dist
    skill install ./dist/packed-skill-0.1.0.tar.gz --agent claude-code
    mkdir -p ../team-repo/skills && (cd ../team-repo/skills && skill init team-skill)
    git -C ../team-repo init -q -b main && git -C ../team-repo add -A
    git -C ../team-repo commit -q -m "first"
    skill install "git+file://$HOME/team-repo@main#skills/team-skill" --agent claude-code
    skill list
    rm -rf .agents .claude
    skill install --frozen
    """
    done = machine.bash(script, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    lock = _lock(project)
    assert {n: e.get("source") for n, e in lock.items()} == {
        "local-skill": "folder",
        "packed-skill": "archive",
        "team-skill": "git",
    }
    assert lock["local-skill"]["registry"] == "./local-skill"
    assert (
        lock["team-skill"]["registry"]
        == f"git+file://{machine.home}/team-repo@main#skills/team-skill"
    )
    assert re.fullmatch(r"[0-9a-f]{40}", str(lock["team-skill"]["commit"]))
    for name in lock:
        assert (project / ".claude/skills" / name / "SKILL.md").is_file(), name
    assert "restored team-skill@0.1.0 (was missing)" in done.stdout
    assert not (machine.home / "procps-skill-was-run").exists()


def _collection(root: Path) -> None:
    """Three clean skills; alpha and beta name gamma under Related Skills."""
    for name, related in (("alpha", "gamma"), ("beta", "gamma"), ("gamma", "alpha")):
        folder = root / "skills" / name
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: The {name} skill for tests.\n---\n\n# {name}\n\n"
            f"Body.\n\n## Related Skills\n\n- `{related}` - a neighbour\n"
        )


def test_pre_commit_lint_of_two_edited_skills_of_a_clean_collection_passes(
    machine: Machine,
) -> None:
    repo = machine.home / "collection"
    _collection(repo)
    for name in ("alpha", "beta"):  # the commit edits these two only
        with open(repo / "skills" / name / "SKILL.md", "a", encoding="utf-8") as out:
            out.write("\nEdited.\n")
    done = machine.bash("skill lint skills/alpha/SKILL.md skills/beta/SKILL.md", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SK301" not in done.stdout


def test_outdated_exit_code(machine: Machine) -> None:
    project = machine.home / "outdated"
    project.mkdir()
    done = machine.bash(
        "skill init old && skill install ./old && skill outdated --exit-code", cwd=project
    )
    assert done.returncode == 0, done.stdout + done.stderr
    registry = machine.home / "site"
    script = f"""
    skill init moving
    sed -i 's/version: "0.1.0"/version: "1.0.0"/' moving/SKILL.md
    skill publish moving --to {registry}
    skill install moving --registry {registry}
    sed -i 's/version: "1.0.0"/version: "1.1.0"/' moving/SKILL.md
    skill publish moving --to {registry}
    skill outdated --exit-code
    """
    done = machine.bash(script, cwd=project)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "moving" in done.stdout


def test_environment_has_no_venv_on_path(machine: Machine) -> None:
    assert str(REPO / ".venv") not in machine.env["PATH"]
    assert os.pathsep.join(machine.env["PATH"].split(os.pathsep)[:1]).endswith("bin")
