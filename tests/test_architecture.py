"""The floor plan (docs/architecture.md) as tests: import-linter's contracts hold on the tree, a
deliberately wrong import breaks them, and no module of skillreg imports itself through a loop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO

CONTRACTS = ["layers", "no-click-below-cli", "install-only-from-cli", "acyclic"]


def _lint_imports(root: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the package found in `root`, with the contracts of `cwd`/pyproject."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_contracts_hold() -> None:
    proc = _lint_imports(REPO, REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count(" KEPT") == len(CONTRACTS), proc.stdout


def _strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm, iterative: every group of two or more modules importing in a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def test_no_import_cycles_between_modules() -> None:
    graph = grimp.build_graph("skillreg", cache_dir=None)
    assert len(graph.modules) > 80  # the whole package was read
    assert _strongly_connected(graph) == []


def test_cycle_finder_sees_a_loop() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    assert _strongly_connected(graph) == [{"p.a", "p.b", "p.c"}]


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/errors.py", "import skillreg.skill.parsed", "Layers"),
        ("lint/runner.py", "import skillreg.registry.client", "Layers"),
        ("registry/store.py", "import click", "Only the CLI imports click"),
        ("index/build.py", "import skillreg.install.lock", "Nothing imports install"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    """The contracts are not vacuous: one upward import in a copy of the tree breaks them."""
    shutil.copytree(REPO / "skillreg", tmp_path / "skillreg",
                    ignore=shutil.ignore_patterns("__pycache__", "builtin_registry"))  # fmt: skip
    (tmp_path / "skillreg" / "builtin_registry").mkdir()
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "skillreg" / module
    target.write_text(target.read_text() + f"\n{line}  # a deliberately wrong import\n")
    proc = _lint_imports(tmp_path, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{broken}" in proc.stdout
    assert "BROKEN" in proc.stdout.split(broken, 1)[1].splitlines()[0], proc.stdout
