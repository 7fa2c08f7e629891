"""Engines: regorus, OPA in process and regopy agree on the built-in packs; a disagreement fails
closed; the OPA server engine speaks OPA's documented REST API (a stand-in HTTP layer that
evaluates with the real OPA embedded in opa-golib-python-bindings)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from opa_bindings import OpaEngine, OpaError

from mlgov import normalize
from mlgov.evaluation import evaluate
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs
from mlgov.timeutil import normalize as stamp

from conftest import BUNDLES, error_line, rego_rule

AS_OF = stamp("2026-11-24", "t", "")


@pytest.mark.parametrize("bundle", ["credit-risk-pd", "chest-xray-triage", "support-llm-ft"])
@pytest.mark.parametrize(("other", "version"), [("opa", "opa 1.20.2 in process (opa-golib-python-bindings 0.4.4)"),
                                                ("regopy", "regopy 1.5.2")])
def test_cross_check_agrees_on_builtin_packs(cli, bundle, other, version):
    result = cli("eval", BUNDLES / bundle, "--as-of", "2026-11-24", "--cross-check", other, "--format", "json")
    assert result.exit_code in (0, 1)
    assert result.json()["engine"]["cross_check"] == version
    alone = cli("eval", BUNDLES / bundle, "--as-of", "2026-11-24", "--engine", other, "--format", "json").json()
    assert alone["engine"]["name"] == other
    assert alone["findings"] == result.json()["findings"]


def test_cross_check_with_opa_fails_closed_when_engines_disagree(cli, make_pack, tmp_path):
    # Go's RE2 (OPA) reads \\w as ASCII only; Rust's regex (regorus) as Unicode word characters
    body = ('findings := [f | regex.match(`^\\w+$`, "café"); '
            'f := {"message": "word-only name", "evidence": ["/model"]}]')
    root = make_pack("words", {"a.rego": rego_rule("TST-041", "words.a", body)})
    alone = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root)
    assert alone.exit_code == 1
    on_opa = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root, "--engine", "opa")
    assert on_opa.exit_code == 0
    expected = "cross-check: regorus and opa disagree on rule TST-041: only regorus found 'word-only name'"
    crossed = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root, "--cross-check", "opa")
    assert crossed.exit_code == 2 and expected in error_line(crossed)
    assert cli("keygen", "-o", tmp_path / "keys").exit_code == 0
    out = tmp_path / "verdict.json"
    gated = cli("gate", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root, "--cross-check", "opa",
                "--key", tmp_path / "keys" / "mlgov-key.pem", "--out", out)
    assert gated.exit_code == 2 and expected in error_line(gated)
    assert not out.exists()  # no verdict is released when the engines disagree


def test_cross_check_fails_closed_when_engines_disagree(cli, make_pack):
    # rego-cpp's semver.compare ranks 1.0.0-alpha above 1.0.0; regorus follows SemVer 2.0.0
    body = ('findings := [f | semver.compare("1.0.0-alpha", "1.0.0") < 0; '
            'f := {"message": "pre-release base model", "evidence": ["/model"]}]')
    root = make_pack("versions", {"a.rego": rego_rule("TST-040", "versions.a", body)})
    alone = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root)
    assert alone.exit_code == 1
    crossed = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root,
                  "--cross-check", "regopy")
    assert crossed.exit_code == 2
    line = error_line(crossed)
    assert ("cross-check: regorus and regopy disagree on rule TST-040: "
            "only regorus found 'pre-release base model'") in line


class FakeOpa(BaseHTTPRequestHandler):
    """Speaks the parts of OPA's REST API we use (PUT /v1/policies/{id}, POST /v1/data/{path}),
    evaluating with the real OPA embedded in opa-golib-python-bindings, and records every request
    so the test can check their shape."""

    policies: ClassVar[dict[str, str]] = {}
    requests: ClassVar[list[tuple[str, str, str, bytes]]] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.requests.append((self.command, self.path, self.headers.get("Content-Type", ""), body))
        return body

    def do_PUT(self):
        body = self._body()
        if not self.path.startswith("/v1/policies/") or self.headers.get("Content-Type") != "text/plain":
            return self._reply(400, {"code": "invalid_parameter", "message": "bad request"})
        text = body.decode()
        try:
            OpaEngine().add_policy(self.path, text)
        except OpaError as exc:
            error = {"code": "rego_parse_error", "message": exc.message.splitlines()[-1]}
            return self._reply(400, {"code": "invalid_parameter",
                                     "message": "error(s) occurred while compiling module(s)", "errors": [error]})
        self.policies[self.path.removeprefix("/v1/policies/")] = text
        return self._reply(200, {})

    def do_POST(self):
        body = json.loads(self._body())
        if not self.path.startswith("/v1/data/") or set(body) != {"input"}:
            return self._reply(400, {"code": "invalid_parameter", "message": "bad request"})
        engine = OpaEngine()
        for pid, text in self.policies.items():
            engine.add_policy(pid, text)
        try:
            value = engine.eval_document(self.path.removeprefix("/v1/data/").replace("/", "."), body["input"])
        except OpaError as exc:
            if exc.code == "undefined":
                return self._reply(200, {})
            return self._reply(500, {"code": "internal_error", "message": exc.message.splitlines()[-1]})
        return self._reply(200, {"result": value})


@pytest.fixture
def fake_opa():
    FakeOpa.policies, FakeOpa.requests = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_opa_engine_uses_the_rest_contract_and_agrees(fake_opa):
    document = normalize([BUNDLES / "support-llm-ft"])
    packs = load_packs(builtin_packs())
    via_opa = evaluate(document, packs, AS_OF, engine="opa-server", opa_url=fake_opa)
    local = evaluate(document, packs, AS_OF)
    assert via_opa["findings"] == local["findings"]
    assert via_opa["engine"]["name"] == "opa-server"
    puts = [r for r in FakeOpa.requests if r[0] == "PUT"]
    posts = [r for r in FakeOpa.requests if r[0] == "POST"]
    expected = {f"/v1/policies/mlgov/{m.path}" for p in packs for m in p.rego_modules}
    assert {p[1] for p in puts} == expected
    assert "/v1/policies/mlgov/licensing/lib.rego" in expected  # libraries are uploaded too
    assert all(p[2] == "text/plain" for p in puts)
    assert [p[1] for p in posts] == ["/v1/data/mlgov/rules"]
    assert json.loads(posts[0][3])["input"]["as_of"] == AS_OF


def test_opa_engine_fails_closed(cli, fake_opa, make_pack):
    broken = make_pack("broken", {"a.rego": rego_rule("TST-050", "broken.a", "findings := [x | x := ")})
    result = cli("eval", BUNDLES / "credit-risk-pd", "--packs", broken, "--engine", "opa-server", "--opa-url", fake_opa)
    assert result.exit_code == 2 and "broken/a.rego: OPA rejected the module" in error_line(result)
    down = cli("eval", BUNDLES / "credit-risk-pd", "--engine", "opa-server", "--opa-url", "http://127.0.0.1:9")
    assert down.exit_code == 2 and "OPA server unreachable" in error_line(down)
    missing = cli("eval", BUNDLES / "credit-risk-pd", "--engine", "opa-server")
    assert missing.exit_code == 2 and "needs --opa-url" in error_line(missing)


def test_regopy_error_terms_are_reported_not_crashed_on(cli, make_pack):
    """rego-cpp resolves semver.compare inside a package path segment named "semver" as a user
    function (a rego-cpp defect); the error term must surface as a one-line error, exit 2."""
    body = 'findings := [f | semver.compare("1.0.0", "1.0.1") < 0; f := {"message": "m", "evidence": ["/model"]}]'
    root = make_pack("semver", {"a.rego": rego_rule("TST-041", "semver.a", body)})
    result = cli("eval", BUNDLES / "credit-risk-pd", "--as-of", "2026-11-24", "--packs", root, "--engine", "regopy")
    assert result.exit_code == 2
    assert "regopy: Rego evaluation error: Function not found: data.mlgov.rules.semver.compare" in error_line(result)


def test_regopy_compile_errors_do_not_leak_to_stdout(make_pack):
    """rego-cpp prints compile errors from C++ straight to fd 1; `--format json` must stay clean."""
    import subprocess
    import sys
    from pathlib import Path

    root = make_pack("leak", {"a.rego": rego_rule("TST-070", "leak.a", "findings := [x | some x in [1]; x := ]")})
    script = str(Path(sys.executable).with_name("mlgov"))
    proc = subprocess.run([script, "eval", str(BUNDLES / "credit-risk-pd"), "--packs", str(root), "--engine", "regopy",
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "mlgov: error: leak/a.rego:11: Rego error: Invalid assignment operator"


def test_a_reused_regorus_engine_gives_the_same_results_as_fresh_ones():
    """The engine is reused across documents (cloning costs more than a small evaluation)."""
    from mlgov.evaluation.evaluate import Evaluator

    packs = load_packs(builtin_packs())
    documents = [normalize([BUNDLES / name]) for name in ("support-llm-ft", "credit-risk-pd", "chest-xray-triage")]
    reused = Evaluator(packs)
    first = [reused.run(d, AS_OF, validated=True) for d in documents + documents[::-1]]
    fresh = [Evaluator(packs).run(d, AS_OF, validated=True) for d in documents + documents[::-1]]
    assert first == fresh
