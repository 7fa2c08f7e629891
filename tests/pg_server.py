"""A throwaway PostgreSQL cluster on 127.0.0.1 for the audit-log tests (Debian's postgresql,
started with scripts/postgres.sh); each test gets its own database. Import the fixtures into a
test module to use them."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "postgres.sh"
_names = itertools.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    if os.geteuid() != 0:
        pytest.skip("the PostgreSQL tests start a cluster as the postgres user, which needs root (CI runs as root)")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.fail("PostgreSQL is not installed: run `bash scripts/postgres.sh install` (scripts/test.sh does)")
    pytest.importorskip("psycopg", reason="install the test extra: pip install '.[test]'")
    # not under pytest's temporary directory: pytest resets its parent to mode 0700, and the
    # postgres user must reach the data directory
    base = Path(tempfile.mkdtemp(prefix="mlgov-pg-"))
    base.chmod(0o755)
    data = base / "data"
    port = _free_port()
    # fsync off: a throwaway cluster; what the tests kill is the client, never the server
    env = {**os.environ, "MLGOV_PG_OPTIONS": "-c fsync=off -c max_connections=50"}
    started = subprocess.run(["bash", str(SCRIPT), "start", str(data), str(port)], capture_output=True, text=True,
                             env=env)
    if started.returncode:
        log = data / "server.log"
        pytest.fail(f"could not start PostgreSQL: {started.stderr.strip()} {log.read_text() if log.exists() else ''}")
    url = started.stdout.strip()
    yield url
    subprocess.run(["bash", str(SCRIPT), "stop", str(data)], check=False, capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_log(pg_server):
    """The URL of a fresh, empty database on the test cluster."""
    import psycopg

    name = f"t{os.getpid()}_{next(_names)}"
    with psycopg.connect(pg_server, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return pg_server.rsplit("/", 1)[0] + "/" + name
