"""Governance facts in the document: read from the bundle manifest (and SPDX 3) with provenance,
with closed vocabularies whose unknown words are input errors naming the file and field."""

from __future__ import annotations

import shutil

import pytest

from mlgov import normalize

from conftest import BUNDLES, error_line

EXTRA = """
risk_management:
  assessments:
    - {id: RA-2026-04, completed: 2026-10-01, next_review: 2027-04-01, reference: RMS/ra-2026-04.pdf}
logging: {automatic: yes, retention_days: 400, phases: [operation], store: OpenSearch audit index}
"""


def _bundle(tmp_path, name: str, edit=None, extra: str = ""):
    root = tmp_path / name
    shutil.copytree(BUNDLES / name, root)
    manifest = root / "mlgov.yaml"
    text = manifest.read_text()
    if edit:
        old, new = edit
        assert old in text
        text = text.replace(old, new, 1)
    manifest.write_text(text + extra)
    return root


def test_governance_facts_come_with_provenance(tmp_path):
    root = _bundle(tmp_path, "support-llm-ft",
                   ("  risk_tier: limited", "  risk_tier: high\n  high_risk_basis: Annex III"), EXTRA)
    doc = normalize([root])
    assert doc["model"]["high_risk_basis"] == "annex-iii"
    assert doc["model"]["generative"] is True
    assert doc["transparency"] == {"ai_disclosure": True}
    [assessment] = doc["risk_management"]["assessments"]
    assert assessment["id"] == "ra-2026-04"  # entity ids are case-insensitive names;
    assert assessment["next_review"]["utc"] == "2027-04-01T00:00:00Z"
    assert doc["logging"] == {"automatic": True, "retention_days": 400, "phases": ["operation"],
                              "store": "OpenSearch audit index"}
    where = {s["at"] for s in doc["provenance"]["/risk_management/assessments/0/completed"]}
    assert where == {"/risk_management/assessments/0/completed"}
    assert doc["provenance"]["/logging/retention_days"][0]["source"].endswith("mlgov.yaml")
    credit = normalize([BUNDLES / "credit-risk-pd"])
    assert credit["model"]["inventory"]["id"] == "MRM-2019-0147" and credit["model"]["materiality"] == "high"
    assert credit["data_protection"]["dpia"]["completed"]["utc"] == "2025-09-30T00:00:00Z"


def test_spdx3_sensitive_personal_information_is_sensitive_data():
    doc = normalize([BUNDLES / "chest-xray-triage"])
    datasets = {d["id"]: d for d in doc["datasets"]}
    assert datasets["nih-chestxray14"]["sensitive_data"] is False
    sources = {s["format"] for s in doc["provenance"]["/datasets/1/sensitive_data"]}
    assert datasets["mercy-cxr-2024"]["sensitive_data"] is True and len(sources) == 2  # manifest and SPDX agree


def test_special_category_condition_is_normalised(tmp_path):
    root = _bundle(tmp_path, "credit-risk-pd", ("GDPR Art. 6(1)(b)\n    sensitive_data: no\n",
                                                "GDPR Art. 6(1)(b)\n    special_category_data: yes\n"
                                                "    special_category_condition: Art. 9(2)(a)\n"))
    datasets = {d["id"]: d for d in normalize([root])["datasets"]}
    assert datasets["bureau-attributes"]["special_category_condition"] == "9(2)(a)"


@pytest.mark.parametrize(("old", "new", "pointer", "message"), [
    ("  materiality: high", "  materiality: critical", "/model/materiality",
     "unknown materiality 'critical' (expected one of high, moderate, low)"),
    ("  materiality: high", "  materiality: high\n  high_risk_basis: annex ii", "/model/high_risk_basis",
     "unknown high-risk basis 'annex ii' (expected one of annex-i, annex-iii)"),
    ("GDPR Art. 6(1)(b)\n    sensitive_data: no\n",
     "GDPR Art. 6(1)(b)\n    special_category_condition: explicit consent\n",
     "/datasets/1/special_category_condition", "not a GDPR Art. 9(2) condition: 'explicit consent'"),
    ("  risk_tier: tier 1", "  risk_tier: tier one", "/model/risk_tier", "unknown risk tier 'tier one'"),
    ("  regulatory_scope: [SR 11-7, GDPR]", "  regulatory_scope: [SR 11-7, GDPR, HIPAA]", "/model/regulatory_scope/2",
     "unknown regime 'HIPAA'"),
])
def test_closed_vocabularies_refuse_unknown_words(cli, tmp_path, old, new, pointer, message):
    root = _bundle(tmp_path, "credit-risk-pd", (old, new))
    result = cli("normalize", root)
    assert result.exit_code == 2
    assert f"mlgov.yaml: {pointer}: {message}" in error_line(result)
