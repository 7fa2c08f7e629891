"""The approver trust policy: which keys belong to which person, the roles each may sign for,
whether they may sign waivers, when each key is valid, and which keys are revoked.

An approval or waiver is only as good as the policy that names its key: the policy is given
by whoever deploys (``--approvers``), never taken from the bundle being judged.
Schema: ``schemas/approver-policy.schema.json``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import rfc8785
from cryptography.hazmat.primitives import serialization

from .. import timeutil
from ..document import vocab
from ..document.schema import validate
from ..safeio import parse_yaml, read_bounded
from .keys import KeyError_, PublicKey, key_id, key_type, load_public


@dataclass(frozen=True)
class ApproverKey:
    key: PublicKey
    keyid: str
    not_before: datetime | None = None
    not_after: datetime | None = None
    revoked: datetime | None = None
    revoked_reason: str = ""


@dataclass(frozen=True)
class Approver:
    name: str
    email: str | None
    team: str | None
    roles: frozenset[str]
    waiver_authority: bool
    keys: tuple[ApproverKey, ...]

    def identity(self) -> dict[str, str]:
        """The person as the document names them once authenticated (APR-002 compares these)."""
        return {k: v for k, v in (("name", self.name), ("email", self.email), ("team", self.team)) if v}


@dataclass(frozen=True)
class ApproverPolicy:
    approvers: tuple[Approver, ...]
    digest: str
    """sha256 over the policy's canonical JSON with keys resolved: a verdict names the policy it used."""

    def holder(self, keyid: str) -> tuple[Approver, ApproverKey] | None:
        for person in self.approvers:
            for k in person.keys:
                if k.keyid == keyid:
                    return person, k
        return None

    def all_keys(self) -> list[PublicKey]:
        return [k.key for p in self.approvers for k in p.keys]


def load_approver_policy(path: Path) -> ApproverPolicy:
    raw = read_bounded(path)
    data = parse_yaml(raw.text(), raw.display)
    validate(data, "approver-policy", raw.display)
    people, seen = [], {}
    for i, entry in enumerate(data["approvers"]):
        keys = []
        for j, k in enumerate(entry["keys"]):
            at = f"/approvers/{i}/keys/{j}"
            key = _public_key(k["public_key"], Path(path), raw.display, f"{at}/public_key")
            kid = key_id(key)
            if kid in seen:
                raise KeyError_(f"{raw.display}: {at}/public_key: key {kid} is already listed for {seen[kid]}; "
                                "one key belongs to one person")
            seen[kid] = entry["name"]
            when = {f: timeutil.to_datetime(k[f], raw.display, f"{at}/{f}")
                    for f in ("not_before", "not_after", "revoked") if f in k}
            keys.append(ApproverKey(key, kid, **when, revoked_reason=k.get("revoked_reason", "")))
        people.append(Approver(entry["name"], entry.get("email"), entry.get("team"),
                               frozenset(vocab.role(r) for r in entry["roles"]),
                               bool(entry.get("waiver_authority", False)), tuple(keys)))
    resolved = [{**p.identity(), "roles": sorted(p.roles), "waiver_authority": p.waiver_authority,
                 "keys": [{"keyid": k.keyid, **{f: timeutil.from_datetime(getattr(k, f))["utc"]
                                                 for f in ("not_before", "not_after", "revoked") if getattr(k, f)}}
                          for k in p.keys]} for p in people]
    return ApproverPolicy(tuple(people), hashlib.sha256(rfc8785.dumps(resolved)).hexdigest())


def _public_key(text: str, policy: Path, display: str, pointer: str) -> PublicKey:
    if "-----BEGIN" not in text:
        return load_public(policy.parent / text)
    try:
        key = serialization.load_pem_public_key(text.encode())
    except ValueError:
        raise KeyError_(f"{display}: {pointer}: not a PEM public key") from None
    key_type(key)
    return key
