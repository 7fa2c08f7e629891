"""Lineage graph (data -> features -> run -> model -> deployment) built with networkx.

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
    import networkx as nx  # ~120 ms to import: only commands that build documents pay for it

    lineage = document.setdefault("lineage", {})
    edges = lineage.setdefault("edges", [])
    graph = nx.DiGraph()
    for i, edge in enumerate(edges):
        graph.add_edge(edge["from"], edge["to"], type=edge["type"], index=i)
    refs = _entity_refs(document, primary)
    if primary:
        graph.add_node(primary)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        names = " -> ".join([cycle[0][0]] + [v for _, v, *_ in cycle])
        index = graph.edges[cycle[0][0], cycle[0][1]]["index"]
        origin = (provenance.get(f"/lineage/edges/{index}/from") or [{}])[0]
        raise LineageError(origin.get("source"), f"lineage has a cycle: {names}", origin.get("at"))
    nodes = []
    for node in sorted(graph.nodes):
        kind = node.split(":", 1)[0]
        ref, name = refs.get(node, ("", node.split(":", 1)[-1]))
        nodes.append({"id": node, "kind": kind, "name": str(name), "ref": ref})
    lineage["nodes"] = nodes
    budget = [MAX_PATH_STEPS]
    where = (provenance.get("/lineage/edges/0/from") or [{}])[0].get("source")
    lineage["upstream"] = _reach(graph.reverse(copy=False), reverse=True, budget=budget, where=where)
    lineage["downstream"] = _reach(graph, reverse=False, budget=budget, where=where)
    if primary:
        lineage["primary"] = primary


def _reach(graph: Any, reverse: bool, budget: list[int], where: str | None) -> dict[str, list[dict]]:
    """Every reachable node with one shortest path; bounded, since long chains grow cubically."""
    import networkx as nx

    out: dict[str, list[dict]] = {}
    for node in sorted(graph.nodes):
        paths = nx.single_source_shortest_path(graph, node)
        found = []
        for target, path in sorted(paths.items()):
            if target == node:
                continue
            budget[0] -= len(path)
            if budget[0] < 0:
                raise LineageError(where, f"lineage too large to expand (more than {MAX_PATH_STEPS} path steps; "
                                          f"{graph.number_of_nodes()} nodes)")
            flow = list(reversed(path)) if reverse else list(path)
            via = [graph.edges[a, b]["type"] for a, b in pairwise(path)]
            found.append({"node": target, "path": flow, "via": list(reversed(via)) if reverse else via,
                          "distance": len(path) - 1})
        if found:
            out[node] = found
    return out


def upstream(document: dict[str, Any], node: str) -> list[dict]:
    return document.get("lineage", {}).get("upstream", {}).get(node, [])


def downstream(document: dict[str, Any], node: str) -> list[dict]:
    return document.get("lineage", {}).get("downstream", {}).get(node, [])
