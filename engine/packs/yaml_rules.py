"""The declarative YAML rule language, evaluated natively in Python.

Why native rather than compiled to Rego: a YAML rule is a handful of path lookups and
comparisons, so a Python evaluator is both faster than a Rego round trip (no JSON
serialisation of the document per rule, no engine start-up) and immune to the engine
defects in ../shared/README.md section 4 (regopy's silent ``undefined``, quadratic sets).
Errors name the YAML file, the rule and the field, which a compiled-Rego error could not.
Equivalence with Rego is tested: the same logic in both languages gives the same findings.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..document.schema import validate
from ..errors import EvaluationError, InputError
from ..safeio import escape_pointer
from .model import RuleMeta

_DURATION = re.compile(r"^(?:(\d+)(y|mo|w|d|h)|P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?)$")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_MISSING = object()


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    delta: timedelta = timedelta()

    def before(self, moment: datetime) -> datetime:
        """``moment`` minus this duration, calendar-aware (10 years before 29 Feb is 28 Feb)."""
        month_index = moment.year * 12 + (moment.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(month_index, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day) - self.delta


def parse_duration(text: str) -> Duration:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    number, unit, years, months, weeks, days = match.groups()
    if number is not None:
        n = int(number)
        return {"y": Duration(years=n), "mo": Duration(months=n), "w": Duration(delta=timedelta(weeks=n)),
                "d": Duration(delta=timedelta(days=n)), "h": Duration(delta=timedelta(hours=n))}[unit]
    return Duration(years=int(years or 0), months=int(months or 0),
                    delta=timedelta(weeks=int(weeks or 0), days=int(days or 0)))


@dataclass(frozen=True)
class Scope:
    value: Any
    pointer: str


class Context:
    """What a rule sees: the document, the evaluation date, the pack's parameters."""

    def __init__(self, document: dict, as_of: dict, params: dict) -> None:
        self.document = document
        self.as_of = as_of
        self.as_of_dt = datetime.fromtimestamp(as_of["epoch_s"], tz=UTC)
        self.params = params


class YamlRule:
    def __init__(self, spec: dict, meta: RuleMeta) -> None:
        self.spec = spec
        self.meta = meta
        self._check(spec.get("when"), "/when")
        self._check(spec["assert"], "/assert")

    def _fail(self, field: str, message: str) -> EvaluationError:
        return EvaluationError(self.meta.where, f"rule {self.meta.id}: {field}: {message}")

    def _check(self, cond: Any, at: str) -> None:
        """Compile-time checks the schema cannot make: regexes and durations."""
        if cond is None:
            return
        for key in ("all", "any"):
            for i, sub in enumerate(cond.get(key, [])):
                self._check(sub, f"{at}/{key}/{i}")
        if "not" in cond:
            self._check(cond["not"], f"{at}/not")
        for key in ("all_items", "any_items", "no_items"):
            if key in cond:
                self._check(cond[key], f"{at}/{key}")
        if "matches" in cond:
            try:
                re.compile(cond["matches"])
            except re.error as exc:
                raise self._fail(f"{at}/matches", f"bad regular expression: {exc}") from None
        for key in ("older_than", "newer_than"):
            if key in cond:
                try:
                    parse_duration(cond[key])
                except ValueError as exc:
                    raise self._fail(f"{at}/{key}", str(exc)) from None

    # -- evaluation ---------------------------------------------------------------------
    def evaluate(self, ctx: Context) -> list[dict]:
        spec = self.spec
        if "for_each" in spec:
            found, items, pointer = self._resolve(spec["for_each"], Scope(ctx.document, ""), ctx, None)
            if not found:
                return []
            if not isinstance(items, list):
                raise self._fail("/for_each", f"{spec['for_each']} is not a list")
            scopes = [Scope(v, f"{pointer}/{i}") for i, v in enumerate(items)]
        else:
            scopes = [Scope(ctx.document, "")]
        out = []
        for scope in scopes:
            item = scope if "for_each" in spec else None
            if "when" in spec and not self._holds(spec["when"], scope, ctx, item, "/when"):
                continue
            if self._holds(spec["assert"], scope, ctx, item, "/assert"):
                continue
            evidence = [self._render(e, scope, ctx, item) for e in spec.get("evidence", [])] or [scope.pointer]
            finding = {"message": self._render(spec["message"], scope, ctx, item), "evidence": evidence}
            if "subject" in spec:
                finding["subject"] = self._render(spec["subject"], scope, ctx, item)
            out.append(finding)
        return out

    def _resolve(self, path: str, scope: Scope, ctx: Context, item: Scope | None) -> tuple[bool, Any, str]:
        """(found, value, JSON pointer) for a dotted path; ``doc.``/``item.``/``params.`` pick the root.

        A path may hold templates (``sections.{.}``): they are filled in from the scope first.
        """
        if "{" in path:
            path = self._render(path, scope, ctx, item)
        if path == "as_of":
            return True, ctx.as_of, ""
        if path == ".":
            return True, scope.value, scope.pointer
        parts = path.split(".")
        if parts[0] == "doc":
            value, pointer, parts = ctx.document, "", parts[1:]
        elif parts[0] == "params":
            value, pointer, parts = ctx.params, None, parts[1:]
        elif parts[0] == "item" and item is not None:
            value, pointer, parts = item.value, item.pointer, parts[1:]
        else:
            value, pointer = scope.value, scope.pointer
        for part in parts:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return False, None, (f"{pointer}/{escape_pointer(part)}" if pointer is not None else "")
            pointer = f"{pointer}/{escape_pointer(part)}" if pointer is not None else None
        return value is not None, value, pointer or ""

    def _operand(self, operand: Any, scope: Scope, ctx: Context, item: Scope | None) -> Any:
        if isinstance(operand, dict) and set(operand) == {"ref"}:
            found, value, _ = self._resolve(operand["ref"], scope, ctx, item)
            return value if found else _MISSING
        return operand

    def _holds(self, cond: dict, scope: Scope, ctx: Context, item: Scope | None, at: str) -> bool:
        if "all" in cond:
            return all(self._holds(c, scope, ctx, item, f"{at}/all/{i}") for i, c in enumerate(cond["all"]))
        if "any" in cond:
            return any(self._holds(c, scope, ctx, item, f"{at}/any/{i}") for i, c in enumerate(cond["any"]))
        if "not" in cond:
            return not self._holds(cond["not"], scope, ctx, item, f"{at}/not")
        op = next(k for k in cond if k != "path")
        found, value, pointer = self._resolve(cond["path"], scope, ctx, item)
        arg = cond[op]
        where = f"{at}/{op}"
        if op == "exists":
            return found is arg
        if op in ("all_items", "any_items", "no_items"):
            if not found:
                return op != "any_items"
            if not isinstance(value, list):
                raise self._fail(where, f"{cond['path']} is not a list")
            results = (self._holds(arg, Scope(v, f"{pointer}/{i}"), ctx, item, where) for i, v in enumerate(value))
            return all(results) if op == "all_items" else (any(results) if op == "any_items" else not any(results))
        if op == "empty":
            return (not found or (isinstance(value, (list, dict, str)) and len(value) == 0)) is arg
        arg = self._operand(arg, scope, ctx, item)
        if op == "not_equals":
            return not (found and arg is not _MISSING and value == arg)
        if op == "not_in":
            return not (found and isinstance(arg, list) and value in arg)
        if not found or arg is _MISSING:
            return False
        if op == "equals":
            return value == arg
        if op == "in":
            if not isinstance(arg, list):
                raise self._fail(where, "operand is not a list")
            return value in arg
        if op == "matches":
            if not isinstance(value, str):
                raise self._fail(where, f"{cond['path']} is a {type(value).__name__}, not a string")
            return re.search(arg, value) is not None
        if op in ("gt", "gte", "lt", "lte"):
            if not _number(value) or not _number(arg):
                raise self._fail(where, f"cannot compare {type(value).__name__} with {type(arg).__name__}")
            return {"gt": value > arg, "gte": value >= arg, "lt": value < arg, "lte": value <= arg}[op]
        if op == "contains":
            if isinstance(value, (list, str)):
                return arg in value
            raise self._fail(where, f"{cond['path']} is a {type(value).__name__}, not a list or string")
        moment = self._moment(value, cond["path"], where)
        if op in ("older_than", "newer_than"):
            limit = parse_duration(arg).before(ctx.as_of_dt)
            return moment < limit if op == "older_than" else moment > limit
        other = ctx.as_of_dt if arg == "as_of" else self._moment(arg, "operand", where)
        return moment < other if op == "before" else moment > other

    def _moment(self, value: Any, name: str, where: str) -> datetime:
        if isinstance(value, dict) and isinstance(value.get("epoch_s"), int):
            return datetime.fromtimestamp(value["epoch_s"], tz=UTC)
        raise self._fail(where, f"{name} is not a timestamp ({{utc, epoch_s}})")

    def _render(self, template: str, scope: Scope, ctx: Context, item: Scope | None) -> str:
        def one(match: re.Match[str]) -> str:
            key = match[1].strip()
            if key == "@":
                return scope.pointer
            found, value, _ = self._resolve(key, scope, ctx, item)
            if not found:
                return "<missing>"
            if isinstance(value, dict) and "utc" in value:
                return str(value["utc"])
            return str(value)

        return _TEMPLATE.sub(one, template)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compile_rules(data: dict, text: str, display: str, pack: str) -> list[YamlRule]:
    try:
        validate(data, "yaml-rules", display)
    except InputError as exc:
        rule = _rule_at(exc.pointer, data)
        raise EvaluationError(display, f"{rule}{exc.pointer}: {exc.message}") from None
    rules = []
    for spec in data["rules"]:
        line = _line_of(text, spec["id"])
        meta = RuleMeta(id=spec["id"], title=spec["title"], severity=spec["severity"],
                        controls=tuple(spec["controls"]), pack=pack, file=display, line=line,
                        description=spec.get("description", ""), remediation=spec.get("remediation", ""))
        if "for_each" not in spec and "evidence" not in spec:
            raise EvaluationError(meta.where, f"rule {meta.id}: /evidence: required when there is no for_each")
        rules.append(YamlRule(spec, meta))
    return rules


def _rule_at(pointer: str | None, data: dict) -> str:
    match = re.match(r"^/rules/(\d+)", pointer or "")
    if not match:
        return ""
    rule = data["rules"][int(match[1])]
    return f"rule {rule.get('id', '#' + match[1]) if isinstance(rule, dict) else '#' + match[1]}: "


def _line_of(text: str, rule_id: str) -> int:
    rx = re.compile(rf"^\s*-?\s*id:\s*['\"]?{re.escape(rule_id)}['\"]?\s*$")
    for number, line in enumerate(text.splitlines(), start=1):
        if rx.match(line):
            return number
    return 1


__all__ = ["Context", "YamlRule", "compile_rules", "parse_duration"]
