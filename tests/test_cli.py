"""The command line: outputs, examples, atomic writes, and the installed wheel's data."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from mlgov.resources import data_dir, example_bundles

from conftest import BUNDLES, error_line

ROOT = Path(__file__).resolve().parent.parent


def test_examples_lists_the_three_bundles_from_the_installed_package(cli):
    result = cli("examples")
    assert result.exit_code == 0
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == ["chest-xray-triage", "credit-risk-pd", "support-llm-ft"]
    assert cli("examples", "credit-risk-pd").stdout.strip() == str(example_bundles()["credit-risk-pd"])
    missing = cli("examples", "nope")
    assert missing.exit_code == 2 and "no example named 'nope'" in error_line(missing)


def test_data_comes_from_the_wheel_not_the_checkout():
    """The suite runs against `pip install .`: built-in data must resolve inside the package."""
    for kind in ("schemas", "fixtures", "policies", "rules"):
        assert data_dir(kind).parent.name == "_data", data_dir(kind)
        assert data_dir(kind) != ROOT / kind


def test_normalize_prints_json_or_writes_a_summary(cli, tmp_path):
    as_json = cli("normalize", BUNDLES / "credit-risk-pd")
    assert as_json.exit_code == 0
    assert as_json.json()["document_id"] == "credit-risk-pd@3.2.0"
    out = tmp_path / "doc.json"
    summary = cli("normalize", BUNDLES / "credit-risk-pd", "-o", out)
    assert summary.exit_code == 0
    assert "credit-risk-pd 3.2.0" in summary.stdout and "conflicts: none" in summary.stdout
    assert json.loads(out.read_text()) == as_json.json()
    assert not list(tmp_path.glob("*.tmp"))


def test_failed_run_leaves_an_existing_output_untouched(cli, tmp_path):
    out = tmp_path / "doc.json"
    out.write_text('{"previous": true}')
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert cli("normalize", bad, "-o", out).exit_code == 2
    assert json.loads(out.read_text()) == {"previous": True}


def test_console_script_runs_outside_the_checkout(tmp_path):
    script = str(Path(sys.executable).with_name("mlgov"))
    bundle = subprocess.run([script, "examples", "support-llm-ft"], capture_output=True, text=True,
                            cwd=tmp_path, check=True).stdout.strip()
    proc = subprocess.run([script, "normalize", bundle, "-o", "doc.json"], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "doc.json").read_text())["model"]["name"] == "acme-support-assistant"


def test_wheel_ships_schemas_packs_and_fixtures(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("mlgov-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("mlgov/cli/__init__.py", "mlgov/_data/schemas/artifact-document.schema.json",
                     "mlgov/_data/schemas/bundle-manifest.schema.json",
                     "mlgov/_data/schemas/cyclonedx/bom-1.6.SNAPSHOT.schema.json",
                     "mlgov/_data/fixtures/bundles/credit-risk-pd/mlgov.yaml",
                     "mlgov/_data/fixtures/bundles/chest-xray-triage/model/cxr-triage.onnx"):
        assert required in names
    assert not any(name.startswith(("tests/", "engine/")) for name in names)
