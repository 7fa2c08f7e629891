"""The signed retention action plan: an in-toto Statement (predicate type retention-plan/v1) in a
DSSE envelope. Its Markdown and HTML renderings live with the other renderers (reports/plan.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import rfc8785

from .. import __version__
from ..packs.model import Pack
from ..signing import dsse
from ..signing.keys import Signer
from ..verdict.attest import STATEMENT_TYPE, policy_digest

PREDICATE_TYPE = "https://mlgov.dev/attestations/retention-plan/v1"


def statement(outcome: dict[str, Any], packs: list[Pack], as_of: dict, source: str,
              changes: list[dict] | None, signed_at: datetime) -> dict[str, Any]:
    """The plan. ``signed_at`` is the clock's time (``timeVerified``, as for a verdict); ``as_of``
    is the audit date the user asked for, which may be any date: a plan never claims to have been
    verified on it."""
    subjects = sorted({(s["name"], s["digest"]["sha256"]) for e in outcome["entries"] for s in e.get("subjects", ())})
    if not subjects:  # a plan still needs a subject: bind it to the inventory listing itself
        listing = rfc8785.dumps(sorted(e["artifact"] for e in outcome["entries"]))
        subjects = [("inventory", hashlib.sha256(listing).hexdigest())]
    predicate: dict[str, Any] = {
        "verifier": {"id": "https://mlgov.dev/verifier", "version": {"mlgov": __version__}},
        "timeVerified": signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "as_of": as_of, "inventory": source,
        "policy": {"digest": {"sha256": policy_digest(packs)}},
        "packs": [p.summary() for p in packs], "summary": outcome["summary"],
        "entries": outcome["entries"], "failures": outcome["failures"],
    }
    if changes is not None:
        predicate["changes"] = changes
    if "deleted" in outcome:
        predicate["deleted"] = outcome["deleted"]
    return {"_type": STATEMENT_TYPE, "predicateType": PREDICATE_TYPE,
            "subject": [{"name": n, "digest": {"sha256": d}} for n, d in subjects], "predicate": predicate}


def digest(envelope: dict[str, Any]) -> str:
    """The signed plan's digest as the audit log records it (RFC 8785 of the envelope, as for a verdict)."""
    return hashlib.sha256(rfc8785.dumps(envelope)).hexdigest()


def sign(stmt: dict[str, Any], signer: Signer) -> dict[str, Any]:
    return dsse.sign(rfc8785.dumps(stmt), dsse.IN_TOTO_PAYLOAD_TYPE, signer)
