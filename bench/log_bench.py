"""Audit-log speed: appends per second (one process, and four at once, each append its own
durable transaction), then a log of 1,000,000 entries with a signed checkpoint every 1,000:
full verify, and inclusion and consistency proofs (which read O(log n) stored subtrees).

Run: .venv/bin/python bench/log_bench.py [--entries N (0: appends only)] [--dir DIR] [--postgresql URL]
(a few minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import rfc8785

from mlgov.auditlog import merkle, note
from mlgov.auditlog.log import CHECKPOINT_TYPE, AuditLog, check_consistency, check_inclusion, index_columns
from mlgov.auditlog.store import TILE
from mlgov.signing import dsse
from mlgov.signing.keys import generate, load_signer, write_keypair
from mlgov.signing.trust import TrustedKey

DIGEST = "14b19a2da247b354c4b518f96f78ea98c27e6110c188cea5cf3522b5351834dc"
SUBJECT = [{"name": "model.onnx", "digest": {"sha256": DIGEST}}]
PACKS = [{"name": "licensing", "version": "0.1.0", "digest": "sha256:" + "0" * 64}]
WORKER = """
import sys
from mlgov.auditlog.store import TILE
from mlgov.auditlog.log import AuditLog
log = AuditLog.open(sys.argv[1])
for i in range(int(sys.argv[2])):
    log.append("gate", [{"name": "m", "digest": {"sha256": "0" * 64}}], "pass")
"""


def appends_per_second(where: str, n: int = 2000) -> float:
    log = AuditLog.open(where)
    start = time.perf_counter()
    for _ in range(n):
        log.append("gate", SUBJECT, "pass", packs=PACKS)
    return n / (time.perf_counter() - start)


def concurrent_appends_per_second(where: str, workers: int = 4, each: int = 500) -> float:
    AuditLog.open(where)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, where, str(each)]) for _ in range(workers)]
    for p in procs:
        p.wait()
    return workers * each / (time.perf_counter() - start)


def build_large_log(tmp: Path, n: int, every: int, signer):
    """n entries, their subtree hashes and a signed checkpoint every `every` entries, written
    straight into SQLite in one transaction (the append path is measured above)."""
    db_path = tmp / "large.db"
    log = AuditLog.open(db_path)
    origin = log.origin
    log.store.close()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    acc = merkle.Accumulator()
    rows, nodes, checkpoints = [], [], []
    for seq in range(1, n + 1):
        entry = {"seq": seq, "time": "2026-11-24T00:00:00.000000Z", "kind": "gate", "subjects": SUBJECT,
                 "decision": "pass", "packs": PACKS, "actor": {"user": "bench", "host": "bench"}}
        body = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
        leaf = merkle.leaf_hash(body)
        cols = index_columns(entry)
        rows.append((seq, cols["time"], cols["kind"], cols["decision"], cols["subjects"], body, leaf))
        nodes += [(seq, level, digest) for level, digest in acc.add(leaf) if level >= TILE]
        if seq % every == 0:
            root = acc.root()
            head = {"origin": origin, "size": seq, "root_hash": root.hex(), "time": entry["time"]}
            envelope = dsse.sign(rfc8785.dumps(head), CHECKPOINT_TYPE, signer)
            signed = note.sign_checkpoint(note.Checkpoint(origin, seq, root), signer)
            checkpoints.append((seq, root, json.dumps(envelope), signed))
        if len(rows) >= 50_000:
            db.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?)", rows)
            db.executemany("INSERT INTO nodes VALUES (?,?,?)", nodes)
            rows, nodes = [], []
    db.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO nodes VALUES (?,?,?)", nodes)
    db.executemany("INSERT INTO checkpoints VALUES (?,?,?,?)", checkpoints)
    db.execute("COMMIT")
    db.close()
    return AuditLog.open(db_path)


def bare_commit(tmp: Path) -> None:
    """200 one-row transactions on a table without anything mlgov does: the disk's share."""
    db = sqlite3.connect(tmp / "bare.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (x)")
    for _ in range(200):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (1)")
        db.execute("COMMIT")
    db.close()


def _cpu_seconds() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ms(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--postgresql", help="Also measure appends on this PostgreSQL database URL.")
    parser.add_argument("--dir", help="Where to put the SQLite files (default: the system temp directory). "
                                      "Appends are bound by its fsync latency; /dev/shm shows the CPU cost alone.")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        tmp = Path(tmp)
        private, _ = write_keypair(generate(), tmp, "bench", None, force=True)
        signer = load_signer(private)
        key = TrustedKey("bench", signer.public)
        print(f"fsync-bound floor here: {ms(lambda: bare_commit(tmp), 1) / 200:.2f} ms per bare SQLite commit")
        print(f"SQLite appends/s, one process (each a durable transaction, synchronous=FULL): "
              f"{appends_per_second(str(tmp / 'single.db')):.0f}")
        print(f"SQLite appends/s, four processes at once: {concurrent_appends_per_second(str(tmp / 'busy.db')):.0f}")
        if args.postgresql:
            print(f"PostgreSQL appends/s, one process: {appends_per_second(args.postgresql, 1000):.0f}")
            print(f"PostgreSQL appends/s, four processes at once: "
                  f"{concurrent_appends_per_second(args.postgresql):.0f}")
        n = args.entries
        if not n:
            return
        start = time.perf_counter()
        log = build_large_log(tmp, n, 1_000, signer)
        print(f"built a log of {n:,} entries in {time.perf_counter() - start:.1f} s "
              f"({(tmp / 'large.db').stat().st_size / 1e6:.0f} MB)")
        start, cpu = time.perf_counter(), _cpu_seconds()
        check = log.verify([key])
        elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        assert check.ok and check.size == n and check.checkpoints == n // 1_000, check.problems[:3]
        print(f"full verify of {n:,} entries, their subtree hashes and {n // 1_000:,} checkpoints: {elapsed:.2f} s "
              f"({cpu:.1f} CPU seconds, worker processes included)")
        for seq in (1, n // 2, n - 1):
            proof = log.prove(seq, n)
            assert check_inclusion(proof, [key])[0]
            print(f"inclusion proof for entry {seq:,} in the tree of {n:,}: {ms(lambda s=seq: log.prove(s, n)):.2f} ms "
                  f"({len(proof['proof'])} hashes)")
        for old in (1_000, n // 2, n - 1_000):
            doc = log.consistency(old, n)
            assert check_consistency(doc, [key])[0]
            print(f"consistency proof {old:,} -> {n:,}: {ms(lambda o=old: log.consistency(o, n)):.2f} ms "
                  f"({len(doc['proof'])} hashes)")
        start = time.perf_counter()
        log.append("gate", SUBJECT, "pass", packs=PACKS)
        log.checkpoint(signer)
        print(f"one more append and checkpoint on the {n:,}-entry log: {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
