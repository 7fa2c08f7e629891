"""Waivers: accountable, time-limited exceptions for one rule on named subjects.

A waiver applies only when all of these hold, and every decision is reported (in the
evaluation result, the verdict and the audit log), never silently dropped:

- it is signed (``mlgov waive``) by a key the approver policy grants waiver authority
  (authenticated before evaluation by :mod:`mlgov.signing.authenticate`);
- it names its subjects exactly (no wildcards: a waiver is for findings someone looked at);
- it was approved by, and has not expired at, the evaluation date;
- its approver is not an author or trainer of the model;
- every finding it would waive is of a waivable severity, and the waiver runs no longer than
  that severity allows (pack parameter ``waiver_max_days``; default below: critical never).
A waived finding stays in the results, marked waived.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import timeutil
from ..document.schema import validate
from ..errors import InputError
from ..packs.model import severity_rank
from ..safeio import parse_json, parse_yaml, read_bounded

# Longest waiver, in days, per severity; a severity not listed cannot be waived at all.
WAIVER_MAX_DAYS = {"high": 90, "medium": 180, "low": 365, "info": 365}
_WILDCARD = set("*?[")


def load_waivers(path: Path) -> list[dict]:
    """Waivers of a YAML file (unsigned) or of a signed waivers envelope (``mlgov waive``)."""
    from ..signing import signed_waivers

    raw = read_bounded(path)
    text = raw.text()
    envelope, signed = None, None
    if text.lstrip().startswith("{"):
        envelope = parse_json(text, raw.display)
        signed = signed_waivers.peek(envelope)
        if signed is None:
            raise InputError(raw.display, "not a signed waivers envelope (mlgov waive) nor a waivers YAML file")
        data = {"apiVersion": "mlgov.dev/v1", "kind": "Waivers", "waivers": signed["predicate"].get("waivers")}
        where = f"{raw.display} (signed payload)"
    else:
        data = parse_yaml(text, raw.display)
        where = raw.display
    validate(data, "waivers", where)
    seen = set()
    for i, waiver in enumerate(data["waivers"]):
        if waiver["id"] in seen:
            raise InputError(where, f"duplicate waiver id {waiver['id']!r}", f"/waivers/{i}/id")
        seen.add(waiver["id"])
        for j, subject in enumerate(waiver["subjects"]):
            if _WILDCARD & set(subject):
                raise InputError(where, f"wildcard subject {subject!r}: a waiver names each subject it covers",
                                 f"/waivers/{i}/subjects/{j}")
        if signed is not None:  # the signer approves, at the signing time, whatever the file says
            waiver["approved"] = signed["predicate"].get("signedAt")
            waiver["_envelope"] = {k: envelope[k] for k in ("payloadType", "payload", "signatures")}
        for field in ("approved", "expires"):
            if waiver.get(field):
                waiver[f"_{field}"] = timeutil.normalize(waiver[field], raw.display, f"/waivers/{i}/{field}")
    return data["waivers"]


def _matches(waiver: dict, finding: dict, document: dict) -> bool:
    names = {finding.get("subject", ""), document.get("document_id", ""), document.get("model", {}).get("name", "")}
    names |= {s.get("name", "") for s in document.get("subjects", [])}
    return any(subject in names for subject in waiver["subjects"])


def _authors(document: dict) -> list[dict]:
    people = list(document.get("model", {}).get("developers", []))
    return people + [r["trained_by"] for r in document.get("training_runs", []) if r.get("trained_by")]


def _same_person(a: dict, b: dict) -> bool:
    return any(a.get(k) and b.get(k) and str(a[k]).lower() == str(b[k]).lower() for k in ("email", "name"))


def _refusal(waiver: dict, matched: list[dict], document: dict, as_of: dict,
             params: dict[str, dict]) -> tuple[str, str] | None:
    """(status, reason) when the waiver may not apply, else None."""
    auth = waiver.get("_auth") or {"status": "unsigned", "reason": "not signed (waivers are signed with mlgov waive)"}
    if auth["status"] != "authenticated":
        return auth["status"], auth["reason"]
    if waiver["_approved"]["epoch_s"] > as_of["epoch_s"]:
        return "not_yet_valid", f"approved {waiver['_approved']['utc']}, after the evaluation date"
    if waiver["_expires"]["epoch_s"] <= as_of["epoch_s"]:
        return "expired", f"expired {waiver['_expires']['utc']}"
    signer = auth["signer"]
    author = next((a for a in _authors(document) if _same_person(signer, a)), None)
    if author is not None:
        return "not_independent", f"approved by {signer.get('name')}, an author or trainer of the model"
    days = (waiver["_expires"]["epoch_s"] - waiver["_approved"]["epoch_s"]) / 86400
    for finding in sorted(matched, key=lambda f: -severity_rank(f["severity"])):
        limits = params.get(finding["pack"], {}).get("waiver_max_days", WAIVER_MAX_DAYS)
        limit = limits.get(finding["severity"])
        if limit is None:
            return "not_waivable", f"{finding['severity']} findings ({finding['rule']}) cannot be waived"
        if days > limit:
            return "too_long", (f"runs {days:.0f} days; a waiver of a {finding['severity']} finding may run at "
                                f"most {limit} days")
    return None


def apply_waivers(findings: list[dict], waivers: list[dict], document: dict, as_of: dict,
                  params: dict[str, dict] | None = None) -> list[dict]:
    """Mark waived findings in place; return the decision on every waiver."""
    report = []
    for waiver in waivers:
        matched = [f for f in findings if f["rule"] == waiver["rule"] and _matches(waiver, f, document)]
        refused = _refusal(waiver, matched, document, as_of, params or {})
        status, reason = refused or ("applied", "")
        if status == "applied":
            for finding in matched:
                if not finding["waived"]:
                    finding["waived"] = True
                    finding["waiver"] = waiver["id"]
            if not matched:
                status, reason = "unused", "no finding matched"
        entry: dict[str, Any] = {"id": waiver["id"], "rule": waiver["rule"], "status": status,
                                 "findings": len(matched), "subjects": list(waiver["subjects"]),
                                 "justification": waiver["justification"], "expires": waiver["_expires"]["utc"]}
        auth = waiver.get("_auth") or {}
        if auth.get("status") == "authenticated":
            entry["approved_by"] = dict(auth["signer"])
            entry["keyid"] = auth["keyid"]
        elif "approved_by" in waiver:  # typed into the waiver file: reported as the claim it is
            entry["claimed_approved_by"] = dict(waiver["approved_by"])
        if reason:
            entry["reason"] = reason
        report.append(entry)
    return report
