"""DSSE envelopes (secure-systems-lab/dsse v1): sign and verify over PAE(payloadType, payload)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from .keys import PublicKey, Signer, key_id, verify_signature

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type: str, payload: bytes) -> bytes:
    """Pre-Authentication Encoding: what is actually signed, binding the type to the bytes."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def sign(payload: bytes, payload_type: str, signer: Signer) -> dict[str, Any]:
    signature = signer.sign(pae(payload_type, payload))
    return {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [{"keyid": signer.keyid, "sig": base64.b64encode(signature).decode()}],
    }


class EnvelopeError(ValueError):
    """The envelope is not a well-formed DSSE envelope."""


def decode(envelope: Any) -> tuple[str, bytes, list[tuple[str, bytes]]]:
    """(payloadType, payload bytes, [(keyid, signature bytes)]) of a well-formed envelope."""
    if not isinstance(envelope, dict):
        raise EnvelopeError("not a DSSE envelope (expected a JSON object)")
    payload_type, payload, sigs = envelope.get("payloadType"), envelope.get("payload"), envelope.get("signatures")
    if not isinstance(payload_type, str) or not isinstance(payload, str) or not isinstance(sigs, list) or not sigs:
        raise EnvelopeError("not a DSSE envelope (needs payloadType, payload and at least one signature)")
    try:
        body = base64.b64decode(payload, validate=True)
        signatures = [(str(s.get("keyid", "")), base64.b64decode(s["sig"], validate=True)) for s in sigs]
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):  # ValueError: non-ASCII text
        raise EnvelopeError("payload or a signature is not valid base64") from None
    return payload_type, body, signatures


def verified_by(payload_type: str, payload: bytes, signatures: Iterable[tuple[str, bytes]],
                keys: Iterable[PublicKey]) -> PublicKey | None:
    """The first trusted key that verifies any signature; key ids are only a hint."""
    message = pae(payload_type, payload)
    keys = list(keys)
    for keyid, signature in signatures:
        ordered = sorted(keys, key=lambda k: key_id(k) != keyid)  # try the named key first
        for key in ordered:
            if verify_signature(key, signature, message):
                return key
    return None


class Unverified(ValueError):
    """No signature on the envelope verifies with any of the keys given."""


def verify_envelope(envelope: Any, keys: Iterable[PublicKey]) -> tuple[str, str, bytes]:
    """(key id of the trusted key that verified it, payloadType, payload) of a DSSE envelope.

    The one call for anything that must authenticate a signed input before reading it: raises
    :class:`EnvelopeError` for a malformed envelope and :class:`Unverified` when no signature
    verifies with a given key (a key id in the envelope is never a reason to trust it).
    """
    payload_type, payload, signatures = decode(envelope)
    key = verified_by(payload_type, payload, signatures, keys)
    if key is None:
        raise Unverified("no signature verifies with a trusted key")
    return key_id(key), payload_type, payload


def peek_statement(envelope: Any, predicate_type: str) -> dict[str, Any] | None:
    """The in-toto Statement inside an envelope if it has this predicate type, NOT authenticated:
    for recognising what a file is and reading its claims, never for trusting them."""
    import json

    if not isinstance(envelope, dict) or envelope.get("payloadType") != IN_TOTO_PAYLOAD_TYPE:
        return None
    try:
        stmt = json.loads(base64.b64decode(str(envelope.get("payload", "")), validate=True))
    except (binascii.Error, ValueError):
        return None
    return stmt if isinstance(stmt, dict) and stmt.get("predicateType") == predicate_type else None
