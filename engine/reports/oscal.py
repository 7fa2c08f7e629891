"""OSCAL 1.2.3 assessment results (JSON) for assessors who use OSCAL tooling.

One result; one observation per finding (method AUTOMATED, with its evidence as relevant
evidence) and one OSCAL finding per control of the in-scope regimes that rules assessed, whose
target status is satisfied or not-satisfied and which links the observations behind it.
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

    observations, obs_of_control = [], {}
    for i, f in enumerate(p["findings"]):
        oid = uid("observation", str(i))
        observations.append({
            "uuid": oid, "title": f"{f['rule']}: {f['title']}", "description": f["message"],
            "methods": ["AUTOMATED"], "types": ["finding"],
            "collected": p["timeVerified"],
            "props": [{"name": "severity", "value": f["severity"], "ns": "https://mlgov.dev/ns/oscal"},
                      {"name": "waived", "value": str(f["waived"]).lower(), "ns": "https://mlgov.dev/ns/oscal"}],
            "relevant-evidence": [{"href": "#" + ev["pointer"], "description": "; ".join(
                f"{s['source']} @ {s.get('at', '')}" for s in ev["sources"]) or "derived by mlgov"}
                for ev in f["evidence"]],
        })
        for control in f["controls"]:
            obs_of_control.setdefault(control, []).append(oid)
    findings, assessed = [], []
    for regime, controls in p["controls"].items():
        for cid, entry in controls.items():
            if entry["status"] in ("not_applicable", "not_assessed", "not_in_force"):
                continue
            key = f"{regime}:{cid}"
            control_id = _token(f"{regime}-{cid}")
            assessed.append({"control-id": control_id})
            state = "satisfied" if entry["status"] in ("satisfied", "waived") else "not-satisfied"
            finding: dict[str, Any] = {
                "uuid": uid("finding", key), "title": f"{key} {entry.get('title', '')}".strip(),
                "description": f"{entry.get('citation', key)}: {entry['status'].replace('_', ' ')} "
                               f"(rules {', '.join(entry['rules'])})",
                "target": {"type": "objective-id", "target-id": control_id,
                           "status": {"state": state, "reason": entry["status"].replace("_", "-")}},
            }
            if obs_of_control.get(key):
                finding["related-observations"] = [{"observation-uuid": o} for o in obs_of_control[key]]
            findings.append(finding)
    result: dict[str, Any] = {
        "uuid": uid("result"), "title": f"mlgov gate for {p['input']['document_id']}",
        "description": f"{p['verificationResult']}: {p['decision']['reason']}. {ctx.verification}.",
        "start": p["timeVerified"], "end": p["timeVerified"],
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
