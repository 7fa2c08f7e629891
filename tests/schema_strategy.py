"""Hypothesis strategy for JSON values valid under one of our schemas (the subset they use).

hypothesis-jsonschema 0.23.1 (the latest release) fails on the current Hypothesis
(``'many' object has no attribute 'more'``), and our schemas use only a small part of JSON
Schema 2020-12: type, properties, required, additionalProperties, propertyNames, items,
uniqueItems, enum, const, minLength, minimum, pattern, $ref to $defs. This covers exactly that;
an unknown keyword is an error, so the strategy cannot silently generate invalid documents.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

_KNOWN = {"type", "properties", "required", "additionalProperties", "propertyNames", "items", "uniqueItems",
          "enum", "const", "minLength", "minimum", "pattern", "$ref", "minProperties", "description", "title",
          "$schema", "$id", "$defs"}
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5))
MAX_DEPTH = 7


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy:
    return _node(schema, schema.get("$defs", {}), 0)


def _node(node: dict[str, Any], defs: dict, depth: int) -> st.SearchStrategy:
    unknown = set(node) - _KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) not supported by this strategy: {sorted(unknown)}")
    if "$ref" in node:
        return st.deferred(lambda: _node(defs[node["$ref"].rsplit("/", 1)[-1]], defs, depth))
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    types = node.get("type")
    types = types if isinstance(types, list) else [types] if types else []
    if not types:
        return _SCALARS
    return st.one_of([_typed(t, node, defs, depth) for t in types])


def _typed(kind: str, node: dict, defs: dict, depth: int) -> st.SearchStrategy:
    if kind == "object":
        return _object(node, defs, depth)
    if kind == "array":
        items = node.get("items")
        elements = _node(items, defs, depth + 1) if isinstance(items, dict) else _SCALARS
        size = 0 if depth >= MAX_DEPTH else 3
        if node.get("uniqueItems"):
            return st.lists(elements, max_size=size, unique_by=lambda v: json.dumps(v, sort_keys=True))
        return st.lists(elements, max_size=size)
    if kind == "string":
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: len(s) < 80)
        return st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                       min_size=node.get("minLength", 0), max_size=12)
    if kind == "integer":
        return st.integers(min_value=node.get("minimum", -(2**31)), max_value=2**40)
    if kind == "number":
        return st.floats(min_value=node.get("minimum"), allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise ValueError(f"type {kind!r} not supported")


def _object(node: dict, defs: dict, depth: int) -> st.SearchStrategy:
    props = node.get("properties", {})
    required = set(node.get("required", []))
    deep = depth >= MAX_DEPTH
    fixed = st.fixed_dictionaries(
        {k: _node(v, defs, depth + 1) for k, v in props.items() if k in required},
        optional={} if deep else {k: _node(v, defs, depth + 1) for k, v in props.items() if k not in required})
    extra = node.get("additionalProperties", True)
    if extra is False or deep or not isinstance(extra, dict):
        least = node.get("minProperties", 0)
        return fixed.filter(lambda d: len(d) >= least) if least else fixed
    names = node.get("propertyNames", {})
    keys = (st.from_regex(names["pattern"], fullmatch=True) if "pattern" in names else st.text(min_size=1, max_size=8))
    more = st.dictionaries(keys.filter(lambda k: k not in props), _node(extra, defs, depth + 1), max_size=2)
    least = node.get("minProperties", 0)
    return st.tuples(fixed, more).map(lambda pair: {**pair[1], **pair[0]}).filter(lambda d: len(d) >= least)
