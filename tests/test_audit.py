"""Retention audits over JSON-lines inventories: signed plans, failures, diffs, impact."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path

import pytest

from mlgov import normalize
from mlgov.document import validate_document
from mlgov.signing import dsse
from mlgov.signing.keys import load_public

from conftest import BUNDLES, error_line

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from audit_bench import synthetic_document


@pytest.fixture
def inventory(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    lines = [json.dumps(normalize([BUNDLES / name])) for name in ("credit-risk-pd", "chest-xray-triage",
                                                                  "support-llm-ft")]
    path = tmp_path / "inventory.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def audit(cli, tmp_path, inventory, *extra):
    return cli("audit", "retention", "--inventory", inventory, "--key", tmp_path / "mlgov-key.pem",
               "--as-of", "2026-11-24", "--out", tmp_path / "out", "--workers", "2", *extra)


def plan(tmp_path) -> dict:
    envelope = json.loads((tmp_path / "out" / "plan.json").read_text())
    payload_type, payload, signatures = dsse.decode(envelope)
    assert dsse.verified_by(payload_type, payload, signatures, [load_public(tmp_path / "mlgov-key.pub.pem")])
    return json.loads(base64.b64decode(envelope["payload"]))


def test_signed_plan_for_the_examples(cli, tmp_path, inventory):
    result = audit(cli, tmp_path, inventory)
    assert result.exit_code == 1  # the LLM's record lacks its placed-on-market date (RET-002)
    stmt = plan(tmp_path)
    assert stmt["predicateType"] == "https://mlgov.dev/attestations/retention-plan/v1"
    entries = {e["artifact"]: e for e in stmt["predicate"]["entries"]}
    assert entries["acme-support-assistant@1.4.0"]["action"] == "hold"  # the legal hold wins
    assert entries["credit-risk-pd@3.2.0"]["action"] == "keep"
    # regulations in the record's regulatory scope and in force on 2026-11-24: the bank model is
    # scoped SR-11-7, rescinded on 2026-04-16, and SR 26-2 replaced it for that scope
    assert entries["credit-risk-pd@3.2.0"]["regulations"] == ["SR-26-2:documentation"]
    assert entries["cxr-triage@2.1.0"]["regulations"] == ["21-CFR-11:11.10(c)", "FDA:QMSR-records"]
    assert entries["acme-support-assistant@1.4.0"]["findings"][0]["rule"] == "RET-002"
    assert {s["name"] for s in stmt["subject"]} >= {"credit-risk-pd-model", "cxr-triage.onnx"}
    md, html = (tmp_path / "out" / "plan.md").read_text(), (tmp_path / "out" / "plan.html").read_text()
    assert "| acme-support-assistant@1.4.0 | **hold** |" in md
    assert "<h1>Retention audit as of 2026-11-24T00:00:00Z</h1>" in html
    keyid = json.loads((tmp_path / "out" / "plan.json").read_text())["signatures"][0]["keyid"]
    policy = stmt["predicate"]["policy"]["digest"]["sha256"]
    for text in (md, html):  # signature, key and policy, then owner, rule and scoped regulations per entry
        assert f"by key {keyid}" in text and f"sha256:{policy}" in text
    cxr = next(line for line in md.splitlines() if line.startswith("| cxr-triage@2.1.0 |"))
    cells = [c.strip() for c in cxr.split("|")]
    assert cells[4:6] == ["Dr. Hannah Osei", "RET-001"]  # owner and deciding rule
    regs = cells[7]
    assert "FDA:QMSR-records" in regs and "EU-AI-ACT" not in regs and "SR-11-7" not in regs  # its scope: FDA, 21-CFR-11


@pytest.mark.parametrize("engine", [("--cross-check", "opa"), ("--engine", "opa")])
def test_audit_on_opa_gives_the_same_plan(cli, tmp_path, inventory, engine):
    assert audit(cli, tmp_path, inventory).exit_code == 1
    reference = plan(tmp_path)["predicate"]["entries"]
    result = audit(cli, tmp_path, inventory, *engine)  # OPA workers are spawned, not forked
    assert result.exit_code == 1, result.stderr
    assert plan(tmp_path)["predicate"]["entries"] == reference


def test_broken_entries_are_named_and_the_run_fails_closed(cli, tmp_path, inventory):
    with open(inventory, "a") as fh:
        fh.write('{"document_id": "half-written@1", "schema": \n')
        fh.write(json.dumps({"schema": "https://mlgov.dev/schemas/artifact-document/v1", "document_id": "bad@1",
                             "subjects": [], "lineage": {}, "sources": [], "provenance": {}, "conflicts": []}) + "\n")
    result = audit(cli, tmp_path, inventory)
    assert result.exit_code == 2
    assert "could not evaluate" in result.stderr and ":4: malformed JSON" in result.stderr
    predicate = plan(tmp_path)["predicate"]
    assert predicate["summary"]["evaluated"] == 3 and predicate["summary"]["failed"] == 2
    assert predicate["failures"][1]["artifact"] == "bad@1"  # named by its document id when known


def test_diff_against_the_previous_plan(cli, tmp_path, inventory):
    assert audit(cli, tmp_path, inventory).exit_code == 1
    previous = tmp_path / "previous.json"
    (tmp_path / "out" / "plan.json").rename(previous)
    docs = [json.loads(line) for line in inventory.read_text().splitlines()]
    docs[2]["retention"]["legal_hold"]["active"] = False          # the LLM's legal hold is lifted
    docs = docs[1:]                                                # credit-risk-pd left the inventory
    import random

    docs.append(synthetic_document(1, random.Random(3)))          # a new model version arrived
    inventory.write_text("".join(json.dumps(d) + "\n" for d in docs))
    later = audit(cli, tmp_path, inventory, "--previous", previous)
    assert later.exit_code == 1
    changes = {c["artifact"]: c for c in plan(tmp_path)["predicate"]["changes"]}
    assert changes["acme-support-assistant@1.4.0"] == {
        "artifact": "acme-support-assistant@1.4.0", "change": "action", "from": "hold", "to": "keep",
        "reason": "retention facts missing: kept until they are stated (never purged on missing facts)"}
    lost = changes["credit-risk-pd@3.2.0"]  # it had to be kept (in use): its disappearance is a finding
    assert lost["change"] == "lost" and lost["finding"] is True and lost["action"] == "keep"
    assert "no plan marked it for purge" in lost["reason"] and "credit-risk-pd@3.2.0: lost" in later.stderr
    markdown = (tmp_path / "out" / "plan.md").read_text()
    assert "- credit-risk-pd@3.2.0: lost (keep); finding: gone although" in markdown
    assert changes["model-00000@2.0.0"]["change"] == "new"
    assert "cxr-triage@2.1.0" not in changes
    assert "## Changes since the previous audit" in (tmp_path / "out" / "plan.md").read_text()
    html = (tmp_path / "out" / "plan.html").read_text()
    assert "acme-support-assistant@1.4.0: action hold → keep" in html  # the arrow survives in HTML


def test_generated_inventory_documents_are_valid_and_evaluate(tmp_path, cli):
    import random

    rng = random.Random(7)
    docs = [synthetic_document(i, rng) for i in range(200)]
    for doc in docs:
        validate_document(doc)
    path = tmp_path / "synthetic.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    result = audit(cli, tmp_path, path)
    assert result.exit_code == 1
    summary = plan(tmp_path)["predicate"]["summary"]
    assert summary["evaluated"] == 200 and set(summary["actions"]) <= {"keep", "archive", "purge", "hold", "review"}
    assert summary["actions"].get("purge") and summary["actions"].get("hold")
    entries = plan(tmp_path)["predicate"]["entries"]
    # purges blocked because a kept version of the same model shares its training set (RET-007)
    blocked = [e for e in entries if any(f["rule"] == "RET-007" for f in e.get("findings", []))]
    assert blocked and all(e["action"] == "review" and "shares dataset:ds-" in e["reason"] for e in blocked)
    assert any(e["kind"] == "record" and "shares dataset:ds-model-" in e["reason"] for e in blocked)
    assert summary["artifact_lines"] == sum(1 for e in entries if e["kind"] != "record") > 0


def test_impact_lists_everything_downstream(cli, tmp_path, inventory):
    result = cli("impact", "dataset:imagenet-1k", "--inventory", inventory, "--json")
    [row] = result.json()
    assert row["document_id"] == "cxr-triage@2.1.0" and row["owner"] == "Dr. Hannah Osei"
    nodes = {d["node"] for d in row["downstream"]}
    assert {"model:densenet121-imagenet", "model:cxr-triage", "deployment:mercy-west-pacs"} <= nodes
    by_digest = cli("impact", "14b19a2da247b354c4b518f96f78ea98c27e6110c188cea5cf3522b5351834dc",
                    "--inventory", inventory)
    assert by_digest.exit_code == 0
    none = cli("impact", "dataset:nothing", "--input", str(BUNDLES / "credit-risk-pd"))
    assert "nothing downstream of dataset:nothing" in none.stdout
    missing = cli("impact", "x")
    assert missing.exit_code == 2 and "give --inventory FILE or --input" in error_line(missing)


def test_audit_needs_exactly_one_inventory(cli, tmp_path, inventory):
    both = cli("audit", "retention", "--inventory", inventory, "--mlflow-uri", "http://127.0.0.1:1",
               "--key", tmp_path / "mlgov-key.pem")
    assert both.exit_code == 2 and "exactly one of --inventory FILE or --mlflow-uri URL" in error_line(both)


def test_fast_and_full_schema_validation_agree(tmp_path):
    """validate_document decides with fastjsonschema and explains with jsonschema: they must agree."""
    import copy

    from mlgov.document.schema import fast_check, validator

    base = normalize([BUNDLES / "support-llm-ft"])
    mutations = [
        lambda d: d["model"].__setitem__("risk_tier", "extreme"),
        lambda d: d.__setitem__("extra_field", 1),
        lambda d: d["subjects"][0]["digest"].__setitem__("sha256", "xyz"),
        lambda d: d["datasets"][0].__setitem__("personal_data", "yes"),
        lambda d: d["approvals"][0]["timestamp"].__setitem__("utc", "2026-11-24 10:00"),
        lambda d: d.pop("lineage"),
        lambda d: d["provenance"].__setitem__("no-slash", []),
        lambda d: d["lineage"]["edges"][0].pop("type"),
        lambda d: d["model"]["regulatory_scope"].append("eu ai act"),
        lambda d: None,
    ]
    fast = fast_check("artifact-document")
    for mutate in mutations:
        doc = copy.deepcopy(base)
        mutate(doc)
        full_ok = not list(validator("artifact-document").iter_errors(doc))
        try:
            fast(doc)
            fast_ok = True
        except Exception:
            fast_ok = False
        assert fast_ok == full_ok, mutate


def test_integrity_rehashes_archived_artifacts(cli, tmp_path):
    """A plan's subjects re-hashed where the plan says they live: a bundle path under --root, a
    file:// URI; an oci:// image cannot be read here (no fsspec) and is never reported verified."""
    import shutil

    archive = tmp_path / "archive"
    shutil.copytree(BUNDLES / "credit-risk-pd", archive)
    doc = normalize([archive])
    copy = tmp_path / "elsewhere" / "model.ubj"
    copy.parent.mkdir()
    shutil.copy(archive / "model" / "model.ubj", copy)
    moved = json.loads(json.dumps(doc))
    moved["document_id"] = "credit-risk-pd@3.2.0-copy"
    moved["subjects"] = [{**doc["subjects"][0], "name": "copied-model", "uri": copy.as_uri()}]
    moved["subjects"][0].pop("path")
    inventory = tmp_path / "inventory.jsonl"
    inventory.write_text(json.dumps(doc) + "\n" + json.dumps(moved) + "\n")
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    audit(cli, tmp_path, inventory)
    signed, pub = tmp_path / "out" / "plan.json", tmp_path / "mlgov-key.pub.pem"

    result = cli("audit", "integrity", signed, "--key", pub, "--root", archive, "--json")
    rows = {r["name"]: r for r in result.json()}
    assert rows["credit-risk-pd-model"]["status"] == "ok" and rows["copied-model"]["status"] == "ok"
    assert rows["copied-model"]["location"] == copy.as_uri()
    container = rows["registry.acmebank.example/risk/credit-risk-pd-scoring"]
    assert container["status"] == "unverifiable" and "fsspec is not installed" in container["detail"]
    assert result.exit_code == 2

    local_only = tmp_path / "local-only"
    inventory.write_text(json.dumps(moved) + "\n")
    cli("audit", "retention", "--inventory", inventory, "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
        "--out", local_only, "--workers", "1")
    assert cli("audit", "integrity", local_only / "plan.json", "--key", pub).exit_code == 0

    copy.write_bytes(b"tampered")
    (archive / "model" / "model.ubj").unlink()
    assert cli("audit", "integrity", local_only / "plan.json", "--key", pub).exit_code == 1
    rows = {r["name"]: r for r in cli("audit", "integrity", signed, "--key", pub, "--root", archive,
                                      "--json").json()}
    assert rows["copied-model"]["status"] == "changed"
    assert rows["copied-model"]["detail"] == f"sha256 is now {hashlib.sha256(b'tampered').hexdigest()}"
    gone = rows["credit-risk-pd-model"]  # gone from the archive; its s3:// copy cannot be checked here
    assert gone["status"] == "unverifiable" and "model/model.ubj: not found" in gone["detail"]

    other = tmp_path / "other"
    other.mkdir()
    assert cli("keygen", "-o", other).exit_code == 0
    untrusted = cli("audit", "integrity", signed, "--key", other / "mlgov-key.pub.pem")
    assert untrusted.exit_code == 2 and "not signed by a trusted key" in error_line(untrusted)


def test_holds_and_purge_safety_reach_across_the_inventory(cli, tmp_path):
    """A dataset held in one record holds every record built from it; a record due for purge is
    blocked while a kept record shares its artifact digest or has it upstream in its lineage."""
    import random

    rng = random.Random(11)
    kept, due, twin, base, derived, user = (synthetic_document(i, rng) for i in range(6))
    for doc in (due, twin, base):
        doc["retention"] = {"created": {"utc": "2020-01-01T00:00:00Z", "epoch_s": 1577836800},
                            "retention_class": "automatic-logs"}
    kept["retention"] = {"retention_class": "model-documentation", "created": due["retention"]["created"]}
    twin["subjects"][0]["digest"] = kept["subjects"][0]["digest"]           # the same bytes as a kept model
    derived["retention"] = dict(kept["retention"])
    derived["lineage"]["upstream"][derived["lineage"]["primary"]].append(  # fine-tuned from `base`
        {"node": base["lineage"]["primary"], "path": [base["lineage"]["primary"], derived["lineage"]["primary"]],
         "via": ["base_model"], "distance": 1})
    user["datasets"][0]["legal_hold"] = {"active": True, "reason": "subpoena 2026-7"}
    due["datasets"].append(dict(user["datasets"][0], legal_hold={"active": False}))
    path = tmp_path / "inventory.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in (kept, due, twin, base, derived, user)))
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    assert audit(cli, tmp_path, path).exit_code == 1
    entries = {e["artifact"]: e for e in plan(tmp_path)["predicate"]["entries"]}

    held = entries[due["document_id"]]
    assert held["action"] == "hold"
    assert held["reason"] == (f"legal hold on dataset:{user['datasets'][0]['id']} (stated by "
                              f"{user['document_id']}): subpoena 2026-7")
    shared = entries[twin["document_id"]]
    assert shared["action"] == "review"
    [finding] = shared["findings"]
    assert finding["rule"] == "RET-007" and kept["document_id"] in finding["message"]
    assert f"artifact digest sha256:{kept['subjects'][0]['digest']['sha256']}" in finding["message"]
    upstream = entries[base["document_id"]]
    assert upstream["action"] == "review" and derived["document_id"] in upstream["reason"]
    assert f"lineage node {base['lineage']['primary']}" in upstream["reason"]


@pytest.mark.parametrize(("as_of", "cited"), [("2026-04-16", "SR-11-7:documentation"),
                                               ("2026-04-17", "SR-26-2:documentation")])
def test_plan_cites_the_guidance_in_force_on_the_audit_date(cli, tmp_path, inventory, as_of, cited):
    """The bank model's record says SR-11-7; SR 11-7 applies up to 2026-04-16 and SR 26-2, which
    replaced it for that scope, from 2026-04-17: a plan cites the one in force when it is made."""
    result = cli("audit", "retention", "--inventory", inventory, "--key", tmp_path / "mlgov-key.pem",
                 "--as-of", as_of, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code in (0, 1), result.stderr
    entries = {e["artifact"]: e for e in plan(tmp_path)["predicate"]["entries"]}
    bank = entries["credit-risk-pd@3.2.0"]
    assert bank["regulatory_scope"] == ["SR-11-7", "GDPR"]
    assert bank["regulations"] == [cited]
    row = next(line for line in (tmp_path / "out" / "plan.md").read_text().splitlines()
               if line.startswith("| credit-risk-pd@3.2.0 |"))
    assert row.split("|")[7].strip() == cited  # shown as in scope, not filtered away by the SR-11-7 word


def test_in_scope_filters_by_scope_and_date():
    from mlgov.audit.retention import in_scope
    from mlgov.reports.plan import regulations

    rule = ["EU-AI-ACT:Art.18", "SR-11-7:documentation", "FDA:QMSR-records", "ACME:records-7"]
    day = {"utc": "2026-01-10T00:00:00Z"}
    # no scope stated: every regime, but only what is in force (neither the AI Act's Art. 18 nor the
    # QMSR, from 2026-02-02, yet)
    assert in_scope(rule, None, day) == ["SR-11-7:documentation", "ACME:records-7"]
    assert in_scope(rule, ["SR-26-2"], {"utc": "2026-11-24T00:00:00Z"}) == ["SR-26-2:documentation"]
    assert in_scope(rule, ["ACME"], day) == ["ACME:records-7"]  # a user's own regime has no dates to check
    early = in_scope(rule, ["EU-AI-ACT"], day)
    assert early == []  # in scope, not yet in force: nothing is cited as applying
    assert regulations({"regulations": early, "regulatory_scope": ["EU-AI-ACT"]}) == (
        "none of the rule's controls in scope (EU-AI-ACT) in force on the audit date")


def test_retention_rules_cite_sr_26_2_where_they_cite_sr_11_7():
    from mlgov.packs import load_packs
    from mlgov.resources import builtin_packs

    [pack] = [p for p in load_packs(builtin_packs()) if p.name == "retention"]
    citing = [r for r in pack.rules if "SR-11-7:documentation" in r.controls]
    assert citing and all("SR-26-2:documentation" in r.controls for r in citing)
