"""OSCAL 1.2.3 assessment results (JSON) for assessors who use OSCAL tooling.

One result; one observation per finding (method AUTOMATED, with its evidence as relevant
evidence) and one OSCAL finding per control of the in-scope regimes that rules assessed (plus
the organisation-policy items of rules that map to no in-scope control, see view.py), whose
target status is satisfied or not-satisfied and which links the observations behind it.
Regimes outside the model's scope are not listed.
UUIDs are derived from the verdict, so the same verdict gives the same document.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from .. import __version__
from .context import ReportContext

OSCAL_VERSION = "1.2.3"
NS = "https://mlgov.dev/ns/oscal"
_NS = uuid.UUID("6f0e5c34-1b2a-4c9e-9d6a-3b7f2e1a8c55")


def _token(text: str) -> str:
    """An OSCAL token: starts with a letter or underscore; letters, digits, '.', '-', '_'."""
    token = re.sub(r"[^A-Za-z0-9._-]", "_", text.lower())
    return token if re.match(r"[A-Za-z_]", token) else f"c-{token}"


def render(ctx: ReportContext) -> str:
    p = ctx.predicate
    seed = f"{p['input']['document_digest']['sha256']}:{p['timeVerified']}:{p['policy']['digest']['sha256']}"

    def uid(*parts: str) -> str:
        return str(uuid.uuid5(_NS, ":".join((seed, *parts))))

    view = ctx.view
    observations, obs_of_control = [], {}
    for fv in view.findings:
        f = fv.finding
        oid = uid("observation", fv.number)
        observations.append({
            "uuid": oid, "title": f"{fv.number} {f['rule']}: {f['title']}", "description": f"{f['subject']}: "
            f"{f['message']}", "methods": ["AUTOMATED"], "types": ["finding"],
            "collected": p["timeVerified"],
            "props": [{"name": "severity", "value": f["severity"], "ns": NS},
                      {"name": "waived", "value": str(f["waived"]).lower(), "ns": NS},
                      {"name": "blocking", "value": str(fv.blocking).lower(), "ns": NS}],
            "relevant-evidence": [{"href": f"{x.path}#{x.at}" if x.path else "#" + x.pointer,
                                   "description": f"document {x.pointer}"
                                   + (f" stated by {x.path} at {x.at}" if x.path else ", derived by mlgov")}
                                  for x in fv.evidence],
        })
        for control in fv.controls:
            obs_of_control.setdefault(control, []).append(oid)
    findings, assessed = [], []
    for regime, controls in view.regimes.items():
        for c in controls:
            if c.status in ("not_assessed", "not_in_force"):
                continue
            control_id = _token(f"{regime}-{c.id}")
            assessed.append({"control-id": control_id})
            state = "satisfied" if c.status in ("satisfied", "waived") else "not-satisfied"
            finding: dict[str, Any] = {
                "uuid": uid("finding", c.key), "title": f"{c.key} {c.title}".strip(),
                "description": f"{c.citation or c.key}: {c.status.replace('_', ' ')} (rules {', '.join(c.rules)})"
                               + ("; blocks the release" if c.blocking else ""),
                "props": [{"name": "blocking", "value": str(c.blocking).lower(), "ns": NS}],
                "target": {"type": "objective-id", "target-id": control_id,
                           "status": {"state": state, "reason": c.status.replace("_", "-")}},
            }
            if obs_of_control.get(c.key):
                finding["related-observations"] = [{"observation-uuid": o} for o in obs_of_control[c.key]]
            findings.append(finding)
    result: dict[str, Any] = {
        "uuid": uid("result"), "title": f"mlgov gate for {p['input']['document_id']}",
        "description": f"{p['verificationResult']}: {p['decision']['reason']}. {ctx.verification}.",
        "start": p["timeVerified"], "end": p["timeVerified"],  # when the observations were made: the clock
        "props": [{"name": "evaluated-as-of", "value": p["evaluation"]["as_of"]["utc"], "ns": NS}],
        "reviewed-controls": {"control-selections": [{"include-controls": assessed} if assessed
                                                     else {"include-all": {}}]},
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    catalogs = [{"name": "catalog", "ns": "https://mlgov.dev/ns/oscal", "value": f"{c['regime']}: {c['version']}",
                 "remarks": f"{c['state'].replace('_', ' ')} on the evaluation date; {c['source']}, {c['url']}"}
                for c in (p.get("catalogs") or {}).get("catalogs", [])]
    doc = {"assessment-results": {
        "uuid": uid("assessment-results"),
        "metadata": {"title": f"mlgov assessment results: {p['input']['document_id']}",
                     "last-modified": p["timeVerified"], "version": __version__, "oscal-version": OSCAL_VERSION,
                     **({"props": catalogs} if catalogs else {})},
        "import-ap": {"href": f"mlgov:packs:sha256:{p['policy']['digest']['sha256']}"},
        "results": [result]}}
    return json.dumps(doc, indent=2) + "\n"
