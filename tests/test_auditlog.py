"""The audit log: Merkle proofs, tamper detection on the SQLite file, concurrency and crashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from mlgov.auditlog import merkle
from mlgov.auditlog.log import AuditLog
from mlgov.signing.keys import load_public, load_signer
from mlgov.signing.trust import TrustedKey

from conftest import BUNDLES, DOC_PACK, error_line


def test_merkle_known_answer_and_proofs():
    assert merkle.leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for n in range(1, 34):
        leaves = [merkle.leaf_hash(bytes([i])) for i in range(n)]
        acc = merkle.Accumulator()
        roots = []
        for leaf in leaves:
            acc.add(leaf)
            roots.append(acc.root())
        assert roots[-1] == merkle.root(leaves)
        for i in range(n):
            proof = merkle.inclusion_proof(leaves, i)
            assert merkle.verify_inclusion(leaves[i], i, n, proof, roots[-1])
            assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), i, n, proof, roots[-1])
            if i + 1 < n:
                assert not merkle.verify_inclusion(leaves[i + 1], i, n, proof, roots[-1])
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(leaves, m)
            assert merkle.verify_consistency(m, n, roots[m - 1], roots[-1], proof)
            if m < n:
                assert not merkle.verify_consistency(m, n, merkle.leaf_hash(b"x"), roots[-1], proof)


@pytest.fixture
def logged(cli, tmp_path):
    """Three gate runs recorded in a log, each followed by a signed checkpoint."""
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    db = tmp_path / "audit.db"
    for bundle in ("credit-risk-pd", "support-llm-ft", "chest-xray-triage"):
        result = cli("gate", BUNDLES / bundle, "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
                     "--packs", DOC_PACK, "--log", db, "--out", tmp_path / f"{bundle}.json")
        assert result.exit_code in (0, 1), result.stderr
    return {"db": db, "pub": tmp_path / "mlgov-key.pub.pem", "key": tmp_path / "mlgov-key.pem", "dir": tmp_path}


def verify(cli, logged, *extra):
    return cli("log", "verify", "--log", logged["db"], "--key", logged["pub"], "--json", *extra)


def problems(result) -> list[str]:
    assert result.exit_code == 1, result.stdout
    return result.json()["problems"]


def sql(logged, statement: str, *args) -> None:
    db = sqlite3.connect(logged["db"])
    db.execute(statement, args)
    db.commit()
    db.close()


def test_gate_runs_are_recorded_and_the_log_verifies(cli, logged):
    result = verify(cli, logged)
    assert result.exit_code == 0, result.stdout
    assert result.json() == {"verified": True, "entries": 3, "checkpoints_verified": 3,
                             "witnessed_checkpoints_verified": 0, "entries_after_last_checkpoint": 0,
                             "problems": [], "problems_not_listed": 0}
    entries = cli("log", "query", "--log", logged["db"], "--json").json()
    assert [(e["seq"], e["kind"], e["decision"]) for e in entries] == [(1, "gate", "pass"), (2, "gate", "fail"),
                                                                       (3, "gate", "pass")]
    assert entries[1]["details"]["document_id"] == "acme-support-assistant@1.4.0"
    assert entries[0]["verdict"]["payloadType"] == "application/vnd.in-toto+json"
    assert entries[0]["verdict_digest"]["sha256"]
    assert entries[0]["actor"]["user"]
    assert [p["name"] for p in entries[0]["packs"]] == ["documentation"]


def test_query_filters(cli, logged):
    def seqs(*args):
        return [e["seq"] for e in cli("log", "query", "--log", logged["db"], "--json", *args).json()]

    assert seqs("--decision", "fail") == [2]
    assert seqs("--subject", "cxr-triage*") == [3]
    assert seqs("--subject", "14b19a2d*") == [1]  # by digest
    assert seqs("--kind", "waiver") == []
    assert seqs("--since", "2000-01-01", "--limit", "2") == [2, 3]
    assert seqs("--until", "2000-01-01") == []
    assert seqs("--limit", "2") == [2, 3]  # unfiltered: only the newest rows are read
    shown = cli("log", "show", "--log", logged["db"], "--limit", "5", "--json").json()
    assert [e["seq"] for e in shown] == [1, 2, 3]


def test_a_changed_entry_is_detected(cli, logged):
    db = sqlite3.connect(logged["db"])
    (body,) = db.execute("SELECT body FROM entries WHERE seq = 2").fetchone()
    entry = json.loads(body)
    entry["decision"] = "pass"  # rewrite history: the failed release passed
    forged = json.dumps(entry, separators=(",", ":")).encode()
    db.execute("UPDATE entries SET body = ?, leaf = ?, decision = 'pass' WHERE seq = 2",
               (forged, merkle.leaf_hash(forged)))
    db.commit()
    db.close()
    found = problems(verify(cli, logged))
    assert any("entries 1..2 no longer hash to the signed checkpoint's root" in p for p in found)


def test_an_edited_column_is_detected(cli, logged):
    sql(logged, "UPDATE entries SET decision = 'pass' WHERE seq = 2")
    assert problems(verify(cli, logged)) == ["entry 2: column decision differs from the entry (edited)"]


def test_a_deleted_entry_is_detected(cli, logged):
    sql(logged, "DELETE FROM entries WHERE seq = 2")
    found = problems(verify(cli, logged))
    assert "entries 2..2 are missing (deleted?)" in found
    assert any("no longer hash to the signed checkpoint's root" in p for p in found)


def test_reordering_is_detected(cli, logged):
    db = sqlite3.connect(logged["db"])
    rows = db.execute("SELECT seq, body, leaf FROM entries WHERE seq IN (1, 2) ORDER BY seq").fetchall()
    db.execute("UPDATE entries SET body = ?, leaf = ? WHERE seq = 1", (rows[1][1], rows[1][2]))
    db.execute("UPDATE entries SET body = ?, leaf = ? WHERE seq = 2", (rows[0][1], rows[0][2]))
    db.commit()
    db.close()
    found = problems(verify(cli, logged))
    assert "row 1 holds entry 2 (reordered or altered)" in found


def test_truncation_past_a_signed_checkpoint_is_detected(cli, logged):
    sql(logged, "DELETE FROM entries WHERE seq = 3")
    assert "log truncated: a signed checkpoint covers 3 entries, only 2 remain" in problems(verify(cli, logged))


def test_truncation_that_also_removes_checkpoints_is_caught_by_a_saved_checkpoint(cli, logged):
    saved = logged["dir"] / "head.json"
    assert cli("log", "checkpoint", "--log", logged["db"], "--key", logged["key"], "-o", saved).exit_code == 0
    sql(logged, "DELETE FROM entries WHERE seq = 3")
    sql(logged, "DELETE FROM checkpoints WHERE size = 3")
    assert verify(cli, logged).exit_code == 0  # locally consistent...
    found = problems(verify(cli, logged, "--trusted-checkpoint", saved))
    assert found == ["log truncated or rolled back: the checkpoint you trust covers 3 entries, only 2 remain"]


def test_checkpoints_need_a_trusted_key(cli, logged):
    assert cli("keygen", "-o", logged["dir"], "--name", "other").exit_code == 0
    result = cli("log", "verify", "--log", logged["db"], "--key", logged["dir"] / "other.pub.pem", "--json")
    assert problems(result)[0] == "checkpoint at size 1: no signature verifies with a trusted key"
    no_key = cli("log", "verify", "--log", logged["db"])
    assert no_key.exit_code == 2 and "log verify needs --key" in error_line(no_key)


def test_inclusion_and_consistency_proofs_check_offline(cli, logged):
    proof = logged["dir"] / "proof.json"
    assert cli("log", "prove", "2", "--log", logged["db"], "-o", proof).exit_code == 0
    ok = cli("log", "check-proof", proof, "--key", logged["pub"])
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: entry 2 is in the log of 2 entries")
    doc = json.loads(proof.read_text())
    doc["entry"]["decision"] = "pass"
    proof.write_text(json.dumps(doc))
    bad = cli("log", "check-proof", proof, "--key", logged["pub"])
    assert bad.exit_code == 1 and "leaf_data does not match the entry shown" in bad.stdout
    consistency = logged["dir"] / "consistency.json"
    assert cli("log", "consistency", "1", "3", "--log", logged["db"], "-o", consistency).exit_code == 0
    grew = cli("log", "check-proof", consistency, "--key", logged["pub"])
    assert grew.stdout == "ok: the log only grew: 1 -> 3 entries\n"


def test_env_var_and_failed_runs_are_recorded(cli, tmp_path, monkeypatch, bundle_copy):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    monkeypatch.setenv("MLGOV_LOG", str(tmp_path / "env.db"))
    root, edit = bundle_copy()
    edit(lambda m: m["model"].__setitem__("risk_tier", "extreme"))
    result = cli("gate", root, "--key", tmp_path / "mlgov-key.pem", "--out", tmp_path / "v.json")
    assert result.exit_code == 2
    [entry] = cli("log", "query", "--json").json()
    assert (entry["kind"], entry["decision"]) == ("gate", "error")
    assert "unknown risk tier 'extreme'" in entry["details"]["error"]


def test_waiver_decisions_are_recorded(cli, tmp_path):
    """An `approved_by` field is a claim anyone can type: recorded as such, never as approved."""
    waivers = tmp_path / "w.yaml"
    waivers.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n  - id: W-9\n    rule: LIC-004\n"
                       "    subjects: ['dataset:x']\n    justification: j\n    approved_by: {name: A, role: legal}\n"
                       "    approved: 2026-11-01\n    expires: 2027-01-01\n"
                       "  - id: W-10\n    rule: LIC-004\n    subjects: ['dataset:y']\n    justification: j\n"
                       "    expires: 2027-01-01\n")
    db = tmp_path / "w.db"
    assert cli("log", "record-waivers", waivers, "--log", db).exit_code == 0
    claimed, bare = cli("log", "query", "--log", db, "--kind", "waiver", "--json").json()
    assert (claimed["details"]["waiver"], claimed["decision"]) == ("W-9", "claimed_unverified")
    assert claimed["details"]["claimed_approved_by"] == {"name": "A", "role": "legal"}
    assert "approved_by" not in claimed["details"] and claimed["details"]["authentication"]["status"] == "unsigned"
    assert (bare["details"]["waiver"], bare["decision"]) == ("W-10", "unapproved")


WAIVER = """  - id: WVR-7
    rule: DOC-004
    subjects: ["evaluation:acme support eval 2026-09 test"]
    justification: pilot with human review
    expires: 2027-01-15
"""


@pytest.mark.parametrize(("case", "decision", "reason"), [
    ("verified", "approved", "signed by A. Counsel with key sha256:"),
    ("no approvers", "signature_not_verified", "signed, but no approver policy was given to authenticate it"),
    ("no authority", "rejected", "A. Counsel has no waiver authority in the approver policy"),
    ("forged", "rejected", "forged or unknown signer"),
    ("expired", "rejected", "expired 2027-01-15T00:00:00Z (by the clock)"),
])
def test_signed_waivers_are_recorded_as_verified(cli, tmp_path, monkeypatch, case, decision, reason):
    """Approved only when the DSSE signature verifies against a key the approver policy gives
    waiver authority, checked by the clock at recording; the entry names the verified signer and key."""
    import base64
    from datetime import UTC, datetime

    import mlgov.cli.log_cmds as log_cmds

    from conftest import sign_waivers

    now = "2027-02-01" if case == "expired" else "2026-11-24"
    monkeypatch.setattr(log_cmds, "_clock", lambda: datetime.fromisoformat(now).replace(tzinfo=UTC))
    waivers, approvers = sign_waivers(tmp_path, WAIVER, authority=case != "no authority")
    if case == "forged":
        envelope = json.loads(waivers.read_text())
        stmt = json.loads(base64.b64decode(envelope["payload"]))
        stmt["predicate"]["waivers"][0]["rule"] = "VAL-001"
        envelope["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()
        waivers.write_text(json.dumps(envelope))
    db = tmp_path / "w.db"
    extra = [] if case == "no approvers" else ["--approvers", approvers]
    result = cli("log", "record-waivers", waivers, "--log", db, *extra)
    assert result.exit_code == 0, result.stderr
    [entry] = cli("log", "query", "--log", db, "--kind", "waiver", "--json").json()
    details = entry["details"]
    assert entry["decision"] == decision and reason in details["authentication"]["reason"], details
    if decision == "approved":
        assert details["approved_by"]["name"] == "A. Counsel" and details["keyid"].startswith("sha256:")
        assert details["keyid"] in details["authentication"]["reason"] and details["approved"] == "2026-11-01T00:00:00Z"
    else:
        assert "approved_by" not in details and "approved" not in details
        assert details["claimed_signer"]["name"] == "A. Counsel"


def test_record_waivers_with_an_unreadable_approver_policy_records_nothing(cli, tmp_path):
    from conftest import sign_waivers

    waivers, _ = sign_waivers(tmp_path, WAIVER)
    db = tmp_path / "w.db"
    result = cli("log", "record-waivers", waivers, "--log", db, "--approvers", tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert "missing.yaml" in error_line(result)
    assert not db.exists() or cli("log", "query", "--log", db, "--json").json() == []


APPENDER = """
import sys
from mlgov.auditlog.log import AuditLog
log = AuditLog.open(sys.argv[1])
for i in range(int(sys.argv[2])):
    seq = log.append("gate", [{"name": f"worker-{sys.argv[3]}-{i}", "digest": {"sha256": "0" * 64}}], "pass")
    print(seq, flush=True)
"""


def test_concurrent_appenders_lose_nothing(tmp_path):
    db = tmp_path / "busy.db"
    AuditLog.open(db)  # create it once, so that workers do not race on the schema
    workers = [subprocess.Popen([sys.executable, "-c", APPENDER, str(db), "500", str(w)], stdout=subprocess.PIPE,
                                text=True) for w in range(4)]
    seqs = []
    for worker in workers:
        out, _ = worker.communicate(timeout=600)
        assert worker.returncode == 0
        seqs += [int(line) for line in out.split()]
    assert sorted(seqs) == list(range(1, 2001))
    log = AuditLog.open(db)
    names = {e["subjects"][0]["name"] for e in log.entries()}
    assert len(names) == 2000
    key = _key(tmp_path)
    log.checkpoint(key)
    check = log.verify([TrustedKey("k", key.public)])
    assert check.ok and check.size == 2000


def test_sigkill_in_the_middle_of_appends_leaves_a_verifiable_log(tmp_path):
    db = tmp_path / "crash.db"
    AuditLog.open(db)
    proc = subprocess.Popen([sys.executable, "-c", APPENDER, str(db), "100000", "k"], stdout=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 60
    acknowledged = 0
    while acknowledged < 50 and time.time() < deadline:
        line = proc.stdout.readline()
        if line:
            acknowledged = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    log = AuditLog.open(db)
    size = log.store.size()
    assert size >= acknowledged  # every acknowledged append is there (and at most one more committed)
    key = _key(tmp_path)
    log.checkpoint(key)
    check = log.verify([TrustedKey("k", key.public)])
    assert check.ok, check.problems
    assert [e["seq"] for e in log.entries()] == list(range(1, size + 1))


def _key(tmp_path):
    from mlgov.signing.keys import generate, write_keypair

    private, public = write_keypair(generate(), tmp_path, "logkey", None, force=True)
    assert load_public(public)
    return load_signer(private)


def test_parallel_scan_finds_what_the_serial_one_finds(tmp_path, monkeypatch):
    """Large logs are hashed and checked in worker processes: same problems, same roots."""
    from mlgov.auditlog import scan

    log = AuditLog.open(tmp_path / "p.db")
    for i in range(40):
        log.append("gate", [{"name": f"m{i}"}], "pass")
    key = _key(tmp_path)
    log.checkpoint(key)
    db = sqlite3.connect(tmp_path / "p.db")
    db.execute("DELETE FROM entries WHERE seq = 17")
    db.execute("UPDATE entries SET subjects = '[\"x\"]' WHERE seq = 30")
    db.execute("UPDATE nodes SET hash = zeroblob(32) WHERE tree_size = 32 AND level = 5")
    db.commit()
    db.close()
    serial = log.verify([TrustedKey("k", key.public)])
    monkeypatch.setattr(scan, "PARALLEL_FROM", 0)
    monkeypatch.setattr(scan, "CHUNK", 7)
    parallel = log.verify([TrustedKey("k", key.public)])
    assert parallel.problems == serial.problems
    assert "entries 17..17 are missing (deleted?)" in serial.problems
    assert "entry 30: column subjects differs from the entry (edited)" in serial.problems
    assert ("stored subtree hash (32, level 5) differs from the entries' (proofs from it would be wrong)"
            in serial.problems)


def test_witness_publishes_to_a_git_repository_and_refuses_a_rolled_back_log(cli, logged, tmp_path):
    witness = tmp_path / "witness-repo"
    witness.mkdir()
    subprocess.run(["git", "init", "-q", str(witness)], check=True)
    older = tmp_path / "older.db"
    with sqlite3.connect(logged["db"]) as src, sqlite3.connect(older) as dst:
        src.backup(dst)  # a copy of the 3-entry log, as an attacker would keep
    first = cli("log", "witness", "--log", logged["db"], "--key", logged["pub"], "--to", witness)
    assert first.exit_code == 0 and first.stdout.startswith("witnessed: 3 entries"), first.stderr
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", logged["key"], "--as-of", "2026-11-24",
                 "--packs", DOC_PACK, "--log", logged["db"], "--out", tmp_path / "v4.json")
    assert result.exit_code in (0, 1)
    assert cli("log", "witness", "--log", logged["db"], "--key", logged["pub"], "--to", witness).exit_code == 0
    log = subprocess.run(["git", "-C", str(witness), "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.count("checkpoint mlgov/") == 2
    notes = sorted(p.name for p in witness.glob("*/checkpoints/*"))
    assert notes == ["3", "4"]
    with sqlite3.connect(older) as src, sqlite3.connect(logged["db"]) as dst:
        src.backup(dst)  # roll back: restore the older copy over the log
    refused = cli("log", "witness", "--log", logged["db"], "--key", logged["pub"], "--to", witness)
    assert refused.exit_code == 1 and "rolled back" in error_line(refused), refused.stderr
    assert sorted(p.name for p in witness.glob("*/checkpoints/*")) == ["3", "4"]  # nothing published over
    assert verify(cli, logged).exit_code == 0  # the older copy is internally consistent...
    found = problems(verify(cli, logged, "--witness", witness))
    assert found == ["log truncated or rolled back: witnessed checkpoint "
                     f"{next(witness.glob('*/checkpoints/4'))} covers 4 entries, only 3 remain"]


def test_verify_against_a_witness_that_never_saw_the_log_fails(cli, logged, tmp_path):
    empty = tmp_path / "empty-witness"
    empty.mkdir()
    found = problems(verify(cli, logged, "--witness", empty))
    assert len(found) == 1 and "was ever witnessed there" in found[0]


def test_saved_note_checkpoint_is_a_trusted_checkpoint(cli, logged):
    saved = logged["dir"] / "head.note"
    assert cli("log", "checkpoint", "--log", logged["db"], "--key", logged["key"], "--note", saved).exit_code == 0
    assert saved.read_text().split("\n")[1] == "3"
    assert verify(cli, logged, "--trusted-checkpoint", saved).exit_code == 0
    sql(logged, "DELETE FROM entries WHERE seq = 3")
    sql(logged, "DELETE FROM checkpoints WHERE size = 3")
    assert verify(cli, logged).exit_code == 0
    assert problems(verify(cli, logged, "--trusted-checkpoint", saved)) == [
        "log truncated or rolled back: the checkpoint you trust covers 3 entries, only 2 remain"]


def test_proofs_from_stored_subtrees_equal_proofs_from_all_leaves(tmp_path):
    """Stored subtrees (16 leaves and more) plus recomputed small ones give the RFC 6962 proofs."""
    log = AuditLog.open(tmp_path / "t.db")
    leaves = []
    for n in range(1, 70):
        log.append("gate", [{"name": f"m{n}"}], "pass")
        leaves.append(merkle.leaf_hash(log.store.entry(n).body))
        assert log.store.root(n) == merkle.root(leaves)
        mth = log.store.mth()
        for i in {0, n // 3, n // 2, n - 1}:
            assert merkle.inclusion_path(i, n, mth) == merkle.inclusion_proof(leaves, i)
        for m in {1, n // 2 or 1, n}:
            assert merkle.consistency_path(m, n, mth) == merkle.consistency_proof(leaves, m)
    stored = [(size, level) for size, level, _ in log.store.nodes()]
    assert stored == [(16, 4), (32, 4), (32, 5), (48, 4), (64, 4), (64, 5), (64, 6)]


V1_SCHEMA = """
CREATE TABLE entries (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, kind TEXT NOT NULL, decision TEXT,
    subjects TEXT NOT NULL, body BLOB NOT NULL, leaf BLOB NOT NULL);
CREATE INDEX entries_kind ON entries(kind);
CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, envelope TEXT NOT NULL);
"""


def test_a_log_from_the_previous_schema_is_refused_then_migrated(cli, tmp_path):
    """Schema 1 (mlgov before issue 15): rows and DSSE checkpoints as that version wrote them."""
    import rfc8785

    from mlgov.auditlog.log import CHECKPOINT_TYPE
    from mlgov.signing import dsse

    signer = _key(tmp_path)
    db_path = tmp_path / "old.db"
    db = sqlite3.connect(db_path)
    db.executescript(V1_SCHEMA)
    acc = merkle.Accumulator()
    for seq in range(1, 21):
        entry = {"seq": seq, "time": "2026-11-01T00:00:00.000000Z", "kind": "gate",
                 "subjects": [{"name": f"m{seq}"}], "decision": "pass", "packs": [], "actor": {"user": "u"}}
        body = rfc8785.dumps(entry)
        db.execute("INSERT INTO entries VALUES (?,?,?,?,?,?,?)",
                   (seq, entry["time"], "gate", "pass", json.dumps([f"m{seq}"]), body, merkle.leaf_hash(body)))
        acc.add(merkle.leaf_hash(body))
        if seq % 10 == 0:
            head = {"origin": "mlgov-audit-log:old.db", "size": seq, "root_hash": acc.root().hex(),
                    "time": entry["time"]}
            db.execute("INSERT INTO checkpoints VALUES (?,?,?)",
                       (seq, acc.root(), json.dumps(dsse.sign(rfc8785.dumps(head), CHECKPOINT_TYPE, signer))))
    db.commit()
    db.close()
    key = tmp_path / "logkey.pem"
    pub = tmp_path / "logkey.pub.pem"
    from mlgov.auditlog.store import LogStoreError

    with pytest.raises(LogStoreError, match="refusing to append: table 'checkpoints' was not created by mlgov"):
        AuditLog.open(db_path).append("gate", [], "pass")
    found = problems(cli("log", "verify", "--log", db_path, "--key", pub, "--json"))
    assert "schema: table 'meta' is missing" in found
    done = cli("log", "migrate", "--log", db_path, "--key", key)
    assert done.exit_code == 0 and done.stdout.startswith("migrated 20 entries and 2 checkpoints"), done.stderr
    assert cli("log", "verify", "--log", db_path, "--key", pub).exit_code == 0
    log = AuditLog.open(db_path)
    assert log.origin == "mlgov-audit-log:old.db" and log.store.last_checkpoint().note.startswith(log.origin)
    log.append("gate", [{"name": "new"}], "pass")  # the gate appends again
    assert (tmp_path / "old.db.v1").is_file()
