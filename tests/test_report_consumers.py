"""Our reports read by the tools that consume them (installed by scripts/install-consumers.sh):
Microsoft's SARIF multitool with GitHub code scanning's ingestion rules, and compliance-trestle's
OSCAL object model. Each tool runs once over all examples, to keep the suite fast."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from test_report_invariants import EXAMPLES, example_verdicts  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parent.parent
MULTITOOL = ROOT / ".tools/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
TRESTLE = ROOT / ".tools/trestle/bin/python"


def need(tool: Path) -> Path:
    if tool.exists():
        return tool
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is missing: scripts/install-consumers.sh must install it")
    pytest.skip(f"{tool} is missing (bash scripts/install-consumers.sh)")


def reports(cli, verdicts, fmt: str, out: Path) -> list[Path]:
    paths = []
    for name in EXAMPLES:
        path = out / f"{name}.{fmt}"
        result = cli("report", verdicts[name], "--format", fmt, "-o", path)
        assert result.exit_code == 0, result.stderr
        paths.append(path)
    return paths


def test_sarif_passes_the_github_code_scanning_rules(cli, example_verdicts, tmp_path, monkeypatch):  # noqa: F811
    tool = need(MULTITOOL)
    verdicts, _ = example_verdicts
    monkeypatch.chdir(tmp_path)  # inputs outside the current directory: paths relative to the bundle
    ours = reports(cli, verdicts, "sarif", tmp_path)
    first = json.loads(ours[0].read_text())["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] in ("mlgov.yaml", "metadata/ai-bom.spdx3.json")
    # the old shape (absolute file URI, a logical-only location, rules without help) must be caught
    bad = json.loads(ours[0].read_text())
    run = bad["runs"][0]
    run["results"][0]["locations"] = [{"logicalLocations": [{"fullyQualifiedName": "/model", "kind": "member"}]}]
    run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": "/abs/mlgov.yaml"}
    for rule in run["tool"]["driver"]["rules"]:
        rule.pop("help")
        rule.pop("fullDescription")
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(bad))
    log = tmp_path / "validation.sarif"
    done = subprocess.run([str(tool), "validate", "--rule-kind", "Gh;Ghas;Sarif", "--output", str(log),
                           *map(str, ours), str(broken)], capture_output=True, text=True, timeout=300, check=False)
    assert log.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    errors: dict[str, set[str]] = {}
    for result in json.loads(log.read_text())["runs"][0]["results"]:
        if result.get("level", "warning") == "error":
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            errors.setdefault(Path(uri.removeprefix("file://")).name, set()).add(result["ruleId"])
    assert not {name: rules for name, rules in errors.items() if name != "broken.sarif"}, errors
    assert {"GH2012", "SARIF1004"} <= errors.get("broken.sarif", set()), errors  # the validator does bite
    for path in ours:  # what the multitool does not check but GitHub needs: a file location on every result
        for result in json.loads(path.read_text())["runs"][0]["results"]:
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_oscal_loads_in_compliance_trestle(cli, example_verdicts, tmp_path):  # noqa: F811
    python = need(TRESTLE)
    verdicts, _ = example_verdicts
    paths = reports(cli, verdicts, "oscal", tmp_path)
    script = ("import json, sys\nfrom trestle.oscal.assessment_results import AssessmentResults\n"
              "for path in sys.argv[1:]:\n"
              "    ar = AssessmentResults.parse_obj(json.load(open(path))['assessment-results'])\n"
              "    states = sorted({f.target.status.state.value for f in ar.results[0].findings or []})\n"
              "    print(path.rsplit('/', 1)[-1], len(ar.results[0].observations or []), ','.join(states))\n")
    done = subprocess.run([str(python), "-c", script, *map(str, paths)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["chest-xray-triage.oscal"].endswith("not-satisfied,satisfied")  # its blocking LIC-002 shows
    broken = json.loads(paths[0].read_text())
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "maybe"
    (tmp_path / "broken.oscal").write_text(json.dumps(broken))
    bad = subprocess.run([str(python), "-c", script, str(tmp_path / "broken.oscal")], capture_output=True,
                         text=True, timeout=300, check=False)
    assert bad.returncode != 0 and "state" in bad.stderr  # trestle does bite
