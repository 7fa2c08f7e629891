"""Merge facts from many sources into one document, keeping provenance and conflicts.

Sources are applied in priority order (the bundle manifest first). The first value stated
for a field is kept; a different value from a later source is recorded as a conflict, never
silently overwritten. The same value from several sources is recorded as corroboration:
every source that stated it appears in the field's provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..safeio import escape_pointer
from .facts import Fact, SourceRef

# Paths (with "*" for an entity key) whose children are entities keyed by id.
COLLECTIONS: frozenset[tuple[str, ...]] = frozenset(
    {
        ("subjects",),
        ("model", "base_models"),
        ("datasets",),
        ("components",),
        ("features",),
        ("training_runs",),
        ("evaluations",),
        ("evaluations", "*", "metrics"),
        ("approvals",),
        ("deployments",),
        ("monitoring", "plan"),
        ("monitoring", "evidence"),
        ("lineage", "edges"),
        ("risk_management", "assessments"),
        ("unread_statements",),
    }
)


class _Collection(dict):
    """Entities keyed by id; becomes a list sorted by id in the document."""


def _is_collection(path: tuple[str, ...]) -> bool:
    for pattern in COLLECTIONS:
        if len(pattern) == len(path) and all(p in ("*", q) for p, q in zip(pattern, path, strict=True)):
            return True
    return False


def _generic(path: tuple[str, ...]) -> tuple[str, ...]:
    """Path with entity keys replaced by "*" (what the collection table speaks)."""
    out: list[str] = []
    for i, part in enumerate(path):
        out.append("*" if i > 0 and _is_collection(tuple(out[:i])) else part)
    return tuple(out)


class DocumentBuilder:
    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self._prov: dict[tuple[str, ...], list[dict]] = {}
        self._conflicts: dict[tuple[str, ...], list[tuple[Any, dict]]] = {}
        self.sources: list[SourceRef] = []

    def apply(self, source: SourceRef, facts: Iterable[Fact]) -> None:
        self.sources.append(source)
        for fact in facts:
            prov = {"source": source.path, "format": source.format, "at": fact.at}
            if fact.signature is not None:
                prov["signature"] = fact.signature
            self._set(fact, prov)

    def has(self, path: tuple[str, ...]) -> bool:
        return self.get(path) is not None

    def get(self, path: tuple[str, ...]) -> Any:
        node: Any = self._root
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def keys(self, path: tuple[str, ...]) -> list[str]:
        node = self.get(path)
        return list(node) if isinstance(node, dict) else []

    def _set(self, fact: Fact, prov: dict) -> None:
        node: dict[str, Any] = self._root
        path = fact.path
        for i, part in enumerate(path[:-1]):
            here = path[: i + 1]
            child = node.get(part)
            if child is None:
                child = _Collection() if _is_collection(_generic(here)) else {}
                node[part] = child
                if isinstance(node, _Collection):
                    child["id"] = part
                    self._prov.setdefault((*here, "id"), []).append(prov)
            elif not isinstance(child, dict):
                self._record_conflict(here, child, {**prov, "note": "a value and an object at one path"})
                return
            node = child
        leaf = path[-1]
        existing = node.get(leaf)
        if existing is None:
            node[leaf] = list(fact.value) if fact.union else fact.value
            self._prov.setdefault(path, []).append(prov)
        elif fact.union and isinstance(existing, list):
            existing.extend(v for v in fact.value if v not in existing)
            self._prov[path].append(prov)
        elif existing == fact.value:
            self._prov[path].append(prov)
        else:
            self._record_conflict(path, fact.value, prov)

    def _record_conflict(self, path: tuple[str, ...], value: Any, prov: dict) -> None:
        self._conflicts.setdefault(path, []).append((value, prov))

    def build(self) -> tuple[dict[str, Any], dict[str, list[dict]], list[dict]]:
        """Return (document body, provenance by JSON pointer, conflicts)."""
        order: dict[int, dict[str, int]] = {}
        body = _freeze(self._root, order)

        def pointer(path: tuple[str, ...]) -> str:
            node: Any = self._root
            parts = []
            for part in path:
                if isinstance(node, _Collection):
                    parts.append(str(order[id(node)][part]))
                else:
                    parts.append(escape_pointer(part))
                node = node.get(part) if isinstance(node, dict) else None
            return "/" + "/".join(parts)

        provenance = {pointer(p): sources for p, sources in self._prov.items()}
        conflicts = []
        for path, others in self._conflicts.items():
            kept = self.get(path)
            first = self._prov.get(path, [{}])
            values = [{"value": kept, **first[0]}] + [{"value": v, **p} for v, p in others]
            conflicts.append({"field": pointer(path), "kept": kept, "values": values})
        conflicts.sort(key=lambda c: c["field"])
        return body, dict(sorted(provenance.items())), conflicts


def _freeze(node: Any, order: dict[int, dict[str, int]]) -> Any:
    if isinstance(node, _Collection):
        keys = sorted(node)
        order[id(node)] = {k: i for i, k in enumerate(keys)}
        return [_freeze(node[k], order) for k in keys]
    if isinstance(node, dict):
        return {k: _freeze(v, order) for k, v in node.items()}
    if isinstance(node, list):
        return [_freeze(v, order) for v in node]
    return node
