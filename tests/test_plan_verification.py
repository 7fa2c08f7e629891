"""Retention plans are verified like verdicts: `mlgov verify plan.json`, and `audit retention
--previous` refuses a previous plan that does not verify."""

from __future__ import annotations

import base64
import json

import pytest

from mlgov import normalize

from conftest import BUNDLES, error_line


@pytest.fixture
def planned(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    assert cli("keygen", "-o", tmp_path, "--name", "other").exit_code == 0
    inventory = tmp_path / "inventory.jsonl"
    inventory.write_text("".join(json.dumps(normalize([BUNDLES / n])) + "\n"
                                 for n in ("credit-risk-pd", "chest-xray-triage")))

    def audit(*extra):
        return cli("audit", "retention", "--inventory", inventory, "--key", tmp_path / "mlgov-key.pem",
                   "--as-of", "2026-11-24", "--out", tmp_path / "out", "--workers", "1", *extra)

    assert audit().exit_code in (0, 1)
    previous = tmp_path / "previous.json"
    (tmp_path / "out" / "plan.json").rename(previous)
    return previous, audit


def test_verify_accepts_a_signed_plan_with_the_same_keys(cli, tmp_path, planned):
    previous, _ = planned
    result = cli("verify", previous, "--key", tmp_path / "mlgov-key.pub.pem", "--at", "2026-11-25", "--json",
                 "--artifact", BUNDLES / "credit-risk-pd" / "model" / "model.ubj")
    assert result.exit_code == 0, result.stdout
    assert [c["name"] for c in result.json()["checks"]] == ["payload type", "signature", "statement", "subject"]
    wrong = cli("verify", previous, "--key", tmp_path / "other.pub.pem", "--json")
    assert wrong.exit_code == 1 and "no signature verifies with a trusted key" in wrong.stdout
    trust = tmp_path / "trust.yaml"
    trust.write_text("apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n  - name: audit-2025\n"
                     "    public_key: mlgov-key.pub.pem\n    not_after: 2026-01-01\n")
    old = cli("verify", previous, "--trust", trust, "--json")
    assert old.exit_code == 1 and "which was not trusted at signing time" in old.stdout
    assert cli("verify", previous, "--key", tmp_path / "mlgov-key.pub.pem", "--require-pass").exit_code == 1


def test_a_previous_plan_that_does_not_verify_is_refused(cli, tmp_path, planned):
    previous, audit = planned
    assert audit("--previous", previous).exit_code in (0, 1)  # signed by the same key: accepted
    envelope = json.loads(previous.read_text())
    stmt = json.loads(base64.b64decode(envelope["payload"]))
    stmt["predicate"]["entries"] = stmt["predicate"]["entries"][:1]  # history rewritten
    envelope["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(envelope))
    result = audit("--previous", forged)
    assert result.exit_code == 2
    assert "forged.json: the previous plan does not verify (signature: no signature verifies" in error_line(result)
    other = tmp_path / "other-out"
    assert cli("audit", "retention", "--inventory", tmp_path / "inventory.jsonl", "--key", tmp_path / "other.pem",
               "--as-of", "2026-11-24", "--out", other, "--workers", "1", "--previous", previous).exit_code == 2
    trust = tmp_path / "trust.yaml"
    trust.write_text("apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n  - public_key: mlgov-key.pub.pem\n")
    assert cli("audit", "retention", "--inventory", tmp_path / "inventory.jsonl", "--key", tmp_path / "other.pem",
               "--as-of", "2026-11-24", "--out", other, "--workers", "1", "--previous", previous,
               "--trust", trust).exit_code in (0, 1)
