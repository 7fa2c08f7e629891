"""What `mlgov log record-waivers` records for a waiver: what was verified, not what its file claims.

A waiver is an approved exception only when its DSSE signature verifies against a key the approver
policy gives waiver authority (:func:`mlgov.signing.authenticate.authenticate_waivers` sets
``_auth``); an ``approved_by`` field or an unchecked signature is recorded as the claim it is.
"""

from __future__ import annotations

from typing import Any

# The entry's decision for each authentication status (unsigned: whether it claims an approver).
APPROVED = "approved"
REJECTED = "rejected"
SIGNATURE_NOT_VERIFIED = "signature_not_verified"
CLAIMED_UNVERIFIED = "claimed_unverified"
UNAPPROVED = "unapproved"


def waiver_entry(waiver: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(decision, details) of the audit-log entry for one authenticated-or-not waiver."""
    auth = waiver.get("_auth") or {"status": "unsigned", "reason": "not signed (waivers are signed with `mlgov waive`)"}
    details: dict[str, Any] = {"waiver": waiver["id"], "rule": waiver["rule"], "subjects": waiver["subjects"],
                               "justification": waiver["justification"], "expires": waiver["_expires"]["utc"],
                               "authentication": {"status": auth["status"], "reason": auth["reason"]}}
    status = auth["status"]
    if status == "authenticated":
        details.update(approved_by=dict(auth["signer"]), keyid=auth["keyid"], approved=waiver["_approved"]["utc"])
        return APPROVED, details
    if "_envelope" in waiver:  # signed, but not verified here (no policy) or not accepted (rejected)
        details["claimed_signer"] = _claimed_signer(waiver["_envelope"])
        if status == "rejected" and auth.get("keyid"):
            details["keyid"] = auth["keyid"]
        return (REJECTED if status == "rejected" else SIGNATURE_NOT_VERIFIED), details
    if "approved_by" in waiver:  # a field anyone can type: recorded as a claim
        details["claimed_approved_by"] = waiver["approved_by"]
        if waiver.get("_approved"):
            details["claimed_approved"] = waiver["_approved"]["utc"]
        return CLAIMED_UNVERIFIED, details
    return UNAPPROVED, details


def _claimed_signer(envelope: dict[str, Any]) -> Any:
    from ..signing.signed_waivers import peek

    stmt = peek(envelope) or {}
    return stmt.get("predicate", {}).get("signer")


__all__ = ["APPROVED", "CLAIMED_UNVERIFIED", "REJECTED", "SIGNATURE_NOT_VERIFIED", "UNAPPROVED", "waiver_entry"]
