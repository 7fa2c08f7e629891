"""Loading packs: manifests, METADATA, YAML rule schema, digests; every defect fails closed."""

from __future__ import annotations

import re

import pytest

from mlgov.errors import EvaluationError
from mlgov.packs import load_pack, load_packs
from mlgov.resources import builtin_packs

from conftest import BUNDLES, error_line, rego_rule

CLEAN = 'findings := [f | some i; d := input.document.datasets[i]; not d.license; ' \
        'f := {"message": "no license", "evidence": [sprintf("/datasets/%d", [i])]}]'


def eval_fails(cli, pack) -> str:
    result = cli("eval", BUNDLES / "credit-risk-pd", "--packs", pack, "--as-of", "2026-11-24")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    return error_line(result)


def test_builtin_packs_load_with_metadata():
    packs = load_packs(builtin_packs())
    rego = ["approvals", "governance", "licensing", "provenance", "retention", "validation"]
    assert [p.name for p in packs] == [*rego, "documentation"]
    rules = {r.id: r for p in packs for r in p.rules}
    assert rules["PRV-001"].severity == "critical"
    assert rules["PRV-001"].file == "provenance/subject_digest.rego" and rules["PRV-001"].line == 14
    assert "ISO-42001:A.6.2.7" in rules["PRV-001"].controls
    assert rules["DOC-004"].file == "documentation/rules.yaml"


def test_digest_names_the_exact_policy_text(make_pack):
    root = make_pack("p", {"a.rego": rego_rule("TST-001", "p.a", CLEAN)})
    first = load_pack(root).digest
    assert load_pack(root).digest == first
    (root / "a.rego").write_text((root / "a.rego").read_text() + "\n# a comment\n")
    assert load_pack(root).digest != first


def test_rego_syntax_error_names_file_and_line(cli, make_pack):
    root = make_pack("broken", {"a.rego": rego_rule("TST-001", "broken.a", "findings := [x | x := \n")})
    line = eval_fails(cli, root)
    assert "broken/a.rego:1" in line and "Rego error:" in line


def test_missing_metadata(cli, make_pack):
    root = make_pack("p", {"a.rego": "package mlgov.rules.p.a\n\nimport rego.v1\n\nfindings := []\n"})
    assert "p/a.rego:1: rule package mlgov.rules.p.a has no '# METADATA' annotation" in eval_fails(cli, root)


def test_metadata_missing_a_field(cli, make_pack):
    text = rego_rule("TST-001", "p.a", CLEAN).replace("#   severity: high\n", "")
    root = make_pack("p", {"a.rego": text})
    assert "p/a.rego:1: METADATA /: 'severity' is a required property" in eval_fails(cli, root)


def test_metadata_with_a_bad_control(cli, make_pack):
    text = rego_rule("TST-001", "p.a", CLEAN).replace("[EU-AI-ACT:Art.10]", "[Art 10]")
    root = make_pack("p", {"a.rego": text})
    assert "METADATA /controls/0: 'Art 10' does not match" in eval_fails(cli, root)


def test_duplicate_rule_ids_across_packs(cli, make_pack):
    one = make_pack("one", {"a.rego": rego_rule("TST-001", "one.a", CLEAN)})
    two = make_pack("two", {"b.yaml": "apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: TST-001\n"
                                      "    title: t\n    severity: low\n    controls: [EU-AI-ACT:Art.10]\n"
                                      "    assert: {path: model, exists: true}\n    message: m\n"
                                      "    evidence: [/model]\n"})
    expected = "two/b.yaml:4: rule id TST-001 is also defined at one/a.rego:7"
    with pytest.raises(EvaluationError, match=re.escape(expected)):
        load_packs([one, two])


def test_same_package_in_two_packs_is_refused(make_pack):
    one = make_pack("one", {"a.rego": rego_rule("TST-001", "shared.a", CLEAN)})
    two = make_pack("two", {"a.rego": rego_rule("TST-002", "shared.a", CLEAN)})
    with pytest.raises(EvaluationError, match=re.escape("package mlgov.rules.shared.a is also defined in one/a.rego")):
        load_packs([one, two])


def test_yaml_rule_schema_error_names_file_rule_and_field(cli, make_pack):
    rules = ("apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: TST-010\n    title: t\n    severity: urgent\n"
             "    controls: [EU-AI-ACT:Art.10]\n    assert: {path: model, exists: true}\n    message: m\n"
             "    evidence: [/model]\n")
    root = make_pack("y", {"rules.yaml": rules})
    assert "y/rules.yaml: rule TST-010: /rules/0/severity: 'urgent' is not one of" in eval_fails(cli, root)


def test_yaml_rule_with_bad_regex_and_unknown_operator(cli, make_pack):
    base = ("apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: TST-011\n    title: t\n    severity: low\n"
            "    controls: [EU-AI-ACT:Art.10]\n    message: m\n    evidence: [/model]\n")
    regex = make_pack("r", {"rules.yaml": base + "    assert: {path: model.name, matches: '(['}\n"})
    assert "r/rules.yaml:4: rule TST-011: /assert/matches: bad regular expression" in eval_fails(cli, regex)
    unknown = make_pack("u", {"rules.yaml": base + "    assert: {path: model.name, resembles: x}\n"})
    assert "u/rules.yaml: rule TST-011: /rules/0/assert" in eval_fails(cli, unknown)


def test_yaml_rule_without_scope_needs_evidence(cli, make_pack):
    rules = ("apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: TST-012\n    title: t\n    severity: low\n"
             "    controls: [EU-AI-ACT:Art.10]\n    assert: {path: model, exists: true}\n    message: m\n")
    root = make_pack("e", {"rules.yaml": rules})
    assert "e/rules.yaml:4: rule TST-012: /evidence: required when there is no for_each" in eval_fails(cli, root)


def test_pack_problems(cli, make_pack, tmp_path):
    assert f"{tmp_path}: not a rule pack: no pack.yaml" in eval_fails(cli, tmp_path)
    empty = make_pack("empty", {})
    assert "pack empty defines no rules" in eval_fails(cli, empty)
    odd = make_pack("odd", {"a.rego": rego_rule("TST-001", "odd.a", CLEAN), "notes.yaml": "kind: Notes\n"})
    assert "odd/notes.yaml: YAML file is neither kind: Rules nor kind: PolicyTests" in eval_fails(cli, odd)
    bad = make_pack("bad", {"a.rego": rego_rule("TST-001", "bad.a", CLEAN)})
    (bad / "pack.yaml").write_text((bad / "pack.yaml").read_text().replace("name: bad", "name: Bad Pack"))
    assert "bad/pack.yaml: /name: 'Bad Pack' does not match" in eval_fails(cli, bad)


def test_packs_command_lists_digests(cli):
    result = cli("packs")
    assert result.exit_code == 0
    assert "PRV-001 [critical] Every released artifact is identified by its sha256 digest" in result.stdout
    assert "sha256:" in result.stdout
