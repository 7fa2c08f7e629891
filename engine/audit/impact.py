"""Retirement impact: what depends on an artifact, across every document of an inventory."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any


def _nodes_for(artifact: str, document: dict[str, Any]) -> set[str]:
    """The lineage nodes an artifact reference names: a node id, or a subject's name or digest."""
    lineage = document.get("lineage", {})
    ids = {n["id"] for n in lineage.get("nodes", [])}
    found = {i for i in ids if fnmatchcase(i, artifact) or fnmatchcase(i.lower(), artifact.lower())}
    for subject in document.get("subjects", []):
        digest = subject.get("digest", {}).get("sha256", "")
        if artifact in (subject.get("name"), subject["id"], digest, f"sha256:{digest}"):
            found.add(f"artifact:{subject['id']}")
    if artifact == document.get("document_id"):
        found.add(lineage.get("primary", ""))
    return {n for n in found if n}


def impact(artifact: str, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for document in documents:
        nodes = _nodes_for(artifact, document)
        downstream = {}
        for node in nodes:
            for entry in document.get("lineage", {}).get("downstream", {}).get(node, []):
                if entry["node"].startswith(("model:", "deployment:", "artifact:", "run:", "feature:")):
                    downstream.setdefault(entry["node"], entry["path"])
        if nodes and downstream:
            owner = document.get("model", {}).get("owner", {})
            rows.append({"document_id": document["document_id"], "owner": owner.get("name") or owner.get("team"),
                         "matched": sorted(nodes),
                         "downstream": [{"node": n, "path": p} for n, p in sorted(downstream.items())]})
    return rows
