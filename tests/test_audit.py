"""Retention audits over JSON-lines inventories: signed plans, failures, diffs, impact."""

from __future__ import annotations

import base64
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
    assert entries["credit-risk-pd@3.2.0"]["regulations"][:2] == ["EU-AI-ACT:Art.18", "EU-AI-ACT:Art.19"]
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
    assert changes["credit-risk-pd@3.2.0"] == {"artifact": "credit-risk-pd@3.2.0", "change": "removed",
                                               "action": "keep"}
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
    assert summary["evaluated"] == 200 and set(summary["actions"]) <= {"keep", "archive", "purge", "hold"}
    assert summary["actions"].get("purge") and summary["actions"].get("hold")


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
