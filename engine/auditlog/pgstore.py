"""The audit log on PostgreSQL, for an organisation whose CI runners share one log
(``--log postgresql://user@host/db``; ``psycopg`` 3, the optional ``mlgov[postgresql]`` extra).

Tables live in the schema ``mlgov_log``. Appenders take ``LOCK TABLE entries IN EXCLUSIVE
MODE`` (readers go on; writers queue), so sequence numbers are gap-free and unique across
machines, and nobody can add a trigger or rule while an entry is written (that needs a lock the
appender holds). A client killed mid-transaction loses its connection, and the server rolls the
whole entry back. The schema audit compares the catalog (tables, columns, constraints, indexes,
triggers, rules, row-level security, inheritance, functions, event triggers) with the exact set
mlgov creates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import merkle
from .store import (
    SCHEMA_VERSION,
    Build,
    LogStore,
    LogStoreError,
    StoredCheckpoint,
    StoredEntry,
    closed_subtrees,
    describe_differences,
)

SCHEMA = "mlgov_log"
_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.entries (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    time text NOT NULL,
    kind text NOT NULL,
    decision text,
    subjects text NOT NULL,
    body bytea NOT NULL,
    leaf bytea NOT NULL CHECK (length(leaf) = 32)
);
CREATE INDEX IF NOT EXISTS entries_kind ON {SCHEMA}.entries(kind);
CREATE TABLE IF NOT EXISTS {SCHEMA}.nodes (
    tree_size bigint NOT NULL,
    level integer NOT NULL CHECK (level >= 4),
    hash bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (tree_size, level)
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.checkpoints (
    size bigint PRIMARY KEY CHECK (size > 0),
    root bytea NOT NULL,
    envelope text NOT NULL,
    note text
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
"""

# One row per object that can change what is stored or read: (kind, name, table, definition),
# described without OIDs, like SQLite's sqlite_master.
_DESCRIBE = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
     rel AS (SELECT c.oid, c.relname::text AS relname, c.relkind, c.relrowsecurity FROM pg_class c, ns
              WHERE c.relnamespace = ns.oid)
SELECT CASE relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
       WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence'
       ELSE 'relation' END, relname, relname, CASE WHEN relrowsecurity THEN 'row level security' ELSE '' END
  FROM rel WHERE relkind <> 'i'
UNION ALL
SELECT 'index', i.relname::text, r.relname, pg_get_indexdef(x.indexrelid)
  FROM rel r JOIN pg_index x ON x.indrelid = r.oid JOIN pg_class i ON i.oid = x.indexrelid
UNION ALL
SELECT 'column', a.attname::text, r.relname, format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE WHEN a.attgenerated::text <> '' THEN ' generated' ELSE '' END
  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
  LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind <> 'i'
UNION ALL
SELECT 'constraint', c.conname::text, r.relname, pg_get_constraintdef(c.oid)
  FROM rel r JOIN pg_constraint c ON c.conrelid = r.oid
UNION ALL
SELECT 'trigger', t.tgname::text, r.relname, pg_get_triggerdef(t.oid)
  FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid WHERE NOT t.tgisinternal
UNION ALL
SELECT 'rule', w.rulename::text, r.relname, '' FROM rel r JOIN pg_rewrite w ON w.ev_class = r.oid
UNION ALL
SELECT 'policy', p.polname::text, r.relname, '' FROM rel r JOIN pg_policy p ON p.polrelid = r.oid
UNION ALL
SELECT 'child table', i.inhrelid::regclass::text, r.relname, '' FROM rel r JOIN pg_inherits i ON i.inhparent = r.oid
UNION ALL
SELECT 'function', p.proname::text, '', '' FROM pg_proc p, ns WHERE p.pronamespace = ns.oid
UNION ALL
SELECT 'event trigger', evtname::text, '', '' FROM pg_event_trigger
"""
# What can act on an INSERT (and so censor or rewrite an entry as it is written): checked on
# every append; the full description once per connection, and by every checkpoint and verify.
_ACTS_ON_WRITES = """
SELECT 1 FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = %(schema)s::regnamespace)
   AND NOT tgisinternal
UNION ALL SELECT 1 FROM pg_rewrite WHERE ev_class IN
   (SELECT oid FROM pg_class WHERE relnamespace = %(schema)s::regnamespace)
UNION ALL SELECT 1 FROM pg_policy WHERE polrelid IN
   (SELECT oid FROM pg_class WHERE relnamespace = %(schema)s::regnamespace)
UNION ALL SELECT 1 FROM pg_class WHERE relnamespace = %(schema)s::regnamespace AND relrowsecurity
UNION ALL SELECT 1 FROM pg_event_trigger
"""
_FIRST = ("trigger", "rule", "policy", "event trigger", "function", "child table", "view")


def _expected() -> set[tuple[str, str, str, str]]:
    def table(name: str, columns: list[tuple[str, str]], constraints: list[tuple[str, str]],
              indexes: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
        return ([("table", name, name, "")] + [("column", c, name, d) for c, d in columns]
                + [("constraint", c, name, d) for c, d in constraints]
                + [("index", i, name, f"CREATE {d} ON {SCHEMA}.{name} USING btree ({cols})")
                   for i, (d, cols) in indexes])

    rows = table("entries", [("seq", "bigint not null"), ("time", "text not null"), ("kind", "text not null"),
                             ("decision", "text"), ("subjects", "text not null"), ("body", "bytea not null"),
                             ("leaf", "bytea not null")],
                 [("entries_seq_check", "CHECK ((seq > 0))"), ("entries_leaf_check", "CHECK ((length(leaf) = 32))"),
                  ("entries_pkey", "PRIMARY KEY (seq)")],
                 [("entries_pkey", ("UNIQUE INDEX entries_pkey", "seq")),
                  ("entries_kind", ("INDEX entries_kind", "kind"))])
    rows += table("nodes", [("tree_size", "bigint not null"), ("level", "integer not null"),
                            ("hash", "bytea not null")],
                  [("nodes_level_check", "CHECK ((level >= 4))"), ("nodes_hash_check", "CHECK ((length(hash) = 32))"),
                   ("nodes_pkey", "PRIMARY KEY (tree_size, level)")],
                  [("nodes_pkey", ("UNIQUE INDEX nodes_pkey", "tree_size, level"))])
    rows += table("checkpoints", [("size", "bigint not null"), ("root", "bytea not null"),
                                  ("envelope", "text not null"), ("note", "text")],
                  [("checkpoints_size_check", "CHECK ((size > 0))"), ("checkpoints_pkey", "PRIMARY KEY (size)")],
                  [("checkpoints_pkey", ("UNIQUE INDEX checkpoints_pkey", "size"))])
    rows += table("meta", [("key", "text not null"), ("value", "text not null")],
                  [("meta_pkey", "PRIMARY KEY (key)")], [("meta_pkey", ("UNIQUE INDEX meta_pkey", "key"))])
    return set(rows)


_EXPECTED = _expected()


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise LogStoreError("a postgresql:// audit log needs psycopg 3: pip install 'mlgov[postgresql]'") from None
    return psycopg


class PostgresStore(LogStore):
    def __init__(self, url: str, origin: str | None = None) -> None:
        psycopg = _psycopg()
        self._errors = psycopg.Error
        self.where = _redact(url)
        self.location = url
        self._schema_checked = False
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
            self._db.execute("SET synchronous_commit = on")
            exists = self._db.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.meta",)).fetchone()[0]
            if exists is None:
                self._create(origin)
        except psycopg.Error as exc:
            raise self._fail("open the audit log", exc) from None

    def _fail(self, what: str, exc: BaseException) -> LogStoreError:
        return LogStoreError(f"{self.where}: cannot {what}: {' '.join(str(exc).split())}")

    def _create(self, origin: str | None) -> None:
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(hashtext('mlgov_log create'))")
            if self._db.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.meta",)).fetchone()[0] is None:
                self._db.execute(_DDL)
                self._db.execute(f"INSERT INTO {SCHEMA}.meta VALUES ('schema', %s), ('origin', %s)",
                                 (SCHEMA_VERSION, origin or default_origin(self._db)))

    def foreign_objects(self) -> list[str]:
        try:
            found = set(self._db.execute(_DESCRIBE, {"schema": SCHEMA}).fetchall())
        except self._errors as exc:
            raise self._fail("read the schema", exc) from None
        return describe_differences(found, _EXPECTED, _FIRST)

    def append(self, build: Build) -> int:
        """Three round trips in pipeline mode: lock + next seq + write-acting objects; insert +
        read back; commit."""
        db = self._db
        acts = _ACTS_ON_WRITES.replace("%(schema)s", f"'{SCHEMA}'")
        try:
            with db.transaction():
                with db.pipeline():
                    db.execute(f"LOCK TABLE {SCHEMA}.entries IN EXCLUSIVE MODE")
                    head = db.execute(f"SELECT (SELECT COALESCE(MAX(seq), 0) + 1 FROM {SCHEMA}.entries), "
                                      f"EXISTS ({acts})")
                seq, acting = head.fetchone()
                if acting or not self._schema_checked:
                    foreign = self.foreign_objects()
                    if foreign:
                        raise LogStoreError(f"{self.where}: refusing to append: {foreign[0]}")
                    self._schema_checked = True
                body, columns = build(seq)
                leaf = merkle.leaf_hash(body)
                with db.pipeline():
                    db.execute(f"INSERT INTO {SCHEMA}.entries(seq, time, kind, decision, subjects, body, leaf) "
                               "VALUES (%s,%s,%s,%s,%s,%s,%s)", (seq, columns["time"], columns["kind"],
                                                                 columns.get("decision"), columns["subjects"], body,
                                                                 leaf))
                    back = db.execute(f"SELECT body FROM {SCHEMA}.entries WHERE seq = %s", (seq,))
                stored = back.fetchone()
                if stored is None or bytes(stored[0]) != body:
                    raise LogStoreError(f"{self.where}: entry {seq} did not stay written (something removed or "
                                        "rewrote it inside the transaction)")
                nodes = closed_subtrees(seq - 1, self)
                if nodes:
                    with db.cursor() as cur:
                        cur.executemany(f"INSERT INTO {SCHEMA}.nodes(tree_size, level, hash) VALUES (%s,%s,%s)",
                                        [((index + 1) << level, level, digest) for level, index, digest in nodes])
        except self._errors as exc:
            raise self._fail("append to the audit log", exc) from None
        return seq

    _COLUMNS = f"SELECT seq, body, leaf, kind, decision, time, subjects FROM {SCHEMA}.entries"

    def entries(self, start: int | None = None, raw: bool = False, stop: int | None = None) -> Iterator[Any]:
        try:
            with self._db.cursor(name="mlgov_entries") if not self._db.autocommit else self._db.cursor() as cur:
                low = -(2**63) if start is None else start
                high = 2**63 - 1 if stop is None else stop - 1
                cur.execute(f"{self._COLUMNS} WHERE seq BETWEEN %s AND %s ORDER BY seq", (low, high))
                while rows := cur.fetchmany(5000):
                    for row in rows:
                        yield row if raw else StoredEntry(row[0], bytes(row[1]), bytes(row[2]), *row[3:])
        except self._errors as exc:
            raise self._fail("read the audit log", exc) from None

    def entry(self, seq: int) -> StoredEntry | None:
        row = self._db.execute(f"{self._COLUMNS} WHERE seq = %s", (seq,)).fetchone()
        return StoredEntry(row[0], bytes(row[1]), bytes(row[2]), *row[3:]) if row else None

    def size(self) -> int:
        return self._db.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {SCHEMA}.entries").fetchone()[0]

    def leaves(self, start: int, stop: int) -> list[bytes]:
        rows = self._db.execute(f"SELECT leaf FROM {SCHEMA}.entries WHERE seq > %s AND seq <= %s ORDER BY seq",
                                (start, stop)).fetchall()
        return [bytes(leaf) for (leaf,) in rows]

    def stored_node(self, level: int, index: int) -> bytes | None:
        row = self._db.execute(f"SELECT hash FROM {SCHEMA}.nodes WHERE tree_size = %s AND level = %s",
                               ((index + 1) << level, level)).fetchone()
        return bytes(row[0]) if row else None

    def nodes(self) -> Iterator[tuple[int, int, bytes]]:
        with self._db.cursor() as cur:
            cur.execute(f"SELECT tree_size, level, hash FROM {SCHEMA}.nodes ORDER BY tree_size, level")
            while rows := cur.fetchmany(5000):
                for tree_size, level, digest in rows:
                    yield tree_size, level, bytes(digest)

    def add_checkpoint(self, size: int, root: bytes, envelope: str, note: str) -> None:
        try:
            self._db.execute(f"INSERT INTO {SCHEMA}.checkpoints(size, root, envelope, note) VALUES (%s,%s,%s,%s) "
                             "ON CONFLICT (size) DO NOTHING", (size, root, envelope, note))
        except self._errors as exc:
            raise self._fail("store the checkpoint", exc) from None

    _CP = f"SELECT size, root, envelope, note FROM {SCHEMA}.checkpoints"

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._db.execute(f"{self._CP} ORDER BY size").fetchall()
        return [StoredCheckpoint(s, bytes(r), e, n) for s, r, e, n in rows]

    def checkpoint_at_least(self, size: int) -> StoredCheckpoint | None:
        row = self._db.execute(f"{self._CP} WHERE size >= %s ORDER BY size LIMIT 1", (size,)).fetchone()
        return StoredCheckpoint(row[0], bytes(row[1]), row[2], row[3]) if row else None

    def last_checkpoint(self) -> StoredCheckpoint | None:
        row = self._db.execute(f"{self._CP} ORDER BY size DESC LIMIT 1").fetchone()
        return StoredCheckpoint(row[0], bytes(row[1]), row[2], row[3]) if row else None

    def meta(self, key: str) -> str | None:
        try:
            row = self._db.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = %s", (key,)).fetchone()
        except self._errors:
            return None
        return row[0] if row else None

    def close(self) -> None:
        self._db.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def default_origin(db: Any) -> str:
    host, port, name = db.execute("SELECT COALESCE(host(inet_server_addr()), 'local'), "
                                  "COALESCE(inet_server_port(), 0), current_database()").fetchone()
    raw = f"{host}:{port}/{name}/{SCHEMA}"
    return "mlgov/" + "".join(c if c.isalnum() or c in "-._/:" else "_" for c in raw)
