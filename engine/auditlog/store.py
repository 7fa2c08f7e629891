"""Where log entries live. The interface is narrow (append, read in order, checkpoints) so that
a server database can back it for teams that share one log across CI runners; SQLite is the
default: one file, created on first use, no server."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import MlgovError


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    body: bytes
    leaf: bytes
    kind: str
    decision: str | None
    time: str


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    envelope: str


class LogStore(ABC):
    @abstractmethod
    def append(self, build: Callable[[int], tuple[bytes, dict[str, str | None]]]) -> int:
        """Atomically append the entry ``build(seq)`` returns (body, indexed columns); return seq.

        Either the whole entry is stored or none of it, and concurrent appenders get distinct,
        gap-free sequence numbers."""

    @abstractmethod
    def entries(self, start: int = 1) -> Iterator[StoredEntry]: ...

    @abstractmethod
    def size(self) -> int: ...

    @abstractmethod
    def add_checkpoint(self, size: int, root: bytes, envelope: str) -> None: ...

    @abstractmethod
    def checkpoints(self) -> list[StoredCheckpoint]: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    decision TEXT,
    subjects TEXT NOT NULL,
    body BLOB NOT NULL,
    leaf BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind);
CREATE TABLE IF NOT EXISTS checkpoints (
    size INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    envelope TEXT NOT NULL
);
"""


class SQLiteStore(LogStore):
    """WAL mode and ``BEGIN IMMEDIATE``: appenders queue on the write lock; a killed process
    leaves its transaction uncommitted, so the entry is wholly absent."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise MlgovError(f"{self.path}: cannot open the audit log: {exc}") from None

    def append(self, build: Callable[[int], tuple[bytes, dict[str, str | None]]]) -> int:
        from .merkle import leaf_hash

        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            (last,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()
            seq = last + 1
            body, columns = build(seq)
            db.execute("INSERT INTO entries(seq, time, kind, decision, subjects, body, leaf) VALUES (?,?,?,?,?,?,?)",
                       (seq, columns["time"], columns["kind"], columns.get("decision"), columns["subjects"],
                        body, leaf_hash(body)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return seq

    def entries(self, start: int = 1) -> Iterator[StoredEntry]:
        cursor = self._db.execute("SELECT seq, body, leaf, kind, decision, time FROM entries WHERE seq >= ? "
                                  "ORDER BY seq", (start,))
        for seq, body, leaf, kind, decision, time in cursor:
            yield StoredEntry(seq, bytes(body), bytes(leaf), kind, decision, time)

    def size(self) -> int:
        (n,) = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()
        return n

    def add_checkpoint(self, size: int, root: bytes, envelope: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO checkpoints(size, root, envelope) VALUES (?,?,?)",
                         (size, root, envelope))

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._db.execute("SELECT size, root, envelope FROM checkpoints ORDER BY size").fetchall()
        return [StoredCheckpoint(size, bytes(root), envelope) for size, root, envelope in rows]

    def close(self) -> None:
        self._db.close()
