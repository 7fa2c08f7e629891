"""Document paths a YAML rule reads, checked against the canonical document schema.

Every ``for_each``, condition ``path``, ``{ref: ...}`` operand and ``{path}`` in a message or
subject is followed through the schema from where it starts (the document, the ``for_each``
element, or the element of an ``*_items`` list). ``params.`` and ``as_of`` are not document
paths; a ``{template}`` segment is a key known only at evaluation time.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import EvaluationError
from .schema_paths import ANY, DYNAMIC, SchemaPaths

_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_ITEMS = ("all_items", "any_items", "no_items")


class YamlPathChecker:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.paths = SchemaPaths(schema)

    def check(self, rule: Any) -> None:
        """Raise EvaluationError (file:line of the rule) for the first unknown document path."""
        spec, root = rule.spec, self.paths.root
        self._rule = rule
        scope: Any = root
        if "for_each" in spec:
            node = self._walk(spec["for_each"], root, root, None, "/for_each")
            scope = self.paths.child(node, DYNAMIC) if node is not None else None
        item = scope if "for_each" in spec else None
        for key in ("when", "assert"):
            if key in spec:
                self._cond(spec[key], scope, item, f"/{key}")
        for key in ("message", "subject"):
            for match in _TEMPLATE.finditer(str(spec.get(key, ""))):
                if match[1].strip() != "@":
                    self._walk(match[1].strip(), scope, root, item, f"/{key}")

    def _cond(self, cond: dict, scope: Any, item: Any, at: str) -> None:
        for key in ("all", "any"):
            for i, sub in enumerate(cond.get(key, [])):
                self._cond(sub, scope, item, f"{at}/{key}/{i}")
        if "not" in cond:
            self._cond(cond["not"], scope, item, f"{at}/not")
        if "path" not in cond:
            return
        node = self._walk(cond["path"], scope, self.paths.root, item, f"{at}/path")
        for key, arg in cond.items():
            if key in _ITEMS:
                self._cond(arg, self.paths.child(node, DYNAMIC) if node is not None else None, item, f"{at}/{key}")
            elif isinstance(arg, dict) and set(arg) == {"ref"}:
                self._walk(arg["ref"], scope, self.paths.root, item, f"{at}/{key}/ref")

    def _walk(self, path: str, scope: Any, root: Any, item: Any, at: str) -> Any:
        """The schema node at ``path``, or None when it cannot be known (params, as_of, no scope)."""
        for match in _TEMPLATE.finditer(path):  # "sections.{doc.model.risk_tier}": the inner path too
            if match[1].strip() not in (".", "@"):
                self._walk(match[1].strip(), scope, root, item, at)
        if path in ("as_of", "."):
            return scope if path == "." else None
        parts = _split(path)
        if scope is None and parts[0] != "doc":
            return None
        if parts[0] == "params":
            return None
        if parts[0] == "doc":
            node, parts = root, parts[1:]
        elif parts[0] == "item":
            if item is None:
                return None
            node, parts = item, parts[1:]
        else:
            node = scope
        for part in parts:
            child = self.paths.child(node, part)
            if child is None:
                shown = "{...}" if part is DYNAMIC else part
                raise EvaluationError(self._rule.meta.where, f"rule {self._rule.meta.id}: {at}: {path!r} reads "
                                      f"{shown!r}, which the canonical document schema does not define there "
                                      f"({self.paths.describe(node, shown)})")
            node = child
        return node if node is not ANY else ANY


def _split(path: str) -> list[Any]:
    """Dotted path -> segments; a segment holding a template is known only at evaluation."""
    out: list[Any] = []
    depth, current = 0, ""
    for ch in path:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "." and depth == 0:
            out.append(DYNAMIC if "{" in current else current)
            current = ""
        else:
            current += ch
    out.append(DYNAMIC if "{" in current else current)
    return out


__all__ = ["YamlPathChecker"]
