"""Rules cannot pass on a typo; --params cannot be ignored (issue 11, point 7)."""

from __future__ import annotations

import json

import pytest

from mlgov.errors import EvaluationError
from mlgov.packs import load_pack, load_packs
from mlgov.resources import builtin_packs

from conftest import BUNDLES, error_line, rego_rule

YAML_RULE = """apiVersion: mlgov.dev/v1
kind: Rules
rules:
  - id: TYP-001
    title: t
    severity: high
    controls: [EU-AI-ACT:Art.10]
{body}
    message: "m"
    evidence: [/model]
"""


def _eval(cli, pack):
    return cli("eval", BUNDLES / "credit-risk-pd", "--packs", pack, "--as-of", "2026-11-24")


@pytest.mark.parametrize(("body", "line", "field", "hint"), [
    ("findings := [f | some d in input.document.datasetz; f := {}]", 11, "datasetz", "'datasets'"),
    ("findings := [f |\n\tinput.document.model.risk_teir == \"high\"\n\tf := {}\n]", 12, "risk_teir", "'risk_tier'"),
    ("findings := [f |\n\tsome i\n\td := input.document.datasets[i]\n\td.licnese == \"MIT\"\n\tf := {}\n]", 14,
     "licnese", "'license'"),
    ('findings := [f |\n\tu := object.get(input.document.model, "intended_use", {})\n\tu.comercial\n\tf := {}\n]', 13,
     "comercial", "'commercial'"),
])
def test_a_rego_rule_reading_an_unknown_document_field_is_refused(cli, make_pack, body, line, field, hint):
    pack = make_pack("typo", {"a.rego": rego_rule("TYP-001", "typo.a", body)})
    result = _eval(cli, pack)
    assert result.exit_code == 2
    message = error_line(result)
    assert f"typo/a.rego:{line}:" in message and repr(field) in message and hint in message


def test_the_same_rules_spelt_right_load(make_pack):
    body = ("findings := [f |\n\tsome i\n\td := input.document.datasets[i]\n\td.license == \"MIT\"\n"
            "\tinput.document.model.risk_tier == \"high\"\n\tinput.document.model.extra.anything\n\tf := {}\n]")
    load_pack(make_pack("fine", {"a.rego": rego_rule("TYP-001", "fine.a", body)}))


def test_library_aliases_are_followed(make_pack):
    lib = "package mlgov.lib.typo\n\nimport rego.v1\n\nfacts := input.document.retention\n"
    rule = rego_rule("TYP-001", "typo.a",
                     "import data.mlgov.lib.typo as lib\n\nfindings := [f | lib.facts.legal_hold.actve; f := {}]")
    with pytest.raises(EvaluationError, match=r"typo/a.rego:\d+: reads document field 'actve'.*'active'"):
        load_pack(make_pack("typo", {"lib.rego": lib, "a.rego": rule}))


@pytest.mark.parametrize(("body", "at"), [
    ("    for_each: datasetz\n    assert: {path: license, exists: true}", "/for_each"),
    ("    assert: {path: model.risk_teir, equals: high}", "/assert/path"),
    ("    for_each: datasets\n    when: {path: roles, contains: training}\n    assert: {path: licence, exists: true}",
     "/assert/path"),
    ("    assert:\n      path: evaluations\n"
     "      any_items: {path: metrics, any_items: {path: treshold, exists: true}}",
     "/assert/any_items/any_items/path"),
    ("    assert: {path: model.name, equals: {ref: doc.model.nme}}", "/assert/equals/ref"),
])
def test_a_yaml_rule_reading_an_unknown_document_path_is_refused(cli, make_pack, body, at):
    pack = make_pack("typo", {"rules.yaml": YAML_RULE.format(body=body)})
    result = _eval(cli, pack)
    assert result.exit_code == 2
    message = error_line(result)
    assert "typo/rules.yaml:4: rule TYP-001: " + at in message and "does not define" in message


def test_a_pack_that_passed_is_remembered_by_digest(tmp_path, make_pack, monkeypatch):
    monkeypatch.setenv("MLGOV_CACHE_DIR", str(tmp_path / "cache"))
    packs = load_packs(builtin_packs())
    markers = list((tmp_path / "cache" / "path-check").iterdir())
    assert len(markers) == len(packs)
    load_packs(builtin_packs())  # hits: nothing new
    assert len(list((tmp_path / "cache" / "path-check").iterdir())) == len(packs)
    typo = rego_rule("TYP-001", "typo.a", "findings := [f | input.document.datasetz; f := {}]")
    bad = make_pack("typo", {"a.rego": typo})
    for _ in range(2):  # a failure is never cached
        with pytest.raises(EvaluationError, match="datasetz"):
            load_pack(bad)
    assert len(list((tmp_path / "cache" / "path-check").iterdir())) == len(packs)


@pytest.mark.parametrize(("params", "pointer", "words"), [
    ({"documentaton": {"required_sections_by_tier": {}}}, "/documentaton", "no pack named 'documentaton'"),
    ({"documentation": {"required_section_by_tier": {}}}, "/documentation/required_section_by_tier",
     "has no parameter 'required_section_by_tier'"),
    ({"documentation": {"required_sections_by_tier": ["high"]}}, "/documentation/required_sections_by_tier",
     "expected a mapping (as the pack's default), got a list"),
    ({"documentation": {"required_sections_by_tier": {"high": "intended_use"}}},
     "/documentation/required_sections_by_tier/high", "expected a list"),
    ({"documentation": {"training_roles": ["training", 1]}}, "/documentation/training_roles/1", "expected a string"),
])
def test_params_that_match_no_declared_parameter_are_refused(cli, tmp_path, params, pointer, words):
    pfile = tmp_path / "params.yaml"
    pfile.write_text(json.dumps(params))
    result = cli("eval", BUNDLES / "credit-risk-pd", "--params", pfile, "--as-of", "2026-11-24")
    assert result.exit_code == 2
    line = error_line(result)
    assert f"params.yaml: {pointer}: " in line and words in line


def test_well_formed_params_still_apply(cli, tmp_path):
    pfile = tmp_path / "params.yaml"
    pfile.write_text(json.dumps({"documentation": {"required_sections_by_tier": {"high": ["intended_use"]}}}))
    # --fail-on high: without an approver policy the signed approvals are reported as
    # unauthenticated (APR-008, medium), which is not what this test is about
    result = cli("eval", BUNDLES / "credit-risk-pd", "--params", pfile, "--as-of", "2026-11-24", "--fail-on", "high")
    assert result.exit_code == 0, result.stdout + result.stderr
