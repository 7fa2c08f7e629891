"""Carry a log written by mlgov before schema 2 (no stored subtrees, no signed notes, looser
tables) into the current schema, so that the gate appends to it again. Only an intact log is
carried over: every old checkpoint must verify with the key and match its entries' root; each
gets a C2SP note signed by the same key. The old file is kept beside the new one."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import MlgovError
from ..signing.keys import Signer
from . import merkle, note
from .log import AuditLog, LogCheck, index_columns, signed_head
from .store import TILE, SQLiteStore


def migrate(path: Path, signer: Signer) -> str:
    path = Path(path)
    old = sqlite3.connect(path)
    tables = {name for (name,) in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" in tables:
        raise MlgovError(f"{path}: already in the current schema")
    if not {"entries", "checkpoints"} <= tables:
        raise MlgovError(f"{path}: not an mlgov audit log")
    rows = old.execute("SELECT seq, body FROM entries ORDER BY seq").fetchall()
    checkpoints = old.execute("SELECT size, root, envelope FROM checkpoints ORDER BY size").fetchall()
    old.close()
    if [seq for seq, _ in rows] != list(range(1, len(rows) + 1)):
        raise MlgovError(f"{path}: sequence numbers are not 1..{len(rows)}: not migrated (run `mlgov log verify`)")
    acc = merkle.Accumulator()
    roots, nodes = {}, []
    for seq, body in rows:
        nodes += [(seq, level, digest) for level, digest in acc.add(merkle.leaf_hash(bytes(body))) if level >= TILE]
        roots[seq] = acc.root()
    check = LogCheck()
    origin = None
    for size, root, envelope in checkpoints:
        head = signed_head(envelope, [signer.public], check, f"checkpoint at size {size}")
        if head is None or roots.get(size) != bytes(root) or head.get("root_hash") != bytes(root).hex():
            raise MlgovError(f"{path}: checkpoint at size {size} does not verify with this key or no longer matches "
                             f"the entries: not migrated ({'; '.join(check.problems) or 'root differs'})")
        origin = origin or head.get("origin")
    new_path = path.with_name(path.name + ".v2.tmp")
    new_path.unlink(missing_ok=True)
    store = SQLiteStore(new_path, origin=origin)
    db: Any = store._db
    db.execute("BEGIN IMMEDIATE")
    for seq, body in rows:
        cols = index_columns(json.loads(body))
        db.execute("INSERT INTO entries VALUES (?,?,?,?,?,?,?)", (seq, cols["time"], cols["kind"], cols["decision"],
                                                                  cols["subjects"], bytes(body),
                                                                  merkle.leaf_hash(bytes(body))))
    db.executemany("INSERT INTO nodes VALUES (?,?,?)", nodes)
    log_origin = store.meta("origin")
    for size, root, envelope in checkpoints:
        signed = note.sign_checkpoint(note.Checkpoint(log_origin, size, bytes(root)), signer)
        db.execute("INSERT INTO checkpoints VALUES (?,?,?,?)", (size, bytes(root), envelope, signed))
    db.execute("COMMIT")
    store.close()
    backup = path.with_name(path.name + ".v1")
    os.replace(path, backup)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(new_path, path)
    check = AuditLog.open(path).verify([signer.public], allow_unsigned_tail=True)
    if not check.ok:
        raise MlgovError(f"{path}: the migrated log does not verify: {check.problems[0]} (old file: {backup})")
    return f"migrated {len(rows)} entries and {len(checkpoints)} checkpoints; the old file is {backup}"
