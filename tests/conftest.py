"""Shared fixtures: every test runs with HOME and XDG_* pointed at a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # read-only data beside the repository; absent in a lone clone
CORPUS = SHARED / "corpus"
SEED = REPO / "registry" / "backend-developer"  # the seed ships in our own catalog sources
RELATED = REPO / "tests" / "fixtures" / "related"  # the five skills the seed names


def seed_family(root: Path) -> Path:
    """A writable copy of the seed and the five skills it names, as folders of `root`."""
    shutil.copytree(SEED, root / "backend-developer")
    for folder in RELATED.iterdir():
        shutil.copytree(folder, root / folder.name)
    return root


def small_collection(root: Path, count: int = 6) -> Path:
    """`count` small valid, versioned skills (`small-1`...) as folders of `root`; needs nothing
    from ../shared, so tests using it run in a lone clone too."""
    for i in range(1, count + 1):
        folder = root / f"small-{i}"
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: small-{i}\ndescription: Small skill number {i} for tests.\n"
            f'metadata:\n  version: "1.0.0"\n---\n\n# Small {i}\n\nText.\n',
            encoding="utf-8",
        )
    return root


#: For tests that read the ~630-skill corpus: they run where ../shared/corpus exists (CI, a
#: developer's worktree) and skip, saying why, in a lone clone.
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"needs the shared corpus at {CORPUS} (absent: a lone clone); CI runs it with ../shared",
)


pytest_plugins = ["tests.install_fixtures", "tests.index_fixtures", "tests.s3_fixtures"]


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for var in (
        "SKILL_REGISTRY",
        "SKILL_REGISTRY_TOKEN",
        "CLAUDE_CONFIG_DIR",
        "CODEX_HOME",
        "GITHUB_ACTIONS",
        "SOURCE_DATE_EPOCH",
    ):
        monkeypatch.delenv(var, raising=False)
    return home
