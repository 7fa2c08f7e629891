"""Control catalogs: every built-in rule maps to real controls; the roll-up reports every status."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from mlgov.controls import catalogs, check_rule_controls, coverage, known_controls
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs

from conftest import BUNDLES, error_line, rego_rule

ROOT = Path(__file__).resolve().parent.parent


def test_every_builtin_rule_maps_to_catalogued_controls():
    packs = load_packs(builtin_packs())
    check_rule_controls(packs)
    known = known_controls()
    for pack in packs:
        for rule in pack.rules:
            assert any(c in known for c in rule.controls), f"{rule.id} maps to no catalogued control"
    assert {c.regime for c in catalogs()} == {"SR-11-7", "EU-AI-ACT", "FDA", "21-CFR-11", "NIST-AI-RMF",
                                               "ISO-42001", "GDPR"}
    assert coverage(packs)["EU-AI-ACT:Art.10"] == ["CMP-004", "LIC-001", "LIC-002", "LIC-003", "PRV-004", "RET-004"]


def test_coverage_doc_is_current(cli):
    result = cli("controls", "--format", "markdown")
    assert result.exit_code == 0
    assert (ROOT / "docs" / "coverage.md").read_text() == result.stdout, "run: mlgov controls --format markdown"


def test_controls_command(cli):
    table = cli("controls", "--regime", "GDPR")
    assert "Art.5(1)(e)" in table.stdout and "RET-003, RET-004" in table.stdout
    assert "Art.35" in table.stdout and "not assessed" in table.stdout
    as_json = cli("controls", "--format", "json").json()
    assert [c["regime"] for c in as_json] == [c.regime for c in catalogs()]
    unknown = cli("controls", "--regime", "HIPAA")
    assert unknown.exit_code == 2 and "no catalog for regime 'HIPAA'" in error_line(unknown)


def test_a_rule_mapped_to_an_unknown_control_is_refused(cli, make_pack):
    text = rego_rule("TST-080", "typo.a", 'findings := []').replace("[EU-AI-ACT:Art.10]", "[EU-AI-ACT:Art.100]")
    root = make_pack("typo", {"a.rego": text})
    result = cli("eval", BUNDLES / "credit-risk-pd", "--packs", root)
    assert result.exit_code == 2
    assert "rule TST-080 maps to EU-AI-ACT:Art.100, which the EU-AI-ACT catalog does not define" in error_line(result)


def test_roll_up_statuses_in_a_verdict(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    waivers = tmp_path / "waivers.yaml"
    entry = ("  - id: {id}\n    rule: {rule}\n    subjects: ['evaluation:*']\n"
             "    justification: pilot with agent review\n"
             "    approved_by: {{name: A. Counsel, role: compliance}}\n"
             "    approved: 2026-11-01\n    expires: 2027-11-01\n")
    waivers.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n"
                       + entry.format(id="W-1", rule="DOC-004") + entry.format(id="W-2", rule="VAL-001"))
    out = tmp_path / "v.json"
    result = cli("gate", BUNDLES / "support-llm-ft", "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
                 "--waivers", waivers, "--out", out)
    assert result.exit_code == 1
    controls = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]["controls"]
    eu = controls["EU-AI-ACT"]
    assert eu["Art.10"]["status"] == "violated"             # Alpaca's non-commercial terms (LIC-002)
    assert eu["Art.15"]["status"] == "waived"               # both accuracy findings are waived
    assert eu["Art.15"]["findings"] == 2
    assert eu["Art.9"]["status"] == "not_assessed"          # no built-in rule covers risk management yet
    assert eu["Art.18"]["status"] == "violated"             # no placed_on_market date (RET-002)
    assert controls["GDPR"]["Art.5(1)(e)"]["status"] == "satisfied"
    assert controls["SR-11-7"]["validation"]["status"] == "not_applicable"  # not a bank model
    statuses = {e["status"] for regime in controls.values() for e in regime.values()}
    assert statuses == {"violated", "waived", "satisfied", "not_assessed", "not_applicable"}
