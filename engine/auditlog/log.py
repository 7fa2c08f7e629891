"""The audit log: entries are RFC 8785 JSON leaves of a Merkle tree; signed checkpoints (tree
heads) commit to its size and root. ``verify`` recomputes everything from the stored bytes, so
an edited, deleted, reordered or truncated log is detected, however the SQLite file was changed."""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785

from ..errors import MlgovError
from ..signing import dsse
from ..signing.keys import Signer
from ..signing.trust import TrustedKey
from . import merkle
from .store import LogStore, SQLiteStore

CHECKPOINT_TYPE = "application/vnd.mlgov.checkpoint+json"
ENV_VAR = "MLGOV_LOG"
_CI_FACTS = ("CI", "GITHUB_ACTIONS", "GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_SHA",
             "GITHUB_REF", "GITHUB_ACTOR", "GITHUB_WORKFLOW", "GITLAB_CI", "CI_PROJECT_PATH", "CI_PIPELINE_ID",
             "CI_JOB_ID", "CI_COMMIT_SHA", "GITLAB_USER_LOGIN", "BUILDKITE_BUILD_ID", "JENKINS_URL", "BUILD_ID")


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def actor() -> dict[str, str]:
    """Who or what ran the command: CI environment facts when present, else user and host."""
    facts = {k.lower(): os.environ[k] for k in _CI_FACTS if os.environ.get(k)}
    facts.setdefault("user", os.environ.get("USER") or os.environ.get("USERNAME") or "unknown")
    facts.setdefault("host", socket.gethostname())
    return facts


@dataclass
class LogCheck:
    size: int = 0
    checkpoints: int = 0
    uncovered: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.ok, "entries": self.size, "checkpoints_verified": self.checkpoints,
                "entries_after_last_checkpoint": self.uncovered, "problems": self.problems}


class AuditLog:
    def __init__(self, store: LogStore, origin: str) -> None:
        self.store = store
        self.origin = origin

    @classmethod
    def open(cls, path: str | Path | None) -> AuditLog:
        where = path or os.environ.get(ENV_VAR)
        if not where:
            raise MlgovError(f"no audit log given: use --log PATH or set {ENV_VAR}")
        return cls(SQLiteStore(Path(where)), origin=f"mlgov-audit-log:{Path(where).name}")

    # -- writing ---------------------------------------------------------------------------
    def append(self, kind: str, subjects: Sequence[dict], decision: str | None = None,
               verdict: dict | None = None, packs: Sequence[dict] = (), details: dict | None = None) -> int:
        def build(seq: int) -> tuple[bytes, dict[str, str | None]]:
            entry: dict[str, Any] = {"seq": seq, "time": now_utc(), "kind": kind, "subjects": list(subjects),
                                     "decision": decision, "packs": list(packs), "actor": actor()}
            if verdict is not None:
                entry["verdict"] = verdict
                entry["verdict_digest"] = {"sha256": _sha256(rfc8785.dumps(verdict))}
            if details:
                entry["details"] = details
            columns = {"time": entry["time"], "kind": kind, "decision": decision,
                       "subjects": json.dumps([s.get("name") for s in subjects])}
            return rfc8785.dumps(entry), columns

        return self.store.append(build)

    def checkpoint(self, signer: Signer) -> dict[str, Any]:
        """Sign the current tree head and store it; returns the DSSE envelope."""
        leaves = [merkle.leaf_hash(e.body) for e in self.store.entries()]  # from the bytes, like verify
        root = merkle.root(leaves)
        head = {"origin": self.origin, "size": len(leaves), "root_hash": root.hex(), "time": now_utc()}
        envelope = dsse.sign(rfc8785.dumps(head), CHECKPOINT_TYPE, signer)
        self.store.add_checkpoint(len(leaves), root, json.dumps(envelope))
        return envelope

    # -- reading ---------------------------------------------------------------------------
    def entries(self) -> Iterator[dict[str, Any]]:
        for stored in self.store.entries():
            yield json.loads(stored.body)

    def verify(self, keys: Sequence[TrustedKey], trusted: dict | None = None) -> LogCheck:
        check = LogCheck()
        checkpoints = {c.size: c for c in self.store.checkpoints()}
        roots: dict[int, bytes] = {}
        acc = merkle.Accumulator()
        expected = 1
        for stored in self.store.entries():
            if stored.seq != expected:
                check.problems.append(f"entries {expected}..{stored.seq - 1} are missing (deleted?)")
                expected = stored.seq
            self._check_entry(stored, check)
            acc.add(merkle.leaf_hash(stored.body))  # recomputed, never the stored leaf column
            if acc.size in checkpoints:
                roots[acc.size] = acc.root()
            expected += 1
        check.size = acc.size
        for size, cp in sorted(checkpoints.items()):
            head = signed_head(cp.envelope, keys, check, f"checkpoint at size {size}")
            if head is None:
                continue
            if head["size"] != size or head["root_hash"] != cp.root.hex():
                check.problems.append(f"checkpoint at size {size}: stored size or root differ from what was signed")
            elif size > acc.size:
                check.problems.append(f"log truncated: a signed checkpoint covers {size} entries, "
                                      f"only {acc.size} remain")
            elif roots.get(size) != cp.root:
                check.problems.append(f"entries 1..{size} no longer hash to the signed checkpoint's root "
                                      "(an entry was changed, removed or reordered)")
            else:
                check.checkpoints += 1
        covered = max((s for s in checkpoints if s <= acc.size), default=0)
        check.uncovered = acc.size - covered
        if trusted is not None:
            self._check_trusted(trusted, keys, check)
        return check

    def _check_entry(self, stored: Any, check: LogCheck) -> None:
        try:
            body = json.loads(stored.body)
        except ValueError:
            check.problems.append(f"entry {stored.seq} is not JSON")
            return
        if body.get("seq") != stored.seq:
            check.problems.append(f"row {stored.seq} holds entry {body.get('seq')} (reordered or altered)")
        if merkle.leaf_hash(stored.body) != stored.leaf:
            check.problems.append(f"entry {stored.seq} changed since it was appended (its leaf hash differs)")
        if (body.get("kind"), body.get("decision"), body.get("time")) != (stored.kind, stored.decision, stored.time):
            check.problems.append(f"entry {stored.seq}: indexed columns differ from the entry (edited)")

    def _check_trusted(self, trusted: dict, keys: Sequence[TrustedKey], check: LogCheck) -> None:
        head = signed_head(trusted, keys, check, "the checkpoint you trust")
        if head is None:
            return
        size = head["size"]
        leaves = [merkle.leaf_hash(e.body) for e in self.store.entries()]
        if size > len(leaves):
            check.problems.append(f"log truncated: the checkpoint you trust covers {size} entries, "
                                  f"only {len(leaves)} remain")
        elif merkle.root(leaves[:size]).hex() != head["root_hash"]:
            check.problems.append("the log is not an extension of the checkpoint you trust (history rewritten)")

    # -- proofs ----------------------------------------------------------------------------
    def prove(self, seq: int) -> dict[str, Any]:
        """An inclusion proof checkable with only itself and a trusted key."""
        stored = {e.seq: e for e in self.store.entries()}
        if seq not in stored:
            raise MlgovError(f"no entry {seq} in the log (it has {len(stored)})")
        covering = [c for c in self.store.checkpoints() if c.size >= seq]
        if not covering:
            raise MlgovError(f"entry {seq} is not covered by a signed checkpoint yet: run `mlgov log checkpoint`")
        cp = covering[0]
        leaves = [merkle.leaf_hash(stored[i].body) for i in range(1, cp.size + 1)]
        return {"entry": json.loads(stored[seq].body), "leaf_data": base64.b64encode(stored[seq].body).decode(),
                "leaf_index": seq - 1, "tree_size": cp.size,
                "proof": [h.hex() for h in merkle.inclusion_proof(leaves, seq - 1)],
                "checkpoint": json.loads(cp.envelope)}

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any]:
        cps = {c.size: c for c in self.store.checkpoints()}
        missing = [s for s in (old_size, new_size) if s not in cps]
        if missing:
            raise MlgovError(f"no signed checkpoint at size {missing[0]} (have: {', '.join(map(str, sorted(cps)))})")
        leaves = [merkle.leaf_hash(e.body) for e in self.store.entries()][:new_size]
        return {"old": json.loads(cps[old_size].envelope), "new": json.loads(cps[new_size].envelope),
                "proof": [h.hex() for h in merkle.consistency_proof(leaves, old_size)]}


def signed_head(envelope_text: str | dict, keys: Sequence[TrustedKey], check: LogCheck, what: str) -> dict | None:
    """The payload of a checkpoint signed by a trusted key, or None (with the reason in ``check``)."""
    try:
        envelope = json.loads(envelope_text) if isinstance(envelope_text, str) else envelope_text
        payload_type, payload, signatures = dsse.decode(envelope)
    except (ValueError, dsse.EnvelopeError):
        check.problems.append(f"{what}: not a DSSE envelope")
        return None
    if payload_type != CHECKPOINT_TYPE:
        check.problems.append(f"{what}: payload type {payload_type!r} is not a checkpoint")
        return None
    if dsse.verified_by(payload_type, payload, signatures, [k.key for k in keys]) is None:
        check.problems.append(f"{what}: no signature verifies with a trusted key")
        return None
    return json.loads(payload)


def check_inclusion(proof: dict[str, Any], keys: Sequence[TrustedKey]) -> tuple[bool, str]:
    """Offline: does the entry belong to the log whose signed tree head the proof carries?"""
    check = LogCheck()
    head = signed_head(proof.get("checkpoint", {}), keys, check, "checkpoint")
    if head is None:
        return False, check.problems[0]
    data = base64.b64decode(proof["leaf_data"])
    if json.loads(data) != proof["entry"]:
        return False, "leaf_data does not match the entry shown"
    ok = merkle.verify_inclusion(merkle.leaf_hash(data), proof["leaf_index"], head["size"],
                                 [bytes.fromhex(h) for h in proof["proof"]], bytes.fromhex(head["root_hash"]))
    if not ok:
        return False, "the entry is not in the tree the checkpoint signs"
    return True, f"entry {proof['leaf_index'] + 1} is in the log of {head['size']} entries signed at {head['time']}"


def check_consistency(doc: dict[str, Any], keys: Sequence[TrustedKey]) -> tuple[bool, str]:
    check = LogCheck()
    old = signed_head(doc.get("old", {}), keys, check, "old checkpoint")
    new = signed_head(doc.get("new", {}), keys, check, "new checkpoint")
    if old is None or new is None:
        return False, check.problems[0]
    ok = merkle.verify_consistency(old["size"], new["size"], bytes.fromhex(old["root_hash"]),
                                   bytes.fromhex(new["root_hash"]), [bytes.fromhex(h) for h in doc["proof"]])
    if not ok:
        return False, f"the log of {new['size']} entries does not extend the log of {old['size']}"
    return True, f"the log only grew: {old['size']} -> {new['size']} entries"


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()

