"""mlgov keygen and gate: every exit path, the verdict's contents, determinism."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from mlgov import normalize
from mlgov.document.digest import document_digest
from mlgov.document.schema import validate
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs

from conftest import BUNDLES, DOC_PACK, error_line


@pytest.fixture(autouse=True)
def _signed_at_the_evaluation_date(freeze_clock):
    """These tests sign as of the evaluation date; back-dating has its own tests."""


@pytest.fixture
def keys(cli, tmp_path):
    result = cli("keygen", "-o", tmp_path / "keys")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "keys" / "mlgov-key.pem", tmp_path / "keys" / "mlgov-key.pub.pem"


def gate(cli, tmp_path, key, bundle="credit-risk-pd", *extra):
    out = tmp_path / "verdict.json"
    result = cli("gate", BUNDLES / bundle, "--key", key, "--as-of", "2026-11-24", "--out", out, *extra)
    return result, out


def statement_of(envelope_path) -> dict:
    envelope = json.loads(envelope_path.read_text())
    return json.loads(base64.b64decode(envelope["payload"]))


def test_keygen_writes_a_private_key_only_the_owner_can_read(cli, keys):
    private, public = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    again = cli("keygen", "-o", private.parent)
    assert again.exit_code == 2 and "already exists (use --force" in error_line(again)


def test_encrypted_ecdsa_key_needs_its_passphrase(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("RELEASE_KEY_PASS", "correct horse battery staple")
    made = cli("keygen", "-o", tmp_path, "--type", "ecdsa-p256", "--name", "release", "--passphrase-env",
               "RELEASE_KEY_PASS")
    assert made.exit_code == 0 and "(encrypted)" in made.stdout
    key = tmp_path / "release.pem"
    assert "ENCRYPTED" in key.read_text()
    no_pass, _ = gate(cli, tmp_path, key)
    assert no_pass.exit_code == 2
    assert "the private key is encrypted; set MLGOV_KEY_PASSPHRASE" in error_line(no_pass)
    monkeypatch.setenv("MLGOV_KEY_PASSPHRASE", "wrong")
    wrong, _ = gate(cli, tmp_path, key)
    assert wrong.exit_code == 2 and "wrong passphrase" in error_line(wrong)
    ok, out = gate(cli, tmp_path, key, "credit-risk-pd", "--key-passphrase-env", "RELEASE_KEY_PASS")
    assert ok.exit_code == 0, ok.stderr
    assert out.exists()


def test_passing_gate_writes_a_signed_verdict(cli, tmp_path, keys):
    result, out = gate(cli, tmp_path, keys[0])
    assert result.exit_code == 0, result.stderr
    assert "PASS  credit-risk-pd@3.2.0" in result.stdout
    envelope = json.loads(out.read_text())
    validate(envelope, "dsse-envelope", "verdict")
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    stmt = statement_of(out)
    validate(stmt, "verdict-statement", "statement")
    assert stmt["_type"] == "https://in-toto.io/Statement/v1"
    assert stmt["predicateType"] == "https://mlgov.dev/attestations/compliance-verdict/v1"
    assert {s["name"] for s in stmt["subject"]} == {"credit-risk-pd-model",
                                                    "registry.acmebank.example/risk/credit-risk-pd-scoring"}
    p = stmt["predicate"]
    assert p["verificationResult"] == "PASSED" and p["decision"]["result"] == "pass"
    assert p["timeVerified"] == "2026-11-24T00:00:00Z"
    assert p["validity"] == {"not_before": "2026-11-24T00:00:00Z", "not_after": "2027-02-22T00:00:00Z"}
    document = normalize([BUNDLES / "credit-risk-pd"])
    assert p["input"]["document_digest"]["sha256"] == document_digest(document)
    assert [x["name"] for x in p["packs"]] == [pack.name for pack in load_packs(builtin_packs())]
    assert all(x["digest"].startswith("sha256:") for x in p["packs"])
    # credit-risk-pd is in scope of US model risk guidance and GDPR only; on 2026-11-24 SR 26-2 applies
    assert p["controls"]["SR-26-2"]["validation"]["status"] == "satisfied"
    assert p["controls"]["SR-11-7"]["validation"]["status"] == "not_in_force"  # rescinded on 2026-04-17
    assert p["controls"]["EU-AI-ACT"]["Art.10"]["status"] == "not_applicable"
    assert p["verifier"]["version"]["engine"] == "gordon-to-regorus 0.13.0"


def test_failing_gate_still_writes_a_signed_failed_verdict(cli, tmp_path, keys):
    result, out = gate(cli, tmp_path, keys[0], "support-llm-ft", "--packs", DOC_PACK)
    assert result.exit_code == 1
    assert "FAIL  acme-support-assistant@1.4.0" in result.stdout
    assert "BLOCKING | high | DOC-004 | evaluation:acme support eval 2026-09 test | " in result.stdout
    p = statement_of(out)["predicate"]
    assert p["verificationResult"] == "FAILED"
    assert p["decision"] == {"result": "fail", "fail_on": "high", "blocking_findings": 1,
                             "reason": "1 open finding(s) at high or above: DOC-004"}
    assert p["controls"]["EU-AI-ACT"]["Art.15"] == {
        "status": "violated", "rules": ["CMP-007", "CMP-008", "DOC-004"], "findings": 1,
        "title": "Accuracy, robustness and cybersecurity", "citation": "Art. 15"}
    lenient, _ = gate(cli, tmp_path, keys[0], "support-llm-ft", "--packs", DOC_PACK, "--fail-on", "critical")
    assert lenient.exit_code == 0


def test_gate_that_cannot_evaluate_writes_nothing_and_keeps_the_old_verdict(cli, tmp_path, keys, bundle_copy):
    _, out = gate(cli, tmp_path, keys[0])
    before = out.read_bytes()
    root, edit = bundle_copy()
    edit(lambda m: m["model"].__setitem__("risk_tier", "extreme"))
    broken = cli("gate", root, "--key", keys[0], "--as-of", "2026-11-24", "--out", out)
    assert broken.exit_code == 2
    assert "unknown risk tier 'extreme'" in error_line(broken)
    assert out.read_bytes() == before
    missing = cli("gate", BUNDLES / "credit-risk-pd", "--key", tmp_path / "nope.pem", "--out", tmp_path / "v2.json")
    assert missing.exit_code == 2 and "cannot read key" in error_line(missing)
    assert not (tmp_path / "v2.json").exists()


def test_gate_refuses_to_sign_when_nothing_has_a_digest(cli, tmp_path, keys):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# m\n")
    result = cli("gate", card, "--key", keys[0], "--as-of", "2026-11-24", "--out", tmp_path / "v.json")
    assert result.exit_code == 2
    assert "no released artifact has a sha256 digest" in error_line(result)


def test_same_inputs_and_date_give_the_same_payload(cli, tmp_path, keys):
    _, first = gate(cli, tmp_path, keys[0], "chest-xray-triage")
    one = first.read_bytes()
    _, second = gate(cli, tmp_path, keys[0], "chest-xray-triage")
    assert second.read_bytes() == one  # Ed25519 signatures are deterministic too
    later = cli("gate", BUNDLES / "chest-xray-triage", "--key", keys[0], "--as-of", "2026-11-25",
                "--out", tmp_path / "later.json")
    assert later.exit_code == 1  # the ImageNet licence finding (LIC-002) fails it on either date
    assert json.loads((tmp_path / "later.json").read_text())["payload"] != json.loads(one)["payload"]


def test_json_and_markdown_summaries_for_ci(cli, tmp_path, keys, monkeypatch):
    step_summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    result, out = gate(cli, tmp_path, keys[0], "support-llm-ft", "--packs", DOC_PACK, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["decision"] == "fail" and summary["verdict"] == str(out)
    assert summary["blocking"] == [{"rule": "DOC-004", "severity": "high",
                                    "subject": "evaluation:acme support eval 2026-09 test",
                                    "message": "evaluation acme support eval 2026-09 test misses a declared threshold"}]
    text = step_summary.read_text()
    assert text.startswith("### mlgov gate: ❌ FAIL — `acme-support-assistant@1.4.0`")
    assert "| DOC-004 | high |" in text and "| EU-AI-ACT:Art.15 |" in text  # in-scope controls only
