"""Document paths a Rego module reads, checked against the canonical document schema.

Rego returns *undefined* for a field that does not exist, so ``input.document.datasetz`` or
``d.licnese`` makes a rule pass silently. We parse each module with regorus (its
``get_ast_as_json``) and follow every reference that starts at ``input.document``, and every
variable bound from one, through the schema; a field the schema does not allow is an error
naming the file and line.

What is followed: references (``a.b``, ``a[i]``, ``a["b"]``), local variables bound with
``:=``/``=``, ``some x in``, ``some k, v in``, ``every x in``, array comprehensions whose term
is such a variable, rules of a package that alias a document part (``facts :=
input.document.retention``) also through ``import data.<package> as alias``, and
``object.get(X, "key", default)``. Not followed (no error, no check): function arguments
(``issue(e)``), values flowing through sets, objects or other builtins, and ``with``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import EvaluationError
from .model import RegoModule
from .schema_paths import ANY, DYNAMIC, SchemaPaths

_INPUT = {"$input": True}  # marker node for `input`
MAX_PASSES = 4


@dataclass
class _Module:
    module: RegoModule
    ast: dict[str, Any]
    source: bytes
    package: str
    imports: dict[str, str] = field(default_factory=dict)  # alias -> package


class RegoPathChecker:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.paths = SchemaPaths(schema)
        self.aliases: dict[str, dict[str, dict]] = {}  # package -> rule name -> schema node
        self.errors: list[EvaluationError] = []

    def check(self, modules: list[RegoModule]) -> bool:
        """Raise on the first unknown path; return False when some module could not be parsed."""
        all_parsed = [_parse(m) for m in modules]
        parsed = [m for m in all_parsed if m is not None]
        self.check_parsed(parsed)
        return len(parsed) == len(all_parsed)

    def check_parsed(self, parsed: list[_Module]) -> None:
        """Raise on the first unknown path in modules parsed by ``parse_modules``."""
        for _ in range(MAX_PASSES):  # aliases may build on aliases of other packages
            before = json.dumps(self.aliases, sort_keys=True, default=str)
            for mod in parsed:
                self._walk_module(mod, collect_only=True)
            if json.dumps(self.aliases, sort_keys=True, default=str) == before:
                break
        for mod in parsed:
            self._walk_module(mod, collect_only=False)
        if self.errors:
            raise self.errors[0]

    # -- modules and rules ------------------------------------------------------------
    def _walk_module(self, mod: _Module, collect_only: bool) -> None:
        self._mod, self._collect = mod, collect_only
        for rule in mod.ast.get("rules", []):
            self._env: dict[str, Any] = {}
            kind, body = next(iter(rule.items()))
            if kind == "Spec":
                head = body.get("head", {})
                hkind, h = next(iter(head.items()))
                for arg in h.get("args") or []:  # function arguments: not followed (see the module doc)
                    if isinstance(arg, dict) and "Var" in arg:
                        self._env[arg["Var"]["value"]] = None
                for b in body.get("bodies", []):
                    self._query(b.get("query"))
                    if b.get("assign"):
                        self._expr(b["assign"].get("value"))
                value = (h.get("assign") or {}).get("value")
                node = self._expr(value) if value is not None else None
                if hkind == "Compr" and "Var" in h.get("refr", {}) and node is not None and not body.get("bodies"):
                    self.aliases.setdefault(mod.package, {})[h["refr"]["Var"]["value"]] = node
                if h.get("key") is not None:
                    self._expr(h["key"])
            elif kind == "Default":
                self._expr(body.get("value"))

    def _query(self, query: dict | None) -> None:
        for stmt in (query or {}).get("stmts", []):
            literal = stmt.get("literal", {})
            kind, lit = next(iter(literal.items()))
            if kind == "SomeIn":
                coll = self._expr(lit.get("collection"))
                self._bind(lit.get("value"), self.paths.child(coll, DYNAMIC) if coll is not None else None)
                self._bind(lit.get("key"), None)
            elif kind == "Every":
                dom = self._expr(lit.get("domain"))
                name = self._text(lit.get("value"))
                if name:
                    self._env[name] = self.paths.child(dom, DYNAMIC) if dom is not None else None
                self._query(lit.get("query"))
            elif kind in ("Expr", "NotExpr"):
                self._expr(lit.get("expr"))

    def _bind(self, target: Any, node: Any) -> None:
        if isinstance(target, dict) and "Var" in target:
            self._env[target["Var"]["value"]] = node
        elif target is not None:
            self._expr(target)

    # -- expressions: returns the schema node the expression denotes, or None -----------
    def _expr(self, expr: Any) -> Any:
        if not isinstance(expr, dict) or not expr:
            return None
        kind, e = next(iter(expr.items()))
        if kind == "Var":
            name = e["value"]
            if name == "input":
                return _INPUT
            if name in self._env:
                return self._env[name]
            return self.aliases.get(self._mod.package, {}).get(name)
        if kind == "RefDot":
            base = self._ref_base(e["refr"])
            name = e["field"][1] if isinstance(e.get("field"), list) and len(e["field"]) > 1 else None
            return self._step(base, name, e.get("field", [{}])[0])
        if kind == "RefBrack":
            base = self._ref_base(e["refr"])
            index = e.get("index") or {}
            ikind = next(iter(index), None)
            self._expr(index)
            segment = index[ikind]["value"] if ikind == "String" else DYNAMIC
            return self._step(base, segment, (e.get("span") or {}))
        if kind == "AssignExpr":
            node = self._expr(e.get("rhs"))
            lhs = e.get("lhs")
            if isinstance(lhs, dict) and "Var" in lhs:
                self._env[lhs["Var"]["value"]] = node
            else:
                self._expr(lhs)
            return None
        if kind == "Call":
            return self._call(e)
        if kind in ("ArrayCompr", "SetCompr"):
            outer = dict(self._env)
            self._query(e.get("query"))
            term = self._expr(e.get("term"))
            self._env = outer
            return {"type": "array", "items": term} if term is not None and term is not _INPUT else None
        if kind == "ObjectCompr":
            outer = dict(self._env)
            self._query(e.get("query"))
            self._expr(e.get("key"))
            self._expr(e.get("value"))
            self._env = outer
            return None
        self._children(e)
        return None

    def _children(self, value: Any) -> None:
        """Walk every sub-expression (operands, array items, object fields) for references."""
        if isinstance(value, dict):
            for key, sub in value.items():
                if key == "span":
                    continue
                if isinstance(sub, dict) and len(sub) == 1 and next(iter(sub))[:1].isupper():
                    self._expr(sub)
                else:
                    self._children(sub)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and len(item) == 1 and next(iter(item))[:1].isupper():
                    self._expr(item)
                else:
                    self._children(item)

    def _ref_base(self, refr: dict) -> Any:
        if isinstance(refr, dict) and "Var" in refr:
            name = refr["Var"]["value"]
            if name in self._mod.imports and name not in self._env:
                return {"$package": self._mod.imports[name]}
        return self._expr(refr)

    def _step(self, base: Any, segment: Any, span: dict) -> Any:
        if base is None or segment is None:
            return None
        if isinstance(base, dict) and "$package" in base:
            return self.aliases.get(base["$package"], {}).get(segment) if isinstance(segment, str) else None
        if base is _INPUT:
            return self.paths.root if segment == "document" else None
        node = self.paths.child(base, segment)
        if node is None:
            self._report(base, segment, span)
        return node

    def _call(self, call: dict) -> Any:
        fcn = call.get("fcn") or {}
        params = call.get("params") or []
        nodes = [self._expr(p) for p in params]
        name = _dotted(fcn)
        if name == "object.get" and len(params) >= 2 and nodes[0] is not None:
            key = params[1]
            kkind = next(iter(key), None)
            if kkind == "String":
                return self._step(nodes[0], key[kkind]["value"], key[kkind].get("span") or {})
            if kkind == "Array":
                node = nodes[0]
                for item in key["Array"].get("items", []):
                    ikind = next(iter(item), None)
                    node = self._step(node, item[ikind]["value"] if ikind == "String" else DYNAMIC,
                                      (item.get(ikind) or {}).get("span") or {})
                return node
        return None

    def _report(self, base: dict, segment: Any, span: dict) -> None:
        if self._collect:
            return
        line = span.get("line", 1) if isinstance(span, dict) else 1
        where = f"{self._mod.module.path}:{line}"
        if any(err.where == where for err in self.errors):
            return
        shown = segment if isinstance(segment, str) else "[index]"
        self.errors.append(EvaluationError(
            where, f"reads document field {shown!r}, which the canonical document schema does not define "
                   f"there ({self.paths.describe(base, segment)})"))

    def _text(self, span: Any) -> str | None:
        if isinstance(span, dict) and "start" in span and "end" in span:
            return self._mod.source[span["start"]:span["end"]].decode("utf-8", "replace")
        return None


def _dotted(expr: Any) -> str:
    if not isinstance(expr, dict) or not expr:
        return ""
    kind, e = next(iter(expr.items()))
    if kind == "Var":
        return e["value"]
    if kind == "RefDot":
        return f"{_dotted(e['refr'])}.{e['field'][1]}"
    return ""


def parse_modules(modules: list[RegoModule]) -> list[_Module | None]:
    """Each module's syntax tree (None for a module with a syntax error), parsed once for every check."""
    return [_parse(m) for m in modules]


def _parse(module: RegoModule) -> _Module | None:
    import regorus  # the default engine's parser: the same one that will run the module

    engine = regorus.Engine()
    try:
        engine.add_policy(module.path, module.text)
        ast = json.loads(engine.get_ast_as_json())[0]["ast"]
    except (RuntimeError, ValueError, KeyError, IndexError):
        return None  # a syntax error: the engine reports it, in its own words, when it prepares the pack
    mod = _Module(module, ast, module.text.encode("utf-8"), module.package)
    for imp in ast.get("imports", []):
        target = _dotted(imp.get("refr"))
        if not target.startswith("data."):
            continue
        alias_span = imp.get("as")
        alias = (mod.source[alias_span["start"]:alias_span["end"]].decode() if isinstance(alias_span, dict)
                 else target.rsplit(".", 1)[-1])
        mod.imports[alias] = target.removeprefix("data.")
    return mod


__all__ = ["ANY", "RegoPathChecker", "parse_modules"]
