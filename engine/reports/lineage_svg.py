"""The lineage graph as an inline SVG: layered left to right (data -> run -> model -> deployment)."""

from __future__ import annotations

from html import escape
from typing import Any

import networkx as nx

_FILL = {"dataset": "#e8f1fb", "feature": "#eef7ee", "run": "#fdf3e1", "model": "#f3e9fb", "deployment": "#fde8e8",
         "artifact": "#f0f0f0"}
W, H, GAP_X, GAP_Y = 210, 34, 60, 14


def lineage_svg(document: dict[str, Any], highlight: set[str] | None = None) -> str:
    lineage = document.get("lineage", {})
    graph = nx.DiGraph()
    for node in lineage.get("nodes", []):
        graph.add_node(node["id"], kind=node["kind"])
    for edge in lineage.get("edges", []):
        graph.add_edge(edge["from"], edge["to"], type=edge["type"])
    if graph.number_of_nodes() == 0:
        return "<p>No lineage recorded.</p>"
    highlight = highlight or set()
    columns = [sorted(layer) for layer in nx.topological_generations(graph)]
    pos = {}
    for x, layer in enumerate(columns):
        for y, node in enumerate(layer):
            pos[node] = (20 + x * (W + GAP_X), 20 + y * (H + GAP_Y))
    width = 40 + len(columns) * (W + GAP_X) - GAP_X
    height = 40 + max(len(c) for c in columns) * (H + GAP_Y) - GAP_Y
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="lineage graph">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(f'<line x1="{x1 + W}" y1="{y1 + H / 2}" x2="{x2}" y2="{y2 + H / 2}" stroke="#777" '
                     f'stroke-width="1.2" marker-end="url(#arrow)"><title>{escape(data["type"])}</title></line>')
    for node, (x, y) in pos.items():
        kind = graph.nodes[node].get("kind", node.split(":", 1)[0])
        stroke = "#c62828" if node in highlight else "#888"
        label = node if len(node) <= 30 else node[:29] + "…"
        parts.append(f'<g><rect x="{x}" y="{y}" width="{W}" height="{H}" rx="6" fill="{_FILL.get(kind, "#fff")}" '
                     f'stroke="{stroke}" stroke-width="{2.5 if node in highlight else 1}"/>'
                     f'<text x="{x + 8}" y="{y + 22}" font-size="12" font-family="sans-serif">{escape(label)}</text>'
                     f'<title>{escape(node)}</title></g>')
    parts.append("</svg>")
    return "".join(parts)
