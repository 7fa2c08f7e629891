"""Verify a verdict: signature by a trusted key, statement shape, subjects, age, decision.

Every check is reported on its own; the verdict is accepted only if all hold. A key id in the
envelope is a hint for which key to try, never a reason to trust it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..document.schema import validator
from ..errors import InputError
from ..safeio import parse_json, read_bounded, sha256_file
from ..signing import dsse
from ..signing.keys import key_id
from ..signing.trust import TrustedKey
from . import PREDICATE_TYPE


@dataclass
class Check:
    name: str
    ok: bool
    message: str


@dataclass
class VerifyResult:
    checks: list[Check] = field(default_factory=list)
    statement: dict[str, Any] | None = None
    keyid: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.ok, "keyid": self.keyid,
                "checks": [c.__dict__ for c in self.checks],
                "decision": (self.statement or {}).get("predicate", {}).get("verificationResult")}


@dataclass(frozen=True)
class Requirements:
    """What a deployment system demands of the policy behind a verdict (all optional)."""

    policy_digest: str | None = None
    packs_digest: str | None = None
    fail_on_at_least: str | None = None
    waivers: str | None = None  # "none": no waiver applied; "signed": only authenticated waivers
    max_backdate: timedelta | None = None


PLAN_PREDICATE_TYPE = "https://mlgov.dev/attestations/retention-plan/v1"


def verify(verdict: Path, keys: Sequence[TrustedKey], artifacts: Sequence[Path] = (),
           max_age: timedelta | None = None, require_pass: bool = False, at: datetime | None = None,
           requirements: Requirements | None = None, limit: int | None = None) -> VerifyResult:
    """Check a verdict (or a signed retention plan) file. Problems with *our* inputs (unreadable
    artifact) raise InputError. ``limit``: largest file accepted (plans of large inventories)."""
    now = at or datetime.now(UTC)
    out = VerifyResult()
    raw = read_bounded(verdict, limit=limit)
    try:
        envelope = parse_json(raw.text(), raw.display)
        payload_type, payload, signatures = dsse.decode(envelope)
    except (InputError, dsse.EnvelopeError) as exc:
        out.add("envelope", False, f"{raw.display}: {getattr(exc, 'message', exc)}")
        return out
    if not out.add("payload type", payload_type == dsse.IN_TOTO_PAYLOAD_TYPE,
                   f"payloadType is {payload_type!r}" + ("" if payload_type == dsse.IN_TOTO_PAYLOAD_TYPE
                                                          else f", expected {dsse.IN_TOTO_PAYLOAD_TYPE!r}")):
        return out
    # Authenticate first, interpret after: nothing in the payload is read before a trusted key signed it.
    key = dsse.verified_by(payload_type, payload, signatures, [k.key for k in keys])
    if key is None:
        out.add("signature", False, "no signature verifies with a trusted key")
        return out
    out.keyid = key_id(key)
    try:
        statement = json.loads(payload)
    except ValueError:
        statement = None
    if not isinstance(statement, dict):  # a trusted key, but not a statement we wrote
        out.add("statement", False, "signed payload is not an in-toto Statement")
        return out
    if statement.get("predicateType") == PLAN_PREDICATE_TYPE:
        return _verify_plan(out, statement, keys, artifacts, max_age, require_pass, now, requirements)
    errors = sorted(validator("verdict-statement").iter_errors(statement), key=lambda e: list(e.absolute_path))
    signed_at = _time_verified(statement)
    entries = [k for k in keys if key_id(k.key) == out.keyid]
    in_window = [k for k in entries if signed_at is not None and k.valid_at(signed_at)]
    if not in_window:
        names = ", ".join(k.name for k in entries)
        when = (statement.get("predicate") or {}).get("timeVerified", "unknown")
        out.add("signature", False, f"signed by {names}, which was not trusted at signing time ({when})")
        return out
    out.add("signature", True, f"signed by trusted key {in_window[0].name} ({out.keyid})")
    if not out.add("statement", not errors, "in-toto Statement with a compliance-verdict predicate" if not errors
                   else f"/{'/'.join(map(str, errors[0].absolute_path))}: {' '.join(errors[0].message.split())[:160]}"):
        return out
    out.statement = statement
    predicate = statement["predicate"]
    digests = {s["digest"]["sha256"] for s in statement["subject"]}
    for path in artifacts:
        hex_, _ = sha256_file(Path(path), str(path))
        out.add("subject", hex_ in digests, f"{path}: sha256:{hex_[:16]}… "
                + ("is a subject of the verdict" if hex_ in digests else "is NOT a subject of this verdict"))
    not_before = datetime.fromisoformat(predicate["validity"]["not_before"])
    not_after = datetime.fromisoformat(predicate["validity"]["not_after"])
    out.add("validity", not_before <= now < not_after,
            f"valid {predicate['validity']['not_before']} to {predicate['validity']['not_after']}"
            + ("" if not_before <= now < not_after else f"; checked at {now.strftime('%Y-%m-%dT%H:%M:%SZ')}"))
    signed = datetime.fromisoformat(predicate["timeVerified"])
    evaluated = datetime.fromtimestamp(predicate["evaluation"]["as_of"]["epoch_s"], tz=UTC)
    if max_age is not None:
        age = now - min(signed, evaluated)
        out.add("age", age <= max_age, f"evaluated {_days(age)} ago, limit {_days(max_age)}")
    _check_time(out, signed, evaluated, (requirements or Requirements()).max_backdate)
    if requirements is not None:
        _check_policy(out, predicate, requirements)
    if require_pass:
        out.add("decision", predicate["verificationResult"] == "PASSED",
                f"decision {predicate['verificationResult']}: {predicate['decision']['reason']}")
    return out


def _verify_plan(out: VerifyResult, statement: dict, keys: Sequence[TrustedKey], artifacts: Sequence[Path],
                 max_age: timedelta | None, require_pass: bool, now: datetime,
                 requirements: Requirements | None) -> VerifyResult:
    """A signed retention plan: trusted key at its signing time (``timeVerified``, the clock),
    subjects, time (signed no later than the check time; the audit date ``as_of`` shown apart),
    age (from the earlier of the two, as for a verdict). It has no pass/fail decision, so
    --require-pass cannot hold for it."""
    signed_at = _time_verified(statement)
    entries = [k for k in keys if key_id(k.key) == out.keyid]
    in_window = [k for k in entries if signed_at is not None and k.valid_at(signed_at)]
    predicate = statement.get("predicate")
    if not in_window or not isinstance(predicate, dict):
        when = predicate.get("timeVerified", "unknown") if isinstance(predicate, dict) else "unknown"
        out.add("signature", False, f"signed by {', '.join(k.name for k in entries)}, which was not trusted at "
                                    f"signing time ({when})")
        return out
    out.add("signature", True, f"signed by trusted key {in_window[0].name} ({out.keyid})")
    shaped = isinstance(statement.get("subject"), list) and isinstance(predicate.get("entries"), list)
    if not out.add("statement", shaped, "in-toto Statement with a retention-plan predicate" if shaped
                   else "retention-plan statement without subjects or entries"):
        return out
    out.statement = statement
    digests = {s.get("digest", {}).get("sha256") for s in statement["subject"] if isinstance(s, dict)}
    for path in artifacts:
        hex_, _ = sha256_file(Path(path), str(path))
        out.add("subject", hex_ in digests, f"{path}: sha256:{hex_[:16]}… "
                + ("is a subject of the plan" if hex_ in digests else "is NOT a subject of this plan"))
    evaluated = plan_as_of(predicate)
    if evaluated is None:
        out.add("time", False, "the plan does not say as of which date it was evaluated (as_of)")
        return out
    limit = (requirements or Requirements()).max_backdate
    early = signed_at > now  # no validity window to catch it, as a verdict's not_before does
    out.add("time", not early and (limit is None or signed_at - evaluated <= limit), _when(signed_at, evaluated)
            + (f", limit {_days(limit)}" if limit is not None else "")
            + (f"; signed after the check time {_utc(now)}" if early else ""))
    if max_age is not None:
        age = now - min(signed_at, evaluated)
        out.add("age", age <= max_age, f"evaluated {_days(age)} ago, limit {_days(max_age)}")
    if requirements is not None:
        _check_plan_policy(out, predicate, requirements)
    if require_pass:
        out.add("decision", False, "a retention plan has no pass/fail decision (--require-pass applies to verdicts)")
    return out


def _time_verified(statement: Any) -> datetime | None:
    try:
        if statement.get("predicateType") in (PREDICATE_TYPE, PLAN_PREDICATE_TYPE):
            return datetime.fromisoformat(statement["predicate"]["timeVerified"])
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    return None


def _check_plan_policy(out: VerifyResult, predicate: dict[str, Any], req: Requirements) -> None:
    """A plan binds only the digest of its packs: a requirement it cannot meet is refused, not skipped."""
    if req.packs_digest is not None:
        have = str((predicate.get("policy") or {}).get("digest", {}).get("sha256", "not recorded"))
        want = req.packs_digest.removeprefix("sha256:")
        out.add("packs", have == want, f"packs digest sha256:{have}" + ("" if have == want else
                f", required sha256:{want}"))
    for option, wanted in (("--policy-digest", req.policy_digest), ("--fail-on-at-least", req.fail_on_at_least),
                           ("--no-waivers/--signed-waivers-only", req.waivers)):
        if wanted is not None:
            out.add("policy", False, f"{option}: a retention plan binds only its packs digest (--packs-digest); "
                                     "this requirement cannot be checked on it")


def plan_as_of(predicate: dict[str, Any]) -> datetime | None:
    """A signed plan's audit date (``as_of``), or None if it does not state one."""
    try:
        return datetime.fromtimestamp(predicate["as_of"]["epoch_s"], tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(signed: datetime, evaluated: datetime) -> str:
    """Both times, each by its name: the signing time and the evaluation date may be far apart."""
    text = f"signed {_utc(signed)}, evaluated as of {_utc(evaluated)}"
    if signed - evaluated > timedelta(days=1):
        text += f" (back-dated {_days(signed - evaluated)})"
    elif evaluated - signed > timedelta(days=1):
        text += f" (a date {_days(evaluated - signed)} after it was signed)"
    return text


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f} days"



def _check_time(out: VerifyResult, signed: datetime, evaluated: datetime, limit: timedelta | None) -> None:
    """A verdict evaluated as of an earlier date than it was signed is back-dated: always shown."""
    back = signed - evaluated
    when = _when(signed, evaluated)
    ok = limit is None or back <= limit
    out.add("time", ok, when + ("" if limit is None else f", limit {_days(limit)}"))


def _check_policy(out: VerifyResult, predicate: dict[str, Any], req: Requirements) -> None:
    from ..packs.model import severity_rank

    policy = predicate["policy"]
    if req.policy_digest is not None:
        have = policy["digest"]["sha256"]
        want = req.policy_digest.removeprefix("sha256:")
        out.add("policy", have == want, f"policy digest sha256:{have}" + ("" if have == want else
                f", required sha256:{want} (other packs, parameters, fail-on threshold, waivers or approvers)"))
    if req.packs_digest is not None:
        have = policy.get("packs_digest", {}).get("sha256", "not recorded")
        want = req.packs_digest.removeprefix("sha256:")
        out.add("packs", have == want, f"packs digest sha256:{have}" + ("" if have == want else
                f", required sha256:{want}"))
    if req.fail_on_at_least is not None:
        fail_on = predicate["decision"]["fail_on"]
        ok = severity_rank(fail_on) <= severity_rank(req.fail_on_at_least)
        out.add("fail-on", ok, f"the gate failed on {fail_on} and above"
                + ("" if ok else f"; required: {req.fail_on_at_least} or stricter"))
    if req.waivers is not None:
        applied = [w for w in predicate.get("waivers", []) if w.get("status") == "applied"]
        if req.waivers == "none":
            bad = applied
            what = "no waiver applied"
        else:
            bad = [w for w in applied if not w.get("keyid")]
            what = "every applied waiver is signed and authenticated"
        out.add("waivers", not bad, what if not bad else
                f"required {what}; applied: {', '.join(w['id'] for w in bad)}")
