"""Control catalogs (data under rules/catalogs/), which of them are in force on a date, and the
per-control roll-up of a result.

Regulations change on dates: SR 11-7 was rescinded on 17 April 2026 and replaced by SR 26-2;
the EU AI Act applies article by article from its Art. 113 dates. Every catalog and control
carries ``effective_from`` / ``effective_until`` and its source, and the evaluation date
(``as_of``) decides which of them apply.

Statuses, per control of every regime we have a catalog for:
- not_applicable: the regime is not in the model's regulatory scope;
- not_in_force: in scope, but the catalog or control is not yet, or no longer, in force on the
  evaluation date (findings mapped to it are still counted; it is never "satisfied");
- not_assessed: in scope and in force, but no rule that ran maps to the control;
- violated: an open finding (low or above; info findings only inform) maps to it;
- waived: findings map to it and all of them are waived;
- satisfied: rules that map to it ran and found nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from .document.schema import validate
from .errors import EvaluationError, InputError
from .packs.model import Pack
from .resources import data_dir
from .safeio import parse_yaml, read_bounded

STATUSES = ("satisfied", "violated", "waived", "not_assessed", "not_in_force", "not_applicable")


@dataclass(frozen=True)
class Control:
    regime: str
    id: str
    title: str
    citation: str
    requirement: str
    effective_from: str
    effective_until: str | None = None
    # Later application dates by the document's basis (EU AI Act Annex I systems: 2 August 2027).
    effective_from_by_basis: tuple[tuple[str, str], ...] = ()
    # Predecessor controls whose rules also cover this one (SR 26-2 keeps SR 11-7's pillars).
    carries: tuple[str, ...] = ()
    not_machine_checkable: str = ""

    @property
    def key(self) -> str:
        return f"{self.regime}:{self.id}"

    def start(self, basis: str | None) -> str:
        """The date this control applies from for a system on ``basis`` (unknown: the earliest)."""
        by_basis = dict(self.effective_from_by_basis)
        return by_basis.get(basis, self.effective_from) if basis else self.effective_from

    def in_force(self, day: str, basis: str | None = None) -> bool:
        return self.start(basis) <= day and (self.effective_until is None or day <= self.effective_until)


@dataclass(frozen=True)
class Catalog:
    regime: str
    title: str
    version: str
    source: dict[str, str]
    effective_from: str
    effective_until: str | None
    scope: tuple[str, ...]
    controls: tuple[Control, ...]
    supersedes: str = ""
    notes: tuple[str, ...] = field(default=())

    def in_force(self, day: str) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    def describe(self, day: str) -> dict[str, Any]:
        """What a verdict records about this catalog on ``day``."""
        if self.in_force(day):
            state = "in_force"
        elif day < self.effective_from:
            state = "not_yet_in_force"
        else:
            state = "no_longer_in_force"
        out: dict[str, Any] = {"regime": self.regime, "version": self.version, "title": self.title,
                               "effective_from": self.effective_from, "state": state,
                               "source": self.source["document"], "url": self.source["url"]}
        if self.effective_until:
            out["effective_until"] = self.effective_until
        return out


def _day(value: Any, display: str, pointer: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise InputError(display, f"expected a date YYYY-MM-DD, got {value!r}", pointer)


def _optional_day(value: Any, display: str, pointer: str) -> str | None:
    return None if value is None else _day(value, display, pointer)


@cache
def catalogs() -> tuple[Catalog, ...]:
    out = []
    for path in sorted((data_dir("rules") / "catalogs").glob("*.yaml")):
        raw = read_bounded(path, f"catalogs/{path.name}")
        data = parse_yaml(raw.text(), raw.display)
        validate(data, "control-catalog", raw.display)
        start = _day(data["effective_from"], raw.display, "/effective_from")
        until = _optional_day(data.get("effective_until"), raw.display, "/effective_until")
        controls = []
        for i, c in enumerate(data["controls"]):
            at = f"/controls/{i}"
            by_basis = tuple(sorted((k, _day(v, raw.display, f"{at}/effective_from_by_basis/{k}"))
                                    for k, v in (c.get("effective_from_by_basis") or {}).items()))
            controls.append(Control(
                data["regime"], c["id"], c["title"], c["citation"], c["requirement"],
                _day(c.get("effective_from", start), raw.display, f"{at}/effective_from"),
                _optional_day(c.get("effective_until", until), raw.display, f"{at}/effective_until"),
                by_basis, tuple(c.get("carries", ())), c.get("not_machine_checkable", "")))
        if len({c.id for c in controls}) != len(controls):
            raise InputError(raw.display, "duplicate control id", "/controls")
        out.append(Catalog(data["regime"], data["title"], data["version"], dict(data["source"]), start, until,
                           tuple(data.get("scope", [data["regime"]])), tuple(controls),
                           data.get("supersedes", ""), tuple(data.get("notes", ()))))
    known = {c.key for cat in out for c in cat.controls}
    for cat in out:
        for control in cat.controls:
            for key in control.carries:
                if key not in known:
                    raise InputError(f"catalogs/{cat.regime}", f"{control.key} carries unknown control {key}")
    return tuple(out)


def known_controls() -> dict[str, Control]:
    return {c.key: c for cat in catalogs() for c in cat.controls}


def scope_words() -> tuple[str, ...]:
    """Every regime word a model's regulatory_scope may name (the closed vocabulary)."""
    return tuple(sorted({w for cat in catalogs() for w in (cat.regime, *cat.scope)}))


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


def _successors() -> dict[str, list[str]]:
    """predecessor control key -> the controls that carry it forward."""
    out: dict[str, list[str]] = defaultdict(list)
    for control in known_controls().values():
        for key in control.carries:
            out[key].append(control.key)
    return out


def expand(controls: list[str] | tuple[str, ...]) -> list[str]:
    """A rule's controls plus the controls that carry them forward (SR-11-7:x -> SR-26-2:y)."""
    succ = _successors()
    out = list(controls)
    for key in controls:
        out.extend(k for k in succ.get(key, ()) if k not in out)
    return out


def coverage(packs: list[Pack]) -> dict[str, list[str]]:
    """control key -> ids of the rules that map to it (directly or through a predecessor)."""
    rules: dict[str, set[str]] = defaultdict(set)
    for pack in packs:
        for rule in pack.rules:
            for control in expand(rule.controls):
                rules[control].add(rule.id)
    return {k: sorted(v) for k, v in rules.items()}


def _as_day(as_of: dict[str, Any]) -> str:
    return as_of["utc"][:10]


def _in_scope(cat: Catalog, scope: list[str]) -> bool:
    return any(word in scope for word in cat.scope)


def applied(scope: list[str], as_of: dict[str, Any], basis: str | None = None,
            packs: list[Pack] | None = None) -> dict[str, Any]:
    """The catalog versions the evaluation used (in scope), and rules that map only to controls
    not in force on the evaluation date: reported as such, never as satisfied."""
    day = _as_day(as_of)
    listing = [cat.describe(day) for cat in catalogs() if _in_scope(cat, scope)]
    out: dict[str, Any] = {"as_of": day, "catalogs": listing}
    if packs is not None:
        known = known_controls()
        stale = []
        for pack in packs:
            for rule in pack.rules:
                mapped = [known[k] for k in expand(rule.controls) if k in known]
                in_scope = [c for c in mapped if _in_scope(_catalog_of(c.regime), scope)]
                if in_scope and not any(c.in_force(day, basis) and _catalog_of(c.regime).in_force(day)
                                        for c in in_scope):
                    stale.append({"rule": rule.id, "controls": sorted(c.key for c in in_scope)})
        out["rules_not_in_force"] = stale
    return out


@cache
def _catalog_map() -> dict[str, Catalog]:
    return {cat.regime: cat for cat in catalogs()}


def _catalog_of(regime: str) -> Catalog:
    return _catalog_map()[regime]


def in_force_keys(scope: list[str], as_of: dict[str, Any], basis: str | None = None) -> list[str]:
    """Keys of the controls in scope and in force on the evaluation date: rules read them as
    ``input.context.controls_in_force`` so that a date lives in one place, the catalog."""
    return list(_in_force_keys(tuple(sorted(scope)), _as_day(as_of), basis))


@cache
def _in_force_keys(scope: tuple[str, ...], day: str, basis: str | None) -> tuple[str, ...]:
    return tuple(c.key for cat in catalogs() if _in_scope(cat, list(scope)) and cat.in_force(day)
                 for c in cat.controls if c.in_force(day, basis))


def roll_up(packs: list[Pack], findings: list[dict[str, Any]], scope: list[str],
            as_of: dict[str, Any] | None = None, basis: str | None = None) -> dict[str, dict[str, dict]]:
    rules_of = coverage(packs)
    open_, waived = defaultdict(int), defaultdict(int)
    for finding in findings:
        if finding["severity"] == "info":  # informational (e.g. a retention disposition), not a violation
            continue
        for control in expand(finding["controls"]):
            (waived if finding["waived"] else open_)[control] += 1
    day = _as_day(as_of) if as_of else None
    out: dict[str, dict[str, dict]] = {}
    listed: set[str] = set()
    for cat in catalogs():
        entries = {}
        for control in cat.controls:
            listed.add(control.key)
            in_force = day is None or (cat.in_force(day) and control.in_force(day, basis))
            entries[control.id] = _entry(control.key, _in_scope(cat, scope), in_force, rules_of, open_, waived,
                                         control.title, control.citation)
        out[cat.regime] = entries
    for key in sorted(set(rules_of) - listed):  # regimes without a catalog (e.g. a user's own)
        regime, _, clause = key.partition(":")
        out.setdefault(regime, {})[clause] = _entry(key, regime in scope, True, rules_of, open_, waived)
    return out


def _entry(key: str, in_scope: bool, in_force: bool, rules_of: dict, open_: dict, waived: dict,
           title: str = "", citation: str = "") -> dict[str, Any]:
    rules = rules_of.get(key, [])
    if not in_scope:
        status = "not_applicable"
    elif not in_force:
        status = "not_in_force"
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


def _dates(c: Control) -> str:
    text = f"{c.effective_from} –" + (f" {c.effective_until}" if c.effective_until else "")
    for basis, start in c.effective_from_by_basis:
        text += f"; {basis}: from {start}"
    return text


def markdown_table(packs: list[Pack]) -> str:
    """Regime -> controls -> rules, for the docs (generated; a test keeps docs/coverage.md current)."""
    rules_of = coverage(packs)
    lines = ["# Control coverage of the built-in packs", "",
             "Generated by `mlgov controls --format markdown`; requirement texts are our paraphrases, "
             "not the texts' words. Which catalog applies is decided by the evaluation date (`--as-of`): "
             "a control outside its effective dates is reported `not in force`, never satisfied.", "",
             "| regime | version | in force | source | rules | controls covered | not machine-checkable | "
             "not assessed |", "|---|---|---|---|---|---|---|---|"]
    for cat in catalogs():
        covered = sum(1 for c in cat.controls if rules_of.get(c.key))
        manual = sum(1 for c in cat.controls if not rules_of.get(c.key) and c.not_machine_checkable)
        rules = sorted({r for c in cat.controls for r in rules_of.get(c.key, [])})
        lines.append(f"| {cat.regime} | {cat.version} | {cat.effective_from} – {cat.effective_until or ''} | "
                     f"[{cat.source['document']}]({cat.source['url']}) | {len(rules)} | "
                     f"{covered} of {len(cat.controls)} | {manual} | {len(cat.controls) - covered - manual} |")
    lines.append("")
    for cat in catalogs():
        lines += [f"## {cat.regime}: {cat.title}", "",
                  f"Version {cat.version}; in force {cat.effective_from} – {cat.effective_until or '(open)'}"
                  + (f"; supersedes {cat.supersedes}" if cat.supersedes else "") + ". "
                  f"Regulatory scope words: {', '.join(cat.scope)}. "
                  f"Source: {cat.source['document']}, {cat.source['url']}"
                  + (f" ({cat.source['note']})" if cat.source.get("note") else "") + ".", ""]
        lines += [f"- {note}" for note in cat.notes]
        if cat.notes:
            lines.append("")
        lines += ["| control | citation | in force | requirement | rules |", "|---|---|---|---|---|"]
        for c in cat.controls:
            rules = ", ".join(rules_of.get(c.key, []))
            if not rules:
                rules = (f"not machine-checkable: {c.not_machine_checkable}" if c.not_machine_checkable
                         else "— (not assessed)")
            lines.append(f"| {c.id} {c.title} | {c.citation} | {_dates(c)} | {c.requirement} | {rules} |")
        lines.append("")
    return "\n".join(lines)


def natural_key(control_id: str) -> list:
    """Art.9 before Art.10, A.6.2.10 after A.6.2.9 (canonical JSON sorts keys as strings)."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", control_id)]
