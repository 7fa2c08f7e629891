"""Approval attestations (``mlgov approve``): each approved subject becomes one approval claim.

The reader only unwraps the envelope: the claims it states are marked with the attestation
they came from, and are authenticated later against the approver policy given to the gate
(:mod:`mlgov.signing.authenticate`); until then they count for nothing more than an
unsigned line in a manifest.
"""

from __future__ import annotations

from ..document import vocab
from ..document.facts import FactList
from ..document.schema import validate
from ..signing import approval
from . import common
from .interface import Loaded, Source


class ApprovalAttestation(Source):
    format = "mlgov-approval"
    description = "mlgov approval attestation (DSSE envelope, in-toto Statement, approval predicate)"

    def detect(self, loaded: Loaded) -> bool:
        return loaded.syntax == "json" and approval.is_approval(loaded.data)

    def facts(self, loaded: Loaded) -> FactList:
        stmt = approval.peek(loaded.data)
        validate(stmt, "approval-statement", f"{loaded.display} (DSSE payload)")
        p = stmt["predicate"]
        envelope = {k: loaded.data[k] for k in ("payloadType", "payload", "signatures")}
        f = FactList()
        for i, subj in enumerate(stmt["subject"]):
            at = f"payload:/subject/{i}"
            key = vocab.entity_key(f"signed {p['role']} {p['signer']['name']} {p['signedAt']} {subj['name']}")
            base = ("approvals", key)
            signer = {k: p["signer"][k] for k in ("name", "email", "team") if k in p["signer"]}
            common.person(f, (*base, "approver"), signer, "payload:/predicate/signer")
            f.add((*base, "role"), vocab.role(p["role"]), "payload:/predicate/role")
            f.add((*base, "decision"), p["decision"], "payload:/predicate/decision")
            common.stamp(f, (*base, "timestamp"), p["signedAt"], loaded.display, "payload:/predicate/signedAt")
            common.stamp(f, (*base, "expires"), p.get("expires"), loaded.display, "payload:/predicate/expires")
            f.add((*base, "artifact_digest"), {"sha256": subj["digest"]["sha256"]}, f"{at}/digest/sha256")
            f.add((*base, "comment"), p["meaning"], "payload:/predicate/meaning")
            f.add((*base, "conditions"), p.get("conditions"), "payload:/predicate/conditions")
            f.add((*base, "attestation"), {"envelope": envelope, "subject": i}, "")
        return f
