"""Walk the canonical document schema one path segment at a time.

A rule that reads ``input.document.datasetz`` or ``model.risk_teir`` would see *undefined*
and pass silently; the pack loader refuses it instead. This module answers the one question
that check needs: given a schema node and the next segment, what is the child node, or does
the schema not allow that field at all.
"""

from __future__ import annotations

import difflib
from typing import Any

ANY: dict[str, Any] = {}  # a node we cannot (or need not) check below: free-form objects, any-typed values
DYNAMIC = object()  # a segment known only at evaluation time (a variable index or key)


class SchemaPaths:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.root = schema
        self._defs = schema.get("$defs", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in node and seen < 32:
            node = self._defs.get(node["$ref"].rsplit("/", 1)[-1], ANY)
            seen += 1
        return node

    def child(self, node: dict[str, Any] | None, segment: Any) -> dict[str, Any] | None:
        """The child node, ``ANY`` when it cannot be checked, or None when the schema forbids it."""
        if node is None:
            return None
        node = self.resolve(node)
        if node is ANY or not node:
            return ANY
        types = node.get("type")
        types = set(types) if isinstance(types, list) else {types} if types else set()
        if not types and not ({"properties", "items", "additionalProperties"} & set(node)):
            return None if ("enum" in node or "const" in node) else ANY
        index = segment is DYNAMIC or isinstance(segment, int) or (isinstance(segment, str) and segment.isdigit())
        if ("array" in types or "items" in node) and index:
            items = node.get("items")
            return items if isinstance(items, dict) else ANY
        if "object" in types or "properties" in node or "additionalProperties" in node:
            props = node.get("properties", {})
            extra = node.get("additionalProperties", True)
            if segment is DYNAMIC:
                if isinstance(extra, dict):
                    return extra
                return ANY  # a variable key over fixed properties: any of them
            if isinstance(segment, str) and segment in props:
                return props[segment]
            if isinstance(extra, dict):
                return extra
            if extra is False:
                return None
            return ANY
        return None  # a scalar has no children

    def describe(self, node: dict[str, Any], segment: Any) -> str:
        """Why ``segment`` is refused below ``node``, with the nearest known field if any."""
        node = self.resolve(node)
        props = sorted(node.get("properties", {}))
        if not props:
            return "that value has no fields"
        near = difflib.get_close_matches(str(segment), props, n=1)
        return f"did you mean {near[0]!r}?" if near else f"known fields there: {', '.join(props)}"


__all__ = ["ANY", "DYNAMIC", "SchemaPaths"]
