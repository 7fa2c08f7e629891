"""Merging sources: first stated value wins, differences are reported, agreement is cited."""

from __future__ import annotations

import json

from mlgov import normalize

from conftest import BUNDLES, error_line

CDX = BUNDLES / "credit-risk-pd" / "metadata" / "ml-bom.cdx.json"


def test_conflicting_values_are_reported_with_every_source(bundle_copy, tmp_path):
    root, _ = bundle_copy()
    bom = json.loads(CDX.read_text())
    bom["components"][2]["licenses"] = [{"license": {"id": "CC-BY-NC-4.0"}}]  # fred-macro-indicators
    (root / "metadata" / "ml-bom.cdx.json").write_text(json.dumps(bom))
    doc = normalize([root])
    fred = next(i for i, d in enumerate(doc["datasets"]) if d["id"] == "fred-macro-indicators")
    assert doc["datasets"][fred]["license"] == "CC0-1.0"  # the manifest comes first in its bundle
    [conflict] = doc["conflicts"]
    assert conflict["field"] == f"/datasets/{fred}/license"
    assert conflict["kept"] == "CC0-1.0"
    assert [(v["value"], v["source"].rsplit("/", 1)[-1], v["at"]) for v in conflict["values"]] == [
        ("CC0-1.0", "mlgov.yaml", "/datasets/2/license"),  # third dataset of the manifest
        ("CC-BY-NC-4.0", "ml-bom.cdx.json", "/components/2/licenses/0/license/id"),
    ]


def test_input_order_is_priority(tmp_path):
    bom = json.loads(CDX.read_text())
    bom["metadata"]["component"]["version"] = "3.2.1"
    other = tmp_path / "bom.json"
    other.write_text(json.dumps(bom))
    first = normalize([other, BUNDLES / "credit-risk-pd"])
    assert first["model"]["version"] == "3.2.1"
    second = normalize([BUNDLES / "credit-risk-pd", other])
    assert second["model"]["version"] == "3.2.0"
    for doc, kept in ((first, "3.2.1"), (second, "3.2.0")):
        conflict = next(c for c in doc["conflicts"] if c["field"] == "/model/version")
        assert conflict["kept"] == kept and {v["value"] for v in conflict["values"]} == {"3.2.0", "3.2.1"}


def test_list_facts_merge_as_sets(tmp_path):
    doc = normalize([BUNDLES / "credit-risk-pd"])
    holdout = next(d for d in doc["datasets"] if d["id"] == "holdout-2025q4")
    assert holdout["roles"] == ["test", "evaluation"]
    pointer = f"/datasets/{doc['datasets'].index(holdout)}/roles"
    assert [p["source"].rsplit("/", 1)[-1] for p in doc["provenance"][pointer]] == ["mlgov.yaml",
                                                                                    "mlflow-export.json"]


def test_several_loose_files_make_one_document():
    meta = BUNDLES / "credit-risk-pd" / "metadata"
    names = ("ml-bom.cdx.json", "mlflow-export.json", "feature-pipeline.openlineage.jsonl")
    doc = normalize([meta / name for name in names])
    assert doc["conflicts"] == []
    assert doc["model"]["risk_tier"] == "high"  # only MLflow says it
    assert {s["format"] for s in doc["sources"]} == {"cyclonedx", "mlflow", "openlineage"}
    assert doc["subjects"][0]["digest"]["sha256"].startswith("14b19a2d")  # only the ML-BOM hashes the model


def test_canonical_document_round_trips_and_cannot_be_merged(cli, tmp_path):
    out = tmp_path / "doc.json"
    assert cli("normalize", BUNDLES / "chest-xray-triage", "-o", out).exit_code == 0
    again = cli("normalize", out)
    assert again.exit_code == 0 and again.json() == json.loads(out.read_text())
    assert cli("validate", out).exit_code == 0
    mixed = cli("normalize", out, CDX)
    assert mixed.exit_code == 2
    assert "already a canonical document; it cannot be merged" in error_line(mixed)


def test_tampered_canonical_document_is_refused(cli, tmp_path):
    out = tmp_path / "doc.json"
    cli("normalize", BUNDLES / "chest-xray-triage", "-o", out)
    doc = json.loads(out.read_text())
    doc["approvals"][0]["decision"] = "approved-ish"
    out.write_text(json.dumps(doc))
    result = cli("validate", out)
    assert result.exit_code == 2
    assert f"{out}: /approvals/0/decision: 'approved-ish' is not one of" in error_line(result)


def test_document_digest_ignores_serialisation_but_not_facts():
    from mlgov.document.digest import document_digest

    doc = normalize([BUNDLES / "credit-risk-pd"])
    reordered = json.loads(json.dumps(doc, sort_keys=True, indent=4))
    assert document_digest(reordered) == document_digest(doc)
    reordered["model"]["risk_tier"] = "medium"
    assert document_digest(reordered) != document_digest(doc)
