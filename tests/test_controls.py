"""Control catalogs: every built-in rule maps to real controls; the roll-up reports every status."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from mlgov.controls import catalogs, check_rule_controls, coverage, known_controls, scope_words
from mlgov.document import vocab
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs

from conftest import BUNDLES, error_line, rego_rule, sign_waivers

ROOT = Path(__file__).resolve().parent.parent


def test_every_builtin_rule_maps_to_catalogued_controls():
    packs = load_packs(builtin_packs())
    check_rule_controls(packs)
    known = known_controls()
    for pack in packs:
        for rule in pack.rules:
            assert any(c in known for c in rule.controls), f"{rule.id} maps to no catalogued control"
    assert {c.regime for c in catalogs()} == {"SR-11-7", "SR-26-2", "EU-AI-ACT", "FDA", "21-CFR-11",
                                               "NIST-AI-RMF", "ISO-42001", "GDPR"}
    assert coverage(packs)["EU-AI-ACT:Art.10"] == ["CMP-004", "LIC-001", "LIC-002", "LIC-003", "LIC-012",
                                                   "PRV-004", "RET-004"]


def test_coverage_doc_is_current(cli):
    result = cli("controls", "--format", "markdown")
    assert result.exit_code == 0
    assert (ROOT / "docs" / "coverage.md").read_text() == result.stdout, "run: mlgov controls --format markdown"


def test_controls_command(cli):
    table = cli("controls", "--regime", "GDPR")
    assert "Art.5(1)(e)" in table.stdout and "RET-003, RET-004" in table.stdout
    assert "Art.35" in table.stdout and "APR-020, GOV-032" in table.stdout
    eu = cli("controls", "--regime", "EU-AI-ACT").stdout
    assert "not machine-checkable: staff training and competence" in " ".join(eu.split())
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
    entry = ("  - id: {id}\n    rule: {rule}\n    subjects: ['evaluation:acme support eval 2026-09 test']\n"
             "    justification: pilot with agent review\n    expires: 2027-01-15\n")
    waivers, approvers = sign_waivers(tmp_path, entry.format(id="W-1", rule="DOC-004")
                                      + entry.format(id="W-2", rule="VAL-001"))
    out = tmp_path / "v.json"
    result = cli("gate", BUNDLES / "support-llm-ft", "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
                 "--waivers", waivers, "--approvers", approvers, "--out", out)
    assert result.exit_code == 1
    controls = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]["controls"]
    eu = controls["EU-AI-ACT"]
    assert eu["Art.10"]["status"] == "violated"             # Alpaca's non-commercial terms (LIC-002)
    assert eu["Art.15"]["status"] == "waived"               # both accuracy findings are waived
    assert eu["Art.15"]["findings"] == 2
    assert eu["Art.9"]["status"] == "satisfied"             # GOV-001 ran: a limited-risk system needs no Art. 9
    assert eu["Art.4"]["status"] == "not_assessed"          # AI literacy: not machine-checkable
    assert eu["Art.18"]["status"] == "violated"             # no placed_on_market date (RET-002)
    assert controls["GDPR"]["Art.5(1)(e)"]["status"] == "satisfied"
    assert controls["SR-11-7"]["validation"]["status"] == "not_applicable"  # not a bank model
    statuses = {e["status"] for regime in controls.values() for e in regime.values()}
    assert statuses == {"violated", "waived", "satisfied", "not_assessed", "not_applicable"}


def _predicate(cli, tmp_path, bundle, as_of: str) -> dict:
    if not (tmp_path / "mlgov-key.pem").exists():
        assert cli("keygen", "-o", tmp_path).exit_code == 0
    out = tmp_path / f"v-{as_of}.json"
    result = cli("gate", bundle, "--key", tmp_path / "mlgov-key.pem", "--as-of", as_of, "--out", out)
    assert result.exit_code in (0, 1), result.output
    return json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]


def test_the_evaluation_date_decides_between_sr_11_7_and_sr_26_2(cli, tmp_path):
    before = _predicate(cli, tmp_path, BUNDLES / "credit-risk-pd", "2026-04-16")
    after = _predicate(cli, tmp_path, BUNDLES / "credit-risk-pd", "2026-04-17")
    in_force = {p["catalogs"]["as_of"]: {c["regime"]: c["state"] for c in p["catalogs"]["catalogs"]}
                for p in (before, after)}
    assert in_force["2026-04-16"] == {"SR-11-7": "in_force", "SR-26-2": "not_yet_in_force", "GDPR": "in_force"}
    assert in_force["2026-04-17"] == {"SR-11-7": "no_longer_in_force", "SR-26-2": "in_force", "GDPR": "in_force"}
    assert before["controls"]["SR-11-7"]["validation"]["status"] == "violated"  # approvals given later
    assert before["controls"]["SR-26-2"]["validation"]["status"] == "not_in_force"
    assert after["controls"]["SR-11-7"]["validation"]["status"] == "not_in_force"
    # SR 26-2 keeps the validation pillar: the rules mapped to SR 11-7 carry forward
    assert after["controls"]["SR-26-2"]["validation"] == {**before["controls"]["SR-11-7"]["validation"],
                                                          "title": "Validation with effective challenge, scaled to "
                                                                   "materiality",
                                                          "citation": "SR 26-2, model validation (section number "
                                                                      "not verified)"}
    sr26 = next(c for c in after["catalogs"]["catalogs"] if c["regime"] == "SR-26-2")
    assert sr26["version"] == "SR 26-2 (2026)" and sr26["effective_from"] == "2026-04-17"
    sr11 = next(c for c in before["catalogs"]["catalogs"] if c["regime"] == "SR-11-7")
    assert sr11["effective_until"] == "2026-04-16" and "sr1107" in sr11["url"]


def test_eu_ai_act_obligations_apply_from_their_article_113_dates(cli, tmp_path):
    early = _predicate(cli, tmp_path, BUNDLES / "support-llm-ft", "2026-05-01")["controls"]["EU-AI-ACT"]
    assert early["Art.53"]["status"] != "not_in_force"           # GPAI obligations: 2025-08-02
    assert early["Art.5"]["status"] != "not_in_force"            # prohibitions: 2025-02-02
    assert early["Art.50"]["status"] == "not_in_force"           # 2026-08-02
    assert early["Art.10"]["status"] == "not_in_force"           # high-risk obligations: 2026-08-02
    late = _predicate(cli, tmp_path, BUNDLES / "support-llm-ft", "2026-08-02")["controls"]["EU-AI-ACT"]
    assert late["Art.50"]["status"] != "not_in_force" and late["Art.10"]["status"] == "violated"


def test_annex_i_systems_get_the_later_date():
    from mlgov.controls import roll_up
    from mlgov.timeutil import normalize as stamp

    art9 = known_controls()["EU-AI-ACT:Art.9"]
    assert art9.in_force("2026-08-02") and art9.in_force("2026-08-02", "annex-iii")
    assert not art9.in_force("2026-08-02", "annex-i") and art9.in_force("2027-08-02", "annex-i")
    packs = load_packs(builtin_packs())
    rolled = roll_up(packs, [], ["EU-AI-ACT"], stamp("2026-09-01", "t", None), "annex-i")
    assert rolled["EU-AI-ACT"]["Art.9"]["status"] == "not_in_force"
    assert rolled["EU-AI-ACT"]["Art.53"]["status"] == "satisfied"


def test_regime_vocabulary_is_closed_and_matches_the_catalogs():
    assert set(vocab.REGIMES) == set(scope_words())
    assert vocab.regime("OCC 2026-13", "f", "/p") == "SR-26-2"
    assert vocab.regime("x-acme-ai-policy", "f", "/p") == "X-ACME-AI-POLICY"


def test_a_misspelled_regime_is_refused(cli, tmp_path):
    bundle = tmp_path / "b"
    shutil.copytree(BUNDLES / "chest-xray-triage", bundle)
    manifest = bundle / "mlgov.yaml"
    manifest.write_text(manifest.read_text().replace("regulatory_scope: [FDA,", "regulatory_scope: [US FDA,"))
    result = cli("eval", bundle, "--as-of", "2026-11-24")
    assert result.exit_code == 2
    line = error_line(result)
    assert "mlgov.yaml: /model/regulatory_scope/0: unknown regime 'US FDA' (expected one of 21-CFR-11, " in line
    assert "SR-26-2" in line


def test_an_unknown_run_status_is_refused(cli, tmp_path):
    bundle = tmp_path / "b"
    shutil.copytree(BUNDLES / "support-llm-ft", bundle)
    manifest = bundle / "mlgov.yaml"
    text = manifest.read_text()
    assert "status: completed" in text
    manifest.write_text(text.replace("status: completed", "status: compleated", 1))
    result = cli("eval", bundle, "--as-of", "2026-11-24")
    assert result.exit_code == 2 and "unknown run status 'compleated'" in error_line(result)


def test_every_control_is_covered_or_says_why_it_cannot_be():
    rules_of = coverage(load_packs(builtin_packs()))
    for control in known_controls().values():
        assert rules_of.get(control.key) or control.not_machine_checkable, f"{control.key} is not assessed"
        assert not (rules_of.get(control.key) and control.not_machine_checkable), f"{control.key}: both"


def test_rules_mapped_only_to_controls_not_in_force_are_reported(cli, tmp_path):
    before = _predicate(cli, tmp_path, BUNDLES / "credit-risk-pd", "2026-04-16")["catalogs"]["rules_not_in_force"]
    stale = {r["rule"]: r["controls"] for r in before}
    assert stale["GOV-011"] == ["SR-26-2:materiality"]           # an SR 26-2 expectation, before SR 26-2
    assert stale["GOV-013"] == ["SR-26-2:model-scope"]
    assert "GOV-010" not in stale                                # SR 11-7 had an inventory expectation too
    after = _predicate(cli, tmp_path, BUNDLES / "credit-risk-pd", "2026-04-17")["catalogs"]["rules_not_in_force"]
    assert after == []


def test_the_gate_tells_rules_whether_its_decision_is_logged(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    runs = {}
    for logged in (False, True):
        out = tmp_path / f"v-{logged}.json"
        extra = ["--log", str(tmp_path / "audit.db")] if logged else []
        result = cli("gate", BUNDLES / "chest-xray-triage", "--key", tmp_path / "mlgov-key.pem", "--as-of",
                     "2026-11-24", "--out", out, *extra)
        assert result.exit_code == 1  # ImageNet's terms block it either way (LIC-002)
        predicate = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]
        runs[logged] = predicate
    assert "GOV-020" in {f["rule"] for f in runs[False]["findings"]}
    assert "GOV-020" not in {f["rule"] for f in runs[True]["findings"]}
    assert runs[False]["controls"]["21-CFR-11"]["11.10(e)"]["status"] == "violated"
    assert runs[True]["controls"]["21-CFR-11"]["11.10(e)"]["status"] == "satisfied"


def test_controls_command_says_what_is_in_force_on_a_date(cli):
    on = {c["regime"]: c for c in cli("controls", "--format", "json", "--as-of", "2026-04-17").json()}
    assert on["SR-11-7"]["state"] == "no_longer_in_force" and on["SR-26-2"]["state"] == "in_force"
    eu = {x["id"]: x for x in on["EU-AI-ACT"]["controls"]}
    assert eu["Art.53"]["in_force"] and not eu["Art.50"]["in_force"]
    assert eu["Art.9"]["effective_from_by_basis"] == {"annex-i": "2027-08-02"}
    table = " ".join(cli("controls", "--regime", "SR-11-7", "--as-of", "2026-04-16").stdout.split())
    assert "in force 2011-04-04 – 2026-04-16 · in force on 2026-04-16" in table
