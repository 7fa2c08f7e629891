"""The lineage graph as an inline SVG that reads left to right by kind: data -> training runs ->
models -> released artifacts and deployments, one column each, with every node's full id wrapped
inside its box (never cut), sized to stay legible when printed on A4."""

from __future__ import annotations

import re
from html import escape
from typing import Any

COLUMNS = (("Data", ("dataset", "feature")), ("Training runs", ("run",)), ("Models", ("model",)),
           ("Released and deployed", ("artifact", "deployment")))
_FILL = {"dataset": "#e8f1fb", "feature": "#eef7ee", "run": "#fdf3e1", "model": "#f3e9fb", "deployment": "#fde8e8",
         "artifact": "#f0f0f0"}
W, GAP_X, GAP_Y, LINE, PAD, FONT, WRAP = 220, 56, 12, 15, 7, 12.5, 27
TOP = 34


def _wrap(text: str, width: int = WRAP) -> list[str]:
    """Break an id after '/', ':', '-', '.', '@' or '_' so that lines stay within `width`."""
    parts = re.findall(r"[^/:\-.@_]*[/:\-.@_]?", text)
    lines, line = [], ""
    for part in filter(None, parts):
        while len(part) > width:  # a single run of letters longer than a line: cut it
            if line:
                lines.append(line)
                line = ""
            lines.append(part[:width])
            part = part[width:]
        if len(line) + len(part) > width and line:
            lines.append(line)
            line = ""
        line += part
    return [*lines, line] if line else lines or [""]


def _column(kind: str) -> int:
    return next((i for i, (_, kinds) in enumerate(COLUMNS) if kind in kinds), len(COLUMNS) - 1)


def lineage_svg(document: dict[str, Any], highlight: set[str] | None = None) -> str:
    lineage = document.get("lineage", {})
    nodes = {n["id"]: n.get("kind", n["id"].split(":", 1)[0]) for n in lineage.get("nodes", [])}
    if not nodes:
        return "<p>No lineage recorded.</p>"
    highlight = highlight or set()
    order = {kind: j for _, kinds in COLUMNS for j, kind in enumerate(kinds)}
    columns: list[list[str]] = [[] for _ in COLUMNS]
    for node, kind in sorted(nodes.items(), key=lambda kv: (order.get(kv[1], 9), kv[0])):
        columns[_column(kind)].append(node)
    boxes: dict[str, tuple[float, float, float, list[str]]] = {}
    height = 0.0
    for x, column in enumerate(columns):
        y = TOP
        for node in column:
            lines = _wrap(node)
            h = len(lines) * LINE + 2 * PAD
            boxes[node] = (10 + x * (W + GAP_X), y, h, lines)
            y += h + GAP_Y
        height = max(height, y)
    width = 20 + len(COLUMNS) * (W + GAP_X) - GAP_X
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 6:.0f}" width="{width}" '
             f'role="img" aria-label="lineage graph: data, training runs, models, released artifacts">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for x, (title, _) in enumerate(COLUMNS):
        parts.append(f'<text x="{10 + x * (W + GAP_X)}" y="18" font-size="13" font-weight="bold" '
                     f'font-family="sans-serif" fill="#333">{escape(title)}</text>')
    for edge in lineage.get("edges", []):
        if edge["from"] not in boxes or edge["to"] not in boxes:
            continue
        (x1, y1, h1, _), (x2, y2, h2, _) = boxes[edge["from"]], boxes[edge["to"]]
        a, b = (x1 + W, y1 + h1 / 2), (x2, y2 + h2 / 2)
        if x2 <= x1:  # same column or backwards: loop out to the right and back in
            a, b = (x1 + W, y1 + h1 / 2), (x2 + W, y2 + h2 / 2)
            bend = x1 + W + GAP_X * 0.45 + (x1 - x2) / 4
            path = f"M {a[0]} {a[1]} C {bend} {a[1]}, {bend} {b[1]}, {b[0] + 2} {b[1]}"
        else:
            mid = (a[0] + b[0]) / 2
            path = f"M {a[0]} {a[1]} C {mid} {a[1]}, {mid} {b[1]}, {b[0] - 1} {b[1]}"
        parts.append(f'<path d="{path}" fill="none" stroke="#888" stroke-width="1.1" marker-end="url(#arrow)">'
                     f'<title>{escape(edge["from"])} {escape(edge["type"])} {escape(edge["to"])}</title></path>')
    for node, (x, y, h, lines) in boxes.items():
        kind = nodes[node]
        hot = node in highlight
        text = "".join(f'<tspan x="{x + PAD}" y="{y + PAD + (i + 1) * LINE - 3.5}">{escape(line)}</tspan>'
                       for i, line in enumerate(lines))
        parts.append(f'<g><rect x="{x}" y="{y}" width="{W}" height="{h}" rx="5" fill="{_FILL.get(kind, "#fff")}" '
                     f'stroke="{"#c62828" if hot else "#888"}" stroke-width="{2.5 if hot else 1}"/>'
                     f'<text font-size="{FONT}" font-family="sans-serif">{text}</text>'
                     f'<title>{escape(node)}</title></g>')
    parts.append("</svg>")
    return "".join(parts)
