"""The one reading of a verdict that every report format renders, so that no format can contradict
the decision.

- Regimes in the model's regulatory scope show their controls; regimes out of scope are listed as
  not applicable and never carry findings; controls not in force on the evaluation date carry none.
- Every open finding (info findings only when they block) violates at least one shown item: its
  in-scope controls, or, when its rule maps to none of them, the organisation's policy for that
  rule (regime ``ORG-POLICY``, control = the rule id). So a FAILED verdict always shows a blocking
  violation and a PASSED one never does.
- Findings are numbered once (F-1, F-2, ... in verdict order) and list the controls they touch.
- Evidence is given as a path relative to the inputs' common directory plus a JSON pointer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ..controls import natural_key
from ..packs.model import severity_rank

STATUS_ORDER = ("violated", "waived", "satisfied", "not_assessed", "not_in_force", "not_applicable")
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
ORG_POLICY = "ORG-POLICY"
ORG_POLICY_TITLE = "Organisation policy (rules that map to no control of an in-scope regime)"


@dataclass(frozen=True)
class Evidence:
    pointer: str
    path: str  # relative to the inputs' common directory; "" when mlgov derived the fact
    at: str    # where in that file (a JSON pointer or "line N"), as the reader recorded it
    absolute: str = ""


@dataclass
class FindingView:
    number: str
    finding: dict[str, Any]
    blocking: bool
    violates: bool                 # counts against the controls it touches (open, and not merely informative)
    controls: list[str]            # "REGIME:ID" of in-scope regimes, or ["ORG-POLICY:RULE"]
    out_of_scope: list[str]        # controls of regimes outside the model's scope (never shown as findings)
    evidence: list[Evidence]

    @property
    def rule(self) -> str:
        return self.finding["rule"]

    @property
    def severity(self) -> str:
        return self.finding["severity"]


@dataclass
class ControlView:
    regime: str
    id: str
    title: str
    citation: str
    status: str
    rules: list[str]
    findings: list[str] = field(default_factory=list)  # finding numbers
    blocking: bool = False

    @property
    def key(self) -> str:
        return f"{self.regime}:{self.id}"


@dataclass
class ReportView:
    passed: bool
    fail_on: str
    findings: list[FindingView]
    regimes: dict[str, list[ControlView]]   # in-scope regimes (and ORG-POLICY when used), in order
    out_of_scope: list[str]
    source_root: str

    def counts(self) -> dict[str, dict[str, int]]:
        out = {}
        for regime, controls in self.regimes.items():
            counts = dict.fromkeys(STATUS_ORDER, 0)
            for c in controls:
                counts[c.status] += 1
            out[regime] = counts
        return out

    def blocking_controls(self) -> list[ControlView]:
        return [c for controls in self.regimes.values() for c in controls if c.blocking]

    def finding(self, number: str) -> FindingView:
        return next(f for f in self.findings if f.number == number)


def _source_root(predicate: dict[str, Any]) -> str:
    paths = [s["path"] for s in predicate["input"]["sources"] if s.get("path")]
    if not paths:
        return ""
    try:
        return os.path.commonpath([os.path.dirname(p) or "." for p in paths])
    except ValueError:  # mixed absolute and relative paths
        return ""


def relative(path: str, root: str) -> str:
    """`path` relative to `root` with forward slashes; unchanged when it is not under root."""
    if not root or not path:
        return path
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def build(predicate: dict[str, Any]) -> ReportView:
    fail_on = predicate["decision"]["fail_on"]
    floor = severity_rank(fail_on)
    in_scope = [r for r, cs in predicate["controls"].items()
                if any(c["status"] != "not_applicable" for c in cs.values())]
    out_of_scope = [r for r in predicate["controls"] if r not in in_scope]
    root = _source_root(predicate)
    # a control not in force on the evaluation date cannot be violated: its findings go elsewhere
    known = {f"{r}:{cid}" for r in in_scope for cid, c in predicate["controls"][r].items()
             if c["status"] != "not_in_force"}
    findings = []
    for i, f in enumerate(predicate["findings"], 1):
        blocking = not f["waived"] and severity_rank(f["severity"]) >= floor
        violates = blocking or (not f["waived"] and f["severity"] != "info")
        mine = [c for c in f["controls"] if c in known]
        if not mine and (violates or f["waived"]):
            mine = [f"{ORG_POLICY}:{f['rule']}"]
        evidence = [Evidence(ev["pointer"], relative(s["source"], root), s.get("at", ""), s["source"])
                    for ev in f["evidence"] for s in ev["sources"]]
        evidence += [Evidence(ev["pointer"], "", "") for ev in f["evidence"] if not ev["sources"]]
        findings.append(FindingView(f"F-{i}", f, blocking, violates, mine,
                                    [c for c in f["controls"] if c not in known], evidence))
    regimes: dict[str, list[ControlView]] = {}
    for regime in in_scope:
        regimes[regime] = [ControlView(regime, cid, e.get("title", ""), e.get("citation", ""), e["status"],
                                       list(e["rules"]))
                           for cid, e in sorted(predicate["controls"][regime].items(),
                                                key=lambda kv: natural_key(kv[0]))]
    org: dict[str, ControlView] = {}
    for fv in findings:
        for key in fv.controls:
            if key.startswith(ORG_POLICY + ":"):
                org.setdefault(key, ControlView(ORG_POLICY, fv.rule, fv.finding.get("title", fv.rule),
                                                f"rule {fv.rule}", "satisfied", [fv.rule]))
    if org:
        regimes[ORG_POLICY] = [org[k] for k in sorted(org, key=natural_key)]
    by_key = {c.key: c for cs in regimes.values() for c in cs}
    for fv in findings:
        for key in fv.controls:
            by_key[key].findings.append(fv.number)
    for control in by_key.values():
        _settle(control, [next(f for f in findings if f.number == n) for n in control.findings])
    return ReportView(predicate["verificationResult"] == "PASSED", fail_on, findings, regimes, out_of_scope, root)


def _settle(control: ControlView, findings: list[FindingView]) -> None:
    """Status from the findings shown against the control, so the matrix and the list agree."""
    control.blocking = any(f.blocking for f in findings)
    if any(f.violates for f in findings):
        control.status = "violated"
    elif findings and all(f.finding["waived"] for f in findings):
        control.status = "waived"
    elif control.status in ("violated", "waived"):  # only informative findings touch it
        control.status = "satisfied"
