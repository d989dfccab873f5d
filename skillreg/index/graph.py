"""The related-skills graph of a collection: nodes, edges, cycles, and its text/Mermaid/DOT forms.

Built from an index document (`skillreg.index.build`), so that it shares the index's cache and
resolution:
an edge goes from a skill to every name its Related Skills section lists; a name that resolves to no
skill in the collection is a *missing* node. Cycles are allowed and reported: an edge is marked
cyclic when both ends lie in one strongly connected component.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillreg.core.terminal import for_terminal
from skillreg.lint.registry_names import NamesReader

FORMATS = ("text", "mermaid", "dot")


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    source: str
    target: str
    reason: str = field(compare=False, default="")
    missing: bool = field(compare=False, default=False)  # the target is not in the collection
    cyclic: bool = field(compare=False, default=False)


@dataclass(frozen=True)
class Graph:
    """Sorted, deterministic; `cycles` are strongly connected groups of two or more skills."""

    nodes: tuple[str, ...]
    missing: tuple[str, ...]
    edges: tuple[Edge, ...]
    cycles: tuple[tuple[str, ...], ...]
    councils: Mapping[str, str] = field(default_factory=dict)  # node -> metadata.council

    def neighbourhood(self, name: str) -> Graph:
        """`name` with its outgoing and incoming edges and the nodes at their other ends."""
        edges = tuple(e for e in self.edges if name in (e.source, e.target))
        touched = {name} | {e.source for e in edges} | {e.target for e in edges}
        return Graph(
            tuple(n for n in self.nodes if n in touched),
            tuple(n for n in self.missing if n in touched),
            edges,
            tuple(c for c in self.cycles if name in c),
            {n: c for n, c in self.councils.items() if n in touched},
        )

    def __contains__(self, name: object) -> bool:
        return name in self.nodes or name in self.missing


def collection_graph(paths: Sequence[Path], reader: NamesReader | None = None) -> Graph:
    """The graph of the skills under `paths` (indexed through the cache); `reader` reads the
    registry the config names for lint, if any."""
    from skillreg.index.build import IndexOptions, build_index

    return graph_from_index(build_index(IndexOptions(tuple(paths), registry_reader=reader)))


def graph_from_index(document: Mapping[str, Any]) -> Graph:
    """The graph of an index document (`related` and `missing` of each skill)."""
    nodes = sorted({entry["name"] for entry in document["skills"]})
    edges: dict[tuple[str, str], Edge] = {}
    missing: set[str] = set()
    for entry in document["skills"]:
        for ref in entry["related"]:
            if ref["name"] == entry["name"]:
                continue  # the index drops self-references; so does a hand-made document
            edges.setdefault(
                (entry["name"], ref["name"]), Edge(entry["name"], ref["name"], ref["reason"])
            )
        for ref in entry["missing"]:
            missing.add(ref["name"])
            key = (entry["name"], ref["name"])
            edges.setdefault(key, Edge(entry["name"], ref["name"], ref["reason"], missing=True))
    groups = _components(nodes, edges.keys())
    group_of = {node: index for index, group in enumerate(groups) for node in group}
    marked = [
        replace(e, cyclic=e.source in group_of and group_of[e.source] == group_of.get(e.target))
        for e in edges.values()
    ]
    councils = {
        entry["name"]: entry["council"]
        for entry in document["skills"]
        if isinstance(entry.get("council"), str) and entry["council"]
    }
    edges_sorted = tuple(sorted(marked))
    return Graph(tuple(nodes), tuple(sorted(missing)), edges_sorted, tuple(groups), councils)


def _components(nodes: list[str], edges: Iterable[tuple[str, str]]) -> list[tuple[str, ...]]:
    """Strongly connected components of two or more nodes (iterative Tarjan), sorted."""
    succ: dict[str, list[str]] = {node: [] for node in nodes}
    for source, target in edges:
        if target in succ and source != target:
            succ[source].append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(succ[node]):
                work.append((node, i + 1))
                nxt = succ[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(tuple(sorted(group)))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)


def cycle_path(graph: Graph, group: tuple[str, ...]) -> list[str]:
    """A shortest cycle through the group's first node, staying inside the group."""
    members = set(group)
    succ: dict[str, list[str]] = {}
    for e in graph.edges:
        if e.source in members and e.target in members:
            succ.setdefault(e.source, []).append(e.target)
    start = group[0]
    came: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in succ.get(node, []):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return [*reversed(path), start]
            if nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    return [start, start]  # unreachable for a real component


def render_text(graph: Graph, focus: str | None = None) -> str:
    """One line per edge (with `focus`: the skill's outgoing and incoming edges), then cycles.

    Names and reasons come from SKILL.md files: each goes through `for_terminal`."""
    show = for_terminal
    lines: list[str] = []
    if focus is not None:
        lines.append(show(focus) + (" (missing)" if focus in graph.missing else ""))
        lines += [f"  -> {_edge_text(e, e.target)}" for e in graph.edges if e.source == focus]
        lines += [f"  <- {_edge_text(e, e.source)}" for e in graph.edges if e.target == focus]
    else:
        lines += [f"{show(e.source)} -> {_edge_text(e, e.target)}" for e in graph.edges]
    for group in graph.cycles:  # one example path per group of skills that reach each other
        path = " -> ".join(show(name) for name in cycle_path(graph, group))
        lines.append(f"cycle group of {len(group)} skills, e.g.: {path}")
    lines.append(
        f"{_count(len(graph.nodes), 'skill')}, {len(graph.missing)} missing, "
        f"{_count(len(graph.edges), 'edge')}, {_count(len(graph.cycles), 'cycle group')}"
    )
    return "\n".join(lines) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _edge_text(edge: Edge, other: str) -> str:
    marks = (" (missing)" if edge.missing and other == edge.target else "") + (
        " (cycle)" if edge.cyclic else ""
    )
    reason = f": {for_terminal(edge.reason)}" if edge.reason else ""
    return f"{for_terminal(other)}{marks}{reason}"


def _pairs(graph: Graph) -> list[tuple[Edge, bool]]:
    """Edges to draw, a mutual pair once (flagged True), in sorted order."""
    keys = {(e.source, e.target) for e in graph.edges}
    drawn = []
    for e in graph.edges:
        mutual = (e.target, e.source) in keys
        if mutual and e.target < e.source:
            continue  # drawn with its twin
        drawn.append((e, mutual))
    return drawn


def render_mermaid(graph: Graph, focus: str | None = None) -> str:
    del focus
    ids = {name: f"n{i}" for i, name in enumerate((*graph.nodes, *graph.missing))}
    lines = ["flowchart LR"]
    # Skills of one council share a subgraph (the seed's family sorts skills into councils).
    by_council: dict[str, list[str]] = {}
    for n in graph.nodes:
        by_council.setdefault(graph.councils.get(n, ""), []).append(n)
    for index, council in enumerate(sorted(c for c in by_council if c)):
        lines.append(f'  subgraph c{index}["{_mermaid_label(council)}"]')
        lines += [f'    {ids[n]}["{_mermaid_label(n)}"]' for n in by_council[council]]
        lines.append("  end")
    lines += [f'  {ids[n]}["{_mermaid_label(n)}"]' for n in by_council.get("", ())]
    lines += [f'  {ids[n]}["{_mermaid_label(n)} (missing)"]:::missing' for n in graph.missing]
    for e, mutual in _pairs(graph):
        lines.append(f"  {ids[e.source]} {'<-->' if mutual else '-->'} {ids[e.target]}")
    lines.append("  classDef missing stroke-dasharray: 5 5")
    return "\n".join(lines) + "\n"


def _mermaid_label(text: str) -> str:
    """A node label inside ``["..."]``: Mermaid's entity codes for what would end the string or
    open markup, after `for_terminal` (a line break would end the statement)."""
    safe = for_terminal(text).replace("#", "#35;").replace("&", "#amp;").replace('"', "#quot;")
    return safe.replace("<", "#lt;").replace(">", "#gt;").replace("`", "#96;")


def render_dot(graph: Graph, focus: str | None = None) -> str:
    del focus
    lines = ["digraph skills {", "  rankdir=LR;", "  node [shape=box];"]
    lines += [f"  {_dot_id(n)};" for n in graph.nodes]
    lines += [
        f'  {_dot_id(n)} [style=dashed, label="{_dot_escape(n)} (missing)"];' for n in graph.missing
    ]
    for e, mutual in _pairs(graph):
        attrs = ' [dir=both, color="red"]' if mutual else (' [color="red"]' if e.cyclic else "")
        lines.append(f"  {_dot_id(e.source)} -> {_dot_id(e.target)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    """Inside a DOT quoted string, after `for_terminal` (whose escapes then show as written)."""
    return for_terminal(text).replace("\\", "\\\\").replace('"', '\\"')


def _dot_id(name: str) -> str:
    return f'"{_dot_escape(name)}"'


def render_json(graph: Graph, focus: str | None) -> str:
    """The graph as data: nodes, missing names, edges (with their reasons and marks), cycles."""
    import json

    data = {
        "focus": focus,
        "nodes": list(graph.nodes),
        "missing": list(graph.missing),
        "edges": [
            {"source": e.source, "target": e.target, "reason": e.reason,
             "missing": e.missing, "cyclic": e.cyclic}
            for e in graph.edges
        ],
        "cycles": [list(cycle) for cycle in graph.cycles],
    }  # fmt: skip
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Graph, str | None], str]] = {
    "json": render_json,
    "text": render_text,
    "mermaid": render_mermaid,
    "dot": render_dot,
}
