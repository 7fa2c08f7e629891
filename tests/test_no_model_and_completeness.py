"""Documents that describe no model evaluate without error; a high-risk release with only its
sign-offs does not pass (issue 11, points 4 and 6, reproductions of "What was seen")."""

from __future__ import annotations

import base64
import json

import pytest

from conftest import FORMATS

AS_OF = "2026-11-24"


@pytest.fixture
def keys(cli, tmp_path):
    result = cli("keygen", "-o", tmp_path / "keys")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "keys" / "mlgov-key.pem", tmp_path / "keys" / "mlgov-key.pub.pem"


@pytest.mark.parametrize("name", ["openlineage-event.json", "slsa-v02.intoto.json", "mlflow-run.json"])
def test_a_document_without_a_model_is_judged_not_crashed(cli, name):
    result = cli("eval", FORMATS / name, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result.stderr  # judged (a finding), not "could not evaluate" (2)
    rules = {f["rule"] for f in result.json()["findings"]}
    assert "CMP-001" in rules
    assert not rules & {"APR-001", "DOC-001", "DOC-002", "DOC-005", "LIC-008", "CMP-002"}  # about a model


def test_the_gate_says_no_model_described(cli, tmp_path, keys):
    out = tmp_path / "verdict.json"
    result = cli("gate", FORMATS / "slsa-v02.intoto.json", "--key", keys[0], "--as-of", AS_OF, "--out", out, "--json")
    assert result.exit_code == 1, result.stderr
    [blocking] = result.json()["blocking"]
    assert blocking["rule"] == "CMP-001" and blocking["message"].startswith("no model described")
    payload = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))
    assert payload["predicate"]["verificationResult"] == "FAILED"


def test_a_high_risk_release_with_only_its_signoffs_fails_naming_each_gap(cli, tmp_path, keys, bundle_copy):
    root, edit = bundle_copy()

    def strip(manifest: dict) -> None:
        for part in ("datasets", "features", "training", "evaluations", "monitoring", "documentation"):
            manifest.pop(part, None)
        # keep only the signed approvals among the metadata files (issue 14: sign-offs are envelopes)
        manifest["metadata"] = [m for m in manifest["metadata"] if str(m).startswith("approvals/")]
        manifest["model"]["intended_use"].pop("description")

    edit(strip)
    result = cli("gate", root, "--key", keys[0], "--as-of", AS_OF, "--out", tmp_path / "v.json", "--json")
    assert result.exit_code == 1, result.stderr
    found = {f["rule"] for f in result.json()["blocking"]}
    for rule in ("CMP-003", "CMP-004", "CMP-005", "CMP-006", "CMP-007", "CMP-008", "CMP-009", "CMP-010"):
        assert rule in found, (rule, sorted(found))
    assert "APR-001" not in found  # its sign-offs are all there: only the evidence is missing


def test_a_cyclonedx_supplier_is_not_an_owner(cli, tmp_path):
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "machine-learning-model", "bom-ref": "m", "name": "clip",
                                      "supplier": {"name": "OpenAI Inc"}}},
           "components": []}
    path = tmp_path / "bom.cdx.json"
    path.write_text(json.dumps(bom))
    doc = cli("normalize", path, "--format", "json").json()
    assert doc["model"]["supplier"] == "OpenAI Inc" and "owner" not in doc["model"]
    result = cli("eval", path, "--as-of", AS_OF, "--format", "json")
    assert "DOC-001" in {f["rule"] for f in result.json()["findings"]}
