"""The three example bundles normalize into schema-valid documents that say what they contain."""

from __future__ import annotations

import hashlib

import pytest

from mlgov import normalize
from mlgov.document import validate_document

from conftest import BUNDLES


def by_id(items: list[dict], key: str) -> dict:
    return next(item for item in items if item["id"] == key)


def prov(doc: dict, pointer: str) -> list[tuple[str, str]]:
    return [(p["source"].rsplit("/", 1)[-1], p["at"]) for p in doc["provenance"][pointer]]


def pointer_of(doc: dict, collection: str, key: str) -> str:
    index = [item["id"] for item in doc[collection]].index(key)
    return f"/{collection}/{index}"


@pytest.fixture(scope="module")
def credit() -> dict:
    return normalize([BUNDLES / "credit-risk-pd"])


@pytest.fixture(scope="module")
def cxr() -> dict:
    return normalize([BUNDLES / "chest-xray-triage"])


@pytest.fixture(scope="module")
def llm() -> dict:
    return normalize([BUNDLES / "support-llm-ft"])


def test_all_examples_are_schema_valid_and_conflict_free(credit, cxr, llm):
    for doc in (credit, cxr, llm):
        validate_document(doc)
        assert doc["conflicts"] == []


def test_credit_model_facts_and_their_provenance(credit):
    model = credit["model"]
    assert (model["name"], model["version"], model["risk_tier"]) == ("credit-risk-pd", "3.2.0", "high")
    assert model["regulatory_scope"] == ["SR-11-7", "GDPR"]
    assert model["intended_use"]["commercial"] is True
    assert model["owner"] == {"name": "Dana Whitfield", "email": "dana.whitfield@acmebank.example",
                              "team": "Retail Credit Risk Analytics"}
    # stated by the manifest and corroborated by the ML-BOM and MLflow: every source is cited
    assert prov(credit, "/model/name") == [("mlgov.yaml", "/model/name"),
                                           ("ml-bom.cdx.json", "/metadata/component/name"),
                                           # an MLflow version's facts come before its model's defaults
                                           ("mlflow-export.json", "/model_versions/0/name"),
                                           ("mlflow-export.json", "/registered_model/name")]
    assert prov(credit, "/model/risk_tier") == [("mlgov.yaml", "/model/risk_tier"),
                                                ("mlflow-export.json", "/registered_model/tags/0/value")]
    assert prov(credit, "/model/version")[2] == ("mlflow-export.json", "/model_versions/0/tags/0/value")


def test_credit_subjects_are_hashed_and_unified_by_digest(credit):
    weights = (BUNDLES / "credit-risk-pd" / "model" / "model.ubj").read_bytes()
    model = by_id(credit["subjects"], "credit-risk-pd-model")
    assert model["digest"]["sha256"] == hashlib.sha256(weights).hexdigest()
    assert model["size_bytes"] == len(weights)
    # the ML-BOM names the same bytes "credit-risk-pd": one subject, with an alias
    assert model["extra"]["aliases"] == ["credit-risk-pd"]
    assert len(credit["subjects"]) == 2
    sources = {s for s, _ in prov(credit, pointer_of(credit, "subjects", "credit-risk-pd-model") + "/digest")}
    assert sources == {"model.ubj", "ml-bom.cdx.json"}


def test_credit_datasets_training_run_and_approvals(credit):
    loans = by_id(credit["datasets"], "loan-applications")
    assert loans["license"] == "LicenseRef-acmebank-internal"
    assert loans["personal_data"] is True and loans["consent"] == "not_required"
    holdout = by_id(credit["datasets"], "holdout-2025q4")
    csv = (BUNDLES / "credit-risk-pd" / "data" / "holdout-2025Q4.csv").read_bytes()
    assert holdout["digest"]["sha256"] == hashlib.sha256(csv).hexdigest()
    assert set(holdout["roles"]) == {"test", "evaluation"}  # manifest says test, MLflow says eval

    run = by_id(credit["training_runs"], "6f1c2e9a4b3d4f0e8a7b1c2d3e4f5a6b")
    assert run["code_commit"] == "9b2e4c7a1f0d3e6b8c5a2f9e1d4b7c0a3e6f9b2c"
    assert run["parameters"]["n_estimators"] == 850  # MLflow's "850" agrees with the manifest's 850
    assert run["seeds"]["xgboost"] == 20261012
    assert run["started"] == {"utc": "2026-10-12T06:02:11Z", "epoch_s": 1791784931}
    assert run["status"] == "completed"  # FINISHED (MLflow) and completed (manifest) agree
    assert {s for s, _ in prov(credit, pointer_of(credit, "training_runs", run["id"]) + "/started")} == {
        "mlgov.yaml", "mlflow-export.json"}

    approvals = credit["approvals"]
    assert sorted(a["role"] for a in approvals) == ["compliance", "independent_validator", "model_owner"]
    assert {a["artifact_digest"]["sha256"] for a in approvals} == {
        by_id(credit["subjects"], "credit-risk-pd-model")["digest"]["sha256"]}
    validator = next(a for a in approvals if a["role"] == "independent_validator")
    assert validator["approver"]["team"] == "Model Risk Management"
    assert validator["expires"]["utc"] == "2027-11-10T00:00:00Z"


def test_credit_lineage_runs_from_raw_data_through_features(credit):
    lineage = credit["lineage"]
    assert lineage["primary"] == "model:credit-risk-pd"
    upstream = {u["node"]: u for u in lineage["upstream"]["model:credit-risk-pd"]}
    assert upstream["feature:pd-application-features"]["path"] == [
        "feature:pd-application-features", "run:6f1c2e9a4b3d4f0e8a7b1c2d3e4f5a6b", "model:credit-risk-pd"]
    assert upstream["feature:pd-application-features"]["via"] == ["input_to", "produces"]
    assert "dataset:bureau-attributes" in upstream
    downstream = {d["node"] for d in lineage["downstream"]["dataset:loan-applications"]}
    assert {"model:credit-risk-pd", "deployment:prod-underwriting", "artifact:credit-risk-pd-model"} <= downstream
    node = next(n for n in lineage["nodes"] if n["id"] == "dataset:loan-applications")
    assert node["ref"] == pointer_of(credit, "datasets", "loan-applications")


def test_credit_model_card_sections_cite_lines(credit):
    sections = credit["documentation"]["model_card"]["sections"]
    assert {"intended_use", "limitations", "training_data", "evaluation", "human_oversight",
            "monitoring_plan", "out_of_scope_use"} <= set(sections)
    assert "underwriter" in sections["human_oversight"]["text"]
    assert prov(credit, "/documentation/model_card/sections/human_oversight") == [("model-card.md", "line 30")]
    assert credit["documentation"]["considerations"]["limitations"]["chars"] > 0  # from the ML-BOM


def test_cxr_transitive_upstream_names_the_imagenet_path(cxr):
    upstream = {u["node"]: u for u in cxr["lineage"]["upstream"]["model:cxr-triage"]}
    path = upstream["dataset:imagenet-1k"]
    assert path["path"] == ["dataset:imagenet-1k", "model:densenet121-imagenet", "model:cxr-triage"]
    assert path["via"] == ["trains", "base_of"]
    imagenet = by_id(cxr["datasets"], "imagenet-1k")
    assert imagenet["license"] == "LicenseRef-imagenet-terms-of-access"  # from SPDX only
    assert prov(cxr, pointer_of(cxr, "datasets", "imagenet-1k") + "/license")[0][0] == "ai-bom.spdx3.json"


def test_cxr_fda_facts(cxr):
    assert cxr["model"]["regulatory_scope"] == ["FDA", "21-CFR-11"]
    assert cxr["documentation"]["pccp"]["present"] is True
    assert cxr["retention"]["placed_on_market"]["utc"] == "2025-07-14T06:00:00Z"
    run = cxr["training_runs"][0]
    assert run["builder"] == "https://github.com/mercy-ai/gpu-runners/a100-pool@v3"  # from SLSA provenance
    assert run["code_commit"] == "1e7c3a9f5b2d8e4a6c0f3b7d9e1a5c8f2b4d6e0a"
    assert {s for s, _ in prov(cxr, "/training_runs/0/code_commit")} == {"mlgov.yaml",
                                                                         "training-provenance.intoto.json"}
    metric = by_id(by_id(cxr["evaluations"], "spdx-ai-metrics")["metrics"], "sensitivity")
    assert (metric["value"], metric["decision_threshold"]) == (0.912, 0.85)
    assert "threshold" not in metric  # SPDX's decision threshold is a cut-off, not a pass bar


def test_llm_mixed_licenses_legal_hold_and_hf_card(llm):
    licenses = {d["id"]: d.get("license") for d in llm["datasets"]}
    assert licenses["tatsu-lab/alpaca"] == "CC-BY-NC-4.0"
    assert licenses["databricks/databricks-dolly-15k"] == "CC-BY-SA-3.0"
    assert licenses["openassistant/oasst1"] == "Apache-2.0"
    assert llm["model"]["license"] == "LicenseRef-acme-support-assistant-terms"  # manifest and HF card agree
    assert {s for s, _ in prov(llm, "/model/license")} == {"mlgov.yaml", "README.md"}
    base = llm["model"]["base_models"][0]
    assert (base["name"], base["license"]) == ("meta-llama/Llama-3.1-8B-Instruct", "LicenseRef-llama3.1")
    assert llm["retention"]["legal_hold"]["active"] is True
    evaluation = by_id(llm["evaluations"], "acme support eval 2026-09 test")
    accuracy = by_id(evaluation["metrics"], "accuracy")
    assert (accuracy["value"], accuracy["threshold"]) == (0.874, 0.9)  # value from card and manifest
    compliance = next(a for a in llm["approvals"] if a["role"] == "compliance")
    subject = llm["subjects"][0]
    assert compliance["artifact_digest"] != subject["digest"]  # it approved v1.3.0, not these bytes


def test_llm_dsse_statement_is_read_but_marked_unverified(llm):
    run = by_id(llm["training_runs"], "sft-2026-10-03-a")
    sources = prov(llm, pointer_of(llm, "training_runs", "sft-2026-10-03-a") + "/builder")
    assert sources == [("adapter-provenance.dsse.json", "payload:/predicate/runDetails/builder/id")]
    assert run["builder"] == "https://gitlab.acme-cloud.example/ml/runners/h100"


def test_normalize_is_deterministic():
    first = normalize([BUNDLES / "chest-xray-triage"])
    second = normalize([BUNDLES / "chest-xray-triage"])
    assert first == second
