"""Each source format read on its own, detected by content, with provenance into the file."""

from __future__ import annotations

import json
import shutil

import pytest

from mlgov import InputError, normalize
from mlgov.sources.loader import load
from mlgov.sources.registry import detect

from conftest import BUNDLES, FORMATS, error_line

CREDIT = BUNDLES / "credit-risk-pd" / "metadata"
CXR = BUNDLES / "chest-xray-triage" / "metadata"
LLM = BUNDLES / "support-llm-ft"


def only(doc: dict, collection: str, key: str) -> dict:
    return next(item for item in doc[collection] if item["id"] == key)


@pytest.mark.parametrize(("path", "fmt"), [
    (CREDIT / "ml-bom.cdx.json", "cyclonedx"),
    (CREDIT / "mlflow-export.json", "mlflow"),
    (CREDIT / "feature-pipeline.openlineage.jsonl", "openlineage"),
    (CXR / "ai-bom.spdx3.json", "spdx3"),
    (CXR / "training-provenance.intoto.json", "in-toto"),
    (LLM / "metadata" / "adapter-provenance.dsse.json", "in-toto"),
    (LLM / "metadata" / "data-prep.openlineage.json", "openlineage"),
    (LLM / "README.md", "huggingface-model-card"),
    (FORMATS / "mlflow-run.json", "mlflow"),
    (FORMATS / "slsa-v02.intoto.json", "in-toto"),
    (FORMATS / "openlineage-event.json", "openlineage"),
    (FORMATS / "hf-card-minimal.md", "huggingface-model-card"),
])
def test_detected_by_content_even_without_a_telling_name(path, fmt, tmp_path):
    disguised = tmp_path / "input.dat"
    shutil.copy(path, disguised)
    assert detect(load(disguised)).format == fmt
    doc = normalize([disguised])
    # recorded by name, not by local path: the document digest does not depend on where the file sits
    assert doc["sources"] == [{"path": "input.dat", "format": fmt, "sha256": doc["sources"][0]["sha256"]}]


def test_cyclonedx_model_card_datasets_and_licenses():
    doc = normalize([CREDIT / "ml-bom.cdx.json"])
    assert doc["model"]["name"] == "credit-risk-pd"
    assert doc["model"]["architecture"] == "gradient-boosted trees (monotone constraints)"
    assert only(doc, "datasets", "fred-macro-indicators")["license"] == "CC0-1.0"
    assert only(doc, "datasets", "loan-applications")["personal_data"] is True  # sensitiveData listed
    metrics = only(doc, "evaluations", "cyclonedx-quantitative-analysis")["metrics"]
    metric = next(m for m in metrics if m["id"] == "auc holdout-2025q4")
    assert metric["value"] == 0.812  # CycloneDX carries metric values as strings
    assert doc["provenance"]["/datasets/0/license"][0]["at"] == "/components/1/licenses/0/expression"
    assert doc["provenance"]["/datasets/1/license"][0]["at"] == "/components/2/licenses/0/license/id"
    up = {u["node"] for u in doc["lineage"]["upstream"]["model:credit-risk-pd"]}
    assert up == {"dataset:loan-applications", "dataset:bureau-attributes", "dataset:fred-macro-indicators"}


def test_spdx3_licenses_prefer_concluded_and_relationships_become_lineage():
    doc = normalize([CXR / "ai-bom.spdx3.json"])
    assert doc["model"]["name"] == "cxr-triage"  # the most-derived model, not its ancestor
    assert doc["model"]["risk_tier"] == "high"
    assert doc["model"]["license"] == "LicenseRef-mercy-ai-commercial-eula"
    assert doc["model"]["base_models"][0]["license"] == "BSD-3-Clause"
    reader = only(doc, "datasets", "reader-study-2025")
    assert reader["personal_data"] is True
    edges = {(e["from"], e["type"], e["to"]) for e in doc["lineage"]["edges"]}
    assert ("dataset:reader-study-2025", "evaluates", "model:cxr-triage") in edges
    assert ("model:densenet121-imagenet", "base_of", "model:cxr-triage") in edges


def test_huggingface_card_front_matter_and_sections():
    doc = normalize([FORMATS / "hf-card-minimal.md"])
    assert doc["model"]["license"] == "Apache-2.0 AND CC-BY-4.0"
    assert doc["model"]["task"] == "text-classification"
    assert doc["model"]["base_models"][0]["name"] == "google-bert/bert-base-uncased"
    assert only(doc, "datasets", "stanfordnlp/imdb")["roles"] == ["training"]
    sections = doc["documentation"]["model_card"]["sections"]
    assert list(sections) == ["intended_use"]  # the fenced "## ..." line is code, not a heading
    assert doc["provenance"]["/model/license"][0]["at"] == "/license"


def test_huggingface_hub_only_license_ids_become_licenseref(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n# x\n")
    assert normalize([card])["model"]["license"] == "LicenseRef-llama3.1"


def test_mlflow_latest_version_is_numeric_and_tags_map_to_facts():
    doc = normalize([FORMATS / "mlflow-model-versions-search.json"])
    model = doc["model"]
    assert model["version"] == "10"  # not "9": versions compare as numbers
    assert model["risk_tier"] == "high"
    assert model["regulatory_scope"] == ["SR-11-7", "GDPR"]
    assert doc["retention"]["legal_hold"]["active"] is True
    assert doc["retention"]["created"] == {"utc": "2026-09-21T14:13:20Z", "epoch_s": 1790000000}
    assert model["uri"] == "models:/m-9f8e7d6c"


def test_mlflow_run_params_seeds_and_inputs():
    doc = normalize([FORMATS / "mlflow-run.json"])
    run = only(doc, "training_runs", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert run["parameters"] == {"learning_rate": 0.03, "num_leaves": 63, "random_state": 7, "feature_set": "cnp-v5"}
    assert run["seeds"] == {"random_state": 7}
    assert run["code_repo"] == "https://git.payco.example/risk/fraud"
    assert run["datasets"] == ["cnp-transactions-2026q2"]
    assert only(doc, "datasets", "cnp-transactions-2026q3-oot")["roles"] == ["evaluation"]


def test_openlineage_timestamps_are_normalized_to_utc():
    doc = normalize([FORMATS / "openlineage-event.json"])
    run = doc["training_runs"][0]
    assert run["ended"] == {"utc": "2026-03-04T04:06:07.123Z", "epoch_s": 1772597167}
    edges = {(e["from"], e["to"]) for e in doc["lineage"]["edges"]}
    assert edges == {("dataset:public.subscriptions", "run:3f9c7d1e-2b4a-4c6e-8f0a-1b2c3d4e5f60"),
                     ("run:3f9c7d1e-2b4a-4c6e-8f0a-1b2c3d4e5f60", "dataset:marts.churn_features")}


def test_slsa_v02_statement():
    doc = normalize([FORMATS / "slsa-v02.intoto.json"])
    subject = doc["subjects"][0]
    assert (subject["name"], subject["kind"]) == ("sentiment-distilbert.onnx", "model")
    run = doc["training_runs"][0]
    assert run["code_commit"] == "b3c1e5a7d9f1b3c5e7a9d1f3b5c7e9a1d3f5b7c9"
    assert run["extra"]["materials"][0]["uri"] == "https://huggingface.co/datasets/stanfordnlp/sst2"


def test_forced_format_must_match_content(bundle_copy, cli):
    root, edit = bundle_copy()
    edit(lambda m: m["metadata"].__setitem__(0, {"path": "metadata/ml-bom.cdx.json", "format": "spdx3"}))
    result = cli("normalize", root)
    assert result.exit_code == 2
    assert "ml-bom.cdx.json: content is not SPDX 3.0 JSON-LD" in error_line(result)


def test_dsse_payload_that_is_not_base64(tmp_path):
    bad = tmp_path / "att.json"
    bad.write_text(json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": "%%%", "signatures": []}))
    with pytest.raises(InputError, match="/payload: DSSE payload is not base64"):
        normalize([bad])
