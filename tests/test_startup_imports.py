"""Start-up structure: each verb imports only what it uses (start-up time is a feature).

Not timed (bench/bench_startup.py measures): each verb runs in a fresh interpreter on small real
fixtures, and the test asserts which heavy libraries it left in `sys.modules`. A verb that needs
no network loads no HTTP stack, no signing stack, no S3 client, no pydantic (records read the
files; pydantic's twins only word errors and generate schemas), no web-catalog renderer and no
terminal-UI library; an install from an http:// registry loads httpx but not its command line
(rich, pygments).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, small_collection
from tests.install_helpers import serve

_RUN = """
import sys
sys.argv = ["skill", *sys.argv[1:]]
from skillreg.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("EXIT", code, file=sys.stderr)
print("LOADED", " ".join(sorted(sys.modules)), file=sys.stderr)
"""

#: Never loaded by a verb that needs no network.
HEAVY = {
    "httpx", "httpcore", "boto3", "botocore", "tuf", "securesystemslib", "cryptography",
    "jinja2", "rich", "pygments", "pydantic", "pydantic_core", "jsonschema",
}  # fmt: skip
#: Not loaded by an install from an http:// registry either.
HEAVY_WITH_HTTP = HEAVY - {"httpx", "httpcore"}


def loaded(args: list[str], cwd: Path, home: Path) -> set[str]:
    """The top-level packages the verb left loaded (`modules` for the whole names)."""
    return {name.split(".")[0] for name in modules(args, cwd, home)}


def modules(args: list[str], cwd: Path, home: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILL_", "XDG_"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), PYTHONPATH=str(REPO))
    env.update(XDG_CONFIG_HOME=str(home / "config"), NO_COLOR="1")
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    lines = proc.stderr.splitlines()
    assert "EXIT 0" in lines, proc.stderr
    return set(lines[-1].split()[1:])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder registry of small-1..small-6, a project whose lock names small-1 from it."""
    root = tmp_path_factory.mktemp("startup")
    small_collection(root / "src")
    home = root / "home"
    loaded(["publish", str(root / "src"), "--to", str(root / "reg"), "-q"], root, home)
    (root / "locked").mkdir()
    args = ["install", "small-1", "--registry", str(root / "reg"), "--agent", "claude-code"]
    loaded(args, root / "locked", home)
    return root


def fresh(world: Path, name: str) -> Path:
    folder = world / "runs" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


VERBS: dict[str, list[str]] = {
    "version": ["--version"],
    "install-folder": ["install", "small-2", "--registry", "{reg}", "--agent", "claude-code"],
    "install-builtin": ["install", "backend-developer", "--agent", "claude-code"],
    "restore": ["install"],
    "verify": ["registry", "verify", "{reg}"],
    "yank": ["yank", "small-3@1.0.0", "--from", "{copy}"],
    "deprecate": ["deprecate", "small-4", "--from", "{copy}", "--message", "use small-5"],
    "audit": ["audit", "{src}"],
    "index": ["index", "{src}", "--no-cache"],
    "init": ["init", "new-skill"],
    "publish": ["publish", "{src}", "--to", "{copy}"],  # a no-op: the same bytes again
}


#: Never loaded by a local verb: `filelock` (POSIX locks come from `os.lockf`; filelock is for
#: Windows), `tomlkit` (a new skills.toml is written without it; these installs run in a new
#: project), `secrets` (temporary names use `os.urandom`).
NOT_LOCAL = {"filelock", "tomlkit", "secrets"}
#: Whole module names a verb must not load, beyond `HEAVY` and `NOT_LOCAL`: the lint engine
#: outside lint, publish and index; the SKILL.md parser where a registry's page is re-rendered
#: from a bundle (its frontmatter only); the web catalog's renderer outside the registry verbs.
PARSER = {"skillreg.skill.parsed", "skillreg.skill.markdown"}
ENGINE = {"skillreg.lint.runner", "skillreg.lint.checks"}
RENDERER = {"mistune", "skillreg.registry.site.build", "importlib.resources"}
NOT_FOR: dict[str, set[str]] = {
    "version": ENGINE | PARSER | RENDERER,
    "install-folder": ENGINE | RENDERER,
    "install-builtin": ENGINE | RENDERER,
    "restore": ENGINE | RENDERER,
    "verify": ENGINE | PARSER | {"mistune", "importlib.resources"},  # checks the site's files
    "yank": ENGINE | PARSER | {"importlib.resources"},
    "deprecate": ENGINE | PARSER | {"importlib.resources"},
    "audit": ENGINE | RENDERER,
    "index": RENDERER - {"mistune"},  # Related Skills are parsed with mistune
    "init": ENGINE | PARSER | RENDERER,
    "publish": set(),
}


@pytest.mark.parametrize("verb", list(VERBS))
def test_a_local_verb_loads_no_heavy_library(world: Path, verb: str) -> None:
    cwd = fresh(world, verb)
    if verb == "restore":
        for name in ("skills.lock", "skills.toml"):
            shutil.copy(world / "locked" / name, cwd / name)
    copy = cwd / "reg"
    shutil.copytree(world / "reg", copy)
    values = {"reg": str(world / "reg"), "copy": str(copy), "src": str(world / "src")}
    args = [arg.format(**values) for arg in VERBS[verb]]
    names = modules(args, cwd, cwd / "home")
    tops = {name.split(".")[0] for name in names}
    assert (tops & (HEAVY | NOT_LOCAL)) | (names & NOT_FOR[verb]) == set()


def test_an_http_install_loads_httpx_but_not_its_command_line(world: Path) -> None:
    cwd = fresh(world, "http")
    with serve(world / "reg") as server:
        args = ["install", "small-2", "--registry", server.url, "--agent", "claude-code"]
        modules = loaded(args, cwd, cwd / "home")
    assert "httpx" in modules
    assert modules & HEAVY_WITH_HTTP == set()
