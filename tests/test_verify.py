"""mlgov verify: a good verdict is accepted; every kind of tampering or misuse is rejected."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLES, DOC_PACK, error_line

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = BUNDLES / "credit-risk-pd" / "model" / "model.ubj"
OTHER = BUNDLES / "chest-xray-triage" / "model" / "cxr-triage.onnx"



@pytest.fixture(autouse=True)
def _signed_at_the_evaluation_date(freeze_clock):
    """These tests sign as of the evaluation date; back-dating has its own tests."""


@pytest.fixture
def signed(cli, tmp_path):
    """A passing and a failing verdict, signed by one Ed25519 key; a second, untrusted key."""
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    assert cli("keygen", "-o", tmp_path, "--name", "other", "--type", "ecdsa-p256").exit_code == 0
    passing, failing = tmp_path / "pass.json", tmp_path / "fail.json"
    assert cli("gate", BUNDLES / "credit-risk-pd", "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
               "--out", passing).exit_code == 0
    assert cli("gate", BUNDLES / "support-llm-ft", "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
               "--packs", DOC_PACK, "--out", failing).exit_code == 1
    return {"pass": passing, "fail": failing, "pub": tmp_path / "mlgov-key.pub.pem",
            "other": tmp_path / "other.pem", "other_pub": tmp_path / "other.pub.pem", "dir": tmp_path}


def verify(cli, verdict, *args, key=None):
    return cli("verify", verdict, "--key", key, "--at", "2026-11-25", "--json", *args)


def failed(result) -> dict[str, str]:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    return {c["name"]: c["message"] for c in json.loads(result.stdout)["checks"] if not c["ok"]}


def test_good_verdict_is_accepted(cli, signed):
    result = verify(cli, signed["pass"], "--artifact", WEIGHTS, "--max-age", "7d", "--require-pass",
                    key=signed["pub"])
    assert result.exit_code == 0, result.stdout
    body = json.loads(result.stdout)
    assert body["verified"] is True and body["decision"] == "PASSED"
    assert [c["name"] for c in body["checks"]] == ["payload type", "signature", "statement", "subject", "validity",
                                                   "age", "time", "decision"]


def rewrite(path: Path, change) -> Path:
    envelope = json.loads(path.read_text())
    change(envelope)
    out = path.with_name("tampered.json")
    out.write_text(json.dumps(envelope))
    return out


@pytest.mark.parametrize("offset", [0, 1, 100, 500, -40, -2])
def test_any_changed_byte_of_the_payload_is_rejected(cli, signed, offset):
    def flip(env):
        raw = bytearray(base64.b64decode(env["payload"]))
        raw[offset] ^= 0x01
        env["payload"] = base64.b64encode(bytes(raw)).decode()

    assert "signature" in failed(verify(cli, rewrite(signed["pass"], flip), key=signed["pub"]))


@pytest.mark.parametrize("offset", [0, 10, 31, 63])
def test_any_changed_byte_of_the_signature_is_rejected(cli, signed, offset):
    def flip(env):
        raw = bytearray(base64.b64decode(env["signatures"][0]["sig"]))
        raw[offset] ^= 0x80
        env["signatures"][0]["sig"] = base64.b64encode(bytes(raw)).decode()

    assert "signature" in failed(verify(cli, rewrite(signed["pass"], flip), key=signed["pub"]))


def test_flipping_the_decision_inside_a_failed_verdict_breaks_the_signature(cli, signed):
    def forge(env):
        stmt = json.loads(base64.b64decode(env["payload"]))
        stmt["predicate"]["verificationResult"] = "PASSED"
        env["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()

    assert "signature" in failed(verify(cli, rewrite(signed["fail"], forge), "--require-pass", key=signed["pub"]))


def test_swapped_payload_type_is_rejected(cli, signed):
    swapped = rewrite(signed["pass"], lambda env: env.__setitem__("payloadType", "application/json"))
    assert failed(verify(cli, swapped, key=signed["pub"])) == {
        "payload type": "payloadType is 'application/json', expected 'application/vnd.in-toto+json'"}


def test_verdict_signed_by_an_untrusted_key_is_rejected(cli, signed):
    result = verify(cli, signed["pass"], key=signed["other_pub"])
    assert failed(result) == {"signature": "no signature verifies with a trusted key"}


def test_a_spoofed_key_id_does_not_make_a_key_trusted(cli, signed, tmp_path):
    """Signed by the untrusted key but claiming the trusted key's id."""
    evil = tmp_path / "evil.json"
    assert cli("gate", BUNDLES / "credit-risk-pd", "--key", signed["other"], "--as-of", "2026-11-24",
               "--out", evil).exit_code == 0
    trusted_id = json.loads(signed["pass"].read_text())["signatures"][0]["keyid"]
    spoofed = rewrite(evil, lambda env: env["signatures"][0].__setitem__("keyid", trusted_id))
    assert "signature" in failed(verify(cli, spoofed, key=signed["pub"]))


def test_expired_and_stale_verdicts_are_rejected(cli, signed):
    expired = cli("verify", signed["pass"], "--key", signed["pub"], "--at", "2027-03-01", "--json")
    assert failed(expired)["validity"].startswith("valid 2026-11-24T00:00:00Z to 2027-02-22T00:00:00Z; checked at")
    stale = cli("verify", signed["pass"], "--key", signed["pub"], "--at", "2026-12-20", "--max-age", "7d", "--json")
    assert failed(stale) == {"age": "evaluated 26.0 days ago, limit 7.0 days"}


def test_a_passing_verdict_replayed_for_another_artifact_is_rejected(cli, signed):
    result = verify(cli, signed["pass"], "--artifact", WEIGHTS, "--artifact", OTHER, key=signed["pub"])
    assert failed(result) == {"subject": f"{OTHER}: sha256:04e116ba78bdbc92… is NOT a subject of this verdict"}


def test_failed_verdict_is_rejected_when_a_pass_is_required(cli, signed):
    assert verify(cli, signed["fail"], key=signed["pub"]).exit_code == 0  # authentic, and says FAILED
    result = verify(cli, signed["fail"], "--require-pass", key=signed["pub"])
    assert failed(result) == {"decision": "decision FAILED: 1 open finding(s) at high or above: DOC-004"}


def test_trust_file_windows(cli, signed, tmp_path):
    pub = signed["pub"].read_text()
    trust = tmp_path / "trust.yaml"
    trust.write_text("apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n  - name: retired-2025\n"
                     "    public_key: mlgov-key.pub.pem\n    not_before: 2025-01-01\n    not_after: 2026-01-01\n")
    result = cli("verify", signed["pass"], "--trust", trust, "--at", "2026-11-25", "--json")
    assert failed(result) == {"signature": "signed by retired-2025, which was not trusted at signing time "
                                           "(2026-11-24T00:00:00Z)"}
    inline = "\n".join("      " + line for line in pub.splitlines())
    trust.write_text("apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n  - name: ci-2026\n"
                     f"    public_key: |\n{inline}\n    not_before: 2026-01-01\n")
    assert cli("verify", signed["pass"], "--trust", trust, "--at", "2026-11-25").exit_code == 0


def test_garbage_and_missing_keys(cli, signed, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text('{"payload": "x"}')
    assert "envelope" in failed(verify(cli, junk, key=signed["pub"]))
    no_key = cli("verify", signed["pass"])
    assert no_key.exit_code == 2 and "verify needs --key PUBLIC_KEY or --trust FILE" in error_line(no_key)
    not_a_key = cli("verify", signed["pass"], "--key", signed["pass"])
    assert not_a_key.exit_code == 2 and "not a PEM public key" in error_line(not_a_key)
    missing_artifact = cli("verify", signed["pass"], "--key", signed["pub"], "--artifact", tmp_path / "nope.bin")
    assert missing_artifact.exit_code == 2 and "nope.bin: listed file is missing" in error_line(missing_artifact)


def test_the_documented_independent_check_works(signed):
    """docs/verifying-verdicts.md promises a check using only `cryptography`: run it."""
    text = (ROOT / "docs" / "verifying-verdicts.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    script = signed["dir"] / "independent_check.py"
    script.write_text(blocks[-1])
    ok = subprocess.run([sys.executable, script, signed["pass"], signed["pub"], WEIGHTS], capture_output=True,
                        text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "no open finding at high or above"
    replay = subprocess.run([sys.executable, script, signed["pass"], signed["pub"], OTHER], capture_output=True,
                            text=True, check=False)
    assert replay.returncode != 0 and "artifact is not a subject" in replay.stderr


def test_the_documented_python_api_example_works(signed, monkeypatch):
    text = (ROOT / "docs" / "verifying-verdicts.md").read_text()
    example = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    monkeypatch.chdir(signed["dir"])
    (signed["dir"] / "verdict.json").write_text(signed["pass"].read_text())
    (signed["dir"] / "model").mkdir()
    (signed["dir"] / "model" / "model.ubj").write_bytes(WEIGHTS.read_bytes())
    exec(compile(example, "verifying-verdicts.md", "exec"), {})  # raises SystemExit if rejected


def test_the_documented_securesystemslib_check_works(signed):
    """docs/verifying-verdicts.md shows securesystemslib verifying a verdict with mlgov's key id."""
    pytest.importorskip("securesystemslib")
    text = (ROOT / "docs" / "verifying-verdicts.md").read_text()
    [block] = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "securesystemslib" in b]
    scope: dict = {}
    exec(compile(block, "verifying-verdicts.md", "exec"), scope)
    assert scope["check_with_securesystemslib"](signed["pass"], signed["pub"]) == "PASSED"
    from securesystemslib.exceptions import VerificationError

    with pytest.raises(VerificationError):
        scope["check_with_securesystemslib"](signed["pass"], signed["other_pub"])
