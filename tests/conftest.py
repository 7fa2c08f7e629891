"""Shared helpers: the installed package's fixtures, a CLI runner, bundle copies to mutate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mlgov.cli import main
from mlgov.resources import data_dir

FIXTURES = data_dir("fixtures")
BUNDLES = FIXTURES / "bundles"
FORMATS = FIXTURES / "formats"
DOC_PACK = data_dir("rules") / "documentation"  # mechanics tests pin one pack: findings stay stable


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr

    def json(self) -> dict:
        return json.loads(self.stdout)


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run


@pytest.fixture
def bundle_copy(tmp_path: Path):
    """Copy a bundled example into tmp_path and return (root, edit) to mutate its manifest."""

    def make(name: str = "credit-risk-pd") -> tuple[Path, callable]:
        root = tmp_path / name
        shutil.copytree(BUNDLES / name, root)

        def edit(change) -> None:
            manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
            change(manifest)
            (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))

        return root, edit

    return make


def error_line(result: Result) -> str:
    """The single stderr line of a failed run; asserts it is one line and not a traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("mlgov: error: "), lines[0]
    return lines[0]


PACK_HEADER = """apiVersion: mlgov.dev/v1
kind: RulePack
name: {name}
version: 1.0.0
description: test pack
regimes: [EU-AI-ACT]
"""


def rego_rule(rule_id: str, package: str, body: str, severity: str = "high") -> str:
    """A Rego rule module with its METADATA annotation."""
    return (f"# METADATA\n# title: {rule_id} test rule\n# custom:\n#   id: {rule_id}\n"
            f"#   severity: {severity}\n#   controls: [EU-AI-ACT:Art.10]\n"
            f"package mlgov.rules.{package}\n\nimport rego.v1\n\n{body}\n")


@pytest.fixture
def make_pack(tmp_path: Path):
    """Write a pack from {relative path: text}; pack.yaml is added unless given."""

    def make(name: str, files: dict[str, str], params: dict | None = None) -> Path:
        root = tmp_path / "packs" / name
        root.mkdir(parents=True)
        header = PACK_HEADER.format(name=name)
        if params:
            header += "params: " + json.dumps(params) + "\n"
        files = {"pack.yaml": header, **files}
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return root

    return make


def sign_waivers(tmp_path: Path, body: str, signer: str = "A. Counsel", authority: bool = True,
                 signed_at: str = "2026-11-01") -> tuple[Path, Path]:
    """A signed waivers file (as `mlgov waive` writes, at a fixed signing time) and an approver
    policy giving ``signer``'s fresh test key waiver authority (or not)."""
    from mlgov.evaluation.waivers import load_waivers
    from mlgov.signing import signed_waivers
    from mlgov.signing.keys import generate, key_id, load_signer, write_keypair
    from mlgov.timeutil import to_datetime

    source = tmp_path / "waivers.yaml"
    source.write_text("apiVersion: mlgov.dev/v1\nkind: Waivers\nwaivers:\n" + body)
    private, public = write_keypair(generate(), tmp_path / "waiver-keys", "signer", None, force=True)
    waivers = [{k: str(v) if k == "expires" else v for k, v in w.items() if not k.startswith("_")}
               for w in load_waivers(source)]
    envelope = signed_waivers.sign(waivers, {"name": signer}, load_signer(private),
                                   to_datetime(signed_at, "test", None))
    signed = tmp_path / "waivers.signed.json"
    signed.write_text(json.dumps(envelope))
    policy = tmp_path / "waiver-approvers.yaml"
    policy.write_text(yaml.safe_dump({"apiVersion": "mlgov.dev/v1", "kind": "ApproverPolicy", "approvers": [
        {"name": signer, "roles": ["legal"], "waiver_authority": authority,
         "keys": [{"public_key": str(public)}]}]}))
    assert key_id(load_signer(private).public)
    return signed, policy


@pytest.fixture
def freeze_clock(monkeypatch):
    """Set the gate's signing clock (``timeVerified``) to a fixed time; returns the setter."""
    from datetime import datetime

    import mlgov.verdict.gate as gate_module

    def set_to(utc: str = "2026-11-24T00:00:00+00:00") -> None:
        monkeypatch.setattr(gate_module, "clock", lambda: datetime.fromisoformat(utc))

    set_to()
    return set_to
