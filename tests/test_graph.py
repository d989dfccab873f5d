"""The related-skills graph: cycles, missing nodes, neighbourhoods, renderers and `skill graph`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from skillreg.index.graph import (
    RENDERERS,
    Edge,
    collection_graph,
    cycle_path,
    graph_from_index,
)

from .conftest import REPO, SEED, seed_family


def document(edges: dict[str, list[str]], missing: dict[str, list[str]] | None = None) -> Any:
    missing = missing or {}
    names = sorted(set(edges) | set(missing))
    return {
        "skills": [
            {
                "name": name,
                "related": [{"name": t, "reason": f"{name} to {t}"} for t in edges.get(name, [])],
                "missing": [{"name": t, "reason": ""} for t in missing.get(name, [])],
            }
            for name in names
        ]
    }


def test_cycles_are_strongly_connected_groups() -> None:
    graph = graph_from_index(
        document({"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": [], "e": ["e", "f"], "f": ["e"]})
    )
    assert graph.cycles == (("a", "b", "c"), ("e", "f"))
    cyclic = {(e.source, e.target) for e in graph.edges if e.cyclic}
    assert cyclic == {("a", "b"), ("b", "c"), ("c", "a"), ("e", "f"), ("f", "e")}
    assert Edge("e", "e") not in graph.edges
    assert cycle_path(graph, ("a", "b", "c")) == ["a", "b", "c", "a"]


def test_long_chain_does_not_recurse() -> None:
    n = 5000
    chain = {f"s{i}": [f"s{i + 1}"] for i in range(n)}
    chain[f"s{n}"] = ["s0"]
    graph = graph_from_index(document(chain))
    assert len(graph.cycles) == 1 and len(graph.cycles[0]) == n + 1


def test_missing_nodes_and_neighbourhood() -> None:
    graph = graph_from_index(document({"a": ["b"], "b": [], "c": ["a"]}, {"a": ["ghost"]}))
    assert graph.missing == ("ghost",)
    assert Edge("a", "ghost") in graph.edges
    around = graph.neighbourhood("a")
    assert around.nodes == ("a", "b", "c") and around.missing == ("ghost",)
    assert {(e.source, e.target) for e in around.edges} == {("a", "b"), ("a", "ghost"), ("c", "a")}
    assert "ghost" in graph and "nobody" not in graph
    text = RENDERERS["text"](around, "a")
    assert text.splitlines()[:4] == [
        "a",
        "  -> b: a to b",
        "  -> ghost (missing)",
        "  <- c: c to a",
    ]


def test_renderers_mark_mutual_edges_and_missing_nodes() -> None:
    graph = graph_from_index(document({"a": ["b"], "b": ["a"], "c": ["a"]}, {"c": ["ghost"]}))
    mermaid = RENDERERS["mermaid"](graph, None)
    assert mermaid.splitlines() == [
        "flowchart LR",
        '  n0["a"]',
        '  n1["b"]',
        '  n2["c"]',
        '  n3["ghost (missing)"]:::missing',
        "  n0 <--> n1",
        "  n2 --> n0",
        "  n2 --> n3",
        "  classDef missing stroke-dasharray: 5 5",
    ]
    dot = RENDERERS["dot"](graph, None)
    assert '  "a" -> "b" [dir=both, color="red"];' in dot
    assert '  "ghost" [style=dashed, label="ghost (missing)"];' in dot
    assert '  "c" -> "a";' in dot
    assert dot.startswith("digraph skills {\n") and dot.endswith("}\n")
    text = RENDERERS["text"](graph, None)
    assert "a -> b (cycle): a to b" in text
    assert "cycle group of 2 skills, e.g.: a -> b -> a" in text
    assert text.endswith("3 skills, 1 missing, 4 edges, 1 cycle group\n")


def test_dot_and_mermaid_escape_odd_names() -> None:
    graph = graph_from_index(document({'we"ird': ["x\\y"], "x\\y": []}))
    assert '"we\\"ird" -> "x\\\\y"' in RENDERERS["dot"](graph, None)
    assert "we#quot;ird" in RENDERERS["mermaid"](graph, None)


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    return seed_family(tmp_path / "skills")


def test_collection_graph_of_the_seed_family(collection: Path) -> None:
    graph = collection_graph([collection])
    assert len(graph.nodes) == 6 and graph.missing == ()
    assert graph.cycles and "backend-developer" in graph.cycles[0]
    assert collection_graph([collection]) == graph


def graph_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, ["graph", *args])


def test_cli_whole_collection_is_deterministic(collection: Path) -> None:
    first = graph_cli(str(collection), "--format", "mermaid")
    assert first.exit_code == 0 and first.stderr == ""
    assert first.stdout == graph_cli(str(collection), "--format", "mermaid").stdout
    assert "<-->" in first.stdout


def test_cli_name_with_default_path(collection: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(collection)  # a folder named backend-developer exists here too
    result = graph_cli("backend-developer")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "backend-developer"
    assert "  -> golang-pro (cycle): Language expertise" in lines
    assert "  <- python-pro (cycle): Server-side design" in lines


def test_cli_seed_alone_shows_missing_nodes(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "backend-developer")
    result = graph_cli("backend-developer", str(tmp_path), "--format", "dot")
    assert result.exit_code == 0
    for name in ("python-pro", "golang-pro", "devops-engineer", "security-engineer"):
        assert f'"{name}" [style=dashed, label="{name} (missing)"];' in result.stdout


def test_cli_path_argument_and_unknown_name(collection: Path) -> None:
    by_path = graph_cli(str(collection / "python-pro"))
    assert by_path.exit_code == 0
    assert by_path.stdout.startswith("python-pro -> backend-developer (missing)")
    unknown = graph_cli("no-such-skill", str(collection))
    assert unknown.exit_code == 2 and unknown.stdout == ""
    assert "no skill named 'no-such-skill'" in unknown.stderr
    explicit = graph_cli("--name", "golang-pro", str(collection))
    assert explicit.stdout.splitlines()[0] == "golang-pro"


def test_mermaid_groups_skills_by_council(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "council", tmp_path / "family")
    result = graph_cli(str(tmp_path / "family"), "--format", "mermaid")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    opened = [line.strip() for line in lines if line.strip().startswith("subgraph")]
    assert [line.split('"')[1] for line in opened] == [
        "architecture-council",
        "code-review-council",
        "executive-council",
        "product-council",
    ]
    start = lines.index('  subgraph c2["executive-council"]')
    members = lines[start + 1 : lines.index("  end", start)]
    assert sorted(m.split('"')[1] for m in members) == ["chief-strategy-officer", "privacy-advisor"]


def test_mermaid_council_label_cannot_break_out() -> None:
    doc = document({"a": []})
    doc["skills"][0]["council"] = 'x"]\n  click a "javascript:alert(1)"'
    mermaid = RENDERERS["mermaid"](graph_from_index(doc), None)
    assert "\n  click" not in mermaid
    assert '["x#quot;]\\x0a  click a #quot;javascript:alert(1)#quot;"]' in mermaid
