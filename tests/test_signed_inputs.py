"""Signed inputs (issue 14 point 7): DSSE-wrapped provenance and Sigstore bundles verified against
keys trusted for inputs; verified facts carry the key id, others say why they are unverified;
PRV-005 can require authenticated provenance."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from mlgov.normalize import normalize
from mlgov.resources import data_dir
from mlgov.signing import dsse
from mlgov.signing.keys import generate, key_id, load_public, load_signer, write_keypair
from mlgov.sources.signed_inputs import CERTIFICATE, NO_KEYS, load_input_keys

DATA = Path(__file__).parent / "data" / "formats"
BUILDER = "/training_runs/0/builder"


def _statement(digest: str = "a" * 64, run: str = "run-1") -> dict:
    return {"_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "model.onnx", "digest": {"sha256": digest}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {"buildDefinition": {"buildType": "https://example.com/ci@v1"},
                          "runDetails": {"builder": {"id": "https://example.com/ci"},
                                         "metadata": {"invocationId": run}}}}


@pytest.fixture
def keys(tmp_path) -> dict[str, Path]:
    out = {}
    for name in ("ci", "other"):
        private, public = write_keypair(generate(), tmp_path / "keys", name, None)
        out[name], out[f"{name}.pub"] = private, public
    return out


def _signed(tmp_path: Path, key: Path, statement: dict | None = None, name: str = "prov.dsse.json") -> Path:
    envelope = dsse.sign(json.dumps(statement or _statement()).encode(), dsse.IN_TOTO_PAYLOAD_TYPE, load_signer(key))
    path = tmp_path / name
    path.write_text(json.dumps(envelope))
    return path


def _signature(doc: dict, pointer: str = BUILDER) -> dict | None:
    return doc["provenance"][pointer][0].get("signature")


def test_envelope_signed_by_a_trusted_input_key_is_verified(tmp_path, keys):
    doc = normalize([_signed(tmp_path, keys["ci"])], input_keys=load_input_keys([keys["ci.pub"]]))
    signature = _signature(doc)
    assert signature["status"] == "verified" and signature["key"] == "ci.pub.pem"
    assert signature["keyid"] == key_id(load_public(keys["ci.pub"]))


def test_other_key_tampered_payload_and_no_keys_stay_unverified(tmp_path, keys):
    path = _signed(tmp_path, keys["ci"])
    doc = normalize([path], input_keys=load_input_keys([keys["other.pub"]]))
    assert _signature(doc) == {"status": "unverified", "reason": "no signature verifies with a trusted input key"}

    envelope = json.loads(path.read_text())
    envelope["payload"] = base64.b64encode(json.dumps(_statement(run="forged")).encode()).decode()
    path.write_text(json.dumps(envelope))
    doc = normalize([path], input_keys=load_input_keys([keys["ci.pub"]]))
    assert _signature(doc)["status"] == "unverified"

    assert _signature(normalize([_signed(tmp_path, keys["ci"])])) == {"status": "unverified", "reason": NO_KEYS}


def test_key_outside_its_trust_window_is_not_trusted(tmp_path, keys):
    trust = tmp_path / "inputs.trust.yaml"
    trust.write_text("apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n"
                     f"  - name: ci-2020\n    public_key: {keys['ci.pub']}\n    not_after: 2021-01-01\n")
    doc = normalize([_signed(tmp_path, keys["ci"])], input_keys=load_input_keys(trust=trust))
    assert "outside its validity window" in _signature(doc)["reason"]


def test_bare_statement_facts_carry_no_signature(tmp_path):
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(_statement()))
    assert _signature(normalize([path])) is None


def test_fulcio_certificate_bundle_is_unverified_and_says_what_is_not_checked(keys):
    doc = normalize([DATA / "sigstore-js-2.1.0-bundle.json"], input_keys=load_input_keys([keys["ci.pub"]]))
    assert _signature(doc) == {"status": "unverified", "reason": CERTIFICATE}


def test_each_envelope_of_a_jsonl_bundle_is_judged_alone(tmp_path, keys):
    good = json.loads(_signed(tmp_path, keys["ci"], _statement("a" * 64, "run-a"), "a.json").read_text())
    bad = json.loads(_signed(tmp_path, keys["other"], _statement("b" * 64, "run-b"), "b.json").read_text())
    path = tmp_path / "both.intoto.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    doc = normalize([path], input_keys=load_input_keys([keys["ci.pub"]]))
    status = {r["id"]: doc["provenance"][f"/training_runs/{i}/builder"][0]["signature"]["status"]
              for i, r in enumerate(doc["training_runs"])}
    assert status == {"run-a": "verified", "run-b": "unverified"}
    assert len(doc["subjects"]) == 2 and not doc["conflicts"]  # same name, other bytes: two subjects


def test_cli_input_key_and_the_rule_that_requires_authenticated_provenance(cli, tmp_path, keys):
    path = _signed(tmp_path, keys["ci"])
    params = tmp_path / "params.yaml"
    params.write_text("provenance: {require_authenticated_provenance: true}\n")
    pack = data_dir("policies") / "provenance"

    def prv005(*extra) -> list[str]:
        result = cli("eval", path, "--packs", pack, "--params", params, "--format", "json", *extra)
        assert result.exit_code in (0, 1), result.stderr
        return [f["message"] for f in result.json()["findings"] if f["rule"] == "PRV-005"]

    assert prv005() == [f"provenance from {path} is not authenticated: {NO_KEYS}"]
    assert prv005("--input-key", keys["ci.pub"]) == []
    assert prv005("--input-key", keys["other.pub"]) == [
        f"provenance from {path} is not authenticated: no signature verifies with a trusted input key"]
    result = cli("normalize", path, "--input-key", keys["ci.pub"])
    assert result.json()["provenance"][BUILDER][0]["signature"]["status"] == "verified"
