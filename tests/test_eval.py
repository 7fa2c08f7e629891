"""mlgov eval: results, exit codes, and every way a rule can break the contract (exit 2)."""

from __future__ import annotations

import json

import pytest

from mlgov import normalize
from mlgov.document.schema import validate
from mlgov.evaluation import evaluate
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs
from mlgov.timeutil import normalize as stamp

from conftest import BUNDLES, DOC_PACK, error_line, rego_rule

AS_OF = stamp("2026-11-24", "t", "")


def run_eval(cli, *args, bundle="credit-risk-pd"):
    # the examples' approvals are signed with TEST-ONLY keys: authenticate them as a deployer would
    return cli("eval", BUNDLES / bundle, "--as-of", "2026-11-24", "--approvers",
               BUNDLES.parent / "approvers" / "TEST-ONLY-approvers.yaml", *args)


def test_builtin_packs_on_the_examples(cli):
    clean = run_eval(cli, "--format", "json")
    assert clean.exit_code == 0, clean.stdout
    result = clean.json()
    validate(result, "evaluation-result", "result")
    # only retention dispositions (the record's, and its model file's and datasets' own), which
    # inform and do not fail (--fail-on defaults to low)
    assert sorted((f["rule"], f["severity"]) for f in result["findings"]) == [("RET-001", "info")] + [
        ("RET-006", "info")] * 4
    assert run_eval(cli, "--fail-on", "info").exit_code == 1
    assert [p["name"] for p in result["packs"]] == [p.name for p in load_packs(builtin_packs())]
    assert result["engine"]["version"] == "gordon-to-regorus 0.13.0"
    assert result["as_of"] == {"utc": "2026-11-24T00:00:00Z", "epoch_s": 1795478400}

    llm = run_eval(cli, "--packs", DOC_PACK, "--format", "json", bundle="support-llm-ft")
    assert llm.exit_code == 1
    [finding] = llm.json()["findings"]
    assert finding["rule"] == "DOC-004" and finding["subject"] == "evaluation:acme support eval 2026-09 test"
    assert finding["location"] == "documentation/rules.yaml:71"  # the line of DOC-004's id
    # evidence carries the provenance of the facts it points at
    sources = {s["source"].rsplit("/", 1)[-1] for e in finding["evidence"] for s in e["sources"]}
    assert sources == {"mlgov.yaml", "README.md"}


def test_fail_on_threshold(cli):
    assert run_eval(cli, "--packs", DOC_PACK, bundle="support-llm-ft").exit_code == 1
    assert run_eval(cli, "--packs", DOC_PACK, "--fail-on", "critical", bundle="support-llm-ft").exit_code == 0
    assert run_eval(cli, "--packs", DOC_PACK, "--fail-on", "high", bundle="support-llm-ft").exit_code == 1


def test_table_output(cli):
    result = run_eval(cli, "--packs", DOC_PACK, bundle="support-llm-ft")
    assert "DOC-004" in result.stdout and "1 open findings (1 high), 0 waived" in result.stdout


def test_results_are_deterministic_and_rerunnable():
    document = normalize([BUNDLES / "chest-xray-triage"])
    packs = load_packs(builtin_packs())
    assert evaluate(document, packs, AS_OF) == evaluate(document, packs, AS_OF)


@pytest.mark.parametrize(("body", "message"), [
    ('findings := {"message": "x"}', "rule TST-001: `findings` must be an array, got dict"),
    ('findings := [{"evidence": ["/model"]}]', "rule TST-001: finding 0: 'message' is a required property"),
    ('findings := [{"message": "x", "evidence": []}]', "rule TST-001: finding 0 evidence: [] should be non-empty"),
    ('findings := [{"message": "x", "evidence": ["model"]}]', "finding 0 evidence/0: 'model' does not match"),
    ('findings := [{"message": "x", "evidence": ["/modle/name"]}]',
     "rule TST-001: finding 0: evidence '/modle/name' does not point into the document"),
    ('findings := [{"message": "", "evidence": ["/model"]}]', "finding 0 message: '' should be non-empty"),
    ('findings := [{"message": "x", "evidence": ["/model"], "severity": "low"}]',
     "Additional properties are not allowed ('severity' was unexpected)"),
    ("deny contains 1 if true", "rule TST-001: `findings` is undefined in package mlgov.rules.c.a"),
    ('findings := [x | x := to_number("not a number")]', "Rego evaluation error: could not parse string as number"),
])
def test_contract_and_runtime_errors_fail_closed(cli, make_pack, body, message):
    root = make_pack("c", {"a.rego": rego_rule("TST-001", "c.a", body)})
    result = run_eval(cli, "--packs", root)
    assert result.exit_code == 2
    line = error_line(result)
    assert "c/a.rego:" in line and message in line


def test_a_rule_that_is_undefined_on_regopy_fails_closed(cli, make_pack):
    """A runtime builtin error must not become an empty, passing result on the second engine either."""
    root = make_pack("c", {"a.rego": rego_rule("TST-001", "c.a", 'findings := [x | x := to_number("nan?")]')})
    result = run_eval(cli, "--packs", root, "--engine", "regopy")
    assert result.exit_code == 2
    assert "regopy: Rego evaluation error" in error_line(result)


def test_yaml_rule_type_error_fails_closed(cli, make_pack):
    rules = ("apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: TST-020\n    title: t\n    severity: low\n"
             "    controls: [EU-AI-ACT:Art.10]\n    assert: {path: model.name, gt: 3}\n    message: m\n"
             "    evidence: [/model/name]\n")
    root = make_pack("y", {"rules.yaml": rules})
    line = error_line(run_eval(cli, "--packs", root))
    assert "y/rules.yaml:4: rule TST-020: /assert/gt: cannot compare str with int" in line


def test_as_of_is_an_input_not_the_clock(cli, make_pack):
    rules = ("apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: TST-030\n    title: approvals expire\n"
             "    severity: high\n    controls: [SR-11-7:validation]\n    for_each: approvals\n"
             "    assert: {path: expires, after: as_of}\n"
             "    message: 'approval by {approver.name} expired {expires}'\n")
    root = make_pack("dates", {"rules.yaml": rules})
    before = cli("eval", BUNDLES / "credit-risk-pd", "--packs", root, "--as-of", "2027-11-06", "--format", "json")
    # the owner's signed approval covers both released artifacts: one entry (and finding) per artifact
    assert [f["message"] for f in before.json()["findings"]] == [
        "approval by Dana Whitfield expired 2027-11-05T00:00:00Z"] * 2
    assert before.json()["as_of"]["utc"] == "2027-11-06T00:00:00Z"
    after = cli("eval", BUNDLES / "credit-risk-pd", "--packs", root, "--as-of", "2027-11-13", "--format", "json")
    assert len(after.json()["findings"]) == 6
    early = cli("eval", BUNDLES / "credit-risk-pd", "--packs", root, "--as-of", "2026-11-24")
    assert early.exit_code == 0


def test_bad_as_of_and_params(cli, tmp_path):
    assert "--as-of: not an RFC 3339 timestamp: 'soon'" in error_line(run_eval(cli, "--as-of", "soon"))
    params = tmp_path / "params.yaml"
    params.write_text("documentation: [not, a, mapping]\n")
    result = run_eval(cli, "--params", params)
    assert result.exit_code == 2 and "expected a mapping of pack name to parameters" in error_line(result)


def test_params_override_pack_defaults(cli, tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text(json.dumps({"documentation": {"required_sections_by_tier": {"high": ["intended_use",
                                                                                          "change_control"]}}}))
    result = run_eval(cli, "--packs", DOC_PACK, "--params", params, "--format", "json")
    assert [f["message"] for f in result.json()["findings"]] == [  # high tier: a blocking completeness finding
        "missing required evidence for risk tier high: model-card section change_control (absent or a placeholder)"]


def test_canonical_document_as_input(cli, tmp_path):
    out = tmp_path / "doc.json"
    cli("normalize", BUNDLES / "support-llm-ft", "-o", out)
    from_doc = cli("eval", out, "--as-of", "2026-11-24", "--format", "json", "--approvers",
                   BUNDLES.parent / "approvers" / "TEST-ONLY-approvers.yaml").json()
    from_bundle = run_eval(cli, "--format", "json", bundle="support-llm-ft").json()
    assert from_doc == from_bundle
