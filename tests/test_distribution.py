"""What ships: the distribution's name, its commands, licence and metadata, and links that point
at this project (not at the unrelated `skillreg` on PyPI)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import skillreg
from skillreg.report import sarif
from tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SHIPPED_TEXTS = ["README.md", "action.yml", "pyproject.toml", "scripts/demo.sh", "docs", "skillreg"]


def _texts() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in SHIPPED_TEXTS:
        path = REPO / name
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if file.is_file() and file.suffix in (
                "",
                ".md",
                ".py",
                ".yml",
                ".toml",
                ".sh",
                ".json",
            ):
                out[file.relative_to(REPO).as_posix()] = file.read_text(encoding="utf-8")
    return out


def test_skillreg_is_a_second_console_script_beside_skill() -> None:
    assert PROJECT["scripts"] == {"skill": "skillreg.cli:main", "skillreg": "skillreg.cli:main"}


def test_distribution_name_is_free_of_the_unrelated_pypi_skillreg() -> None:
    assert PROJECT["name"] == skillreg.DISTRIBUTION == "skillreg-cli"
    assert (REPO / "skillreg" / "__init__.py").is_file()  # the import package keeps its name


def test_license_file_holds_the_apache_2_text() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert PROJECT["license"] == "Apache-2.0" and PROJECT["license-files"] == ["LICENSE"]


def test_project_urls_and_classifiers() -> None:
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())
    classifiers = set(PROJECT["classifiers"])
    for wanted in ("Programming Language :: Python :: 3.11", "Typing :: Typed",
                   "Environment :: Console", "Intended Audience :: Developers"):  # fmt: skip
        assert wanted in classifiers


def test_mistune_is_at_least_3_3() -> None:
    (spec,) = [d for d in PROJECT["dependencies"] if d.startswith("mistune")]
    assert spec == "mistune>=3.3"


def test_sarif_information_uri_and_links_point_at_this_project() -> None:
    assert sarif.INFORMATION_URI == skillreg.HOME_PAGE == "https://pypi.org/project/skillreg-cli/"
    stray = {
        name
        for name, text in _texts().items()
        if re.search(r"pypi\.org/project/skillreg/|pip install[^\n]*\bskillreg==", text)
    }
    assert stray == set()


def test_demo_and_docs_call_a_path_that_cannot_resolve_to_procps_skill() -> None:
    demo = (REPO / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert 'skill="$repo/.venv/bin/skillreg"' in demo
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "procps' `/usr/bin/skill`" in readme
    for how in ("pipx install skillreg-cli", "uv tool install skillreg-cli", "/bin/activate"):
        assert how in readme


def test_wheel_ships_the_license(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("skillreg_cli-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    assert any(n.endswith("licenses/LICENSE") for n in names), names
    assert b"skillreg = skillreg.cli:main" in entry_points
