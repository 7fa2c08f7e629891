"""The gate: normalize -> evaluate -> decide -> attest -> sign. The Python API behind ``mlgov gate``."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..evaluation.evaluate import Evaluator
from ..normalize import normalize
from ..packs import load_packs
from ..packs.model import severity_rank
from ..resources import builtin_packs
from ..signing import dsse
from ..signing.approver_policy import ApproverPolicy
from ..signing.authenticate import authenticate_approvals, authenticate_waivers
from ..signing.keys import Signer
from .attest import bound_policy, payload_bytes, statement


@dataclass
class GateResult:
    passed: bool
    envelope: dict[str, Any]
    statement: dict[str, Any]
    document: dict[str, Any]
    keyid: str

    @property
    def predicate(self) -> dict[str, Any]:
        return self.statement["predicate"]

    def summary(self) -> dict[str, Any]:
        """What a CI system needs, as JSON: decision, subjects, blocking findings, policy."""
        p = self.predicate
        return {
            "decision": p["decision"]["result"], "reason": p["decision"]["reason"],
            "document_id": p["input"]["document_id"], "as_of": p["evaluation"]["as_of"]["utc"],
            "signed_at": p["timeVerified"],
            "subjects": self.statement["subject"],
            "blocking": [{k: f[k] for k in ("rule", "severity", "subject", "message")} for f in blocking(p)],
            "findings": p["summary"], "packs": p["packs"], "policy_digest": p["policy"]["digest"]["sha256"],
            "keyid": self.keyid, "valid_until": p["validity"]["not_after"],
        }


def blocking(predicate: dict[str, Any]) -> list[dict[str, Any]]:
    """Open findings at or above the verdict's fail-on severity."""
    floor = severity_rank(predicate["decision"]["fail_on"])
    return [f for f in predicate["findings"] if not f["waived"] and severity_rank(f["severity"]) >= floor]


def clock() -> datetime:
    """The signing time: measured here, never taken from the caller (tests replace this function)."""
    return datetime.now(UTC).replace(microsecond=0)


def gate(inputs: Sequence[str | Path], signer: Signer, as_of: dict, packs: Sequence[Path] = (),
         fail_on: str = "high", waivers: Sequence[dict] = (), engine: str = "regorus",
         cross_check: str | None = None, opa_url: str | None = None, params: dict | None = None,
         validity_days: int = 90, approvers: ApproverPolicy | None = None,
         require_signed_approvals: bool = False, audit_log: bool = False) -> GateResult:
    """``audit_log``: the caller records this decision in the audit log (rules for 21 CFR 11.10(e) read it)."""
    loaded = load_packs(list(packs) or builtin_packs())
    document = normalize(list(inputs))
    now = clock()
    authenticate_approvals(document, approvers, now)
    waivers = list(waivers)
    authenticate_waivers(waivers, approvers, now)
    if require_signed_approvals:  # every loaded pack that counts approvals (approvals, governance)
        params = dict(params or {})
        for pack in loaded:
            if "require_signed_approvals" in pack.params:
                params[pack.name] = {**params.get(pack.name, {}), "require_signed_approvals": True}
    evaluator = Evaluator(loaded, engine, cross_check, opa_url, params)
    result = evaluator.run(document, as_of, waivers, validated=True, audit_log=audit_log)
    policy = bound_policy(loaded, evaluator.params, fail_on, waivers, approvers.digest if approvers else None)
    stmt = statement(document, result, loaded, fail_on, validity_days, now, policy)
    envelope = dsse.sign(payload_bytes(stmt), dsse.IN_TOTO_PAYLOAD_TYPE, signer)
    return GateResult(stmt["predicate"]["decision"]["result"] == "pass", envelope, stmt, document, signer.keyid)


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write JSON next to ``path`` then rename: a reader never sees half a verdict."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:  # no signed copy left behind under another name
        tmp.unlink(missing_ok=True)
        raise
