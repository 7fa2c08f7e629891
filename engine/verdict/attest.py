"""Build the verdict: an in-toto Statement v1 whose predicate borrows the SLSA VSA field names,
serialised as RFC 8785 canonical JSON so the same inputs give the same payload bytes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import rfc8785

from .. import __version__
from ..controls import applied, roll_up
from ..errors import MlgovError
from ..packs.model import Pack, severity_rank
from . import PREDICATE_TYPE, VERIFIER_ID

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"


def decide(result: dict[str, Any], fail_on: str) -> dict[str, Any]:
    blocking = [f for f in result["findings"]
                if not f["waived"] and severity_rank(f["severity"]) >= severity_rank(fail_on)]
    if blocking:
        rules = sorted({f["rule"] for f in blocking})
        reason = f"{len(blocking)} open finding(s) at {fail_on} or above: {', '.join(rules)}"
    else:
        reason = f"no open finding at {fail_on} or above"
    return {"result": "fail" if blocking else "pass", "fail_on": fail_on, "blocking_findings": len(blocking),
            "reason": reason}


def policy_digest(packs: list[Pack]) -> str:
    """One digest for the set of packs that ran, in order."""
    listing = [{"name": p.name, "version": p.version, "digest": p.digest} for p in packs]
    return hashlib.sha256(rfc8785.dumps(listing)).hexdigest()


def subjects(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = [{"name": s.get("name", s["id"]), "digest": {"sha256": s["digest"]["sha256"]}}
           for s in document["subjects"] if s.get("digest", {}).get("sha256")]  # others: PRV-001
    if not out:
        raise MlgovError(f"{document['document_id']}: no released artifact has a sha256 digest; "
                         "there is nothing to bind a verdict to")
    return sorted(out, key=lambda s: (s["name"], s["digest"]["sha256"]))


def statement(document: dict[str, Any], result: dict[str, Any], packs: list[Pack], fail_on: str,
              validity_days: int) -> dict[str, Any]:
    decision = decide(result, fail_on)
    as_of = result["as_of"]
    start = datetime.fromtimestamp(as_of["epoch_s"], tz=UTC)
    model = document.get("model", {})
    scope, basis = model.get("regulatory_scope", []), model.get("high_risk_basis")
    predicate = {
        "verifier": {"id": VERIFIER_ID, "version": {"mlgov": __version__, "engine": result["engine"]["version"]}},
        "timeVerified": as_of["utc"],
        "resourceUri": f"mlgov:document:{document['document_id']}",
        "policy": {"uri": "mlgov:packs:" + ",".join(f"{p.name}@{p.version}" for p in packs),
                   "digest": {"sha256": policy_digest(packs)}},
        "verificationResult": "PASSED" if decision["result"] == "pass" else "FAILED",
        "decision": decision,
        "input": {"document_id": document["document_id"],
                  "document_digest": {"sha256": result["document_digest"].removeprefix("sha256:")},
                  "sources": document["sources"]},
        "evaluation": {"as_of": as_of, "engine": result["engine"]},
        "packs": result["packs"],
        "validity": {"not_before": as_of["utc"],
                     "not_after": _utc(start + timedelta(days=validity_days))},
        "findings": result["findings"],
        "waivers": result["waivers"],
        "summary": result["summary"],
        "controls": roll_up(packs, result["findings"], scope, as_of, basis),
        "catalogs": applied(scope, as_of, basis, packs),
    }
    return {"_type": STATEMENT_TYPE, "subject": subjects(document), "predicateType": PREDICATE_TYPE,
            "predicate": predicate}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def payload_bytes(stmt: dict[str, Any]) -> bytes:
    return rfc8785.dumps(stmt)
