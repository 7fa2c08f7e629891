"""Signed waivers (``mlgov waive``): a waivers file signed by the person who grants them.

A DSSE envelope around an in-toto Statement whose predicate carries the waivers, the signer
and the signing time. The signer is the approver of every waiver in it; whether they may
grant waivers at all is the approver policy's call (``waiver_authority``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import rfc8785

from .. import timeutil
from . import dsse
from .keys import Signer

PREDICATE_TYPE = "https://mlgov.dev/attestations/waivers/v1"


def sign(waivers: list[dict], signer_identity: dict[str, str], signer: Signer, signed_at: datetime,
         ) -> dict[str, Any]:
    predicate = {"signer": {**signer_identity, "keyid": signer.keyid},
                 "signedAt": timeutil.from_datetime(signed_at)["utc"], "waivers": waivers}
    stmt = {"_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": f"waiver:{w['id']}", "digest": {"sha256": _digest(w)}} for w in waivers],
            "predicateType": PREDICATE_TYPE, "predicate": predicate}
    return dsse.sign(rfc8785.dumps(stmt), dsse.IN_TOTO_PAYLOAD_TYPE, signer)


def _digest(waiver: dict) -> str:
    import hashlib

    return hashlib.sha256(rfc8785.dumps(waiver)).hexdigest()


def peek(envelope: Any) -> dict[str, Any] | None:
    """The (unauthenticated) Statement of a signed waivers envelope, or None if it is not one."""
    return dsse.peek_statement(envelope, PREDICATE_TYPE)
