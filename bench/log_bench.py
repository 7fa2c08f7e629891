"""Audit-log speed: appends per second (one process, and four at once), and the time to verify
a log of 100,000 entries with a signed checkpoint every 1,000.

Run: .venv/bin/python bench/log_bench.py   (about a minute)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rfc8785

from mlgov.auditlog import merkle
from mlgov.auditlog.log import CHECKPOINT_TYPE, AuditLog
from mlgov.signing import dsse
from mlgov.signing.keys import generate, load_signer, write_keypair
from mlgov.signing.trust import TrustedKey

DIGEST = "14b19a2da247b354c4b518f96f78ea98c27e6110c188cea5cf3522b5351834dc"
SUBJECT = [{"name": "model.onnx", "digest": {"sha256": DIGEST}}]
WORKER = """
import sys
from mlgov.auditlog.log import AuditLog
log = AuditLog.open(sys.argv[1])
for i in range(int(sys.argv[2])):
    log.append("gate", [{"name": "m", "digest": {"sha256": "0" * 64}}], "pass")
"""


def appends_per_second(tmp: Path) -> float:
    log = AuditLog.open(tmp / "single.db")
    n = 500
    start = time.perf_counter()
    for _ in range(n):
        log.append("gate", SUBJECT, "pass", packs=[{"name": "licensing", "version": "0.1.0", "digest": "sha256:x"}])
    return n / (time.perf_counter() - start)


def concurrent_appends_per_second(tmp: Path, workers: int = 4, each: int = 500) -> float:
    db = tmp / "busy.db"
    AuditLog.open(db)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(each)]) for _ in range(workers)]
    for p in procs:
        p.wait()
    return workers * each / (time.perf_counter() - start)


def build_large_log(tmp: Path, n: int, every: int):
    """Write n entries and a signed checkpoint every `every` entries straight into SQLite (fast)."""
    db_path = tmp / "large.db"
    log = AuditLog.open(db_path)
    private, _ = write_keypair(generate(), tmp, "bench", None, force=True)
    signer = load_signer(private)
    db = sqlite3.connect(db_path)
    acc = merkle.Accumulator()
    rows, checkpoints = [], []
    for seq in range(1, n + 1):
        entry = {"seq": seq, "time": "2026-11-24T00:00:00.000000Z", "kind": "gate", "subjects": SUBJECT,
                 "decision": "pass", "packs": [], "actor": {"user": "bench"}}
        body = rfc8785.dumps(entry)
        leaf = merkle.leaf_hash(body)
        acc.add(leaf)
        rows.append((seq, entry["time"], "gate", "pass", '["model.onnx"]', body, leaf))
        if seq % every == 0:
            head = {"origin": log.origin, "size": seq, "root_hash": acc.root().hex(), "time": entry["time"]}
            envelope = dsse.sign(rfc8785.dumps(head), CHECKPOINT_TYPE, signer)
            checkpoints.append((seq, acc.root(), json.dumps(envelope)))
    db.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO checkpoints VALUES (?,?,?)", checkpoints)
    db.commit()
    db.close()
    return AuditLog.open(db_path), TrustedKey("bench", signer.public)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"appends/s, one process (each its own transaction, synchronous=FULL): {appends_per_second(tmp):.0f}")
        print(f"appends/s, four processes at once: {concurrent_appends_per_second(tmp):.0f}")
        log, key = build_large_log(tmp, 100_000, 1_000)
        start = time.perf_counter()
        check = log.verify([key])
        elapsed = time.perf_counter() - start
        assert check.ok and check.size == 100_000 and check.checkpoints == 100, check.problems[:3]
        print(f"verify 100,000 entries and 100 signed checkpoints: {elapsed:.2f} s")
        start = time.perf_counter()
        log.prove(99_999)
        print(f"inclusion proof for entry 99,999: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
