"""Reports for CI systems: SARIF 2.1.0 (code-scanning UIs) and JUnit XML (test tabs).

SARIF: one rule per mlgov rule that ran, one result per finding, located at the input file the
evidence came from (waived findings carry a suppression with the waiver's justification).
JUnit: one test suite per pack and one test case per rule; a rule with open findings fails,
one whose findings are all waived is skipped.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any
from xml.etree import ElementTree as ET

from .. import __version__
from .context import ReportContext

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
_LINE = re.compile(r"^line (\d+)$")


def _locations(finding: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for ev in finding["evidence"]:
        logical = [{"fullyQualifiedName": ev["pointer"], "kind": "member"}]
        for source in ev["sources"][:1]:
            physical: dict[str, Any] = {"artifactLocation": {"uri": source["source"]}}
            match = _LINE.match(source.get("at", ""))
            if match:
                physical["region"] = {"startLine": int(match[1])}
            out.append({"physicalLocation": physical, "logicalLocations": logical,
                        "message": {"text": f"{ev['pointer']} (from {source.get('at', '')})"}})
        if not ev["sources"]:
            out.append({"logicalLocations": logical})
    return out


def sarif(ctx: ReportContext) -> str:
    p = ctx.predicate
    rules: dict[str, dict[str, Any]] = {}
    for f in p["findings"]:
        rules.setdefault(f["rule"], {
            "id": f["rule"], "name": f["rule"], "shortDescription": {"text": f.get("title", f["rule"])},
            "defaultConfiguration": {"level": _LEVEL[f["severity"]]},
            "properties": {"severity": f["severity"], "controls": f["controls"], "pack": f["pack"],
                           "tags": f["controls"], "location": f["location"]}})
    order = sorted(rules)
    results = []
    for f in p["findings"]:
        result: dict[str, Any] = {
            "ruleId": f["rule"], "ruleIndex": order.index(f["rule"]), "level": _LEVEL[f["severity"]],
            "message": {"text": f["message"]}, "locations": _locations(f),
            "properties": {"subject": f["subject"], "severity": f["severity"], "controls": f["controls"]}}
        if f["waived"]:
            waiver = next((w for w in p["waivers"] if w["id"] == f.get("waiver")), {})
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": waiver.get("justification", f.get("waiver", ""))}]
        results.append(result)
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "mlgov", "version": __version__, "informationUri": "https://mlgov.dev",
                            "rules": [rules[r] for r in order]}},
        "invocations": [{"executionSuccessful": True, "properties": {
            "decision": p["verificationResult"], "reason": p["decision"]["reason"], "verification": ctx.verification}}],
        "automationDetails": {"id": f"mlgov/{p['input']['document_id']}/{p['timeVerified']}"},
        "results": results,
        "properties": {"document_id": p["input"]["document_id"], "as_of": p["timeVerified"],
                       "policy_digest": p["policy"]["digest"]["sha256"]}}]}
    return json.dumps(log, indent=2) + "\n"


def junit(ctx: ReportContext) -> str:
    p = ctx.predicate
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in p["findings"]:
        by_rule[f["rule"]].append(f)
    rules_by_pack = {x["name"]: set(x.get("rules", [])) for x in p["packs"]}
    for f in p["findings"]:
        rules_by_pack.setdefault(f["pack"], set()).add(f["rule"])
    root = ET.Element("testsuites", name=f"mlgov {p['input']['document_id']}")
    totals = {"tests": 0, "failures": 0}
    for pack in sorted(rules_by_pack):
        rules = sorted(rules_by_pack[pack])
        suite = ET.SubElement(root, "testsuite", name=pack, tests=str(len(rules)), errors="0", skipped="0",
                              failures="0", timestamp=p["timeVerified"])
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="document_id", value=p["input"]["document_id"])
        ET.SubElement(props, "property", name="decision", value=p["verificationResult"])
        failures = skipped = 0
        for rule in rules:
            found = by_rule.get(rule, [])
            case = ET.SubElement(suite, "testcase", classname=f"mlgov.{pack}",
                                 name=f"{rule} {found[0]['title'] if found else ''}".strip())
            open_ = [f for f in found if not f["waived"]]
            if open_:
                failures += 1
                failure = ET.SubElement(case, "failure", type=open_[0]["severity"],
                                        message=f"{len(open_)} finding(s): {open_[0]['message'][:200]}")
                failure.text = "\n".join(f"[{f['severity']}] {f['subject']}: {f['message']} "
                                         f"(evidence: {', '.join(ev['pointer'] for ev in f['evidence'])})"
                                         for f in open_)
            elif found:
                skipped += 1
                ET.SubElement(case, "skipped", message=f"waived: {', '.join(sorted({f['waiver'] for f in found}))}")
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
        totals["tests"] += len(rules)
        totals["failures"] += failures
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

