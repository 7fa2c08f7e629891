"""Where log entries live. The interface is narrow (append, read in order, subtree hashes,
checkpoints, a schema audit) so that SQLite (one file, no server) and PostgreSQL (one log shared
by an organisation's CI runners) back the same log.

Each store keeps, beside the entries, the hash of every complete subtree of 16 leaves or more
(``nodes``, keyed by the tree size at which it closed and its level), so that roots and proofs
cost O(log n) reads; smaller subtrees are recomputed from at most 8 stored leaves."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MlgovError
from . import merkle

Build = Callable[[int], tuple[bytes, dict[str, str | None]]]


class LogStoreError(MlgovError):
    """The log cannot be read or written: the message names the store and the real cause."""


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    body: bytes
    leaf: bytes
    kind: str
    decision: str | None
    time: str
    subjects: str


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    envelope: str
    note: str | None


class LogStore(ABC):
    where: str  # for messages
    location: str  # to open it again (another process); may hold a password

    @abstractmethod
    def append(self, build: Build) -> int:
        """Atomically append the entry ``build(seq)`` returns (body, indexed columns) and the
        subtrees it closes; return seq. Refuses a store holding objects mlgov did not create
        (a trigger could censor the entry), and reads the entry back before committing.
        Concurrent appenders get distinct, gap-free sequence numbers."""

    @abstractmethod
    def entries(self, start: int | None = None, raw: bool = False, stop: int | None = None) -> Iterator[Any]:
        """Rows in sequence order from ``start`` (default: every row, invalid ones included), as
        StoredEntry, or with ``raw`` as tuples (seq, body, leaf, kind, decision, time, subjects)."""

    @abstractmethod
    def entry(self, seq: int) -> StoredEntry | None: ...

    @abstractmethod
    def size(self) -> int: ...

    @abstractmethod
    def leaves(self, start: int, stop: int) -> list[bytes]:
        """The stored leaf hashes of leaves [start, stop) (entries start + 1 .. stop)."""

    @abstractmethod
    def stored_node(self, level: int, index: int) -> bytes | None:
        """A stored subtree hash (level >= TILE)."""

    def subtree(self, level: int, index: int) -> bytes:
        """Hash of the leaves [index * 2**level, (index + 1) * 2**level): stored from level TILE
        up; below, recomputed from at most 2**(TILE-1) stored leaves (one query), as tiles do."""
        if level < TILE:
            leaves = self.leaves(index << level, (index + 1) << level)
            digest = merkle.root(leaves) if len(leaves) == 1 << level else None
        else:
            digest = self.stored_node(level, index)
        if digest is None:
            raise LogStoreError(f"{self.where}: the hash of subtree {level}/{index} is missing "
                                "(run `mlgov log verify`)")
        return digest

    @abstractmethod
    def nodes(self) -> Iterator[tuple[int, int, bytes]]:
        """Every stored subtree as (tree size at which it closed, level, hash), in that order."""

    @abstractmethod
    def add_checkpoint(self, size: int, root: bytes, envelope: str, note: str) -> None: ...

    @abstractmethod
    def checkpoints(self) -> list[StoredCheckpoint]: ...

    @abstractmethod
    def checkpoint_at_least(self, size: int) -> StoredCheckpoint | None:
        """The smallest checkpoint covering ``size`` entries."""

    @abstractmethod
    def last_checkpoint(self) -> StoredCheckpoint | None: ...

    @abstractmethod
    def foreign_objects(self) -> list[str]:
        """Schema objects (triggers, views, tables, indexes, rules ...) mlgov did not create, or
        its own objects altered: each one could hide, rewrite or censor entries."""

    @abstractmethod
    def meta(self, key: str) -> str | None: ...

    def root(self, size: int) -> bytes:
        return merkle.range_hash(0, size, self.subtree)

    def mth(self) -> merkle.HashRange:
        """MTH of any range, reading each stored subtree once."""
        cache: dict[tuple[int, int], bytes] = {}

        def subtree(level: int, index: int) -> bytes:
            if (level, index) not in cache:
                cache[level, index] = self.subtree(level, index)
            return cache[level, index]

        return lambda start, end: merkle.range_hash(start, end, subtree)

    def close(self) -> None:  # noqa: B027 - optional
        pass


TILE = 4  # subtrees of 16 leaves and more are stored; smaller ones are recomputed from leaves


def closed_subtrees(leaf_index: int, store: LogStore) -> list[tuple[int, int, bytes]]:
    """The stored subtrees (level >= TILE) that appending leaf ``leaf_index`` completes, as
    (level, index, hash); the new leaf must already be readable through ``store``."""
    out: list[tuple[int, int, bytes]] = []
    size, level, digest = leaf_index + 1, TILE, b""
    while size % (1 << level) == 0:
        index = (size >> level) - 1
        if level == TILE:
            digest = merkle.root(store.leaves(index << TILE, size))
        else:
            left = store.stored_node(level - 1, 2 * index)
            if left is None:
                raise LogStoreError(f"{store.where}: the hash of subtree {level - 1}/{2 * index} is missing "
                                    "(run `mlgov log verify`)")
            digest = merkle.node_hash(left, digest)
        out.append((level, index, digest))
        level += 1
    return out


_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY CHECK (seq > 0),
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    decision TEXT,
    subjects TEXT NOT NULL,
    body BLOB NOT NULL,
    leaf BLOB NOT NULL CHECK (length(leaf) = 32)
) STRICT;
CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind);
CREATE TABLE IF NOT EXISTS nodes (
    tree_size INTEGER NOT NULL,
    level INTEGER NOT NULL CHECK (level >= 4),
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (tree_size, level)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
    size INTEGER PRIMARY KEY CHECK (size > 0),
    root BLOB NOT NULL,
    envelope TEXT NOT NULL,
    note TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
"""
SCHEMA_VERSION = "2"


def _expected_sqlite_schema() -> set[tuple[str, str, str, str | None]]:
    db = sqlite3.connect(":memory:")
    db.executescript(_SCHEMA)
    rows = set(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    db.close()
    return rows


class SQLiteStore(LogStore):
    """WAL mode, ``synchronous=FULL`` and ``BEGIN IMMEDIATE``: appenders queue on the write
    lock; a committed entry survives a power cut; a killed process leaves its transaction
    uncommitted, so the entry is wholly absent."""

    def __init__(self, path: Path, origin: str | None = None) -> None:
        self.path = Path(path)
        self.where = self.location = str(self.path)
        timeout = float(os.environ.get("MLGOV_LOG_BUSY_TIMEOUT", "60"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries'").fetchone():
                self._create(origin)
        except (sqlite3.Error, OSError) as exc:
            raise LogStoreError(f"{self.path}: cannot open the audit log: {exc}{_fs_state(self.path)}") from None

    def _create(self, origin: str | None) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries'").fetchone():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO meta VALUES ('schema', ?), ('origin', ?)",
                           (SCHEMA_VERSION, origin or default_origin(self.path)))
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _fail(self, what: str, exc: BaseException) -> LogStoreError:
        return LogStoreError(f"{self.path}: cannot {what}: {exc}{_fs_state(self.path)}")

    def foreign_objects(self) -> list[str]:
        try:
            found = set(self._db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        except sqlite3.Error as exc:
            raise self._fail("read the schema", exc) from None
        return describe_differences(found, _EXPECTED, ("trigger", "view"))

    def append(self, build: Build) -> int:
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            foreign = self.foreign_objects()
            if foreign:
                raise LogStoreError(f"{self.path}: refusing to append: {foreign[0]}")
            (last,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()
            seq = last + 1
            body, columns = build(seq)
            leaf = merkle.leaf_hash(body)
            db.execute("INSERT INTO entries(seq, time, kind, decision, subjects, body, leaf) VALUES (?,?,?,?,?,?,?)",
                       (seq, columns["time"], columns["kind"], columns.get("decision"), columns["subjects"],
                        body, leaf))
            nodes = closed_subtrees(seq - 1, self)
            db.executemany("INSERT INTO nodes(tree_size, level, hash) VALUES (?,?,?)",
                           [((index + 1) << level, level, digest) for level, index, digest in nodes])
            back = db.execute("SELECT body FROM entries WHERE seq = ?", (seq,)).fetchone()
            if back is None or bytes(back[0]) != body:
                raise LogStoreError(f"{self.path}: entry {seq} did not stay written (something removed or "
                                    "rewrote it inside the transaction)")
            db.execute("COMMIT")
        except LogStoreError:
            _rollback(db)
            raise
        except (sqlite3.Error, OSError) as exc:
            _rollback(db)
            raise self._fail("append to the audit log", exc) from None
        except BaseException:
            _rollback(db)
            raise
        return seq

    _COLUMNS = "SELECT seq, body, leaf, kind, decision, time, subjects FROM entries"

    def entries(self, start: int | None = None, raw: bool = False, stop: int | None = None) -> Iterator[Any]:
        try:
            low = -(2**63) if start is None else start
            high = 2**63 - 1 if stop is None else stop - 1
            cursor = self._db.execute(f"{self._COLUMNS} WHERE seq BETWEEN ? AND ? ORDER BY seq", (low, high))
            if raw:
                yield from cursor
                return
            for row in cursor:
                yield StoredEntry(row[0], bytes(row[1]), bytes(row[2]), *row[3:])
        except sqlite3.Error as exc:
            raise self._fail("read the audit log", exc) from None

    def entry(self, seq: int) -> StoredEntry | None:
        row = self._db.execute(f"{self._COLUMNS} WHERE seq = ?", (seq,)).fetchone()
        return StoredEntry(row[0], bytes(row[1]), bytes(row[2]), *row[3:]) if row else None

    def size(self) -> int:
        (n,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()
        return n

    def leaves(self, start: int, stop: int) -> list[bytes]:
        rows = self._db.execute("SELECT leaf FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq", (start, stop))
        return [bytes(leaf) for (leaf,) in rows]

    def stored_node(self, level: int, index: int) -> bytes | None:
        row = self._db.execute("SELECT hash FROM nodes WHERE tree_size = ? AND level = ?",
                               ((index + 1) << level, level)).fetchone()
        return bytes(row[0]) if row else None

    def nodes(self) -> Iterator[tuple[int, int, bytes]]:
        for tree_size, level, digest in self._db.execute("SELECT tree_size, level, hash FROM nodes "
                                                         "ORDER BY tree_size, level"):
            yield tree_size, level, bytes(digest)

    def add_checkpoint(self, size: int, root: bytes, envelope: str, note: str) -> None:
        try:
            self._db.execute("INSERT OR IGNORE INTO checkpoints(size, root, envelope, note) VALUES (?,?,?,?)",
                             (size, root, envelope, note))
        except sqlite3.Error as exc:
            raise self._fail("store the checkpoint", exc) from None

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._db.execute("SELECT size, root, envelope, note FROM checkpoints ORDER BY size").fetchall()
        return [StoredCheckpoint(size, bytes(root), envelope, note) for size, root, envelope, note in rows]

    def checkpoint_at_least(self, size: int) -> StoredCheckpoint | None:
        return self._one_checkpoint("WHERE size >= ? ORDER BY size LIMIT 1", (size,))

    def last_checkpoint(self) -> StoredCheckpoint | None:
        return self._one_checkpoint("ORDER BY size DESC LIMIT 1", ())

    def _one_checkpoint(self, clause: str, args: tuple) -> StoredCheckpoint | None:
        row = self._db.execute(f"SELECT size, root, envelope, note FROM checkpoints {clause}", args).fetchone()
        return StoredCheckpoint(row[0], bytes(row[1]), row[2], row[3]) if row else None

    def meta(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:  # no meta table: a log from before schema 2, or damaged
            return None
        return row[0] if row else None

    def close(self) -> None:
        self._db.close()


def _rollback(db: sqlite3.Connection) -> None:
    """Roll back if a transaction is open: never let a failed ROLLBACK mask the real error."""
    if db.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def describe_differences(found: set[tuple], expected: set[tuple], first: tuple[str, ...]) -> list[str]:
    """Objects as (kind, name, table, definition): what is there that mlgov did not create, and
    what of mlgov's is missing or altered; the most dangerous kinds first."""
    ours = {(e[0], e[1]) for e in expected}
    problems = []
    def rank(row: tuple) -> tuple:
        return (first.index(row[0]) if row[0] in first else len(first), tuple(str(v) for v in row))

    for kind, name, table, _ in sorted(found - expected, key=rank):
        where = f" on {table!r}" if table and table != name else ""
        altered = " (it alters mlgov's own object)" if (kind, name) in ours else ""
        problems.append(f"{kind} {name!r}{where} was not created by mlgov{altered}")
    there = {(f[0], f[1]) for f in found}
    problems += [f"{kind} {name!r} is missing" for kind, name, _, _ in sorted(expected - found)
                 if (kind, name) not in there]
    return problems


def _fs_state(path: Path) -> str:
    """SQLite says "disk I/O error" for several OS causes: name the file system's state."""
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return ""
    if stat.f_flag & os.ST_RDONLY:
        return " (the file system holding it is read-only)"
    if stat.f_bavail == 0:
        return " (the file system holding it is full: no space left on device)"
    return ""


def default_origin(path: Path) -> str:
    """A log identity for checkpoints: host and absolute path, without spaces or '+'."""
    import socket

    raw = f"{socket.gethostname()}{Path(path).resolve()}"
    return "mlgov/" + "".join(c if c.isalnum() or c in "-._/:" else "_" for c in raw).strip("/")


_EXPECTED = _expected_sqlite_schema()
