"""Approval attestations: a person's signed decision about exact artifacts.

A DSSE envelope around an in-toto Statement v1 whose subjects are the approved artifacts'
digests and whose predicate is the signature manifestation 21 CFR 11.50 asks for: who signed
(name, key id), in which role, what they decided and what the signature means, when, and the
release record (document id and content digest) they looked at.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import timeutil
from . import dsse
from .keys import Signer

PREDICATE_TYPE = "https://mlgov.dev/attestations/approval/v1"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
DECISIONS = {"approve": "approved", "approved": "approved", "conditional": "conditional",
             "reject": "rejected", "rejected": "rejected", "revoke": "revoked", "revoked": "revoked"}


def statement(subjects: list[dict], signer: dict[str, str], keyid: str, role: str, decision: str, meaning: str,
              signed_at: datetime, document_id: str, content_digest: str,
              expires: datetime | None = None, conditions: list[str] | None = None) -> dict[str, Any]:
    predicate: dict[str, Any] = {
        "signer": {**signer, "keyid": keyid},
        "role": role,
        "decision": DECISIONS[decision],
        "meaning": meaning,
        "signedAt": timeutil.from_datetime(signed_at)["utc"],
        "release": {"document_id": document_id, "content_digest": {"sha256": content_digest}},
    }
    if conditions:
        predicate["conditions"] = list(conditions)
    if expires is not None:
        predicate["expires"] = timeutil.from_datetime(expires)["utc"]
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": PREDICATE_TYPE, "predicate": predicate}


def sign(stmt: dict[str, Any], signer: Signer) -> dict[str, Any]:
    import rfc8785

    return dsse.sign(rfc8785.dumps(stmt), dsse.IN_TOTO_PAYLOAD_TYPE, signer)


def is_approval(envelope: Any) -> bool:
    """True for a DSSE envelope whose (unverified) payload is an approval Statement."""
    return peek(envelope) is not None


def peek(envelope: Any) -> dict[str, Any] | None:
    """The Statement inside, NOT authenticated: for reading claims, never for trusting them."""
    return dsse.peek_statement(envelope, PREDICATE_TYPE)
