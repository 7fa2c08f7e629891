"""Lineage graph (data -> features -> run -> model -> deployment).

The transitive facts are written back into the document (``lineage.upstream`` and
``lineage.downstream``, each with one shortest path and its edge types) so that policies
need no graph code: "does any non-commercial dataset reach this model, and how?" is a lookup.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from .errors import LineageError

MAX_PATH_STEPS = 2_000_000
_COLLECTION_OF_KIND = {"dataset": "datasets", "feature": "features", "run": "training_runs",
                       "deployment": "deployments", "artifact": "subjects"}


def _entity_refs(document: dict[str, Any], primary: str | None) -> dict[str, tuple[str, str]]:
    """node id -> (JSON pointer of the entity, display name)."""
    refs: dict[str, tuple[str, str]] = {}
    model = document.get("model", {})
    if primary:
        refs[primary] = ("/model", model.get("name", primary))
    for i, base in enumerate(model.get("base_models", [])):
        refs.setdefault(f"model:{base['id']}", (f"/model/base_models/{i}", base.get("name", base["id"])))
    for kind, collection in _COLLECTION_OF_KIND.items():
        for i, entity in enumerate(document.get(collection, [])):
            refs[f"{kind}:{entity['id']}"] = (f"/{collection}/{i}", entity.get("name", entity["id"]))
    return refs


def annotate(document: dict[str, Any], provenance: dict[str, list[dict]], primary: str | None) -> None:
    """Add nodes, reachability and the primary model's node id to ``document['lineage']``.

    Raises LineageError naming the cycle and the source of one of its edges.
    """
    lineage = document.setdefault("lineage", {})
    edges = lineage.setdefault("edges", [])
    graph = _Graph()
    for i, edge in enumerate(edges):
        graph.add_edge(edge["from"], edge["to"], (edge["type"], i))
    refs = _entity_refs(document, primary)
    if primary:
        graph.add_node(primary)
    cycle = graph.find_cycle()
    if cycle:
        names = " -> ".join([cycle[0][0]] + [v for _, v in cycle])
        index = graph.succ[cycle[0][0]][cycle[0][1]][1]
        origin = (provenance.get(f"/lineage/edges/{index}/from") or [{}])[0]
        raise LineageError(origin.get("source"), f"lineage has a cycle: {names}", origin.get("at"))
    nodes = []
    for node in sorted(graph.succ):
        kind = node.split(":", 1)[0]
        ref, name = refs.get(node, ("", node.split(":", 1)[-1]))
        nodes.append({"id": node, "kind": kind, "name": str(name), "ref": ref})
    lineage["nodes"] = nodes
    budget = [MAX_PATH_STEPS]
    where = (provenance.get("/lineage/edges/0/from") or [{}])[0].get("source")
    lineage["upstream"] = _reach(graph, reverse=True, budget=budget, where=where)
    lineage["downstream"] = _reach(graph, reverse=False, budget=budget, where=where)
    if primary:
        lineage["primary"] = primary


class _Graph:
    """A directed graph as insertion-ordered adjacency dicts: the two algorithms lineage needs
    (find a cycle, breadth-first shortest paths) written out, because importing networkx cost a
    cold gate 80-150 ms of its 0.5 s budget. tests/test_lineage.py checks both against networkx
    on random graphs: same cycle, same paths. A repeated edge keeps its first place and the
    last edge's data, as networkx's DiGraph does."""

    def __init__(self) -> None:
        self.succ: dict[str, dict[str, tuple[str, int]]] = {}
        self.pred: dict[str, dict[str, tuple[str, int]]] = {}

    def add_node(self, node: str) -> None:
        self.succ.setdefault(node, {})
        self.pred.setdefault(node, {})

    def add_edge(self, a: str, b: str, data: tuple[str, int]) -> None:
        self.add_node(a)
        self.add_node(b)
        self.succ[a][b] = data
        self.pred[b][a] = data

    def find_cycle(self) -> list[tuple[str, str]] | None:
        """The edges of the first cycle a depth-first search meets (networkx.find_cycle's order)."""
        done: set[str] = set()
        for root in self.succ:
            if root in done:
                continue
            path, on_path = [root], {root}
            stack = [iter(self.succ[root])]
            while stack:
                child = next(stack[-1], None)
                if child is None:
                    stack.pop()
                    on_path.discard(path[-1])
                    done.add(path.pop())
                    continue
                if child in on_path:
                    loop = [*path[path.index(child):], child]
                    return list(pairwise(loop))
                if child not in done:
                    path.append(child)
                    on_path.add(child)
                    stack.append(iter(self.succ[child]))
        return None

    def shortest_paths(self, source: str, adjacency: dict[str, dict[str, tuple[str, int]]]) -> dict[str, list[str]]:
        """One shortest path to every node reachable from ``source`` (networkx's breadth-first order)."""
        paths = {source: [source]}
        level = [source]
        while level:
            following = []
            for v in level:
                for w in adjacency[v]:
                    if w not in paths:
                        paths[w] = [*paths[v], w]
                        following.append(w)
            level = following
        return paths


def _reach(graph: _Graph, reverse: bool, budget: list[int], where: str | None) -> dict[str, list[dict]]:
    """Every reachable node with one shortest path; bounded, since long chains grow cubically."""
    adjacency = graph.pred if reverse else graph.succ
    out: dict[str, list[dict]] = {}
    for node in sorted(adjacency):
        paths = graph.shortest_paths(node, adjacency)
        found = []
        for target, path in sorted(paths.items()):
            if target == node:
                continue
            budget[0] -= len(path)
            if budget[0] < 0:
                raise LineageError(where, f"lineage too large to expand (more than {MAX_PATH_STEPS} path steps; "
                                          f"{len(adjacency)} nodes)")
            flow = list(reversed(path)) if reverse else list(path)
            via = [adjacency[a][b][0] for a, b in pairwise(path)]
            found.append({"node": target, "path": flow, "via": list(reversed(via)) if reverse else via,
                          "distance": len(path) - 1})
        if found:
            out[node] = found
    return out


def upstream(document: dict[str, Any], node: str) -> list[dict]:
    return document.get("lineage", {}).get("upstream", {}).get(node, [])


def downstream(document: dict[str, Any], node: str) -> list[dict]:
    return document.get("lineage", {}).get("downstream", {}).get(node, [])
