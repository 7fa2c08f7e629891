"""Retention audits of a real MLflow registry (SQLite backend, 127.0.0.1), built with the MLflow
client the way teams tag it: holds at both levels and on a dataset input, version-level retention
classes, aliases, stages, deleted versions, names with quotes, spaces, Unicode and percent signs;
then two audits in sequence, with a version purged as planned and one deleted before its date."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml
from test_mlflow_registry import _mlflow, mlflow_server  # noqa: F401  (the real server fixture)

from mlgov.resources import data_dir

QUOTED = "fraud's-model"
ODD = "churn model ü 100%"


def _params(tmp: Path) -> Path:
    """The built-in classes plus a short-lived one counted from a taggable date (retired)."""
    pack = yaml.safe_load((data_dir("policies") / "retention" / "pack.yaml").read_text())
    classes = dict(pack["params"]["retention_classes"])
    classes["scratch"] = {"keep": {"days": 30}, "from": "retired", "then": "purge", "control": "GDPR:Art.5(1)(e)",
                          "basis": "internal scratch models: purged 30 days after retirement"}
    path = tmp / "params.yaml"
    path.write_text(yaml.safe_dump({"retention": {"retention_classes": classes}}))
    return path


@pytest.fixture(scope="module")
def registry(mlflow_server):  # noqa: F811
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput, InputTag

    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    experiment = client.create_experiment("retention")

    def run(dataset: str | None = None, hold: bool = False) -> str:
        r = client.create_run(experiment)
        if dataset:
            tags = [InputTag("mlflow.data.context", "training")]
            if hold:
                tags += [InputTag("mlgov.legal_hold", "true"),
                         InputTag("mlgov.legal_hold_reason", "EEOC charge 2026-114")]
            client.log_inputs(r.info.run_id, [DatasetInput(Dataset(dataset, "d41d8cd9", "local", f"/data/{dataset}"),
                                                           tags)])
        client.set_terminated(r.info.run_id)
        return r.info.run_id

    # Holds at two levels: the model says no hold, version 1 says hold -> hold, and a finding.
    client.create_registered_model("credit-risk-pd", tags={"retention_class": "model-documentation",
                                                            "legal_hold": "false", "regulatory_scope": "SR 11-7"})
    client.create_model_version("credit-risk-pd", "s3://m/crpd/1", tags={
        "mlgov.legal_hold": "true", "mlgov.legal_hold_reason": "CFPB civil investigative demand 2026-11"})
    client.create_model_version("credit-risk-pd", "s3://m/crpd/2")
    client.set_registered_model_alias("credit-risk-pd", "champion", "2")
    client.create_model_version("credit-risk-pd", "s3://m/crpd/3")
    client.delete_model_version("credit-risk-pd", "3")                    # a gap: deleted, nothing says it was due
    client.create_model_version("credit-risk-pd", "s3://m/crpd/4")

    # A quoted name; the model's default class is short, the versions state their own.
    shared = run("card-transactions-2025")
    client.create_registered_model(QUOTED, tags={"retention_class": "automatic-logs"})
    client.create_model_version(QUOTED, "s3://m/fraud/1", run_id=shared,
                                tags={"retention_class": "model-documentation"})
    client.transition_model_version_stage(QUOTED, "1", "Production")
    client.create_model_version(QUOTED, "s3://m/fraud/2", tags={"retention_class": "model-documentation"})
    client.transition_model_version_stage(QUOTED, "2", "Archived")
    client.create_model_version(QUOTED, "s3://m/fraud/3", run_id=shared, tags={
        "mlgov.retention_class": "scratch", "mlgov.retired": "2020-01-01"})  # due, but shares a dataset with v1

    # Spaces, Unicode and a percent sign; a dataset under hold; a purge due; one kept for a while.
    client.create_registered_model(ODD, tags={"mlgov.retention_class": "scratch"})
    client.create_model_version(ODD, "s3://m/churn/1", tags={"mlgov.retired": "2020-01-01"})
    client.create_model_version(ODD, "s3://m/churn/2", run_id=run("churn-events", hold=True),
                                tags={"mlgov.retired": "2020-01-01"})
    client.create_model_version(ODD, "s3://m/churn/3", tags={"mlgov.retired": "2026-11-20"})
    client.create_model_version(ODD, "s3://m/churn/4", tags={"mlgov.retired": "2026-11-20"})
    return client, mlflow_server


def _audit(cli, tmp_path, uri, out, *extra):
    if not (tmp_path / "mlgov-key.pem").exists():
        assert cli("keygen", "-o", tmp_path).exit_code == 0
    result = cli("audit", "retention", "--mlflow-uri", uri, "--key", tmp_path / "mlgov-key.pem",
                 "--as-of", "2026-11-25", "--out", tmp_path / out, "--params", _params(tmp_path), *extra)
    predicate = json.loads(base64.b64decode(json.loads((tmp_path / out / "plan.json").read_text())["payload"]))
    return result, predicate["predicate"]


def test_registry_state_and_holds_decide_the_plan(cli, tmp_path, registry):
    _, uri = registry
    result, plan = _audit(cli, tmp_path, uri, "first")
    assert result.exit_code == 1, result.stderr
    entries = {e["artifact"]: e for e in plan["entries"]}

    held = entries["credit-risk-pd@1"]                  # the version's hold beats the model's "false"
    assert held["action"] == "hold" and "CFPB civil investigative demand" in held["reason"]
    assert held["source"].endswith("#models/credit-risk-pd/versions/1 /model_version/tags/0/value")
    assert [f["rule"] for f in held["findings"]] == ["RET-005"]
    assert "/retention/legal_hold/active" in held["findings"][0]["message"]
    assert held["regulations"] == ["SR-26-2:documentation"]          # its scope, in force on the audit date

    assert entries["credit-risk-pd@2"]["reason"].startswith("in use (alias champion)")
    assert plan["deleted"] == [{"model": "credit-risk-pd", "version": "3", "finding": True,
                                "where": f"{uri}#models/credit-risk-pd/versions/3",
                                "reason": "version deleted from the registry; no previous plan shows it was "
                                          "due for purge"}]
    assert "credit-risk-pd@3" not in entries

    production = entries[f"{QUOTED}@1"]                 # the version's class, not the model's 6 months
    assert production["action"] == "keep" and production["reason"].startswith("in use (stage Production)")
    assert "RET-005" in {f["rule"] for f in production["findings"]}
    archived = entries[f"{QUOTED}@2"]                   # Archived: retired at the transition -> 7 years
    assert archived["action"] == "keep" and archived["until"].startswith("2033-")

    blocked = entries[f"{QUOTED}@3"]                    # due for purge, but shares a dataset with v1 in use
    assert blocked["action"] == "review"
    [finding] = [f for f in blocked["findings"] if f["rule"] == "RET-007"]
    assert f"{QUOTED}@1 (keep, deployed) shares dataset:card-transactions-2025" in finding["message"]

    assert entries[f"{ODD}@1"]["action"] == "purge" and entries[f"{ODD}@1"]["since"] == "2020-01-31T00:00:00Z"
    dataset_hold = entries[f"{ODD}@2"]                  # retired long ago, but its training data is held
    assert dataset_hold["action"] == "hold"
    assert "churn-events under hold: EEOC charge 2026-114" in dataset_hold["reason"]
    assert entries[f"{ODD}@3"]["until"] == "2026-12-20T00:00:00Z"
    assert plan["summary"]["failed"] == 0


def test_a_second_audit_finds_what_happened(cli, tmp_path, registry):
    client, uri = registry
    first, _ = _audit(cli, tmp_path, uri, "first")
    assert first.exit_code == 1
    client.delete_model_version(ODD, "1")   # purged as planned
    client.delete_model_version(ODD, "3")   # deleted before its due date (kept until 2026-12-20)
    second, plan = _audit(cli, tmp_path, uri, "second", "--previous", tmp_path / "first" / "plan.json")
    assert second.exit_code == 1
    changes = {c["artifact"]: c for c in plan["changes"]}
    assert changes[f"{ODD}@1"]["change"] == "purged" and "finding" not in changes[f"{ODD}@1"]
    early = changes[f"{ODD}@3"]
    assert early["change"] == "lost" and early["finding"] is True
    assert early["reason"] == "deleted before its due date: to be kept until 2026-12-20T00:00:00Z"
    assert f"{ODD}@3: lost: deleted before its due date" in second.stderr
    deleted = {d["version"]: d for d in plan["deleted"] if d["model"] == ODD}
    assert deleted["1"]["reason"] == "purged as planned" and "finding" not in deleted["1"]
    assert "3" not in deleted                      # named once, by the diff, as lost


def test_a_model_that_cannot_be_read_never_stops_the_others(cli, tmp_path, registry):
    client, uri = registry
    both = 'o\'neil "beta" model'                   # no quoting works in a search filter: read unfiltered
    client.create_registered_model("bad-tags", tags={"legal_hold": "perhaps"})
    client.create_model_version("bad-tags", "s3://m/bad/1")
    client.create_registered_model(both, tags={"retention_class": "model-documentation"})
    client.create_model_version(both, "s3://m/oneil/1")
    try:
        result, plan = _audit(cli, tmp_path, uri, "third")
    finally:
        client.delete_registered_model("bad-tags")
        client.delete_registered_model(both)
    assert result.exit_code == 2
    [failure] = plan["failures"]
    assert "bad-tags/versions/1" in failure["artifact"] and "perhaps" in failure["error"]
    assert plan["summary"]["evaluated"] == 9         # every other version has its line (3 + 3 + 2 left, + 1)
    assert {e["artifact"] for e in plan["entries"]} >= {f"{both}@1", f"{ODD}@2", f"{QUOTED}@1"}
    assert "could not evaluate" in result.stderr
