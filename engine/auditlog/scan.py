"""The full recomputation behind ``log verify``: every row hashed and checked against its bytes
(in worker processes for large logs: reading, hashing and parsing a million entries is most of
the time), then the Merkle tree rebuilt level by level and compared with every stored subtree.

Nothing stored is trusted: leaves come from the entry bytes, never the leaf column."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import orjson

from . import merkle
from .store import TILE

PARALLEL_FROM = 200_000  # below this, worker start-up costs more than it saves
CHUNK = 100_000


@dataclass
class Scan:
    leaves: list[bytes] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    levels: list[list[bytes]] = field(default_factory=list)

    def root(self, size: int) -> bytes:
        return merkle.range_hash(0, size, lambda level, index: self.levels[level][index])


def subjects_column(entry: dict[str, Any]) -> str:
    subjects = entry.get("subjects")
    names = [s.get("name") if isinstance(s, dict) else None for s in subjects] if isinstance(subjects, list) else []
    return orjson.dumps(names).decode()


def check_row(row: tuple, fail: Callable[[str], None]) -> None:
    """The entry's own sequence number and the indexed columns against its bytes."""
    seq, body = row[0], row[1]
    try:
        entry = orjson.loads(body)
    except orjson.JSONDecodeError:
        fail(f"entry {seq} is not JSON")
        return
    if type(entry) is not dict:
        fail(f"entry {seq} is not a JSON object")
        return
    if entry.get("seq") != seq:
        fail(f"row {seq} holds entry {entry.get('seq')} (reordered or altered)")
    get = entry.get
    if get("kind") != row[3] or get("decision") != row[4] or get("time") != row[5] or subjects_column(entry) != row[6]:
        found = (get("time"), get("kind"), get("decision"), subjects_column(entry))
        stored = (row[5], row[3], row[4], row[6])
        edited = [name for name, a, b in zip(("time", "kind", "decision", "subjects"), found, stored, strict=True)
                  if a != b]
        fail(f"entry {seq}: column {', '.join(edited)} differs from the entry (edited)")


def _scan_range(where: str, start: int | None, stop: int | None) -> tuple[list[int], list[bytes], list[str]]:
    from .log import open_store

    store = open_store(where)
    try:
        return scan_rows(store.entries(start, raw=True, stop=stop))
    finally:
        store.close()


def scan_rows(rows: Any) -> tuple[list[int], list[bytes], list[str]]:
    seqs, leaves, problems = [], [], []
    sha256 = hashlib.sha256
    for row in rows:
        leaf = sha256(b"\x00" + row[1]).digest()
        if leaf != row[2]:
            problems.append(f"entry {row[0]} changed since it was appended (its leaf hash differs)")
        check_row(row, problems.append)
        seqs.append(row[0])
        leaves.append(leaf)
    return seqs, leaves, problems


def scan(store: Any, location: str) -> Scan:
    """Hash and check every row, then rebuild the tree and compare every stored subtree."""
    out = Scan()
    size = store.size()
    if size < PARALLEL_FROM:
        parts = [scan_rows(store.entries(raw=True))]
    else:
        bounds = [None, *range(CHUNK + 1, size + 1, CHUNK), None]
        workers = min(os.cpu_count() or 1, 4)
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(_scan_range, [location] * (len(bounds) - 1), bounds[:-1], bounds[1:]))
    for _, _, problems in parts:
        out.problems += problems
    expected = 1
    for seqs, leaves, _ in parts:
        if seqs == list(range(expected, expected + len(seqs))):
            out.leaves += leaves
            expected += len(seqs)
            continue
        for seq, leaf in zip(seqs, leaves, strict=True):
            if seq < expected:
                out.problems.append(f"row with invalid sequence number {seq} (entries are numbered from 1)")
                continue
            if seq > expected:
                out.problems.append(f"entries {expected}..{seq - 1} are missing (deleted?)")
                expected = seq
            out.leaves.append(leaf)
            expected += 1
    out.levels = _levels(out.leaves)
    _compare_nodes(store, out)
    return out


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every complete subtree: levels[l][i] hashes leaves [i * 2**l, (i + 1) * 2**l)."""
    sha256 = hashlib.sha256
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([sha256(b"\x01" + below[i] + below[i + 1]).digest() for i in range(0, len(below) - 1, 2)])
    return levels


def _compare_nodes(store: Any, out: Scan) -> None:
    stored: dict[int, list[tuple[int, bytes]]] = {}
    for tree_size, level, digest in store.nodes():
        stored.setdefault(level, []).append((tree_size, digest))
    for level in sorted(set(stored) | set(range(TILE, len(out.levels)))):
        computed = out.levels[level] if level < len(out.levels) else []
        have = stored.get(level, [])
        sizes = [(i + 1) << level for i in range(len(computed))]
        if [s for s, _ in have] == sizes and [d for _, d in have] == computed:
            continue
        have_map = dict(have)
        for i, size in enumerate(sizes):
            if size not in have_map:
                out.problems.append(f"stored subtree hash ({size}, level {level}) is missing")
            elif have_map.pop(size) != computed[i]:
                out.problems.append(f"stored subtree hash ({size}, level {level}) differs from the entries' "
                                    "(proofs from it would be wrong)")
        for size in sorted(have_map):
            out.problems.append(f"stored subtree hash ({size}, level {level}) matches no subtree of the entries")
