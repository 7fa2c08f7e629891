"""Signed inputs: DSSE envelopes (bare, or inside Sigstore bundles) verified against keys the
user trusts *for inputs* (``--input-key`` / ``--input-trust``), never against keys found in the
file itself.

Every fact read from inside an envelope carries the outcome in its provenance:
``{"status": "verified", "keyid", "key"}`` or ``{"status": "unverified", "reason"}``. A
Sigstore bundle signed with a Fulcio certificate stays unverified unless one of the user's
input keys verifies it: checking a certificate chain against Sigstore's trust root and the
transparency-log entry is not done here (offline); use ``sigstore verify`` or
``gh attestation verify`` for that, then pin the key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..signing import dsse
from ..signing.keys import key_id, load_public
from ..signing.trust import TrustedKey, load_trust

_INPUT_KEYS: ContextVar[tuple[TrustedKey, ...]] = ContextVar("mlgov_input_keys", default=())
NO_KEYS = "no input keys were given (--input-key / --input-trust), so the signature was not checked"
CERTIFICATE = ("signed with a Sigstore (Fulcio) certificate: mlgov does not verify certificate chains or "
               "transparency-log entries offline, and no trusted input key verifies it")


def load_input_keys(keys: Sequence[Path] = (), trust: Path | None = None) -> list[TrustedKey]:
    """Keys trusted to sign inputs: PEM public keys and/or a TrustedKeys file (same format as --trust)."""
    out = [TrustedKey(Path(p).name, load_public(Path(p))) for p in keys]
    return out + (load_trust(trust) if trust is not None else [])


@contextmanager
def trusted_inputs(keys: Sequence[TrustedKey]) -> Iterator[None]:
    """Within this block, readers verify input envelopes against ``keys``."""
    token = _INPUT_KEYS.set(tuple(keys))
    try:
        yield
    finally:
        _INPUT_KEYS.reset(token)


def check(envelope: dict[str, Any], certificate: bool) -> dict[str, str]:
    """The signature status of one envelope against the trusted input keys."""
    keys = _INPUT_KEYS.get()
    if not keys:
        return {"status": "unverified", "reason": CERTIFICATE if certificate else NO_KEYS}
    try:
        payload_type, payload, signatures = dsse.decode(envelope)
    except dsse.EnvelopeError as exc:
        return {"status": "unverified", "reason": str(exc)}
    key = dsse.verified_by(payload_type, payload, signatures, [k.key for k in keys])
    if key is None:
        return {"status": "unverified",
                "reason": CERTIFICATE if certificate else "no signature verifies with a trusted input key"}
    keyid = key_id(key)
    now = datetime.now(UTC)
    trusted = [k for k in keys if k.keyid == keyid and k.valid_at(now)]
    if not trusted:
        return {"status": "unverified", "reason": f"signed by {keyid}, which is outside its validity window now"}
    return {"status": "verified", "keyid": keyid, "key": trusted[0].name}
