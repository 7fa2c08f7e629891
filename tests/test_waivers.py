"""Waivers: applied findings stay visible; expired, unapproved, premature or unmatched ones are reported."""

from __future__ import annotations

import pytest

from conftest import BUNDLES, DOC_PACK, error_line


def waiver_file(tmp_path, body: str):
    path = tmp_path / "waivers.yaml"
    path.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n" + body)
    return path


APPROVED = """  - id: WVR-2026-014
    rule: DOC-004
    subjects: ["{subject}"]
    justification: Accuracy floor lowered to 0.85 for the pilot; agents review every draft.
    approved_by: {{name: Clara Winter, role: compliance}}
    approved: 2026-10-09
    expires: {expires}
"""


def run(cli, waivers, as_of="2026-11-24"):
    return cli("eval", BUNDLES / "support-llm-ft", "--packs", DOC_PACK, "--as-of", as_of, "--waivers", waivers,
               "--format", "json")


def test_valid_waiver_applies_and_stays_visible(cli, tmp_path):
    waivers = waiver_file(tmp_path, APPROVED.format(subject="evaluation:acme support eval*", expires="2027-01-31"))
    result = run(cli, waivers)
    assert result.exit_code == 0  # the only finding is waived
    [finding] = result.json()["findings"]
    assert finding["waived"] is True and finding["waiver"] == "WVR-2026-014"
    [report] = result.json()["waivers"]
    assert {k: report[k] for k in ("id", "rule", "status", "findings", "expires")} == {
        "id": "WVR-2026-014", "rule": "DOC-004", "status": "applied", "findings": 1, "expires": "2027-01-31T00:00:00Z"}
    assert report["approved_by"] == {"name": "Clara Winter", "role": "compliance"}
    assert result.json()["summary"] == {"total": 1, "waived": 1, "by_severity": {
        "critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0}}


def test_waiver_on_the_whole_release_by_document_id(cli, tmp_path):
    waivers = waiver_file(tmp_path, APPROVED.format(subject="acme-support-assistant@1.4.*", expires="2027-01-31"))
    assert run(cli, waivers).json()["findings"][0]["waived"] is True


@pytest.mark.parametrize(("as_of", "status", "reason"), [
    ("2027-02-01", "expired", "expired 2027-01-31T00:00:00Z"),
    ("2026-10-01", "not_yet_valid", "approved 2026-10-09T00:00:00Z, after the evaluation date"),
])
def test_expired_or_premature_waiver_does_not_apply(cli, tmp_path, as_of, status, reason):
    waivers = waiver_file(tmp_path, APPROVED.format(subject="evaluation:*", expires="2027-01-31"))
    result = run(cli, waivers, as_of)
    assert result.exit_code == 1
    assert result.json()["findings"][0]["waived"] is False
    report = result.json()["waivers"][0]
    assert (report["status"], report["findings"], report["reason"]) == (status, 1, reason)
    table = cli("eval", BUNDLES / "support-llm-ft", "--packs", DOC_PACK, "--as-of", as_of, "--waivers", waivers)
    assert f"waiver WVR-2026-014 (DOC-004): {status}" in table.stdout


def test_unapproved_waiver_does_not_apply(cli, tmp_path):
    body = APPROVED.format(subject="evaluation:*", expires="2027-01-31")
    body = "\n".join(line for line in body.splitlines() if "approved" not in line) + "\n"
    result = run(cli, waiver_file(tmp_path, body))
    assert result.exit_code == 1
    assert result.json()["waivers"][0]["status"] == "unapproved"


def test_waiver_for_another_subject_is_unused(cli, tmp_path):
    waivers = waiver_file(tmp_path, APPROVED.format(subject="dataset:tatsu-lab/alpaca", expires="2027-01-31"))
    result = run(cli, waivers)
    assert result.exit_code == 1
    assert result.json()["waivers"][0]["status"] == "unused"


def test_malformed_waiver_file_fails_closed(cli, tmp_path):
    waivers = waiver_file(tmp_path, "  - id: W1\n    rule: DOC-004\n    subjects: [x]\n    expires: 2027-01-01\n")
    result = run(cli, waivers)
    assert result.exit_code == 2
    assert "waivers.yaml: /waivers/0: 'justification' is a required property" in error_line(result)
