"""mlgov test: pack tests pass on regorus and OPA (and regopy on request), engines must agree;
failing and broken tests are reported."""

from __future__ import annotations

from conftest import error_line, rego_rule

RULE = rego_rule("TST-060", "t.owner", 'findings := [f | not input.document.model.owner; '
                                       'f := {"message": "no owner", "evidence": ["/model/owner"]}]')


def test_builtin_packs_pass_on_regorus_and_opa(cli):
    result = cli("test", "--format", "json")
    assert result.exit_code == 0, result.stdout
    rows = result.json()
    assert all(r["passed"] for r in rows)
    cases = [r for r in rows if r["kind"] == "case" and r["pack"] == "provenance"]
    assert {r["engine"] for r in cases} == {"regorus", "opa"}
    rego = [r for r in rows if r["kind"] == "rego"]
    assert {r["engine"] for r in rego} == {"regorus", "opa"} and len(rego) >= 14


def test_failing_rego_test_and_case_are_reported(cli, make_pack):
    root = make_pack("t", {
        "owner.rego": RULE,
        "owner_test.rego": "package mlgov.rules.t.owner_test\n\nimport rego.v1\n\n"
                           "import data.mlgov.rules.t.owner as rule\n\n"
                           "test_flags_missing_owner if {\n\tcount(rule.findings) == 1 with input as "
                           '{"document": {"model": {}}}\n}\n\n'
                           "test_wrong_expectation if {\n\tcount(rule.findings) == 2 with input as "
                           '{"document": {"model": {}}}\n}\n',
        "tests.yaml": "apiVersion: mlgov.dev/v1\nkind: PolicyTests\ncases:\n"
                      "  - name: owner removed\n    document: fixture:credit-risk-pd\n"
                      "    patch: [{op: remove, path: /model/owner}]\n    expect: {TST-060: 1}\n"
                      "  - name: wrong count\n    document: fixture:credit-risk-pd\n    expect: {TST-060: 1}\n"
                      "  - name: bad patch\n    document: fixture:credit-risk-pd\n"
                      "    patch: [{op: remove, path: /nowhere}]\n    expect: {TST-060: 0}\n"
                      "  - name: unknown rule\n    document: fixture:credit-risk-pd\n    expect: {TST-999: 0}\n"
                      "  - name: invalid document\n    document: fixture:credit-risk-pd\n"
                      "    patch: [{op: replace, path: /model/risk_tier, value: extreme}]\n    expect: {TST-060: 0}\n",
    })
    result = cli("test", root, "--format", "json")
    assert result.exit_code == 1
    rows = {(r["name"], r["engine"]): r for r in result.json()}
    for engine in ("regorus", "opa"):
        assert rows[("test_flags_missing_owner", engine)]["passed"] is True
        wrong = rows[("test_wrong_expectation", engine)]
        assert wrong["passed"] is False and wrong["location"] == "t/owner_test.rego:11"
    for engine in ("regorus", "opa"):
        assert rows[("owner removed", engine)]["passed"] is True
        assert rows[("wrong count", engine)]["detail"] == "TST-060: expected 1, got 0"
        assert rows[("bad patch", engine)]["detail"].startswith("patch does not apply")
        assert rows[("unknown rule", engine)]["detail"] == "rules not in this pack: TST-999"
        assert "/model/risk_tier: 'extreme' is not one of" in rows[("invalid document", engine)]["detail"]
    table = cli("test", root)
    assert "FAIL" in table.stdout and table.stdout.strip().endswith("4 passed, 10 failed")


def test_pack_without_tests_is_an_error(cli, make_pack):
    root = make_pack("untested", {"owner.rego": RULE.replace("t.owner", "untested.owner")})
    result = cli("test", root)
    assert result.exit_code == 2 and "no tests found" in error_line(result)


def test_yaml_pack_cases_run_natively(cli):
    from mlgov.resources import data_dir

    result = cli("test", data_dir("rules") / "documentation", "--format", "json")
    assert result.exit_code == 0
    assert {r["engine"] for r in result.json()} == {"native"}


def test_engines_that_disagree_on_a_case_fail_it(cli, make_pack):
    # Go's RE2 (OPA) reads \w as ASCII only; Rust's regex (regorus) as Unicode word characters
    body = ('findings := [f | regex.match(`^\\w+$`, "café"); '
            'f := {"message": "word-only name", "evidence": ["/model"]}]')
    root = make_pack("words", {
        "a.rego": rego_rule("TST-061", "words.a", body),
        "tests.yaml": "apiVersion: mlgov.dev/v1\nkind: PolicyTests\ncases:\n"
                      "  - name: cafe\n    document: fixture:credit-risk-pd\n    expect: {TST-061: 1}\n",
    })
    result = cli("test", root, "--format", "json")
    assert result.exit_code == 1
    rows = {(r["kind"], r["engine"]): r for r in result.json()}
    assert rows[("case", "regorus")]["passed"] is True
    assert rows[("case", "opa")]["detail"] == "TST-061: expected 1, got 0"
    disagreement = rows[("agreement", "regorus/opa")]
    assert disagreement["passed"] is False and "regorus and opa found different findings" in disagreement["detail"]
