"""Record before release, for the retention audit as for the gate: the signed plan is written only
after its audit-log entry and checkpoint are durable; a log that cannot be written releases no
plan (exit 2, one line naming the log); a plan or verdict that cannot be written after its entry
exists says so, naming the entry that records the decision."""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import sqlite3

import pytest
import rfc8785

from mlgov import normalize
from mlgov.auditlog.log import AuditLog

from conftest import BUNDLES, DOC_PACK, error_line


@pytest.fixture
def audit(cli, tmp_path, freeze_clock):
    freeze_clock("2026-11-24T10:00:00+00:00")
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    inventory = tmp_path / "inventory.jsonl"
    inventory.write_text("".join(json.dumps(normalize([BUNDLES / n])) + "\n"
                                 for n in ("credit-risk-pd", "chest-xray-triage")))

    def run(log, out, *extra):
        return cli("audit", "retention", "--inventory", inventory, "--key", tmp_path / "mlgov-key.pem",
                   "--as-of", "2026-11-20", "--out", out, "--workers", "1", "--log", log, *extra)

    return run


def test_the_log_records_the_signed_plan_it_released(cli, audit, tmp_path):
    log, out = tmp_path / "audit.db", tmp_path / "out"
    result = audit(log, out)
    assert result.exit_code in (0, 1), result.stderr
    assert f"audit log: entry 1 in {log}" in result.stdout
    entry = list(AuditLog.open(log).entries())[-1]
    assert entry["kind"] == "audit"
    details = entry["details"]
    assert (details["as_of"], details["signed_at"]) == ("2026-11-20T00:00:00Z", "2026-11-24T10:00:00Z")
    envelope = json.loads((out / "plan.json").read_text())
    assert details["plan_digest"]["sha256"] == hashlib.sha256(rfc8785.dumps(envelope)).hexdigest()
    predicate = json.loads(base64.b64decode(envelope["payload"]))["predicate"]
    assert predicate["summary"] == details["summary"]
    assert cli("log", "verify", "--log", log, "--key", tmp_path / "mlgov-key.pub.pem").exit_code == 0


def test_a_log_that_cannot_be_written_releases_no_plan(audit, tmp_path, monkeypatch):
    log, out = tmp_path / "audit.db", tmp_path / "out"
    AuditLog.open(log)
    holder = sqlite3.connect(log, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    monkeypatch.setenv("MLGOV_LOG_BUSY_TIMEOUT", "0.5")
    try:
        result = audit(log, out)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    line = error_line(result)
    assert str(log) in line and "database is locked" in line, line
    assert line.endswith("; the audit is not recorded, so no plan was written"), line
    assert not out.exists() or not any(out.iterdir())  # no plan.json, plan.md or plan.html
    assert list(AuditLog.open(log).entries()) == []


def test_a_plan_that_cannot_be_written_after_it_was_recorded_says_so(audit, tmp_path):
    log, out = tmp_path / "audit.db", tmp_path / "out"
    (out / "plan.json").mkdir(parents=True)  # the plan's place is taken: os.replace cannot put it there
    result = audit(log, out)
    assert result.exit_code == 2
    assert error_line(result) == (f"mlgov: error: {out / 'plan.json'}: cannot write the plan: Is a directory; "
                                  f"audit log entry 1 in {log} records the decision, but no plan was written")
    entries = list(AuditLog.open(log).entries())
    assert [e["kind"] for e in entries] == ["audit"]  # what was decided is on record
    assert sorted(p.name for p in out.iterdir()) == ["plan.json"]  # no renderings, no signed temporary copy
    assert not any((out / "plan.json").iterdir())


def test_a_rendering_that_cannot_be_written_leaves_no_earlier_rendering_beside_the_new_plan(audit, tmp_path,
                                                                                            monkeypatch):
    log, out = tmp_path / "audit.db", tmp_path / "out"
    assert audit(log, out).exit_code in (0, 1)  # an earlier audit: plan.json, plan.md, plan.html
    earlier = (out / "plan.json").read_bytes()
    real_write = pathlib.Path.write_text

    def full_disk(self, text, *args, **kwargs):
        if self.name == "plan.html.tmp":
            real_write(self, text[:100], *args, **kwargs)  # half written, then the disk is full
            raise OSError(28, "No space left on device")
        return real_write(self, text, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", full_disk)
    result = audit(log, out, "--as-of", "2026-11-21")
    assert result.exit_code == 2
    assert error_line(result) == (f"mlgov: error: {out / 'plan.html'}: cannot write the HTML rendering: No space "
                                  f"left on device; the signed plan {out / 'plan.json'} records the decision, but "
                                  "no HTML rendering was written")
    assert (out / "plan.json").read_bytes() != earlier  # the new plan, recorded as entry 2
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "plan.md"]  # no stale plan.html, no .tmp
    assert "2026-11-21" in (out / "plan.md").read_text()


def test_a_verdict_that_cannot_be_written_after_it_was_recorded_says_so(cli, tmp_path, freeze_clock):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    (tmp_path / "taken").write_text("a file where the verdict's directory should be\n")
    log, out = tmp_path / "audit.db", tmp_path / "taken" / "ci" / "verdict.json"
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
                 "--packs", DOC_PACK, "--log", log, "--out", out)
    assert result.exit_code == 2
    assert error_line(result) == (f"mlgov: error: {out}: cannot write the verdict: Not a directory; "
                                  f"audit log entry 1 in {log} records the decision, but no verdict was written")
    assert [e["kind"] for e in AuditLog.open(log).entries()] == ["gate"]


def test_an_audit_that_cannot_run_is_recorded_too(audit, cli, tmp_path):
    log, out = tmp_path / "audit.db", tmp_path / "out"
    result = cli("audit", "retention", "--inventory", tmp_path / "missing.jsonl", "--key", tmp_path / "mlgov-key.pem",
                 "--out", out, "--log", log)
    assert result.exit_code == 2
    assert error_line(result) == f"mlgov: error: {tmp_path / 'missing.jsonl'}: cannot read the inventory: " \
                                 "No such file or directory"
    [entry] = AuditLog.open(log).entries()
    assert (entry["kind"], entry["decision"]) == ("audit", "error")
    assert entry["details"] == {"error": error_line(result).removeprefix("mlgov: error: "), "audit": "retention",
                                "source": str(tmp_path / "missing.jsonl")}
    assert not out.exists()


def test_registry_credentials_stay_out_of_the_log_and_the_plan():
    from mlgov.cli.audit_cmds import _redacted

    assert _redacted(None, "https://ci:s3cret@mlflow.internal:5000/api") == "https://mlflow.internal:5000/api"
    assert _redacted(None, "http://127.0.0.1:5000") == "http://127.0.0.1:5000"
