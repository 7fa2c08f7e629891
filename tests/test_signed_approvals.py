"""Signed approvals: `mlgov approve`, the approver policy, and every way an approval is rejected.

Keys are generated at test time. The release is a copy of credit-risk-pd without its shipped
approvals and deployments (approvals signed now would otherwise post-date its go-live).
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import BUNDLES, error_line

PEOPLE = {  # key name: (name, roles, team)
    "dana": ("Dana Whitfield", ["model owner"], "Retail Credit Risk Analytics"),
    "marcus": ("Marcus Lindqvist", ["independent validator"], "Model Risk Management"),
    "elena": ("Elena Vasquez", ["compliance"], "Compliance"),
}
ROLE = {"dana": "model_owner", "marcus": "independent_validator", "elena": "compliance"}


@pytest.fixture
def release(cli, tmp_path):
    """(bundle, keys dir, write_policy, approve, gate)."""
    root = tmp_path / "credit-risk-pd"
    shutil.copytree(BUNDLES / "credit-risk-pd", root, ignore=shutil.ignore_patterns("approvals"))
    manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
    manifest["metadata"] = [m for m in manifest["metadata"] if "approvals/" not in str(m)]
    manifest.pop("deployments")
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    keys = tmp_path / "keys"
    for name in [*PEOPLE, "mallory", "ci"]:
        assert cli("keygen", "-o", keys, "--name", name).exit_code == 0

    def write_policy(**changes) -> Path:
        people = []
        for k, (name, roles, team) in PEOPLE.items():
            entry = {"name": name, "team": team, "roles": roles, "keys": [{"public_key": f"keys/{k}.pub.pem"}]}
            entry["keys"][0].update(changes.get(k, {}))
            people.append(entry)
        path = tmp_path / "approvers.yaml"
        path.write_text(yaml.safe_dump({"apiVersion": "mlgov.dev/v1", "kind": "ApproverPolicy",
                                        "approvers": people}))
        return path

    def approve(key: str, *extra, bundle: Path = root, name: str | None = None, role: str | None = None) -> Path:
        out = tmp_path / f"{key}-{len(list(tmp_path.glob('*.approval.json')))}.approval.json"
        result = cli("approve", bundle, "--key", keys / f"{key}.pem", "--name", name or PEOPLE.get(key, ("X",))[0],
                     "--role", role or ROLE.get(key, "model_owner"), "--decision", "approve",
                     "--meaning", "approved for production use", "--out", out, *extra)
        assert result.exit_code == 0, result.stderr
        return out

    def gate(*inputs, policy: Path | None = None, extra=()) -> dict:
        args = ["gate", root, *inputs, "--key", keys / "ci.pem", "--out", tmp_path / "verdict.json", "--json", *extra]
        if policy is not None:
            args += ["--approvers", policy]
        result = cli(*args)
        assert result.exit_code in (0, 1), result.stderr
        envelope = json.loads((tmp_path / "verdict.json").read_text())
        return json.loads(base64.b64decode(envelope["payload"]))["predicate"]

    return root, keys, write_policy, approve, gate


def messages(predicate: dict, rule: str) -> list[str]:
    return [f["message"] for f in predicate["findings"] if f["rule"] == rule]


def test_three_signed_approvals_authenticated_pass(release):
    _root, _, policy, approve, gate = release
    approvals = [approve(k) for k in PEOPLE]
    p = gate(*approvals, policy=policy())
    assert p["verificationResult"] == "PASSED", p["decision"]
    assert not messages(p, "APR-007") and not messages(p, "APR-008")
    stmt = json.loads(base64.b64decode(json.loads(approvals[0].read_text())["payload"]))
    assert stmt["predicateType"] == "https://mlgov.dev/attestations/approval/v1"
    assert {s["name"] for s in stmt["subject"]} == {"credit-risk-pd-model",
                                                    "registry.acmebank.example/risk/credit-risk-pd-scoring"}
    assert set(stmt["predicate"]) >= {"signer", "role", "decision", "meaning", "signedAt", "release"}


@pytest.mark.parametrize("case, expected", [
    ("forged", "forged or unknown signer"),
    ("wrong key", "forged or unknown signer"),
    ("wrong role", "may sign as model_owner, not as compliance (wrong role)"),
    ("revoked", "revoked 2026-01-02T00:00:00Z (laptop stolen)"),
    ("expired key", "that was valid only - to 2026-01-01T00:00:00Z (expired key)"),
    ("expired approval", "the approval expired 2026-01-01T00:00:00Z"),
    ("replayed", "which is not an artifact of this release (replayed from another release?)"),
    ("other record", "signed for another version of the release record"),
    ("impersonated", "signed with the key of Dana Whitfield, but the signature names Chief Risk Officer"),
])
def test_each_bad_approval_is_rejected_with_a_reason(release, case, expected):
    root, _keys, policy, approve, gate = release
    good = [approve("marcus"), approve("elena")]
    changes = {}
    if case == "forged":
        bad = approve("dana")
        envelope = json.loads(bad.read_text())
        stmt = json.loads(base64.b64decode(envelope["payload"]))
        stmt["predicate"]["meaning"] = "approved, and also everything else"
        envelope["payload"] = base64.b64encode(json.dumps(stmt).encode()).decode()
        bad.write_text(json.dumps(envelope))
    elif case == "wrong key":
        bad = approve("mallory", name="Dana Whitfield", role="model_owner")
    elif case == "wrong role":
        bad = approve("dana", role="compliance")
    elif case == "revoked":
        bad, changes = approve("dana"), {"dana": {"revoked": "2026-01-02", "revoked_reason": "laptop stolen"}}
    elif case == "expired key":
        bad, changes = approve("dana"), {"dana": {"not_after": "2026-01-01"}}
    elif case == "expired approval":
        bad = approve("dana", "--expires", "2026-01-01")
    elif case == "replayed":
        bad = approve("dana", bundle=BUNDLES / "support-llm-ft")
    elif case == "other record":
        bad = approve("dana")
        manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
        manifest["model"]["description"] += " Now also used for small-business loans."
        (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
        good = [approve("marcus"), approve("elena")]  # they approved the changed record
    else:
        bad = approve("dana", name="Chief Risk Officer")
    p = gate(*good, bad, policy=policy(**changes))
    rejected = messages(p, "APR-007")
    assert rejected and all(expected in m for m in rejected), rejected
    assert p["verificationResult"] == "FAILED"
    assert any("no valid model owner approval" in m for m in messages(p, "APR-001"))


def test_unsigned_claims_are_reported_and_do_not_count_under_a_policy(release, tmp_path):
    root, _, policy, approve, gate = release
    manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
    digests = ["14b19a2da247b354c4b518f96f78ea98c27e6110c188cea5cf3522b5351834dc",
               "7d1c4b0f3ec5a9b2d8e6f1a3c5b7d9e1f2a4c6b8d0e2f4a6c8b0d2e4f6a8c0b2"]
    manifest["approvals"] = [{"id": f"claim-{i}", "approver": {"name": "Nobody Real"}, "role": "model owner",
                              "decision": "approved", "timestamp": "2026-11-01T00:00:00Z",
                              "artifact_digest": d, "signature": "made-up signature"} for i, d in enumerate(digests)]
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    signed = [approve("marcus"), approve("elena")]
    p = gate(*signed, policy=policy())
    assert messages(p, "APR-008") == ["the model_owner approval by Nobody Real is not authenticated: an approval "
                                      "claim with no signature (approvals are signed with `mlgov approve`)"] * 2
    assert p["verificationResult"] == "FAILED"
    # without a policy and outside Part 11 scope the claim still counts, but is reported
    assert gate(*signed)["verificationResult"] == "PASSED"
    # --require-signed-approvals makes unauthenticated claims not count
    assert gate(*signed, extra=["--require-signed-approvals"])["verificationResult"] == "FAILED"


def test_independence_is_judged_on_the_authenticated_signer(release, tmp_path):
    _root, _keys, policy, approve, gate = release
    path = policy()
    data = yaml.safe_load(path.read_text())
    data["approvers"][1]["name"] = "Priya Raman"  # the policy says marcus's key is the trainer's
    path.write_text(yaml.safe_dump(data))
    p = gate(approve("dana"), approve("marcus", name="Priya Raman"), approve("elena"), policy=path)
    assert messages(p, "APR-002") == ["validator Priya Raman is not independent: they are also an author or "
                                      "trainer of the model"] * 2


def test_every_released_artifact_needs_its_own_approvals(cli, release, tmp_path):
    """Issue 11.3: an artifact added next to the approved ones is not covered by their approvals."""
    root, keys, policy, approve, gate = release
    approvals = [approve(k) for k in PEOPLE]
    (root / "model" / "evil.ubj").write_bytes(b"not what was approved")
    manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
    manifest["artifacts"].append({"path": "model/evil.ubj", "kind": "model", "name": "evil.ubj"})
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    p = gate(*approvals)  # no policy: the claims count, but none is bound to evil.ubj's digest
    assert p["verificationResult"] == "FAILED"
    assert {f["subject"] for f in p["findings"] if f["rule"] == "APR-001"} == {"artifact:evil.ubj"}
    check = cli("verify", tmp_path / "verdict.json", "--key", keys / "ci.pub.pem",
                "--artifact", root / "model" / "evil.ubj", "--require-pass")
    assert check.exit_code == 1 and "decision FAILED" in check.stdout
    # with the policy, the approvals are also for another version of the record
    assert messages(gate(*approvals, policy=policy()), "APR-007")


def test_approve_refuses_an_unknown_subject(cli, release):
    root, keys, *_ = release
    result = cli("approve", root, "--key", keys / "dana.pem", "--name", "Dana Whitfield", "--role", "model owner",
                 "--decision", "approve", "--meaning", "m", "--subject", "nope")
    assert result.exit_code == 2 and "nope is not a released artifact" in error_line(result)


def test_an_approver_policy_may_not_give_one_key_to_two_people(cli, release, tmp_path):
    root, keys, policy, _approve, _gate = release
    path = policy()
    data = yaml.safe_load(path.read_text())
    data["approvers"][1]["keys"] = data["approvers"][0]["keys"]
    path.write_text(yaml.safe_dump(data))
    result = cli("gate", root, "--key", keys / "ci.pem", "--approvers", path, "--out", tmp_path / "v.json")
    assert result.exit_code == 2 and "one key belongs to one person" in error_line(result)
    assert not (tmp_path / "v.json").exists()


def test_a_document_cannot_claim_its_own_approvals_are_authenticated(cli, tmp_path, release):
    """Only the gate's authentication step may say `authenticated`; what a document says is replaced."""
    root, keys, policy, _approve, _gate = release
    doc = tmp_path / "doc.json"
    assert cli("normalize", root, "-o", doc).exit_code == 0
    document = json.loads(doc.read_text())
    digests = [s["digest"]["sha256"] for s in document["subjects"]]
    document["approvals"] = [
        {"id": f"fake-{role}-{i}", "approver": {"name": "Nobody Real"}, "role": role, "decision": "approved",
         "timestamp": {"utc": "2026-11-01T00:00:00Z", "epoch_s": 1793491200}, "artifact_digest": {"sha256": d},
         "authentication": {"status": "authenticated", "reason": "trust me", "signer": {"name": "Elena Vasquez"}}}
        for role in ("model_owner", "independent_validator", "compliance") for i, d in enumerate(digests)]
    doc.write_text(json.dumps(document))
    out = tmp_path / "forged-doc-verdict.json"
    result = cli("gate", doc, "--key", keys / "ci.pem", "--approvers", policy(), "--out", out, "--json")
    assert result.exit_code == 1
    p = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]
    assert len(messages(p, "APR-008")) == 6 and len(messages(p, "APR-001")) == 6


def test_verify_envelope_names_the_trusted_key(release):
    from mlgov.signing import dsse
    from mlgov.signing.keys import load_public

    _root, keys, _policy, approve, _gate = release
    envelope = json.loads(approve("dana").read_text())
    dana, mallory = load_public(keys / "dana.pub.pem"), load_public(keys / "mallory.pub.pem")
    keyid, payload_type, payload = dsse.verify_envelope(envelope, [mallory, dana])
    assert keyid == envelope["signatures"][0]["keyid"] and payload_type == dsse.IN_TOTO_PAYLOAD_TYPE
    assert json.loads(payload)["predicate"]["signer"]["name"] == "Dana Whitfield"
    with pytest.raises(dsse.Unverified):
        dsse.verify_envelope(envelope, [mallory])
    with pytest.raises(dsse.EnvelopeError):
        dsse.verify_envelope({"payload": "x"}, [dana])


def test_eval_also_replaces_claimed_authentication(cli, tmp_path, release):
    root, *_ = release
    doc = tmp_path / "doc.json"
    assert cli("normalize", root, "-o", doc).exit_code == 0
    document = json.loads(doc.read_text())
    digest = document["subjects"][0]["digest"]["sha256"]
    document["approvals"] = [{"id": "fake", "approver": {"name": "Nobody Real"}, "role": "model_owner",
                              "decision": "approved", "artifact_digest": {"sha256": digest},
                              "timestamp": {"utc": "2026-11-01T00:00:00Z", "epoch_s": 1793491200},
                              "authentication": {"status": "authenticated", "reason": "trust me"}}]
    doc.write_text(json.dumps(document))
    result = cli("eval", doc, "--as-of", "2026-11-24", "--format", "json")
    [finding] = [f for f in result.json()["findings"] if f["rule"] == "APR-008"]
    assert "an approval claim with no signature" in finding["message"]
