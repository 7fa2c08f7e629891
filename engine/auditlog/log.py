"""The audit log: entries are RFC 8785 JSON leaves of a Merkle tree; signed checkpoints (tree
heads) commit to its size and root. ``verify`` recomputes everything from the stored bytes, so
an edited, deleted, reordered or truncated log is detected, however the SQLite file was changed."""

from __future__ import annotations

import base64
import hashlib
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
from . import merkle, note, scan
from .store import LogStore, LogStoreError, SQLiteStore, StoredCheckpoint

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


MAX_PROBLEMS = 200


@dataclass
class LogCheck:
    size: int = 0
    checkpoints: int = 0
    uncovered: int = 0
    witnessed: int = 0
    problems: list[str] = field(default_factory=list)
    more: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more += 1

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.ok, "entries": self.size, "checkpoints_verified": self.checkpoints,
                "witnessed_checkpoints_verified": self.witnessed,
                "entries_after_last_checkpoint": self.uncovered, "problems": self.problems,
                "problems_not_listed": self.more}


def is_url(where: str | Path) -> bool:
    return str(where).startswith(("postgresql://", "postgres://"))


def open_store(where: str | Path) -> LogStore:
    text = str(where)
    if is_url(text):
        from .pgstore import PostgresStore

        return PostgresStore(text)
    return SQLiteStore(Path(text))


class AuditLog:
    def __init__(self, store: LogStore) -> None:
        self.store = store
        self.origin = store.meta("origin") or "unknown"

    @classmethod
    def open(cls, where: str | Path | None) -> AuditLog:
        where = where or os.environ.get(ENV_VAR)
        if not where:
            raise MlgovError(f"no audit log given: use --log PATH or set {ENV_VAR}")
        return cls(open_store(where))

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
            return rfc8785.dumps(entry), index_columns(entry)

        return self.store.append(build)

    def checkpoint(self, signer: Signer) -> dict[str, Any]:
        """Sign the current tree head (DSSE envelope and C2SP signed note) and store both.

        Refuses, as a transparency log must, to sign a head that does not extend the last
        checkpoint, to sign entries whose stored leaf is not their bytes' hash, and to sign
        anything while the store holds objects mlgov did not create."""
        store = self.store
        foreign = store.foreign_objects()
        if foreign:
            raise LogStoreError(f"{store.where}: refusing to sign a checkpoint: {foreign[0]}")
        size = store.size()
        if size == 0:
            raise MlgovError(f"{store.where}: the log is empty: nothing to sign")
        last = store.last_checkpoint()
        if last is not None and (last.size > size or store.root(last.size) != last.root):
            raise LogStoreError(f"{store.where}: refusing to sign a checkpoint: the log no longer extends its "
                                f"checkpoint at size {last.size} (run `mlgov log verify`)")
        for stored in store.entries(start=last.size + 1 if last else None):
            if stored.seq > size:
                break
            if merkle.leaf_hash(stored.body) != stored.leaf:
                raise LogStoreError(f"{store.where}: refusing to sign a checkpoint: entry {stored.seq} does not "
                                    "hash to its stored leaf (run `mlgov log verify`)")
        root = store.root(size)
        head = {"origin": self.origin, "size": size, "root_hash": root.hex(), "time": now_utc()}
        envelope = dsse.sign(rfc8785.dumps(head), CHECKPOINT_TYPE, signer)
        signed_note = note.sign_checkpoint(note.Checkpoint(self.origin, size, root), signer)
        store.add_checkpoint(size, root, json.dumps(envelope), signed_note)
        return envelope

    # -- reading ---------------------------------------------------------------------------
    def entries(self, start: int = 1) -> Iterator[dict[str, Any]]:
        for stored in self.store.entries(start=max(start, 1)):
            yield json.loads(stored.body)

    def verify(self, keys: Sequence[TrustedKey], trusted: dict | str | None = None,
               witnessed: Sequence[tuple[str, str]] = (), allow_unsigned_tail: bool = False) -> LogCheck:
        """Everything the store holds, recomputed: its schema, every row and column against the
        entry bytes, every stored subtree, every checkpoint (both signatures), checkpoints the
        caller saved or a witness published, and entries no checkpoint signs."""
        check = LogCheck()
        store = self.store
        schema = store.foreign_objects()
        for problem in schema:
            check.fail(f"schema: {problem}")
        if any(p.endswith(" is missing") and p.startswith("table ") for p in schema):
            check.fail("mlgov's tables are incomplete: nothing more can be checked (a log from an earlier mlgov? "
                       "`mlgov log migrate`)")
            return check
        if store.meta("origin") is None:
            check.fail("schema: the log has no origin (meta table emptied?)")
        publics = [k.key if isinstance(k, TrustedKey) else k for k in keys]
        outside = _outside_heads(trusted, witnessed, publics, self.origin, check)
        checkpoints = store.checkpoints()
        wanted = {c.size for c in checkpoints} | {size for _, size, _ in outside}
        scanned = scan.scan(store, store.location)
        for problem in scanned.problems:
            check.fail(problem)
        total = len(scanned.leaves)
        roots = {s: scanned.root(s) for s in wanted if 0 < s <= total}
        check.size = total
        covered = 0
        for cp in checkpoints:
            if self._check_checkpoint(cp, publics, roots, total, check):
                check.checkpoints += 1
                covered = max(covered, cp.size)
        for what, size, root in outside:
            if size > total:
                check.fail(f"log truncated or rolled back: {what} covers {size} entries, only {total} remain")
            elif roots.get(size, merkle.EMPTY_ROOT if size == 0 else None) != root:
                check.fail(f"the log is not an extension of {what} (history rewritten or rolled back)")
            elif what.startswith("witnessed"):
                check.witnessed += 1
        check.uncovered = total - covered
        if total and not checkpoints:
            check.fail(f"no signed checkpoint: none of the {total} entries is signed")
        elif check.uncovered and not allow_unsigned_tail:
            check.fail(f"entries {covered + 1}..{total} are after the last signed checkpoint: nothing signs them "
                       "(forged, or a run stopped between append and checkpoint; --allow-unsigned-tail accepts)")
        return check

    def _check_checkpoint(self, cp: StoredCheckpoint, publics: Sequence[Any], roots: dict[int, bytes], size: int,
                          check: LogCheck) -> bool:
        where = f"checkpoint at size {cp.size}"
        head = signed_head(cp.envelope, publics, check, where)
        if head is None:
            return False
        if head.get("size") != cp.size or head.get("root_hash") != cp.root.hex() or head.get("origin") != self.origin:
            check.fail(f"{where}: stored size, root or origin differ from what was signed")
            return False
        if cp.note is None:
            check.fail(f"{where}: no signed note (C2SP checkpoint)")
            return False
        try:
            signed = note.open_checkpoint(cp.note, publics, self.origin)
        except note.NoteError as exc:
            check.fail(f"{where}: signed note: {exc}")
            return False
        if (signed.size, signed.root) != (cp.size, cp.root):
            check.fail(f"{where}: the signed note and the stored checkpoint disagree")
            return False
        if cp.size > size:
            check.fail(f"log truncated: a signed checkpoint covers {cp.size} entries, only {size} remain")
            return False
        if roots.get(cp.size) != cp.root:
            check.fail(f"entries 1..{cp.size} no longer hash to the signed checkpoint's root "
                       "(an entry was changed, removed or reordered)")
            return False
        return True

    # -- proofs ----------------------------------------------------------------------------
    def prove(self, seq: int, tree_size: int | None = None) -> dict[str, Any]:
        """An inclusion proof checkable with only itself and a trusted key: O(log n) reads.
        Against the signed checkpoint at ``tree_size``, or the first one covering the entry."""
        stored = self.store.entry(seq)
        if stored is None:
            raise MlgovError(f"no entry {seq} in the log (it has {self.store.size()})")
        cp = self.store.checkpoint_at_least(tree_size or seq)
        if tree_size is not None and (cp is None or cp.size != tree_size or tree_size < seq):
            raise MlgovError(f"no signed checkpoint of size {tree_size} covering entry {seq}")
        if cp is None:
            raise MlgovError(f"entry {seq} is not covered by a signed checkpoint yet: run `mlgov log checkpoint`")
        proof = merkle.inclusion_path(seq - 1, cp.size, self.store.mth())
        return {"entry": json.loads(stored.body), "leaf_data": base64.b64encode(stored.body).decode(),
                "leaf_index": seq - 1, "tree_size": cp.size, "proof": [h.hex() for h in proof],
                "checkpoint": json.loads(cp.envelope), "checkpoint_note": cp.note}

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any]:
        found = {s: self.store.checkpoint_at_least(s) for s in (old_size, new_size)}
        for s, cp in found.items():
            if cp is None or cp.size != s:
                raise MlgovError(f"no signed checkpoint at size {s}")
        proof = merkle.consistency_path(old_size, new_size, self.store.mth())
        return {"old": json.loads(found[old_size].envelope), "new": json.loads(found[new_size].envelope),
                "old_note": found[old_size].note, "new_note": found[new_size].note,
                "proof": [h.hex() for h in proof]}

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return merkle.consistency_path(old_size, new_size, self.store.mth())


def index_columns(entry: dict[str, Any]) -> dict[str, str | None]:
    """The indexed columns an entry's row must hold: verify recomputes them from the body."""
    return {"time": entry.get("time"), "kind": entry.get("kind"), "decision": entry.get("decision"),
            "subjects": scan.subjects_column(entry)}


def _outside_heads(trusted: dict | str | None, witnessed: Sequence[tuple[str, str]], publics: Sequence[Any],
                   origin: str, check: LogCheck) -> list[tuple[str, int, bytes]]:
    """Signed tree heads kept outside the log: (description, size, root)."""
    out = []
    sources = ([("the checkpoint you trust", trusted)] if trusted is not None else []) + [
        (f"witnessed checkpoint {label}", text) for label, text in witnessed]
    for what, head in sources:
        if isinstance(head, str):
            try:
                cp = note.open_checkpoint(head, publics, origin)
            except note.NoteError as exc:
                check.fail(f"{what}: {exc}")
                continue
            out.append((what, cp.size, cp.root))
        else:
            payload = signed_head(head, publics, check, what)
            if payload is not None:
                if payload.get("origin") != origin:
                    check.fail(f"{what}: a checkpoint of log {payload.get('origin')!r}, not of {origin!r}")
                    continue
                out.append((what, payload["size"], bytes.fromhex(payload["root_hash"])))
    return out


def signed_head(envelope_text: str | dict, keys: Sequence[Any], check: LogCheck, what: str) -> dict | None:
    """The payload of a checkpoint signed by a trusted key, or None (with the reason in ``check``)."""
    try:
        envelope = json.loads(envelope_text) if isinstance(envelope_text, str) else envelope_text
        payload_type, payload, signatures = dsse.decode(envelope)
    except (ValueError, dsse.EnvelopeError):
        check.fail(f"{what}: not a DSSE envelope")
        return None
    if payload_type != CHECKPOINT_TYPE:
        check.fail(f"{what}: payload type {payload_type!r} is not a checkpoint")
        return None
    publics = [k.key if isinstance(k, TrustedKey) else k for k in keys]
    if dsse.verified_by(payload_type, payload, signatures, publics) is None:
        check.fail(f"{what}: no signature verifies with a trusted key")
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

    return hashlib.sha256(data).hexdigest()

