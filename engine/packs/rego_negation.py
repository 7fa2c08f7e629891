"""Negations that OPA and regorus evaluate differently: refuse them when a pack is loaded.

OPA's compiler moves every term nested inside a negated expression (call arguments, operands
of operators other than ``==``/``=``, reference indexes, elements of array/set/object literals,
calls a reference starts from) into an assignment *before* the ``not`` (open-policy-agent/opa
#1877, #4743, #8387): ``not is_object(x.missing)`` runs as ``t = x.missing; not is_object(t)``,
so when ``x.missing`` is undefined the rule body fails. regorus evaluates the whole expression
inside the negation, so the ``not`` holds. A finding meant to fire on a missing fact then fires
on one engine and silently vanishes on the other (tests/test_rego_negation.py shows which
patterns differ on both engines). Terms left in place by OPA agree: a bare ``not x.missing``,
``not x.missing == 1``, and a negated call whose arguments are certainly defined.

A nested term is *possibly undefined* when it is a reference with a field or index step (unless
the canonical document schema requires that field, step by step from ``input.document``), a
complete rule without ``default``, or a call of a user function without ``default``. Local
variables, function arguments, literals, comprehensions and builtin calls are defined (their
own nested terms are checked). The walk (variables, aliases, schema nodes) is the path check's.
"""

from __future__ import annotations

from typing import Any

from ..errors import EvaluationError
from .rego_paths import _INPUT, MAX_PASSES, RegoPathChecker, _dotted, _Module

#: ``input`` keys the evaluator always sets (engine/evaluation/evaluate.py).
INPUT_KEYS = frozenset({"document", "as_of", "params", "context"})
_CALL_OPS = ("BoolExpr", "ArithExpr", "BinExpr", "Membership", "UnaryExpr")
_LITERALS = ("Array", "Set", "Object")
FIX = ("bind it first (`v := object.get(x, \"key\", null)`, or give the rule a `default`) "
       "or negate a helper rule (`ok if f(x.key)` then `not ok`)")


class RegoNegationChecker(RegoPathChecker):
    """Finds ``not`` expressions whose nested terms may be undefined (see the module doc)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        super().__init__(schema)
        self.findings: list[EvaluationError] = []
        self._rules: dict[str, dict[str, bool]] = {}  # package -> complete rule -> certainly defined
        self._funcs: dict[str, dict[str, bool]] = {}  # package -> function -> has a default
        self._values: dict[tuple[str, str], list[tuple[_Module, Any]]] = {}
        self._established: set[str] = set()  # references read by earlier positive statements

    def check_parsed(self, parsed: list[_Module]) -> None:
        """Raise on the first negation the engines evaluate differently (``check`` parses first)."""
        self._collect_rules(parsed)
        for _ in range(MAX_PASSES):  # aliases of document parts (facts := input.document.x), as the path check
            for mod in parsed:
                self._walk_module(mod, collect_only=True)
        self._settle_rules()
        for mod in parsed:
            self._walk_module(mod, collect_only=False)
        if self.findings:
            raise self.findings[0]

    # -- the rules and functions a package defines --------------------------------------
    def _collect_rules(self, parsed: list[_Module]) -> None:
        specs, defaults = [], set()
        for mod in parsed:
            rules = self._rules.setdefault(mod.package, {})
            funcs = self._funcs.setdefault(mod.package, {})
            for rule in mod.ast.get("rules", []):
                kind, body = next(iter(rule.items()))
                if kind == "Default":  # defined whatever the input
                    name = _dotted(body.get("refr")).split(".")[0]
                    (funcs if body.get("args") else rules)[name] = True
                    defaults.add((mod.package, name))
                elif kind == "Spec":
                    specs.append((mod, body))
        values: dict[tuple[str, str], list[tuple[_Module, Any]]] = {}  # body-less definitions
        bodied = set()
        for mod, body in specs:
            hkind, h = next(iter(body.get("head", {}).items()))
            refr = h.get("refr") or {}
            name = _dotted(refr).split(".")[0]
            key = (mod.package, name)
            if not name or key in defaults:
                continue
            if hkind == "Func":
                self._funcs[mod.package][name] = False
            elif hkind == "Compr" and "Var" in refr:  # a complete rule: undefined when no body holds
                self._rules[mod.package][name] = False
                if body.get("bodies"):
                    bodied.add(key)
                else:
                    values.setdefault(key, []).append((mod, (h.get("assign") or {}).get("value")))
            else:  # partial sets and objects, ref heads: the root is always defined
                self._rules[mod.package].setdefault(name, True)
        self._values = {k: v for k, v in values.items() if k not in bodied}

    def _settle_rules(self) -> None:
        """`x := object.get(input.document, "k", {})` is defined when its value is: to a fixpoint."""
        changed = True
        while changed:
            changed = False
            for (package, name), definitions in self._values.items():
                if self._rules[package][name]:
                    continue
                certain = True
                for mod, value in definitions:
                    self._mod, self._env, self._established = mod, {}, set()
                    certain = certain and value is not None and not self._hoisted(value, False)
                if certain:
                    self._rules[package][name] = changed = True

    # -- the walk: every query statement, negated ones analysed first ---------------------
    def _query(self, query: dict | None) -> None:
        outer = set(self._established)
        for stmt in (query or {}).get("stmts", []):
            literal = stmt.get("literal", {})
            kind, lit = next(iter(literal.items()))
            if kind == "NotExpr" and not self._collect:
                self._negated(lit)
            super()._query({"stmts": [stmt]})
            if kind in ("Expr", "SomeIn"):  # had a reference here been undefined, the body would have failed
                self._established |= self._refs(lit)
        self._established = outer

    def _refs(self, value: Any) -> set[str]:
        """Source text of every reference in ``value`` outside comprehensions."""
        found: set[str] = set()
        if isinstance(value, dict):
            for key, sub in value.items():
                if key in ("RefDot", "RefBrack"):
                    text = self._text(sub.get("span"))
                    if text:
                        found.add("".join(text.split()))
                if key not in ("span", "ArrayCompr", "SetCompr", "ObjectCompr", "query"):
                    found |= self._refs(sub)
        elif isinstance(value, list):
            for item in value:
                found |= self._refs(item)
        return found

    def _report(self, base: dict, segment: Any, span: dict) -> None:
        """Unknown document paths are the path check's business, not this one's."""

    def _negated(self, lit: dict) -> None:
        expr = lit.get("expr")
        for term in self._hoisted(expr, top=True):
            span = lit.get("span") or {}
            where = f"{self._mod.module.path}:{span.get('line', 1)}"
            if any(f.where == where for f in self.findings):
                return
            shown, part = (" ".join((self._text(_span(t)) or "...").split()) for t in (expr, term))
            self.findings.append(EvaluationError(
                where, f"`not {shown}`: `{part}` may be "
                       "undefined, and OPA evaluates it before the negation (the rule body fails) while regorus "
                       f"evaluates it inside (the `not` holds), so the engines disagree (opa#1877); {FIX}"))
            return

    def _hoisted(self, term: Any, top: bool) -> list[Any]:
        """Possibly undefined terms that OPA evaluates outside the negation of ``term``."""
        if not isinstance(term, dict) or not term:
            return []
        kind, e = next(iter(term.items()))
        if kind in ("BoolExpr", "AssignExpr") and e.get("op") == "Eq" and top:
            return self._hoisted(e.get("lhs"), True) + self._hoisted(e.get("rhs"), True)
        if kind == "Call" or kind in _CALL_OPS:
            found = [term] if not top and kind == "Call" and self._user_call_undefined(e) else []
            operands = e.get("params") or [] if kind == "Call" else _operands(e)
            for operand in operands:
                found += self._hoisted(operand, False)
            return found
        if kind in ("RefDot", "RefBrack"):
            found = [term] if not top and self._maybe_undefined(term) else []
            found += self._ref_parts(term)
            return found
        if kind == "Var":
            return [term] if not top and self._maybe_undefined(term) else []
        if kind in _LITERALS:
            found = []
            for item in e.get("items") or []:
                found += self._hoisted(item, False)
            for field in e.get("fields") or []:
                for sub in field if isinstance(field, list) else [field]:
                    if isinstance(sub, dict) and len(sub) == 1 and next(iter(sub))[:1].isupper():
                        found += self._hoisted(sub, False)
            return found
        return []  # scalars, comprehensions (a query of their own, always defined)

    def _ref_parts(self, term: dict) -> list[Any]:
        """Indexes of a reference and the call it starts from: OPA evaluates them first."""
        found: list[Any] = []
        while True:
            kind, e = next(iter(term.items()))
            if kind == "RefBrack":
                found += self._hoisted(e.get("index"), False)
            elif kind != "RefDot":
                break
            term = e["refr"]
        if isinstance(term, dict) and ("Call" in term or next(iter(term), None) in _LITERALS):
            found += self._hoisted(term, False)
        return found

    # -- definedness ----------------------------------------------------------------------
    def _maybe_undefined(self, term: Any) -> bool:
        kind, e = next(iter(term.items()))
        if kind in ("RefDot", "RefBrack") and "".join((self._text(e.get("span")) or "").split()) in self._established:
            return False
        if kind == "Var":
            name = e["value"]
            if name in ("input", "data", "_") or name in self._env:
                return False
            return not self._rules.get(self._mod.package, {}).get(name, True)
        if kind not in ("RefDot", "RefBrack"):
            return kind == "Call" and self._user_call_undefined(e)
        rule = self._rule_of(term)
        if rule is not None:
            return not rule
        base_term = e["refr"]
        if self._maybe_undefined(base_term):
            return True
        base = self._expr(base_term)
        segment = e["field"][1] if kind == "RefDot" else _string(e.get("index"))
        if base is _INPUT:
            return segment not in INPUT_KEYS
        if isinstance(base, dict) and isinstance(segment, str):
            node = self.paths.resolve(base)
            return segment not in (node.get("required") or ())
        return True

    def _rule_of(self, term: dict) -> bool | None:
        """Whether the rule a reference names is certainly defined; None when it names none."""
        name = _dotted(term)
        head, _, rest = name.partition(".")
        if head in self._mod.imports and head not in self._env:
            name = f"data.{self._mod.imports[head]}.{rest}"
        if not name.startswith("data."):
            return None
        package, _, rule = name.removeprefix("data.").rpartition(".")
        if package in self._rules and rule in self._rules[package]:
            return self._rules[package][rule]
        return None

    def _user_call_undefined(self, call: dict) -> bool:
        name = _dotted(call.get("fcn"))
        head, _, rest = name.partition(".")
        package = self._mod.package
        if head in self._mod.imports:
            package, name = self._mod.imports[head], rest
        elif name.startswith("data."):
            package, _, name = name.removeprefix("data.").rpartition(".")
        if name in self._funcs.get(package, {}):
            return not self._funcs[package][name]
        return False  # a builtin: defined whenever its arguments are (they are checked themselves)


def _operands(e: dict) -> list[Any]:
    return [e.get(k) for k in ("lhs", "rhs", "expr", "key", "value", "collection") if e.get(k) is not None]


def _string(index: Any) -> Any:
    if isinstance(index, dict) and "String" in index:
        return index["String"]["value"]
    return None


def _constant(value: Any) -> bool:
    """A literal value, or a comprehension: defined whatever the input."""
    if not isinstance(value, dict) or not value:
        return False
    kind, e = next(iter(value.items()))
    if kind in ("String", "RawString", "Number", "Bool", "Null", "ArrayCompr", "SetCompr", "ObjectCompr"):
        return True
    if kind in ("Array", "Set"):
        return all(_constant(item) for item in e.get("items") or [])
    return False


def _span(term: Any) -> dict:
    if isinstance(term, dict) and term:
        inner = next(iter(term.values()))
        if isinstance(inner, dict):
            return inner.get("span") or {}
    return {}


__all__ = ["RegoNegationChecker"]
