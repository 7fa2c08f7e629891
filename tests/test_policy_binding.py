"""The verdict binds its policy (packs, parameters, fail-on, waivers, approvers) and its time
(signed by the clock, apart from the evaluation date), and does not depend on local paths."""

from __future__ import annotations

import base64
import json
import os
import shutil

import pytest
import yaml

from mlgov.resources import data_dir

from conftest import BUNDLES, DOC_PACK, sign_waivers

APPROVERS = BUNDLES.parent / "approvers" / "TEST-ONLY-approvers.yaml"


@pytest.fixture
def ci(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path / "ci").exit_code == 0
    return tmp_path / "ci" / "mlgov-key.pem", tmp_path / "ci" / "mlgov-key.pub.pem"


def predicate(path) -> dict:
    return json.loads(base64.b64decode(json.loads(path.read_text())["payload"]))["predicate"]


def checks(result) -> dict[str, tuple[bool, str]]:
    return {c["name"]: (c["ok"], c["message"]) for c in json.loads(result.stdout)["checks"]}


def test_parameters_that_turn_fail_into_pass_change_the_policy_digest(cli, tmp_path, ci, freeze_clock):
    """Reproduction: `--params approvals: {required_signoffs: {}}` passed with the default digest."""
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLES / "credit-risk-pd", root, ignore=shutil.ignore_patterns("approvals"))
    manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
    manifest["metadata"] = [m for m in manifest["metadata"] if "approvals/" not in str(m)]
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    params = tmp_path / "params.yaml"
    params.write_text("approvals: {required_signoffs: {}}\n")
    default, lenient = tmp_path / "default.json", tmp_path / "lenient.json"
    approvals = ("--packs", data_dir("policies") / "approvals")  # (governance's GOV-012 would block too)
    assert cli("gate", root, "--key", ci[0], "--as-of", "2026-11-24", "--out", default, *approvals).exit_code == 1
    assert cli("gate", root, "--key", ci[0], "--as-of", "2026-11-24", "--out", lenient,
               "--params", params, *approvals).exit_code == 0
    a, b = predicate(default)["policy"], predicate(lenient)["policy"]
    assert a["digest"] != b["digest"] and a["packs_digest"] == b["packs_digest"]
    assert b["parameters"]["approvals"]["required_signoffs"] == {}
    required = a["digest"]["sha256"]
    result = cli("verify", lenient, "--key", ci[1], "--at", "2026-11-25", "--require-pass", "--json",
                 "--policy-digest", required)
    assert result.exit_code == 1
    ok, message = checks(result)["policy"]
    assert not ok and f"required sha256:{required}" in message
    assert cli("verify", lenient, "--key", ci[1], "--at", "2026-11-25", "--packs-digest",
               a["packs_digest"]["sha256"]).exit_code == 0
    assert cli("verify", lenient, "--key", ci[1], "--at", "2026-11-25", "--packs-digest", "0" * 64).exit_code == 1


def test_fail_on_threshold_is_bound_and_can_be_required(cli, tmp_path, ci, freeze_clock):
    lax, strict = tmp_path / "lax.json", tmp_path / "strict.json"
    cli("gate", BUNDLES / "support-llm-ft", "--key", ci[0], "--as-of", "2026-11-24", "--out", lax,
        "--packs", DOC_PACK, "--fail-on", "critical")
    cli("gate", BUNDLES / "support-llm-ft", "--key", ci[0], "--as-of", "2026-11-24", "--out", strict,
        "--packs", DOC_PACK)
    assert predicate(lax)["policy"]["digest"] != predicate(strict)["policy"]["digest"]
    result = cli("verify", lax, "--key", ci[1], "--at", "2026-11-25", "--fail-on-at-least", "high", "--json")
    assert result.exit_code == 1
    assert checks(result)["fail-on"] == (False, "the gate failed on critical and above; required: high or stricter")
    ok = cli("verify", strict, "--key", ci[1], "--at", "2026-11-25", "--fail-on-at-least", "high", "--json")
    assert checks(ok)["fail-on"][0] is True


def test_waivers_are_bound_and_can_be_refused(cli, tmp_path, ci, freeze_clock):
    body = ("  - id: W-1\n    rule: DOC-004\n    subjects: ['evaluation:acme support eval 2026-09 test']\n"
            "    justification: pilot\n    expires: 2027-01-15\n")
    waivers, approvers = sign_waivers(tmp_path, body)
    out, plain = tmp_path / "waived.json", tmp_path / "plain.json"
    assert cli("gate", BUNDLES / "support-llm-ft", "--key", ci[0], "--as-of", "2026-11-24", "--out", out,
               "--packs", DOC_PACK, "--waivers", waivers, "--approvers", approvers).exit_code == 0
    cli("gate", BUNDLES / "support-llm-ft", "--key", ci[0], "--as-of", "2026-11-24", "--out", plain,
        "--packs", DOC_PACK, "--approvers", approvers)
    assert predicate(out)["policy"]["waivers_digest"] != predicate(plain)["policy"]["waivers_digest"]
    assert predicate(out)["policy"]["approvers_digest"]
    refused = cli("verify", out, "--key", ci[1], "--at", "2026-11-25", "--no-waivers", "--json")
    assert refused.exit_code == 1 and checks(refused)["waivers"] == (False, "required no waiver applied; applied: W-1")
    assert cli("verify", out, "--key", ci[1], "--at", "2026-11-25", "--signed-waivers-only").exit_code == 0


def test_signing_time_is_the_clock_and_key_windows_are_checked_against_it(cli, tmp_path, ci, freeze_clock):
    """Reproduction: `--as-of 2026-11-24 --valid-for 3650d` with a key retired 2026-11-30 was
    accepted by `verify --trust ... --require-pass --at 2027-03-01`. The gate now runs (its clock)
    on 2026-12-01, after the key was retired."""
    freeze_clock("2026-12-01T09:00:00+00:00")
    out = tmp_path / "v.json"
    assert cli("gate", BUNDLES / "credit-risk-pd", "--key", ci[0], "--as-of", "2026-11-24", "--valid-for",
               "3650d", "--out", out).exit_code == 0
    p = predicate(out)
    assert p["timeVerified"] == "2026-12-01T09:00:00Z" and p["evaluation"]["as_of"]["utc"] == "2026-11-24T00:00:00Z"
    assert p["validity"]["not_before"] == "2026-12-01T09:00:00Z"
    trust = tmp_path / "trust.yaml"
    trust.write_text(f"apiVersion: mlgov.dev/v1\nkind: TrustedKeys\nkeys:\n  - name: ci-2026\n"
                     f"    public_key: {ci[1]}\n    not_before: 2026-01-01\n    not_after: 2026-11-30\n")
    result = cli("verify", out, "--trust", trust, "--require-pass", "--at", "2027-03-01", "--json")
    assert result.exit_code == 1
    assert checks(result)["signature"] == (False, "signed by ci-2026, which was not trusted at signing time "
                                                  "(2026-12-01T09:00:00Z)")
    shown = cli("verify", out, "--key", ci[1], "--at", "2026-12-02", "--json")
    assert checks(shown)["time"] == (True, "signed 2026-12-01T09:00:00Z, evaluated as of 2026-11-24T00:00:00Z "
                                           "(back-dated 7.4 days)")
    refused = cli("verify", out, "--key", ci[1], "--at", "2026-12-02", "--max-backdate", "2d", "--json")
    assert refused.exit_code == 1 and checks(refused)["time"][0] is False


def test_approvals_must_still_be_valid_when_the_verdict_is_signed(cli, tmp_path, ci, freeze_clock):
    """The examples' approvals expire in November 2027: back-dating the evaluation does not revive them."""
    freeze_clock("2027-11-20T00:00:00+00:00")
    out = tmp_path / "v.json"
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", ci[0], "--as-of", "2026-11-24", "--out", out,
                 "--approvers", APPROVERS)
    assert result.exit_code == 1
    rejected = [f["message"] for f in predicate(out)["findings"] if f["rule"] == "APR-007"]
    assert len(rejected) == 6 and all("the approval expired 2027-11" in m for m in rejected)


def test_same_bundle_from_two_directories_gives_the_same_document_digest(cli, tmp_path, ci, freeze_clock):
    first, second = tmp_path / "a" / "credit-risk-pd", tmp_path / "b" / "deep" / "credit-risk-pd"
    shutil.copytree(BUNDLES / "credit-risk-pd", first)
    shutil.copytree(BUNDLES / "credit-risk-pd", second)
    outs = []
    for i, root in enumerate((first, second.resolve())):
        out = tmp_path / f"v{i}.json"
        assert cli("gate", root, "--key", ci[0], "--as-of", "2026-11-24", "--out", out).exit_code == 0
        outs.append(out)
    cwd = os.getcwd()
    try:
        os.chdir(first.parent)
        rel = tmp_path / "v-rel.json"
        assert cli("gate", "credit-risk-pd", "--key", ci[0], "--as-of", "2026-11-24", "--out", rel).exit_code == 0
        outs.append(rel)
    finally:
        os.chdir(cwd)
    payloads = {json.loads(o.read_text())["payload"] for o in outs}
    assert len(payloads) == 1  # same document digest, same sources, same signed bytes
    text = base64.b64decode(payloads.pop()).decode()
    assert str(tmp_path) not in text and "/tmp/" not in text
    assert {s["path"] for s in predicate(outs[0])["input"]["sources"]} >= {"credit-risk-pd/mlgov.yaml",
                                                                          "credit-risk-pd/model/model.ubj"}
