"""The in-process OPA engine (real OPA v1.20.2): fails closed naming file and line, and measures
policy coverage for ``mlgov test --coverage``."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError

import pytest

from mlgov.engines import opa_inprocess

from conftest import BUNDLES, error_line, rego_rule


def run_eval(cli, root, *extra):
    return cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root, "--engine", "opa", *extra)


def test_compile_error_names_file_and_line(cli, make_pack):
    root = make_pack("broken", {"a.rego": rego_rule("TST-070", "broken.a", "findings := [x | x := ]")})
    result = run_eval(cli, root)
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith("mlgov: error: broken/a.rego:") and "Rego error: rego_parse_error" in line


def test_builtin_error_is_raised_not_undefined(cli, make_pack):
    body = 'findings := [f | to_number(input.document.model.name) > 0; f := {"message": "x", "evidence": ["/model"]}]'
    root = make_pack("numbers", {"a.rego": rego_rule("TST-071", "numbers.a", body)})
    result = run_eval(cli, root)
    assert result.exit_code == 2
    line = error_line(result)
    assert "numbers/a.rego:" in line and "eval_builtin_error: to_number" in line


def test_undefined_findings_fails_closed(cli, make_pack):
    body = 'findings := [f | f := {"message": "x", "evidence": ["/model"]}] if { false }'
    root = make_pack("never", {"a.rego": rego_rule("TST-072", "never.a", body)})
    result = run_eval(cli, root)
    assert result.exit_code == 2 and "rule TST-072: `findings` is undefined" in error_line(result)


@pytest.mark.parametrize(("installed", "message"), [
    (None, "the in-process OPA engine needs opa-golib-python-bindings==0.4.4"),
    ("0.4.5", "opa-golib-python-bindings 0.4.5 is installed; mlgov is pinned to 0.4.4"),
])
def test_missing_or_unpinned_library_fails_closed(cli, monkeypatch, installed, message):
    def fake_version(name):
        if installed is None:
            raise PackageNotFoundError(name)
        return installed

    opa_inprocess._bindings.cache_clear()
    monkeypatch.setattr(opa_inprocess, "dist_version", fake_version)
    try:
        result = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--engine", "opa")
        assert result.exit_code == 2 and message in error_line(result)
    finally:
        opa_inprocess._bindings.cache_clear()


def test_coverage_of_builtin_packs_meets_the_threshold(cli):
    result = cli("test", "--coverage", "--threshold", "95", "--format", "json")
    assert result.exit_code == 0, result.stdout[-2000:]
    report = result.json()
    assert report["below"] == []
    assert set(report["coverage"]) == {"approvals", "governance", "licensing", "provenance", "retention", "validation"}
    for pack in report["coverage"].values():
        assert pack["percent"] >= 95
        assert all(not name.endswith("_test.rego") for name in pack["files"])


def test_coverage_threshold_fails_and_names_lines_never_reached(cli, make_pack):
    body = ('odd if {\n\tinput.document.model.owner == "nobody-ever"\n\tnot input.document.model.name\n}\n\n'
            'findings := [f | odd; f := {"message": "odd owner", "evidence": ["/model/owner"]}]')
    root = make_pack("thin", {
        "a.rego": rego_rule("TST-073", "thin.a", body),
        "tests.yaml": "apiVersion: mlgov.dev/v1\nkind: PolicyTests\ncases:\n"
                      "  - name: nothing\n    document: fixture:credit-risk-pd\n    expect: {TST-073: 0}\n",
    })
    passing = cli("test", root, "--coverage", "--format", "json")
    assert passing.exit_code == 0
    file = passing.json()["coverage"]["thin"]["files"]["thin/a.rego"]
    assert file["percent"] < 100 and file["missed_lines"]
    failing = cli("test", root, "--coverage", "--threshold", "99")
    assert failing.exit_code == 1 and "< 99%" in failing.stdout
    assert cli("test", root, "--threshold", "90").exit_code == 2  # --threshold needs --coverage
