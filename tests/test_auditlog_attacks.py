"""Attacks on the audit log by someone with write access to its database (the SQLite file, or
the PostgreSQL tables), each a test: what was done, whether `mlgov log verify` detects it with
only the trusted key, and with a checkpoint saved or witnessed elsewhere.

`DETECTED` attacks fail verify with the trusted key alone. `NEEDS_OUTSIDE_HEAD` attacks leave a
log that is internally consistent and signed; only a checkpoint kept outside the log (saved with
`log checkpoint --note`, or published with `log witness`) reveals them. README states the same
table; `test_readme_table_matches` keeps the two equal."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pg_server import pg_log, pg_server  # noqa: F401 (fixtures)

from mlgov.auditlog import merkle
from mlgov.auditlog.log import AuditLog
from mlgov.auditlog.witness import publish
from mlgov.signing.keys import generate, load_signer, write_keypair

from conftest import BUNDLES, DOC_PACK, error_line

ROOT = Path(__file__).resolve().parent.parent


class Raw:
    """Direct access to the store's tables, as an attacker with the file or a DB login has."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.pg = where.startswith("postgresql://")
        if self.pg:
            import psycopg

            self.db = psycopg.connect(where, autocommit=True)
            self.db.execute("SET search_path = mlgov_log, public")
        else:
            import sqlite3

            self.db = sqlite3.connect(where, isolation_level=None)

    def run(self, sql: str, *params) -> list[tuple]:
        if self.pg:
            sql = sql.replace("?", "%s")
        cursor = self.db.execute(sql, params)
        try:
            return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]
        except Exception:  # statements without rows
            return []

    def close(self) -> None:
        self.db.close()

    def rewrite_entry(self, seq: int, change) -> None:
        """Rewrite an entry's body consistently: body, leaf, columns (what a careful forger does)."""
        [(body,)] = self.run("SELECT body FROM entries WHERE seq = ?", seq)
        entry = json.loads(body)
        change(entry)
        forged = json.dumps(entry, separators=(",", ":")).encode()
        self.run("UPDATE entries SET body = ?, leaf = ?, decision = ? WHERE seq = ?",
                 forged, merkle.leaf_hash(forged), entry["decision"], seq)

    def rebuild_nodes(self) -> None:
        """Recompute every stored subtree from the current leaves (hides a rewrite from proofs)."""
        self.run("DELETE FROM nodes")
        acc = merkle.Accumulator()
        for (leaf,) in self.run("SELECT leaf FROM entries ORDER BY seq"):
            for level, digest in acc.add(leaf):
                if level >= 4:
                    self.run("INSERT INTO nodes(tree_size, level, hash) VALUES (?, ?, ?)", acc.size, level, digest)


def _trigger_censor(raw: Raw) -> None:
    if raw.pg:
        raw.run("CREATE FUNCTION censor() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "DELETE FROM entries WHERE seq = NEW.seq; RETURN NULL; END $$")
        raw.run("CREATE TRIGGER t AFTER INSERT ON entries FOR EACH ROW WHEN (NEW.decision = 'fail') "
                "EXECUTE FUNCTION censor()")
    else:
        raw.run("CREATE TRIGGER t AFTER INSERT ON entries WHEN NEW.decision = 'fail' "
                "BEGIN DELETE FROM entries WHERE seq = NEW.seq; END")


def _trigger_ignore(raw: Raw) -> None:
    if raw.pg:
        raw.run("CREATE FUNCTION drop_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.decision = 'fail' THEN RETURN NULL; END IF; RETURN NEW; END $$")
        raw.run("CREATE TRIGGER t BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION drop_fail()")
    else:
        raw.run("CREATE TRIGGER t BEFORE INSERT ON entries WHEN NEW.decision = 'fail' "
                "BEGIN SELECT RAISE(IGNORE); END")


def _rule_censor(raw: Raw) -> None:
    if raw.pg:
        raw.run("CREATE RULE hide AS ON INSERT TO entries WHERE NEW.decision = 'fail' DO INSTEAD NOTHING")
    else:
        raw.run("CREATE TRIGGER hide AFTER UPDATE ON entries BEGIN SELECT 1; END")


def _bad_seq(value: int):
    def attack(raw: Raw) -> None:
        [row] = raw.run("SELECT time, kind, decision, subjects, body, leaf FROM entries WHERE seq = 2")
        if raw.pg:
            raw.run("ALTER TABLE entries DISABLE TRIGGER ALL")  # no effect on CHECK: go through a copy
            raw.run("ALTER TABLE entries DROP CONSTRAINT IF EXISTS entries_seq_check")
        else:
            raw.run("PRAGMA ignore_check_constraints = ON")
        raw.run("INSERT INTO entries(seq, time, kind, decision, subjects, body, leaf) VALUES (?,?,?,?,?,?,?)",
                value, *row)
    return attack


def _forge_tail(raw: Raw) -> None:
    [(body,)] = raw.run("SELECT body FROM entries WHERE seq = 3")
    entry = json.loads(body)
    entry.update(seq=4, decision="pass", subjects=[{"name": "forged-model", "digest": {"sha256": "f" * 64}}])
    forged = json.dumps(entry, separators=(",", ":")).encode()
    raw.run("INSERT INTO entries(seq, time, kind, decision, subjects, body, leaf) VALUES (4,?,?,?,?,?,?)",
            entry["time"], "gate", "pass", '["forged-model"]', forged, merkle.leaf_hash(forged))
    raw.rebuild_nodes()


def _truncate(raw: Raw) -> None:
    raw.run("DELETE FROM entries WHERE seq = 3")
    raw.run("DELETE FROM checkpoints WHERE size = 3")
    raw.rebuild_nodes()


def _rewrite_all_and_drop_checkpoints(raw: Raw) -> None:
    raw.rewrite_entry(2, lambda e: e.update(decision="pass"))
    raw.rebuild_nodes()
    raw.run("DELETE FROM checkpoints")


def _swap(raw: Raw) -> None:
    rows = raw.run("SELECT seq, body, leaf, decision FROM entries WHERE seq IN (1, 2) ORDER BY seq")
    raw.run("UPDATE entries SET body = ?, leaf = ?, decision = ? WHERE seq = 1", *rows[1][1:])
    raw.run("UPDATE entries SET body = ?, leaf = ?, decision = ? WHERE seq = 2", *rows[0][1:])


def _foreign_checkpoint(raw: Raw) -> None:
    [(envelope, note)] = raw.run("SELECT envelope, note FROM checkpoints WHERE size = 3")
    raw.run("DELETE FROM checkpoints WHERE size = 3")
    raw.run("INSERT INTO checkpoints(size, root, envelope, note) VALUES (3, ?, ?, ?)", b"\x00" * 32, envelope, note)


def _edit_note(raw: Raw) -> None:
    [(note,)] = raw.run("SELECT note FROM checkpoints WHERE size = 2")
    lines = note.split("\n")
    lines[1] = "1"
    raw.run("UPDATE checkpoints SET note = ? WHERE size = 2", "\n".join(lines))


def _forge_node(raw: Raw) -> None:
    raw.run("INSERT INTO nodes(tree_size, level, hash) VALUES (16, 4, ?)", b"\x11" * 32)


def _alter_table(raw: Raw) -> None:
    raw.run("ALTER TABLE entries ADD COLUMN note TEXT")


def _extra_index(raw: Raw) -> None:
    raw.run("CREATE INDEX sneaky ON entries(decision)")


def _extra_table(raw: Raw) -> None:
    raw.run("CREATE TABLE shadow (seq INTEGER)")


def _view(raw: Raw) -> None:
    raw.run("CREATE VIEW passed AS SELECT * FROM entries WHERE decision = 'pass'")


def _origin(raw: Raw) -> None:
    raw.run("UPDATE meta SET value = 'another.example/log' WHERE key = 'origin'")


# id: (what the attacker does, attack, problem verify names, detected with the trusted key alone)
ATTACKS = {
    "trigger-deletes-fail-entries": ("plant a trigger that deletes every FAIL entry as it is written",
                                     _trigger_censor, "schema: trigger 't'", True),
    "trigger-ignores-fail-inserts": ("plant a BEFORE INSERT trigger that silently drops FAIL entries",
                                     _trigger_ignore, "schema: trigger 't'", True),
    "rule-or-trigger-on-update": ("plant a rewrite rule (PostgreSQL) or an update trigger (SQLite)",
                                  _rule_censor, "schema: ", True),
    "edit-body-consistently": ("rewrite entry 2's body, leaf and decision column (FAIL -> pass)",
                               lambda raw: raw.rewrite_entry(2, lambda e: e.update(decision="pass")),
                               "entries 1..2 no longer hash to the signed checkpoint's root", True),
    "edit-body-and-subtrees": ("rewrite entry 2 and recompute every stored subtree hash",
                               lambda raw: (raw.rewrite_entry(2, lambda e: e.update(decision="pass")),
                                            raw.rebuild_nodes()),
                               "entries 1..2 no longer hash to the signed checkpoint's root", True),
    "edit-decision-column": ("UPDATE the decision column only",
                             lambda raw: raw.run("UPDATE entries SET decision = 'pass' WHERE seq = 2"),
                             "entry 2: column decision differs from the entry (edited)", True),
    "edit-subjects-column": ("UPDATE the subjects column only",
                             lambda raw: raw.run("UPDATE entries SET subjects = '[\"other\"]' WHERE seq = 2"),
                             "entry 2: column subjects differs from the entry (edited)", True),
    "edit-time-column": ("UPDATE the time column only",
                         lambda raw: raw.run("UPDATE entries SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = 1"),
                         "entry 1: column time differs from the entry (edited)", True),
    "edit-leaf-column": ("UPDATE the stored leaf hash",
                         lambda raw: raw.run("UPDATE entries SET leaf = ? WHERE seq = 1", b"\x00" * 32),
                         "entry 1 changed since it was appended", True),
    "delete-middle-entry": ("DELETE entry 2", lambda raw: raw.run("DELETE FROM entries WHERE seq = 2"),
                            "entries 2..2 are missing (deleted?)", True),
    "swap-two-entries": ("swap the rows of entries 1 and 2", _swap, "row 1 holds entry 2", True),
    "seq-zero-row": ("insert a copy of entry 2 as seq = 0 (check constraints bypassed)", _bad_seq(0),
                     "row with invalid sequence number 0", True),
    "negative-seq-row": ("insert a copy of entry 2 as seq = -5", _bad_seq(-5),
                         "row with invalid sequence number -5", True),
    "forged-entry-after-last-checkpoint": ("append a well-formed entry 4 (and its subtrees) with no checkpoint",
                                           _forge_tail, "entries 4..4 are after the last signed checkpoint", True),
    "delete-all-checkpoints": ("DELETE every checkpoint",
                               lambda raw: raw.run("DELETE FROM checkpoints"),
                               "no signed checkpoint: none of the 3 entries is signed", True),
    "rewrite-history-drop-checkpoints": ("rewrite entry 2, recompute subtrees, delete every checkpoint",
                                         _rewrite_all_and_drop_checkpoints, "no signed checkpoint", True),
    "checkpoint-row-edited": ("replace checkpoint 3's stored root", _foreign_checkpoint,
                              "checkpoint at size 3: stored size, root or origin differ from what was signed", True),
    "checkpoint-note-edited": ("change the tree size in checkpoint 2's signed note", _edit_note,
                               "checkpoint at size 2: signed note:", True),
    "subtree-hash-forged": ("INSERT a stored subtree hash no entries produce (proofs would be wrong)", _forge_node,
                            "stored subtree hash (16, level 4) matches no subtree of the entries", True),
    "column-added": ("ALTER TABLE entries ADD COLUMN", _alter_table, "schema: ", True),
    "index-added": ("CREATE INDEX on entries", _extra_index, "schema: index 'sneaky'", True),
    "table-added": ("CREATE TABLE beside the log", _extra_table, "schema: table 'shadow'", True),
    "view-added": ("CREATE VIEW over entries", _view, "schema: view 'passed'", True),
    "origin-changed": ("change the log's origin", _origin, "checkpoint at size 1: stored size, root or origin", True),
    "truncate-with-its-checkpoint": ("DELETE the last entry and its checkpoint, recompute subtrees", _truncate,
                                     "log truncated or rolled back", False),
    "rollback-to-older-copy": ("replace the database with a copy taken after entry 2", None,
                               "log truncated or rolled back", False),
}


def sqlite_store(tmp_path: Path) -> str:
    return str(tmp_path / "audit.db")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return sqlite_store(tmp_path)
    return request.getfixturevalue("pg_log")


@pytest.fixture
def pg(request):
    """A fresh PostgreSQL database (pg_server.pg_log)."""
    return request.getfixturevalue("pg_log")


@pytest.fixture
def keys(tmp_path):
    private, public = write_keypair(generate(), tmp_path, "logkey", None, force=True)
    return {"signer": load_signer(private), "pub": public, "key": private}


def build(where: str, keys: dict, tmp_path: Path) -> dict:
    """Three entries (pass, FAIL, pass), a checkpoint after each; the copy taken after entry 2;
    the last checkpoint saved as a note; every checkpoint published to a witness directory."""
    log = AuditLog.open(where)
    witness = tmp_path / "witness"
    for i, decision in enumerate(["pass", "fail", "pass"], start=1):
        log.append("gate", [{"name": f"model-{i}", "digest": {"sha256": str(i) * 64}}], decision)
        log.checkpoint(keys["signer"])
        publish(log, witness, [keys["signer"].public])
        if i == 2 and not where.startswith("postgresql://"):
            log.store.close()
            shutil.copy(where, tmp_path / "older.db")
            log = AuditLog.open(where)
    (tmp_path / "head.note").write_text(log.store.last_checkpoint().note)
    log.store.close()
    return {"witness": witness, "saved": tmp_path / "head.note", "older": tmp_path / "older.db"}


def verify(cli, where, keys, *extra):
    result = cli("log", "verify", "--log", where, "--key", keys["pub"], "--json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, result.json()["problems"]


@pytest.mark.parametrize("attack_id", list(ATTACKS))
def test_attack(cli, store, keys, tmp_path, attack_id):
    what, attack, problem, alone = ATTACKS[attack_id]
    made = build(store, keys, tmp_path)
    assert verify(cli, store, keys) == (0, [])
    if attack is None:  # rollback to an older copy of the whole database
        if store.startswith("postgresql://"):
            _truncate(raw := Raw(store))
            raw.close()
        else:
            shutil.copy(made["older"], store)
    else:
        raw = Raw(store)
        attack(raw)
        raw.close()
    code, found = verify(cli, store, keys)
    if alone:
        assert code == 1 and any(problem in p for p in found), (what, found)
    else:
        assert (code, found) == (0, []), (what, found)  # internally consistent and signed: undetectable alone
    for outside in (["--trusted-checkpoint", made["saved"]], ["--witness", made["witness"]]):
        code, found = verify(cli, store, keys, *outside)
        assert code == 1 and any(problem in p for p in found), (what, outside[0], found)


def test_planted_trigger_makes_the_gate_refuse_and_release_nothing(cli, store, keys, tmp_path):
    build(store, keys, tmp_path)
    raw = Raw(store)
    _trigger_censor(raw)
    raw.close()
    out = tmp_path / "verdict.json"
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", keys["key"], "--as-of", "2026-11-24",
                 "--packs", DOC_PACK, "--log", store, "--out", out)
    assert result.exit_code == 2
    line = error_line(result)
    assert "refusing to append: trigger 't' on 'entries' was not created by mlgov" in line
    assert "no verdict was written" in line
    assert not out.exists()


def test_unsigned_tail_can_be_accepted_explicitly(cli, store, keys, tmp_path):
    build(store, keys, tmp_path)
    AuditLog.open(store).append("gate", [{"name": "late"}], "pass")  # a run that died before signing
    code, found = verify(cli, store, keys)
    assert code == 1 and "entries 4..4 are after the last signed checkpoint" in found[0]
    assert verify(cli, store, keys, "--allow-unsigned-tail") == (0, [])


def test_readme_table_matches():
    """README lists every attack with the same verdict as this suite."""
    text = (ROOT / "README.md").read_text()
    for attack_id, (_, _, _, alone) in ATTACKS.items():
        row = re.search(rf"^\| `{re.escape(attack_id)}` \|.*$", text, re.M)
        assert row, f"README does not list {attack_id}"
        cells = [c.strip() for c in row.group(0).strip("|").split("|")]
        assert cells[2] == ("detected" if alone else "**not detected**"), (attack_id, cells)
        assert cells[3] == "detected", (attack_id, cells)


APPENDER = """
import sys
from mlgov.auditlog.log import AuditLog
log = AuditLog.open(sys.argv[1])
for i in range(int(sys.argv[2])):
    seq = log.append("gate", [{"name": f"worker-{sys.argv[3]}-{i}", "digest": {"sha256": "0" * 64}}], "pass")
    print(seq, flush=True)
"""


def test_postgresql_eight_concurrent_appenders_lose_nothing(pg, keys):
    import subprocess
    import sys

    AuditLog.open(pg)  # create the schema once
    workers = [subprocess.Popen([sys.executable, "-c", APPENDER, pg, "500", str(w)], stdout=subprocess.PIPE,
                                text=True) for w in range(8)]
    seqs = []
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        seqs += [int(line) for line in out.split()]
    assert sorted(seqs) == list(range(1, 4001))  # gap-free and duplicate-free
    log = AuditLog.open(pg)
    assert len({e["subjects"][0]["name"] for e in log.entries()}) == 4000
    log.checkpoint(keys["signer"])
    check = log.verify([keys["signer"].public])
    assert check.ok and check.size == 4000, check.problems


def test_postgresql_sigkill_of_appenders_leaves_a_verifiable_log(pg, keys):
    import os
    import signal
    import subprocess
    import sys
    import time

    AuditLog.open(pg)
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, pg, "100000", str(w)], stdout=subprocess.PIPE,
                              text=True) for w in range(3)]
    acknowledged = 0
    deadline = time.time() + 60
    while acknowledged < 150 and time.time() < deadline:
        line = procs[0].stdout.readline()
        if line:
            acknowledged = max(acknowledged, int(line))
    for proc in procs:
        os.kill(proc.pid, signal.SIGKILL)  # mid-transaction, very likely: they append in a loop
        proc.wait()
    log = AuditLog.open(pg)
    size = log.store.size()
    assert size >= acknowledged
    assert [e["seq"] for e in log.entries()] == list(range(1, size + 1))
    log.checkpoint(keys["signer"])
    check = log.verify([keys["signer"].public])
    assert check.ok, check.problems
