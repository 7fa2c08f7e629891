"""What people and CI logs read: one line per finding in a log, readable blocks at 80 columns on
a terminal, and `mlgov explain`."""

from __future__ import annotations

import io
import json
import re

from rich.console import Console

from conftest import BUNDLES


def test_a_ci_log_gets_one_full_width_line_per_finding(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    result = cli("gate", BUNDLES / "support-llm-ft", "--key", tmp_path / "mlgov-key.pem", "--as-of", "2026-11-24",
                 "--out", tmp_path / "v.json")  # CliRunner's stdout is not a terminal
    assert result.exit_code == 1
    verdict = json.loads(__import__("base64").b64decode(json.loads((tmp_path / "v.json").read_text())["payload"]))
    lines = result.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines)  # no padding to some console width
    from mlgov.reports.view import build

    shown = {fv.number: fv.controls for fv in build(verdict["predicate"]).findings}
    for i, f in enumerate(verdict["predicate"]["findings"], 1):
        if f["severity"] == "info":
            continue
        mine = [line for line in lines if f" | {f['rule']} | {f['subject']} | " in line]
        assert len(mine) == 1, (f["rule"], mine)  # one line, found whole by grep
        assert mine[0].split(" | ")[1:5] == [f["severity"], f["rule"], f["subject"], f["message"]]
        assert mine[0].endswith("controls: " + ", ".join(shown[f"F-{i}"]))  # in scope, as in the reports
        assert all(c.split(":")[0] in ("EU-AI-ACT", "GDPR", "ORG-POLICY") for c in shown[f"F-{i}"])
    assert sum(line.startswith("BLOCKING | ") for line in lines) == verdict["predicate"]["decision"][
        "blocking_findings"]
    assert len(lines) <= 6 + len(verdict["predicate"]["findings"])  # no wrapping: 9 findings, not 92 lines


def test_a_terminal_at_80_columns_wraps_under_each_finding(cli):
    from mlgov.reports.terminal import print_findings

    result = cli("eval", BUNDLES / "support-llm-ft", "--as-of", "2026-11-24", "--format", "json")
    evaluation = json.loads(result.stdout)
    out = io.StringIO()
    print_findings(evaluation, Console(file=out, force_terminal=True, width=80, no_color=True, highlight=False))
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in out.getvalue().splitlines()]
    assert all(len(line) <= 80 for line in lines)
    heads = []
    for f in evaluation["findings"]:
        head = f"{f['severity']} {f['rule']} {f['subject']}"  # rule and subject never split
        heads.append(next(i for i, line in enumerate(lines) if line.startswith(head)))
    heads.sort()
    body = lines[heads[0] + 1:heads[-1]]
    assert all(line.startswith("    ") for i, line in enumerate(body, heads[0] + 1) if i not in heads)  # indented


def test_explain_prints_description_controls_remediation_and_a_real_finding(cli):
    result = cli("explain", "LIC-002")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("LIC-002 A commercial model is not built from non-commercial data or models")
    assert "EU-AI-ACT:Art.10: Data and data governance (Art. 10)" in out
    assert "Remediation" in out and "commercial license" in out
    assert ("critical | LIC-002 | dataset:imagenet-1k | model cxr-triage (use: commercial) uses dataset "
            "imagenet-1k") in out
    missing = cli("explain", "NOPE-1")
    assert missing.exit_code == 2 and "no rule 'NOPE-1'" in missing.stderr
