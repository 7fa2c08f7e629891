"""Retention plans are verified like verdicts: `mlgov verify plan.json`, and `audit retention
--previous` refuses a previous plan that does not verify. A plan's ``timeVerified`` is the
signing clock, its ``as_of`` the audit date: each check reads the one it means."""

from __future__ import annotations

import base64
import json

import pytest

from mlgov import normalize

from conftest import BUNDLES, error_line


@pytest.fixture
def planned(cli, tmp_path, freeze_clock):
    freeze_clock("2026-11-24T09:30:00+00:00")
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
    assert [c["name"] for c in result.json()["checks"]] == ["payload type", "signature", "statement", "subject",
                                                              "time"]
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


def statement_of(path) -> dict:
    return json.loads(base64.b64decode(json.loads(path.read_text())["payload"]))


def test_time_verified_is_the_clock_not_the_audit_date(cli, tmp_path, planned, freeze_clock):
    """A plan as of 2030 is not verified in 2030: it was signed now, and says both."""
    _, audit = planned
    freeze_clock("2026-11-25T08:00:00+00:00")
    assert audit("--as-of", "2030-01-01").exit_code in (0, 1)
    plan = tmp_path / "out" / "plan.json"
    predicate = statement_of(plan)["predicate"]
    assert predicate["timeVerified"] == "2026-11-25T08:00:00Z"
    assert predicate["as_of"]["utc"] == "2030-01-01T00:00:00Z"
    md, html = (tmp_path / "out" / "plan.md").read_text(), (tmp_path / "out" / "plan.html").read_text()
    assert md.startswith("# Retention audit as of 2030-01-01T00:00:00Z\n")
    assert "- **Signed at:** 2026-11-25T08:00:00Z (the clock when the plan was signed)" in md
    assert "<h1>Retention audit as of 2030-01-01T00:00:00Z</h1>" in html and "2026-11-25T08:00:00Z" in html
    pub = tmp_path / "mlgov-key.pub.pem"
    # the key window is checked at the signing time: a key trusted until 2027 signed it
    trust = tmp_path / "trust.yaml"
    trust.write_text("apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n  - public_key: mlgov-key.pub.pem\n"
                     "    not_after: 2027-01-01\n")
    result = cli("verify", plan, "--trust", trust, "--at", "2026-11-26", "--json")
    assert result.exit_code == 0, result.stdout
    time = {c["name"]: c for c in result.json()["checks"]}["time"]
    assert time["message"] == ("signed 2026-11-25T08:00:00Z, evaluated as of 2030-01-01T00:00:00Z "
                               "(a date 1132.7 days after it was signed)")
    # age runs from the earlier of the two: the signing time, not the claimed future date
    old = cli("verify", plan, "--key", pub, "--at", "2026-12-20", "--max-age", "7d", "--json")
    assert old.exit_code == 1
    assert {c["name"]: c for c in old.json()["checks"]}["age"]["message"] == "evaluated 24.7 days ago, limit 7.0 days"
    # checked at a time before it was signed: it did not exist yet
    early = cli("verify", plan, "--key", pub, "--at", "2026-11-25T07:00:00Z", "--json")
    assert early.exit_code == 1
    assert "signed after the check time 2026-11-25T07:00:00Z" in {c["name"]: c for c in early.json()["checks"]}[
        "time"]["message"]


def test_a_back_dated_plan_is_shown_and_can_be_refused(cli, tmp_path, planned):
    previous, _ = planned  # as of 2026-11-24T00:00Z, signed 09:30
    pub = tmp_path / "mlgov-key.pub.pem"
    ok = cli("verify", previous, "--key", pub, "--at", "2026-11-25", "--max-backdate", "1d", "--json")
    assert ok.exit_code == 0, ok.stdout
    assert {c["name"]: c for c in ok.json()["checks"]}["time"]["message"] == (
        "signed 2026-11-24T09:30:00Z, evaluated as of 2026-11-24T00:00:00Z, limit 1.0 days")
    tight = cli("verify", previous, "--key", pub, "--at", "2026-11-25", "--max-backdate", "0d", "--json")
    assert tight.exit_code == 1


def test_requirements_a_plan_cannot_meet_are_refused_not_skipped(cli, tmp_path, planned):
    previous, _ = planned
    pub = tmp_path / "mlgov-key.pub.pem"
    packs = statement_of(previous)["predicate"]["policy"]["digest"]["sha256"]
    assert cli("verify", previous, "--key", pub, "--at", "2026-11-25", "--packs-digest", packs).exit_code == 0
    assert cli("verify", previous, "--key", pub, "--at", "2026-11-25", "--packs-digest", "0" * 64).exit_code == 1
    result = cli("verify", previous, "--key", pub, "--at", "2026-11-25", "--policy-digest", packs, "--json")
    assert result.exit_code == 1
    assert "--policy-digest: a retention plan binds only its packs digest" in result.stdout


def test_a_plan_without_an_audit_date_does_not_verify(cli, tmp_path, planned):
    import rfc8785

    from mlgov.signing import dsse
    from mlgov.signing.keys import load_signer

    previous, _ = planned
    stmt = statement_of(previous)
    del stmt["predicate"]["as_of"]
    envelope = dsse.sign(rfc8785.dumps(stmt), dsse.IN_TOTO_PAYLOAD_TYPE, load_signer(tmp_path / "mlgov-key.pem"))
    undated = tmp_path / "undated.json"
    undated.write_text(json.dumps(envelope))
    result = cli("verify", undated, "--key", tmp_path / "mlgov-key.pub.pem", "--at", "2026-11-25", "--json")
    assert result.exit_code == 1
    assert "does not say as of which date it was evaluated" in result.stdout


def test_previous_plan_must_come_before_this_audit(cli, tmp_path, planned, freeze_clock):
    previous, audit = planned  # as of 2026-11-24, signed 2026-11-24T09:30Z
    later = audit("--as-of", "2026-12-01", "--previous", previous)
    assert later.exit_code in (0, 1), later.stderr
    assert "changes" in statement_of(tmp_path / "out" / "plan.json")["predicate"]
    earlier = audit("--as-of", "2026-11-01", "--previous", previous)
    assert earlier.exit_code == 2
    assert error_line(earlier).endswith(
        "previous.json: the previous plan is an audit as of 2026-11-24T00:00:00Z, later than this audit's date "
        "2026-11-01T00:00:00Z; give a plan of an earlier audit as --previous")
    # a previous plan signed after the clock of this run is not its past either
    freeze_clock("2026-11-24T09:00:00+00:00")
    result = audit("--previous", previous)
    assert result.exit_code == 2
    assert "the previous plan does not verify (time: signed 2026-11-24T09:30:00Z" in error_line(result)
    assert "signed after the check time 2026-11-24T09:00:00Z" in error_line(result)
