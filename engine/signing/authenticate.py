"""Authenticate the approvals of a document against the approver policy, before evaluation.

Rego cannot check signatures (and packs may not use ``crypto.*``), so this step does it and
writes the outcome into each approval's ``authentication``; the approvals pack then counts
what was authenticated. Whatever ``authentication`` a document arrives with is overwritten:
only this step may say an approval is authenticated. The authenticated person is recorded
as ``authentication.signer`` (the policy's identity, which independence is judged on); the
entry's claimed ``approver`` is left as the source stated it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .. import timeutil
from ..document import vocab
from ..document.digest import content_digest
from ..document.schema import validator
from . import dsse
from .approver_policy import Approver, ApproverKey, ApproverPolicy

UNSIGNED = "an approval claim with no signature (approvals are signed with `mlgov approve`)"
UNCHECKED = "signed, but no approver policy was given to authenticate it (gate --approvers POLICY)"


def authenticate_approvals(document: dict[str, Any], policy: ApproverPolicy | None, now: datetime) -> None:
    """Set ``authentication`` on every approval of ``document`` (in place). ``now`` is the clock."""
    # a subject known only by another algorithm (an npm package's sha512) cannot be what a
    # sha256-bound approval names; it is not released as far as approvals go (PRV-001 reports it)
    released = {s["digest"]["sha256"] for s in document.get("subjects", []) if s.get("digest", {}).get("sha256")}
    content = content_digest(document)
    for entry in document.get("approvals", []):
        if "attestation" not in entry:
            auth: dict[str, Any] = {"status": "unsigned", "reason": UNSIGNED}
        elif policy is None:
            auth = {"status": "unchecked", "reason": UNCHECKED}
        else:
            auth = _check(entry, policy, released, content, now)
        if policy is not None:
            auth["policy"] = policy.digest
        entry["authentication"] = auth


def _check(entry: dict, policy: ApproverPolicy, released: set[str], content: str, now: datetime) -> dict[str, Any]:
    envelope = entry["attestation"]["envelope"]
    try:
        keyid, _, payload = dsse.verify_envelope(envelope, policy.all_keys())
    except dsse.EnvelopeError as exc:
        return _rejected(f"not a valid signed approval: {exc}")
    except dsse.Unverified:
        return _rejected("forged or unknown signer: no signature verifies with a key of the approver policy")
    try:
        stmt = json.loads(payload)
    except ValueError:
        stmt = None
    errors = list(validator("approval-statement").iter_errors(stmt)) if isinstance(stmt, dict) else ["not JSON"]
    if errors:
        return _rejected("the signed payload is not an approval statement", keyid)
    person, key = policy.holder(keyid)  # type: ignore[misc]  # verify_envelope used only policy keys
    problem = _problem(entry, stmt, person, key, released, content, now)
    if problem:
        return _rejected(problem, keyid)
    return {"status": "authenticated", "reason": f"signed by {person.name} with key {keyid}", "keyid": keyid,
            "signer": person.identity()}


def _problem(entry: dict, stmt: dict, person: Approver, key: ApproverKey, released: set[str], content: str,
             now: datetime) -> str | None:
    """Why a correctly signed approval still does not count, or None."""
    p = stmt["predicate"]
    index = entry["attestation"]["subject"]
    subjects = stmt["subject"]
    signed_at = timeutil.to_datetime(p["signedAt"], "approval", "/predicate/signedAt")
    if index >= len(subjects) or not _matches(entry, p, subjects[index], signed_at):
        return "the approval entry does not match what was signed (altered after signing)"
    if p["signer"]["name"].strip().lower() != person.name.strip().lower():
        return f"signed with the key of {person.name}, but the signature names {p['signer']['name']}"
    stamp = _utc(key.revoked) if key.revoked else ""
    if key.revoked is not None and key.revoked <= now:
        why = f" ({key.revoked_reason})" if key.revoked_reason else ""
        return f"signed with key {key.keyid} of {person.name}, revoked {stamp}{why}"
    if (key.not_before and signed_at < key.not_before) or (key.not_after and signed_at >= key.not_after):
        window = f"{_utc(key.not_before) if key.not_before else '-'} to {_utc(key.not_after) if key.not_after else '-'}"
        return f"signed {p['signedAt']} with a key of {person.name} that was valid only {window} (expired key)"
    if signed_at > now:
        return f"claims to be signed {p['signedAt']}, later than the gate's clock ({_utc(now)})"
    role = vocab.role(p["role"])
    if role not in person.roles:
        return f"{person.name} may sign as {', '.join(sorted(person.roles))}, not as {role} (wrong role)"
    if p.get("expires") and timeutil.to_datetime(p["expires"], "approval", "/predicate/expires") <= now:
        return f"the approval expired {p['expires']}"
    digest = subjects[index]["digest"]["sha256"]
    if digest not in released:
        return (f"signed for sha256:{digest[:12]}… ({subjects[index]['name']}), which is not an artifact of this "
                "release (replayed from another release?)")
    signed_content = p["release"]["content_digest"]["sha256"]
    if signed_content != content:
        return (f"signed for another version of the release record ({p['release']['document_id']}, content "
                f"sha256:{signed_content[:12]}…; this release: sha256:{content[:12]}…)")
    return None


def _matches(entry: dict, p: dict, subject: dict, signed_at: datetime) -> bool:
    return (entry.get("artifact_digest", {}).get("sha256") == subject["digest"]["sha256"]
            and entry.get("role") == vocab.role(p["role"]) and entry.get("decision") == p["decision"]
            and entry.get("timestamp", {}).get("epoch_s") == timeutil.from_datetime(signed_at)["epoch_s"])


def _rejected(reason: str, keyid: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"status": "rejected", "reason": reason}
    if keyid:
        out["keyid"] = keyid
    return out


def _utc(moment: datetime) -> str:
    return timeutil.from_datetime(moment)["utc"]


def authenticate_waivers(waivers: list[dict], policy: ApproverPolicy | None, now: datetime) -> None:
    """Set ``_auth`` on every waiver (in place): only a signature by a key the policy grants
    waiver authority, valid and unrevoked at the signing time and the clock, authenticates it."""
    for waiver in waivers:
        if "_envelope" not in waiver:
            waiver["_auth"] = {"status": "unsigned", "reason": "not signed (waivers are signed with `mlgov waive`)"}
        elif policy is None:
            waiver["_auth"] = {"status": "unchecked",
                               "reason": "signed, but no approver policy was given to authenticate it (--approvers)"}
        else:
            waiver["_auth"] = _check_waiver(waiver, policy, now)


def _check_waiver(waiver: dict, policy: ApproverPolicy, now: datetime) -> dict[str, Any]:
    from .signed_waivers import peek

    try:
        keyid, _, payload = dsse.verify_envelope(waiver["_envelope"], policy.all_keys())
    except (dsse.EnvelopeError, dsse.Unverified):
        return _rejected("forged or unknown signer: no signature verifies with a key of the approver policy")
    stmt = peek(waiver["_envelope"])
    if stmt is None or json.loads(payload) != stmt:
        return _rejected("the signed payload is not a waivers statement", keyid)
    person, key = policy.holder(keyid)  # type: ignore[misc]
    p = stmt["predicate"]
    signed_at = timeutil.to_datetime(p.get("signedAt"), "waiver", "/predicate/signedAt")
    if not person.waiver_authority:
        return _rejected(f"{person.name} has no waiver authority in the approver policy", keyid)
    if str(p.get("signer", {}).get("name", "")).strip().lower() != person.name.strip().lower():
        return _rejected(f"signed with the key of {person.name}, but the signature names "
                         f"{p.get('signer', {}).get('name')}", keyid)
    if key.revoked is not None and key.revoked <= now:
        return _rejected(f"signed with key {key.keyid} of {person.name}, revoked {_utc(key.revoked)}", keyid)
    if (key.not_before and signed_at < key.not_before) or (key.not_after and signed_at >= key.not_after):
        return _rejected(f"signed {p['signedAt']} outside the validity of {person.name}'s key (expired key)", keyid)
    if signed_at > now:
        return _rejected(f"claims to be signed {p['signedAt']}, later than the clock ({_utc(now)})", keyid)
    if waiver["_expires"]["epoch_s"] <= now.timestamp():
        return _rejected(f"expired {waiver['_expires']['utc']} (by the clock)", keyid)
    return {"status": "authenticated", "reason": f"signed by {person.name} with key {keyid}", "keyid": keyid,
            "signer": person.identity()}
