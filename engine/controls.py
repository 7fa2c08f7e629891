"""Control catalogs (data under rules/catalogs/) and the per-control roll-up of a result.

Statuses, per control of every regime we have a catalog for:
- not_applicable: the regime is not in the model's regulatory scope;
- not_assessed: in scope, but no rule that ran maps to the control;
- violated: an open finding (low or above; info findings only inform) maps to it;
- waived: findings map to it and all of them are waived;
- satisfied: rules that map to it ran and found nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from .document.schema import validate
from .errors import EvaluationError, InputError
from .packs.model import Pack
from .resources import data_dir
from .safeio import parse_yaml, read_bounded

STATUSES = ("satisfied", "violated", "waived", "not_assessed", "not_applicable")


@dataclass(frozen=True)
class Control:
    regime: str
    id: str
    title: str
    citation: str
    requirement: str

    @property
    def key(self) -> str:
        return f"{self.regime}:{self.id}"


@dataclass(frozen=True)
class Catalog:
    regime: str
    title: str
    source: str
    controls: tuple[Control, ...]


@cache
def catalogs() -> tuple[Catalog, ...]:
    out = []
    for path in sorted((data_dir("rules") / "catalogs").glob("*.yaml")):
        raw = read_bounded(path, f"catalogs/{path.name}")
        data = parse_yaml(raw.text(), raw.display)
        validate(data, "control-catalog", raw.display)
        controls = tuple(Control(data["regime"], c["id"], c["title"], c["citation"], c["requirement"])
                         for c in data["controls"])
        if len({c.id for c in controls}) != len(controls):
            raise InputError(raw.display, "duplicate control id", "/controls")
        out.append(Catalog(data["regime"], data["title"], data.get("source", ""), controls))
    return tuple(out)


def known_controls() -> dict[str, Control]:
    return {c.key: c for cat in catalogs() for c in cat.controls}


def check_rule_controls(packs: list[Pack]) -> None:
    """Every control a rule names must exist in a catalog: a typo would map a rule to nothing."""
    known = known_controls()
    regimes = {cat.regime for cat in catalogs()}
    for pack in packs:
        for rule in pack.rules:
            for control in rule.controls:
                if control.partition(":")[0] in regimes and control not in known:
                    raise EvaluationError(rule.where, f"rule {rule.id} maps to {control}, which the "
                                                      f"{control.partition(':')[0]} catalog does not define")


def coverage(packs: list[Pack]) -> dict[str, list[str]]:
    """control key -> ids of the rules that map to it."""
    rules: dict[str, set[str]] = defaultdict(set)
    for pack in packs:
        for rule in pack.rules:
            for control in rule.controls:
                rules[control].add(rule.id)
    return {k: sorted(v) for k, v in rules.items()}


def roll_up(packs: list[Pack], findings: list[dict[str, Any]], scope: list[str]) -> dict[str, dict[str, dict]]:
    rules_of = coverage(packs)
    open_, waived = defaultdict(int), defaultdict(int)
    for finding in findings:
        if finding["severity"] == "info":  # informational (e.g. a retention disposition), not a violation
            continue
        for control in finding["controls"]:
            (waived if finding["waived"] else open_)[control] += 1
    out: dict[str, dict[str, dict]] = {}
    listed: set[str] = set()
    for cat in catalogs():
        entries = {}
        for control in cat.controls:
            listed.add(control.key)
            entries[control.id] = _entry(control.key, cat.regime in scope, rules_of, open_, waived,
                                         control.title, control.citation)
        out[cat.regime] = entries
    for key in sorted(set(rules_of) - listed):  # regimes without a catalog (e.g. a user's own)
        regime, _, clause = key.partition(":")
        out.setdefault(regime, {})[clause] = _entry(key, regime in scope, rules_of, open_, waived)
    return out


def _entry(key: str, in_scope: bool, rules_of: dict, open_: dict, waived: dict, title: str = "",
           citation: str = "") -> dict[str, Any]:
    rules = rules_of.get(key, [])
    if not in_scope:
        status = "not_applicable"
    elif open_[key]:
        status = "violated"
    elif waived[key]:
        status = "waived"
    elif rules:
        status = "satisfied"
    else:
        status = "not_assessed"
    entry: dict[str, Any] = {"status": status, "rules": rules, "findings": open_[key] + waived[key]}
    if title:
        entry.update(title=title, citation=citation)
    return entry


def markdown_table(packs: list[Pack]) -> str:
    """Regime -> controls -> rules, for the docs (generated; a test keeps docs/coverage.md current)."""
    rules_of = coverage(packs)
    lines = ["# Control coverage of the built-in packs", "",
             "Generated by `mlgov controls --format markdown`; requirement texts are our paraphrases.", ""]
    for cat in catalogs():
        covered = sum(1 for c in cat.controls if rules_of.get(c.key))
        lines += [f"## {cat.regime}: {cat.title}", "", f"{covered} of {len(cat.controls)} controls covered. "
                  f"Source: {cat.source}", "", "| control | citation | requirement | rules |", "|---|---|---|---|"]
        for c in cat.controls:
            rules = ", ".join(rules_of.get(c.key, [])) or "— (not assessed)"
            lines.append(f"| {c.id} {c.title} | {c.citation} | {c.requirement} | {rules} |")
        lines.append("")
    return "\n".join(lines)


def natural_key(control_id: str) -> list:
    """Art.9 before Art.10, A.6.2.10 after A.6.2.9 (canonical JSON sorts keys as strings)."""
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", control_id)]
