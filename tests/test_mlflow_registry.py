"""A real MLflow tracking server (SQLite backend, 127.0.0.1) as the inventory of a retention audit.

The server is started by the fixture and stopped after; models and versions are created with the
MLflow client; mlgov reads the registry through its REST API only."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import error_line


def _mlflow():
    try:
        import mlflow  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("mlflow is not installed: .ci/run installs the mlflow extra")
        pytest.skip("mlflow is not installed (pip install '.[mlflow]')")


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    _mlflow()
    tmp = tmp_path_factory.mktemp("mlflow")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("mlflow")
    with open(tmp / "server.log", "w") as log:
        proc = subprocess.Popen([str(exe), "server", "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
                                 "--default-artifact-root", str(tmp / "artifacts"), "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", "1"],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield _wait_for(proc, f"http://127.0.0.1:{port}", tmp)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _wait_for(proc: subprocess.Popen, uri: str, tmp: Path) -> str:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{uri}/health", timeout=2) as response:
                if response.status == 200:
                    return uri
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail(f"mlflow server exited: {(tmp / 'server.log').read_text()[-2000:]}")
    pytest.fail("mlflow server did not answer /health within 120 s")


@pytest.fixture(scope="module")
def registry(mlflow_server):
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    experiment = client.create_experiment("credit-models")

    def run(seed: int) -> str:
        r = client.create_run(experiment)
        client.log_param(r.info.run_id, "max_depth", "5")
        client.log_param(r.info.run_id, "seed", str(seed))
        client.log_metric(r.info.run_id, "val_auc", 0.81)
        client.set_tag(r.info.run_id, "mlflow.source.git.commit", "9b2e4c7a1f0d3e6b8c5a2f9e1d4b7c0a3e6f9b2c")
        client.set_terminated(r.info.run_id)
        return r.info.run_id

    client.create_registered_model("credit-risk-pd", tags={"risk_tier": "tier 1", "regulatory_scope": "SR 11-7",
                                                            "owner": "dana.whitfield@acmebank.example",
                                                            "retention_class": "model-documentation"})
    client.create_model_version("credit-risk-pd", "s3://models/credit-risk-pd/1", run_id=run(1),
                                tags={"mlgov.version": "3.1.0"})
    client.create_model_version("credit-risk-pd", "s3://models/credit-risk-pd/2", run_id=run(2),
                                tags={"mlgov.version": "3.2.0"})
    client.set_registered_model_alias("credit-risk-pd", "champion", "2")
    client.create_registered_model("fraud-gbm", tags={"risk_tier": "medium", "legal_hold": "true",
                                                       "retention_class": "model-documentation"})
    client.create_model_version("fraud-gbm", "s3://models/fraud-gbm/1", run_id=run(3))
    client.create_registered_model("churn-xgb", tags={"risk_tier": "low"})  # no retention class at all
    client.create_model_version("churn-xgb", "s3://models/churn-xgb/1")
    return mlflow_server


def test_audit_a_live_registry(cli, tmp_path, registry):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    result = cli("audit", "retention", "--mlflow-uri", registry, "--key", tmp_path / "mlgov-key.pem",
                 "--as-of", "2026-11-24", "--out", tmp_path / "out")
    assert result.exit_code == 1, result.stderr  # churn-xgb has no retention class (RET-002)
    envelope = json.loads((tmp_path / "out" / "plan.json").read_text())
    entries = {e["artifact"]: e for e in json.loads(base64.b64decode(envelope["payload"]))["predicate"]["entries"]}
    assert set(entries) == {"credit-risk-pd@3.1.0", "credit-risk-pd@3.2.0", "fraud-gbm@1", "churn-xgb@1"}
    assert entries["credit-risk-pd@3.2.0"]["action"] == "keep"          # in use, SR 11-7
    assert entries["fraud-gbm@1"]["action"] == "hold"                   # the registered model's legal_hold tag
    assert entries["churn-xgb@1"]["findings"][0]["rule"] == "RET-002"
    assert entries["credit-risk-pd@3.2.0"]["owner"] == "dana.whitfield@acmebank.example"


def test_registry_documents_carry_runs_and_provenance(registry):
    from mlgov.audit.mlflow_inventory import read_registry

    items = {i.name: i for i in read_registry(registry)}
    doc = items["credit-risk-pd@3.2.0"].document
    assert doc["model"]["risk_tier"] == "high" and doc["model"]["regulatory_scope"] == ["SR-11-7"]
    assert doc["model"]["extra"]["registry_version"] == "2"
    run = doc["training_runs"][0]
    assert run["parameters"]["max_depth"] == 5 and run["seeds"]["seed"] == 2
    assert run["code_commit"] == "9b2e4c7a1f0d3e6b8c5a2f9e1d4b7c0a3e6f9b2c"
    assert doc["sources"][0]["path"].endswith("#models/credit-risk-pd/versions/2")
    assert doc["provenance"]["/model/risk_tier"][0]["at"] == "/registered_model/tags/0/value"


def test_an_unreachable_registry_fails_closed(cli, tmp_path):
    _mlflow()
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    result = cli("audit", "retention", "--mlflow-uri", "http://127.0.0.1:9", "--key", tmp_path / "mlgov-key.pem")
    assert result.exit_code == 2 and "MLflow server unreachable" in error_line(result)


def test_registry_requests_carry_mlflow_credentials(monkeypatch):
    from mlgov.audit.mlflow_inventory import _auth_headers

    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "auditor")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "s3cret")
    assert _auth_headers() == {"Authorization": "Basic YXVkaXRvcjpzM2NyZXQ="}
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "tok")
    assert _auth_headers() == {"Authorization": "Bearer tok"}
