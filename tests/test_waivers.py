"""Waivers are accountable: signed by someone the approver policy grants waiver authority, for
named subjects, for a limited time by severity (critical never), not by the model's authors.
Every decision is reported, and a waived finding stays visible."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from conftest import BUNDLES, DOC_PACK, error_line, sign_waivers

EVAL = "evaluation:acme support eval 2026-09 test"
WAIVER = """  - id: WVR-2026-014
    rule: {rule}
    subjects: ["{subject}"]
    justification: Accuracy floor lowered to 0.85 for the pilot; agents review every draft.
    expires: {expires}
"""


def body(rule="DOC-004", subject=EVAL, expires="2027-01-15"):
    return WAIVER.format(rule=rule, subject=subject, expires=expires)


def run(cli, waivers, approvers=None, as_of="2026-11-24", packs=DOC_PACK):
    extra = ["--approvers", approvers] if approvers else []
    return cli("eval", BUNDLES / "support-llm-ft", "--packs", packs, "--as-of", as_of, "--waivers", waivers,
               "--format", "json", *extra)


def test_signed_waiver_by_an_authority_applies_and_stays_visible(cli, tmp_path):
    waivers, approvers = sign_waivers(tmp_path, body())
    result = run(cli, waivers, approvers)
    assert result.exit_code == 0, result.stdout  # the only finding is waived
    [finding] = result.json()["findings"]
    assert finding["waived"] is True and finding["waiver"] == "WVR-2026-014"
    [report] = result.json()["waivers"]
    assert {k: report[k] for k in ("id", "rule", "status", "findings", "expires")} == {
        "id": "WVR-2026-014", "rule": "DOC-004", "status": "applied", "findings": 1, "expires": "2027-01-15T00:00:00Z"}
    assert report["approved_by"] == {"name": "A. Counsel"} and report["keyid"].startswith("sha256:")


@pytest.mark.parametrize(("case", "status", "reason"), [
    ("unsigned", "unsigned", "not signed (waivers are signed with `mlgov waive`)"),
    ("no policy", "unchecked", "signed, but no approver policy was given to authenticate it (--approvers)"),
    ("no authority", "rejected", "A. Counsel has no waiver authority in the approver policy"),
    ("forged", "rejected", "forged or unknown signer"),
    ("author", "not_independent", "approved by Amelie Laurent, an author or trainer of the model"),
    ("too long", "too_long", "runs 180 days; a waiver of a high finding may run at most 90 days"),
    # eval checks signatures as of --as-of (the gate: by its clock, and the waiver again at --as-of)
    ("expired", "rejected", "expired 2027-01-15T00:00:00Z (by the clock)"),
    ("premature", "rejected", "claims to be signed 2026-11-01T00:00:00Z, later than the clock (2026-10-01T00:00:00Z)"),
    ("other subject", "unused", "no finding matched"),
])
def test_waivers_that_do_not_count(cli, tmp_path, case, status, reason):
    as_of, expires, subject = "2026-11-24", "2027-01-15", EVAL
    signer, authority = "A. Counsel", case != "no authority"
    if case == "too long":
        expires = "2027-04-30"
    elif case == "expired":
        as_of = "2027-02-01"
    elif case == "premature":
        as_of = "2026-10-01"
    elif case == "other subject":
        subject = "dataset:tatsu-lab/alpaca"
    elif case == "author":
        signer = "Amelie Laurent"
    waivers, approvers = sign_waivers(tmp_path, body(subject=subject, expires=expires), signer, authority)
    if case == "unsigned":
        waivers = tmp_path / "waivers.yaml"
    elif case == "no policy":
        approvers = None
    elif case == "forged":
        envelope = json.loads(waivers.read_text())
        stmt = json.loads(base64.b64decode(envelope["payload"]))
        stmt["predicate"]["waivers"][0]["rule"] = "VAL-001"
        envelope["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()
        waivers.write_text(json.dumps(envelope))
    result = run(cli, waivers, approvers, as_of)
    assert result.exit_code == 1
    assert not any(f["waived"] for f in result.json()["findings"])
    [report] = result.json()["waivers"]
    assert (report["status"], report["reason"]) == (status, reason) or (
        case == "forged" and report["status"] == status and reason in report["reason"]), report


def test_critical_findings_cannot_be_waived(cli, tmp_path):
    waivers, approvers = sign_waivers(tmp_path, body(rule="LIC-002", subject="dataset:tatsu-lab/alpaca"))
    result = run(cli, waivers, approvers, packs=BUNDLES.parent.parent / "policies" / "licensing")
    [report] = result.json()["waivers"]
    assert (report["status"], report["reason"]) == ("not_waivable", "critical findings (LIC-002) cannot be waived")


def test_wildcard_subjects_are_refused(cli, tmp_path):
    from mlgov.signing import signed_waivers
    from mlgov.signing.keys import Signer, generate, key_id

    waivers, approvers = sign_waivers(tmp_path, body())
    (tmp_path / "waivers.yaml").write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n"
                                           + body(subject="evaluation:*"))
    key = generate()
    entry = yaml.safe_load(body(subject="evaluation:*"))[0]
    entry["expires"] = str(entry["expires"])
    from datetime import UTC, datetime

    waivers.write_text(json.dumps(signed_waivers.sign([entry], {"name": "A. Counsel"},
                                                      Signer(key, key_id(key.public_key())), datetime.now(UTC))))
    for path in (tmp_path / "waivers.yaml", waivers):
        result = run(cli, path, approvers)
        assert result.exit_code == 2
        assert "/waivers/0/subjects/0: wildcard subject 'evaluation:*'" in error_line(result)


def test_waiver_decisions_are_in_the_verdict_and_the_audit_log(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path / "ci").exit_code == 0
    waivers, approvers = sign_waivers(tmp_path, body())
    out, db = tmp_path / "v.json", tmp_path / "log.db"
    result = cli("gate", BUNDLES / "support-llm-ft", "--key", tmp_path / "ci" / "mlgov-key.pem", "--as-of",
                 "2026-11-24", "--waivers", waivers, "--approvers", approvers, "--out", out, "--log", db)
    assert result.exit_code == 1, result.stderr
    predicate = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]
    assert [(w["id"], w["status"]) for w in predicate["waivers"]] == [("WVR-2026-014", "applied")]
    [entry] = cli("log", "query", "--log", db, "--kind", "gate", "--json").json()
    assert [(w["id"], w["status"]) for w in entry["details"]["waivers"]] == [("WVR-2026-014", "applied")]


def test_mlgov_waive_signs_a_waivers_file(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path, "--name", "counsel").exit_code == 0
    source = tmp_path / "w.yaml"
    source.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n" + body())
    out = tmp_path / "w.signed.json"
    assert cli("waive", source, "--key", tmp_path / "counsel.pem", "--name", "A. Counsel", "--out", out).exit_code == 0
    stmt = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))
    assert stmt["predicateType"] == "https://mlgov.dev/attestations/waivers/v1"
    assert stmt["predicate"]["waivers"][0]["subjects"] == [EVAL]
    assert yaml.safe_load(source.read_text())["waivers"][0]["id"] == "WVR-2026-014"


def test_malformed_waiver_file_fails_closed(cli, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n"
                       "  - id: W1\n    rule: DOC-004\n    subjects: [x]\n    expires: 2027-01-01\n")
    result = run(cli, waivers)
    assert result.exit_code == 2
    assert "waivers.yaml: /waivers/0: 'justification' is a required property" in error_line(result)


def test_an_approver_typed_into_an_unsigned_waiver_is_reported_as_a_claim(cli, tmp_path):
    path = tmp_path / "waivers.yaml"
    path.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n" + body()
                    + "    approved_by: {name: A. Counsel, role: legal}\n")
    result = run(cli, path)
    [report] = result.json()["waivers"]
    assert report["status"] == "unsigned"
    assert "approved_by" not in report and report["claimed_approved_by"] == {"name": "A. Counsel", "role": "legal"}
    from mlgov.reports.html import _waivers  # the verdict report's waiver table

    assert "claimed: A. Counsel legal (not verified)" in _waivers([report])
