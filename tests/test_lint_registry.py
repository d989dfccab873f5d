"""`skill lint --registry`: Related Skills resolved against a registry's catalog.

The registry is built with the real publish, yank and deprecate, and served over HTTP on
127.0.0.1 by the test.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from skillreg.lint import LintOptions, run_lint
from skillreg.registry.edit import deprecate, yank
from skillreg.registry.lint_names import names_from_catalog
from skillreg.registry.model import Catalog, CatalogEntry
from skillreg.registry.publish import PublishOptions, publish
from tests.conftest import RELATED, SEED
from tests.install_helpers import RegistryBuilder, serve

SEED_FILE = "backend-developer/SKILL.md"
# The seed's Related Skills section: where each name starts (line, column).
FIVE = {"python-pro": (202, 4), "golang-pro": (202, 19), "devops-engineer": (203, 4),
        "security-engineer": (204, 4), "data-engineer": (205, 4)}  # fmt: skip
YANKED = f"{SEED_FILE}:202:4: SK306 warning: 'python-pro' is yanked from the registry\n"
UNRESOLVED = "".join(
    f"{SEED_FILE}:{line}:{col}: SK301 error: no skill named '{name}'\n"
    for name, (line, col) in FIVE.items()
)
DEPRECATED = f"{SEED_FILE}:203:4: SK307 warning: 'devops-engineer' is deprecated in the registry\n"


@dataclass(frozen=True)
class World:
    registry: Path  # the folder
    url: str  # the same registry over HTTP
    project: Path  # holds a writable copy of the seed; the current folder


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The seed and its five related skills published; python-pro yanked (its only version),
    devops-engineer deprecated; the registry served over HTTP."""
    monkeypatch.setenv("SKILL_HTTP_BACKOFF", "0.001")
    monkeypatch.chdir(tmp_path)  # away from the repo's own lint config
    registry = tmp_path / "registry"
    publish([SEED, *sorted(RELATED.iterdir())], PublishOptions(registry=str(registry)))
    yank(str(registry), "python-pro@1.0.0", "bad advice")
    deprecate(str(registry), "devops-engineer", "use platform-engineer")
    project = tmp_path / "project"
    shutil.copytree(SEED, project / "backend-developer")
    (project / SEED_FILE).chmod(0o644)
    monkeypatch.chdir(project)
    with serve(registry) as server:
        yield World(registry, server.url, project)


def lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "-q", *args])
    return result.exit_code, result.stdout, result.stderr


def test_seed_alone_cannot_resolve_the_five_names(world: World) -> None:
    # The control for the tests below: without a registry every name is unresolved.
    assert lint("backend-developer", "--profile", "council") == (1, UNRESOLVED, "")


def test_registry_over_http_resolves_names_and_warns(world: World) -> None:
    code, out, err = lint("backend-developer", "--profile", "council", "--registry", world.url)
    assert (code, err) == (0, "")
    assert out == YANKED + DEPRECATED  # no SK301: all five resolve through the catalog
    code, out, _ = lint(
        "backend-developer", "--profile", "council", "--registry", world.url, "--strict"
    )
    assert (code, out) == (1, YANKED + DEPRECATED)


def test_unknown_name_gets_did_you_mean_from_the_registry(world: World) -> None:
    text = (world.project / SEED_FILE).read_text()
    typo = "- `data-engineer` - Data pipeline integration\n- `securty-engineer` - typo\n"
    (world.project / SEED_FILE).write_text(
        text.replace("- `data-engineer` - Data pipeline integration\n", typo)
    )
    code, out, _ = lint("backend-developer", "--profile", "council", "--registry", world.url)
    assert code == 1
    assert out == (
        YANKED + DEPRECATED + f"{SEED_FILE}:206:4: SK301 error: no skill named 'securty-engineer'; "
        "did you mean 'security-engineer'?\n"
    )


def test_single_skill_is_checked_when_a_registry_is_configured(world: World) -> None:
    # The agentskills profile names no related section: only the registry triggers the check.
    folder = world.project / "notes"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: notes\ndescription: Take notes.\n---\n\n# Notes\n\n"
        "## Related Skills\n\n- `python-pro` - old\n- `no-such-skill` - missing\n"
    )
    assert lint("notes") == (0, "", "")
    code, out, _ = lint("notes", "--registry", world.url)
    assert code == 1
    assert out == (
        "notes/SKILL.md:10:4: SK306 warning: 'python-pro' is yanked from the registry\n"
        "notes/SKILL.md:11:4: SK301 error: no skill named 'no-such-skill'\n"
    )


def test_empty_registry_folder_still_checks_a_single_skill(world: World) -> None:
    empty = RegistryBuilder(world.project.parent / "empty").write()  # no skills at all
    folder = world.project / "notes"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: notes\ndescription: Take notes.\n---\n\n# Notes\n\n"
        "## Related Skills\n\n- `python-pro` - code\n"
    )
    assert lint("notes") == (0, "", "")
    code, out, err = lint("notes", "--registry", str(empty))
    assert (code, err) == (1, "")
    assert out == "notes/SKILL.md:10:4: SK301 error: no skill named 'python-pro'\n"


def test_config_registry_key_relative_to_the_config_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world.project / "skill.toml").write_text(
        '[lint]\nprofile = "council"\nregistry = "../registry"\n'
    )
    # From a subfolder: the folder path is relative to skill.toml, not to the current folder.
    monkeypatch.chdir(world.project / "backend-developer")
    expected = (YANKED + DEPRECATED).replace(SEED_FILE, "SKILL.md")
    assert lint(".") == (0, expected, "")


def test_config_registry_key_as_url_in_pyproject(world: World) -> None:
    (world.project / "pyproject.toml").write_text(
        f'[tool.skill.lint]\nprofile = "council"\nregistry = "{world.url}"\n'
    )
    assert lint("backend-developer") == (0, YANKED + DEPRECATED, "")


def test_option_wins_over_config(world: World) -> None:
    (world.project / "skill.toml").write_text(
        '[lint]\nprofile = "council"\nregistry = "no-such-registry-folder"\n'
    )
    code, out, err = lint("backend-developer")
    assert (code, out) == (2, "")  # a registry folder that does not exist: a usage error
    assert err.startswith("error: ") and "no-such-registry-folder" in err
    assert lint("backend-developer", "--registry", world.url) == (0, YANKED + DEPRECATED, "")


def test_install_registry_is_not_consulted(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_REGISTRY", world.url)
    (world.project / "skill.toml").write_text(f'[install]\nregistry = "{world.url}"\n')
    assert lint("backend-developer", "--profile", "council") == (1, UNRESOLVED, "")


def test_unreachable_registry_is_one_error_line(world: World) -> None:
    with socket.socket() as sock:  # a port nothing listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    code, out, err = lint("backend-developer", "--profile", "council", "--registry", url)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {url}/registry.json: cannot connect")
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("value", ["3", '""', "[]"])
def test_invalid_config_registry_is_a_config_error(world: World, value: str) -> None:
    (world.project / "skill.toml").write_text(f"[lint]\nregistry = {value}\n")
    code, out, err = lint("backend-developer")
    assert (code, out) == (2, "")
    assert (
        err
        == f"error: {world.project / 'skill.toml'}: [lint] registry must be a non-empty string\n"
    )


def test_offline_reads_the_cached_catalog(world: World) -> None:
    args = ("backend-developer", "--profile", "council")
    with serve(world.registry) as server:
        url = server.url
        code, out, err = lint(*args, "--offline", "--registry", url)
        assert (code, out) == (1, "")
        assert err == f"error: {url}/registry.json: not in the cache (run once without --offline)\n"
        assert server.log == []
        assert lint(*args, "--registry", url) == (0, YANKED + DEPRECATED, "")
        fetched = len(server.log)
        assert fetched > 0
        assert lint(*args, "--offline", "--registry", url) == (0, YANKED + DEPRECATED, "")
        assert len(server.log) == fetched  # nothing fetched offline
    # The server is gone: offline still works from the cache.
    assert lint(*args, "--offline", "--registry", url) == (0, YANKED + DEPRECATED, "")


def test_library_options_carry_names_and_statuses(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: notes\ndescription: Take notes.\n---\n\n# Notes\n\n"
        "## Related Skills\n\n- `old-notes` - superseded\n"
    )
    options = LintOptions(
        known_names=frozenset({"old-notes"}),
        registry_status={"old-notes": "deprecated"},
        use_config=False,
        cwd=tmp_path,
    )
    report = run_lint([folder], options)
    assert [(d.code, d.line, d.col) for d in report.diagnostics] == [("SK307", 10, 4)]


def test_catalog_statuses() -> None:
    catalog = Catalog(
        skills=[
            CatalogEntry(name="gone", description="", latest=None, deprecated=True),
            CatalogEntry(name="old", description="", latest="1.0.0", deprecated=True),
            CatalogEntry(name="fine", description="", latest="2.0.0"),
        ]
    )
    names = names_from_catalog("reg", catalog)
    assert names.known == {"gone", "old", "fine"}
    assert dict(names.status) == {"gone": "yanked", "old": "deprecated"}


def test_index_resolves_against_the_lint_registry_too(world: World) -> None:
    """`skill index` lists the errors `skill lint` reports, registry names included."""

    def sk301(index: str) -> list[str]:
        entry = json.loads(index)["skills"][0]
        return [e["message"] for e in entry["errors"] if e["code"] == "SK301"]

    plain = CliRunner().invoke(cli, ["index", "backend-developer", "--profile", "council"])
    assert plain.exit_code == 0 and len(sk301(plain.stdout)) == 5
    (world.project / "skill.toml").write_text(
        f'[lint]\nprofile = "council"\nregistry = "{world.url}"\n'
    )
    result = CliRunner().invoke(cli, ["index", "backend-developer"])
    assert result.exit_code == 0, result.stderr
    assert sk301(result.stdout) == []
