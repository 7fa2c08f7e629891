"""Record before release: the gate writes a verdict only once its log entry and checkpoint are
committed; a log that cannot be written (a really full disk, a lock held by another process, a
read-only mount) stops it with exit 2, the real cause named, and no verdict."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from mlgov.auditlog.log import AuditLog

from conftest import BUNDLES, DOC_PACK, error_line

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root (CI runs as root)")


@pytest.fixture
def key(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    return tmp_path / "mlgov-key.pem"


@pytest.fixture
def small_fs(tmp_path):
    """A real 512 KiB tmpfs: writes past it fail with ENOSPC, as on a full disk."""
    mount = tmp_path / "fs"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def gate(cli, key, log, out):
    return cli("gate", BUNDLES / "credit-risk-pd", "--key", key, "--as-of", "2026-11-24", "--packs", DOC_PACK,
               "--log", log, "--out", out)


def fill(directory: Path) -> None:
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


@needs_root
def test_full_disk_stops_the_gate_before_any_verdict(cli, key, tmp_path, small_fs):
    log = small_fs / "audit.db"
    out = tmp_path / "verdict.json"
    assert gate(cli, key, log, tmp_path / "first.json").exit_code in (0, 1)  # one recorded run
    fill(small_fs)
    result = gate(cli, key, log, out)
    assert result.exit_code == 2
    line = error_line(result)
    assert "database or disk is full" in line or "no space left on device" in line, line
    assert "no transaction is active" not in line
    assert not out.exists()
    (small_fs / "filler").unlink()
    entries = list(AuditLog.open(log).entries())
    assert len(entries) == 1  # nothing half-written; the released verdict's run is the only one


@needs_root
def test_full_disk_named_when_a_new_process_cannot_even_open_the_log(tmp_path, key, small_fs):
    import sys

    log = small_fs / "audit.db"
    AuditLog.open(log).append("gate", [], "pass")
    fill(small_fs)
    out = tmp_path / "verdict.json"
    done = subprocess.run([sys.executable, "-m", "mlgov", "gate", str(BUNDLES / "credit-risk-pd"), "--key", str(key),
                           "--packs", str(DOC_PACK), "--log", str(log), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "no space left on device" in done.stderr or "database or disk is full" in done.stderr, done.stderr
    assert not out.exists()


@needs_root
def test_read_only_log_stops_the_gate(cli, key, tmp_path, small_fs):
    log = small_fs / "audit.db"
    assert gate(cli, key, log, tmp_path / "first.json").exit_code in (0, 1)
    view = tmp_path / "ro"
    view.mkdir()
    subprocess.run(["mount", "--bind", str(small_fs), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        out = tmp_path / "verdict.json"
        result = gate(cli, key, view / "audit.db", out)
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert result.exit_code == 2
    line = error_line(result)
    assert "readonly" in line or "read-only" in line, line
    assert not out.exists()


def test_locked_log_stops_the_gate(cli, key, tmp_path, monkeypatch):
    log = tmp_path / "audit.db"
    AuditLog.open(log)
    holder = sqlite3.connect(log, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    monkeypatch.setenv("MLGOV_LOG_BUSY_TIMEOUT", "0.5")
    out = tmp_path / "verdict.json"
    result = gate(cli, key, log, out)
    holder.execute("ROLLBACK")
    holder.close()
    assert result.exit_code == 2
    line = error_line(result)
    assert "database is locked" in line and "no verdict was written" in line, line
    assert not out.exists()


def test_a_run_failing_for_any_reason_is_recorded(cli, key, tmp_path, monkeypatch):
    """An internal error (not only a bad input) is recorded too, then reported with exit 2."""
    import mlgov.verdict.gate as gate_module

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(gate_module, "gate", broken)
    log = tmp_path / "audit.db"
    result = gate(cli, key, log, tmp_path / "v.json")
    assert result.exit_code == 2
    [entry] = AuditLog.open(log).entries()
    assert entry["decision"] == "error"
    assert entry["details"]["error"] == "internal error: RuntimeError: engine exploded"
