"""SARIF 2.1.0 for code-scanning UIs, within GitHub code scanning's upload rules.

One rule per rule that ran (full description, help, help URI, security-severity), one result per
finding, located at the input file that stated the first fact of its evidence (relative to the
inputs' common directory, named by ``originalUriBaseIds``), with the line and column when the
file is still there unchanged. A finding whose evidence mlgov derived itself (no input file) is
located at the bundle manifest. Waived findings carry a suppression with the justification.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import __version__
from .context import ReportContext
from .rule_info import help_uri, rules_of
from .source_lines import locate
from .view import FindingView, relative

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.1"}
ROOT_ID = "BUNDLEROOT"


def _root(paths: list[str], bundle_root: str) -> str:
    """The checkout (current directory) when every input lies in it, as code scanning resolves
    relative paths against the repository root; otherwise the inputs' common directory."""
    cwd = os.getcwd()
    return cwd if all(relative(x, cwd) != x or not os.path.isabs(x) for x in paths) else bundle_root


def _location(fv: FindingView, root: str, digests: dict[str, str], fallback: str) -> dict[str, Any]:
    ev = next((x for x in fv.evidence if x.path), None)
    absolute, at = (ev.absolute, ev.at) if ev else (fallback, "")
    path = relative(absolute, root) if absolute else "mlgov.yaml"
    physical: dict[str, Any] = {"artifactLocation": {"uri": path, "uriBaseId": ROOT_ID}}
    where = locate(absolute, digests.get(absolute), at) if absolute else None
    line, column, end_line, end_column = where or (1, 1, 1, 1)
    physical["region"] = {"startLine": line, "startColumn": column}
    if (end_line, end_column) > (line, column):
        physical["region"].update(endLine=end_line, endColumn=end_column)
    pointer = fv.evidence[0].pointer if fv.evidence else ""
    text = f"{pointer} (from {at or 'the release record'})" if where else \
        f"{pointer} (position in the file unknown: {at or 'derived by mlgov'})"
    return {"physicalLocation": physical, "message": {"text": text},
            "logicalLocations": [{"fullyQualifiedName": x.pointer, "kind": "member"} for x in fv.evidence[:1]]}


def _fingerprint(fv: FindingView) -> str:
    f = fv.finding
    pointers = ",".join(sorted({x.pointer for x in fv.evidence}))
    return hashlib.sha256(f"{f['rule']}|{f['subject']}|{pointers}".encode()).hexdigest()[:32]


def _rule(rule_id: str, finding: dict[str, Any] | None, meta: Any, controls: list[str]) -> dict[str, Any]:
    title = meta.title if meta else (finding or {}).get("title", rule_id)
    severity = meta.severity if meta else (finding or {}).get("severity", "medium")
    description = (meta.description if meta and meta.description else title)
    remediation = meta.remediation if meta and meta.remediation else "Correct the release record so that the " \
        "rule's requirement is established, or record an approved waiver."
    mapped = list(meta.controls) if meta else controls
    help_text = f"{description}\n\nRemediation: {remediation}\n\nControls: {', '.join(mapped) or 'none'}"
    return {"id": rule_id, "shortDescription": {"text": title[:1024]},
            "fullDescription": {"text": description[:1024]},
            "help": {"text": help_text, "markdown": f"{description}\n\n**Remediation:** {remediation}\n\n"
                     f"**Controls:** {', '.join(mapped) or 'none'}"},
            "helpUri": help_uri(rule_id),
            "defaultConfiguration": {"level": _LEVEL[severity]},
            "properties": {"severity": severity, "security-severity": _SECURITY_SEVERITY[severity],
                           "precision": "high", "problem.severity": {"error": "error", "warning": "warning"}
                           .get(_LEVEL[severity], "recommendation"),
                           "tags": ["compliance", *mapped], "controls": mapped}}


def sarif(ctx: ReportContext) -> str:
    p, view = ctx.predicate, ctx.view
    metas = rules_of(p)
    first = {}
    for f in p["findings"]:
        first.setdefault(f["rule"], f)
    ran = sorted({r for pack in p["packs"] for r in pack.get("rules", [])} | set(first))
    rules = [_rule(r, first.get(r), metas.get(r), first.get(r, {}).get("controls", [])) for r in ran]
    index = {r: i for i, r in enumerate(ran)}
    digests = {s["path"]: s.get("sha256") for s in p["input"]["sources"] if s.get("path")}
    manifest = next((s["path"] for s in p["input"]["sources"] if s.get("format") == "mlgov-bundle"), "")
    root = _root(list(digests), view.source_root)
    results = []
    for fv in view.findings:
        f = fv.finding
        result: dict[str, Any] = {
            "ruleId": f["rule"], "ruleIndex": index[f["rule"]], "level": _LEVEL[f["severity"]],
            "message": {"text": f"{f['subject']}: {f['message']}"},
            "locations": [_location(fv, root, digests, manifest)],
            "partialFingerprints": {"mlgovFinding/v1": _fingerprint(fv)},
            "properties": {"finding": fv.number, "subject": f["subject"], "severity": f["severity"],
                           "blocking": fv.blocking, "controls": fv.controls,
                           "controls_out_of_scope": fv.out_of_scope}}
        if f["waived"]:
            waiver = next((w for w in p["waivers"] if w["id"] == f.get("waiver")), {})
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": waiver.get("justification", f.get("waiver", ""))}]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "mlgov", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://mlgov.dev", "rules": rules}},
        "invocations": [{"executionSuccessful": True, "properties": {
            "decision": p["verificationResult"], "reason": p["decision"]["reason"], "verification": ctx.verification}}],
        "automationDetails": {"id": f"mlgov/{p['input']['document_id']}/{p['timeVerified']}"},
        "results": results,
        "properties": {"document_id": p["input"]["document_id"], "as_of": p["evaluation"]["as_of"]["utc"],
                       "signed_at": p["timeVerified"],
                       "decision": p["verificationResult"], "fail_on": p["decision"]["fail_on"],
                       "blocking_controls": [c.key for c in view.blocking_controls()],
                       "policy_digest": p["policy"]["digest"]["sha256"]}}
    if root:
        run["originalUriBaseIds"] = {ROOT_ID: {"uri": Path(root).resolve().as_uri() + "/", "description": {
            "text": "The directory the input files' paths are relative to (the checkout, or the bundle)."}}}
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
