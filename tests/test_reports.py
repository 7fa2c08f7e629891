"""Reports from signed verdicts: every format, schema-validated where a published schema exists."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import regex
import xmlschema

from conftest import BUNDLES, error_line, sign_waivers

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "schemas" / "published"


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """A passing and a failing verdict (with waivers), their documents and the key."""
    from click.testing import CliRunner

    from mlgov.cli import main

    tmp = tmp_path_factory.mktemp("reports")
    run = CliRunner().invoke
    assert run(main, ["keygen", "-o", str(tmp)]).exit_code == 0
    waivers, approvers = sign_waivers(tmp, "  - id: WVR-7\n    rule: LIC-004\n"
                                      "    subjects: ['dataset:databricks/databricks-dolly-15k']\n"
                                      "    justification: counsel memo 2026-31 on Dolly SA\n    expires: 2027-04-01\n")
    out = {}
    runs = (("pass", "credit-risk-pd", []),
            ("fail", "support-llm-ft", ["--waivers", str(waivers), "--approvers", str(approvers)]))
    for name, bundle, extra in runs:
        verdict, document = tmp / f"{name}.json", tmp / f"{name}-doc.json"
        result = run(main, ["gate", str(BUNDLES / bundle), "--key", str(tmp / "mlgov-key.pem"), "--as-of",
                            "2026-11-24", "--out", str(verdict), "--document-out", str(document), *extra])
        assert result.exit_code in (0, 1), result.output
        out[name] = (verdict, document)
    out["pub"] = tmp / "mlgov-key.pub.pem"
    out["dir"] = tmp
    return out


def report(cli, verdicts, which, fmt, *extra):
    verdict, document = verdicts[which]
    result = cli("report", verdict, "--format", fmt, "--key", verdicts["pub"], "--document", document, *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_sarif_validates_against_the_published_schema(cli, verdicts, monkeypatch):
    # sources are named relative to their bundle's directory (issue 14.8: no local paths in a verdict),
    # so a report locates them from the directory holding the bundles, as a checkout would
    monkeypatch.chdir(BUNDLES)
    schema = json.loads((PUBLISHED / "sarif-2.1.0-rtm.5.json").read_text())
    for which in ("pass", "fail"):
        log = json.loads(report(cli, verdicts, which, "sarif"))
        jsonschema.Draft4Validator(schema).validate(log)
    bad = json.loads(json.dumps(log))
    bad["runs"][0]["results"][0]["level"] = "fatal"
    assert list(jsonschema.Draft4Validator(schema).iter_errors(bad))  # the schema does bite
    run = log["runs"][0]
    results = run["results"]
    alpaca = next(r for r in results if r["ruleId"] == "LIC-002")
    assert alpaca["level"] == "error" and alpaca["properties"]["blocking"] is True
    location = alpaca["locations"][0]["physicalLocation"]
    uri, base = location["artifactLocation"]["uri"], run["originalUriBaseIds"]["BUNDLEROOT"]["uri"]
    assert not uri.startswith(("/", "file:")) and location["artifactLocation"]["uriBaseId"] == "BUNDLEROOT"
    # relative to the checkout (the current directory) when the inputs lie in it, as code scanning expects
    assert Path(base.removeprefix("file://")) / uri == (BUNDLES / "support-llm-ft" / "mlgov.yaml").resolve()
    line = (BUNDLES / "support-llm-ft" / "mlgov.yaml").read_text().splitlines()[location["region"]["startLine"] - 1]
    assert line[location["region"]["startColumn"] - 1:] == "CC-BY-NC-4.0"  # the very fact, from provenance
    assert all("://" not in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    assert len({r["partialFingerprints"]["mlgovFinding/v1"] for r in results}) == len(results)
    waived = next(r for r in results if r["ruleId"] == "LIC-004")
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted",
                                       "justification": "counsel memo 2026-31 on Dolly SA"}]
    card = next(r for r in results if r["ruleId"] == "DOC-004")
    assert card["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/evaluations/0/metrics"
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"] and rule["help"]["text"] and rule["helpUri"].startswith("https://")
        assert 0 < float(rule["properties"]["security-severity"]) <= 10


def test_junit_validates_against_the_published_xsd(cli, verdicts, tmp_path):
    schema = xmlschema.XMLSchema(str(PUBLISHED / "junit-10.xsd"))
    for which in ("pass", "fail"):
        xml = report(cli, verdicts, which, "junit")
        path = tmp_path / f"{which}.xml"
        path.write_text(xml)
        schema.validate(str(path))
    assert '<testsuite name="licensing" tests="13"' in xml  # LIC-001..013
    assert '<testcase classname="mlgov.licensing" name="LIC-002" time="0">' in xml
    assert '<failure type="critical"' in xml             # LIC-002 blocks
    # LIC-004 (medium, waived) is below fail-on: no failure, no skip, its line in system-out
    lic4 = xml.split('name="LIC-004"', 1)[1].split("</testcase>", 1)[0]
    assert "<failure" not in lic4 and "<skipped" not in lic4 and "(waived: WVR-7)" in lic4
    passing = report(cli, verdicts, "pass", "junit")
    assert "<failure" not in passing and "RET-001" in passing  # the info disposition is not a failure


def _oscal_validator():
    schema = json.loads((PUBLISHED / "oscal-1.2.3-assessment-results.schema.json").read_text())

    def pattern(validator, value, instance, schema_):  # \p{L} needs the regex module
        if isinstance(instance, str) and not regex.search(value, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {value!r}")

    cls = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern})
    return cls(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_oscal_assessment_results_validate(cli, verdicts):
    validator = _oscal_validator()
    for which in ("pass", "fail"):
        doc = json.loads(report(cli, verdicts, which, "oscal"))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        assert not errors, f"{list(errors[0].absolute_path)}: {errors[0].message}"
    result = doc["assessment-results"]["results"][0]
    lic = next(f for f in result["findings"] if f["target"]["target-id"] == "eu-ai-act-art.10")
    assert lic["target"]["status"]["state"] == "not-satisfied"
    observation_ids = {o["uuid"] for o in result["observations"]}
    assert {r["observation-uuid"] for r in lic["related-observations"]} <= observation_ids
    assert report(cli, verdicts, "fail", "oscal") == json.dumps(doc, indent=2) + "\n"  # deterministic
    broken = json.loads(json.dumps(doc))
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] = "1 bad token"
    del broken["assessment-results"]["metadata"]["oscal-version"]
    assert len(list(validator.iter_errors(broken))) >= 2  # the validator does bite


def test_html_report_content(cli, verdicts):
    html = report(cli, verdicts, "fail", "html")
    assert "<title>mlgov compliance report: acme-support-assistant@1.4.0</title>" in html
    assert "id='decision'>FAILED" in html
    assert "signature verified with trusted key sha256:" in html
    for regime in ("EU-AI-ACT", "GDPR"):  # the model's scope
        assert f"<a href='#regime-{regime}'>" in html
    for regime in ("SR-11-7", "FDA", "21-CFR-11", "NIST-AI-RMF", "ISO-42001"):  # outside it: no findings shown
        assert f"id='regime-{regime}'" not in html and regime in html.split("id='out-of-scope'", 1)[1][:300]
    nw = "<span class='nw'>{}</span>".format
    assert "<wbr>".join(map(nw, ("dataset:", "tatsu-lab/", "alpaca"))) in html  # breaks after ':' '/' only
    evidence = (f"<code>/datasets/4/license</code> from <span class='id'>{nw('mlgov.yaml')}</span> at "
                "<code>/datasets/3/license")
    assert evidence in html  # bundle-relative file and JSON pointer
    total = json.loads(report(cli, verdicts, "fail", "json"))["predicate"]["summary"]["total"]
    assert html.count("<tbody class='finding'") == total  # each finding once, however many controls it maps to
    assert "<thead>" in html and "check.py" in html and "docs/verifying-verdicts.md" not in html
    assert "<svg" in html and "lineage graph" in html
    assert "counsel memo 2026-31 on Dolly SA" in html  # the waiver's justification
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "<script" not in html  # no fetches


def test_markdown_and_json(cli, verdicts):
    md = report(cli, verdicts, "fail", "md")
    assert md.startswith("# Compliance report: `acme-support-assistant@1.4.0`")
    assert "**FAILED**" in md and "## Findings" in md and "- WVR-7 (LIC-004): applied" in md
    assert "| F-1 | critical **blocks release** | LIC-002 |" in md
    body = json.loads(report(cli, verdicts, "pass", "json"))
    assert body["verified"] is True and body["predicate"]["verificationResult"] == "PASSED"


def test_report_without_a_key_says_so(cli, verdicts):
    verdict, _ = verdicts["pass"]
    html = cli("report", verdict).stdout
    assert "signature NOT verified: no trusted key was given" in html
    assert "Not shown: the canonical document was not given" in html


def test_report_refuses_a_tampered_verdict_and_a_wrong_document(cli, verdicts, tmp_path):
    verdict, _ = verdicts["pass"]
    envelope = json.loads(verdict.read_text())
    envelope["signatures"][0]["sig"] = envelope["signatures"][0]["sig"][::-1]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(envelope))
    rejected = cli("report", bad, "--key", verdicts["pub"])
    assert rejected.exit_code == 1 and "not reporting on a verdict that does not verify" in error_line(rejected)
    wrong = cli("report", verdict, "--key", verdicts["pub"], "--document", verdicts["fail"][1])
    assert wrong.exit_code == 2 and "is not the document this verdict was computed from" in error_line(wrong)


def test_docs_command_writes_a_model_card_from_the_latest_verdict(cli, verdicts, tmp_path):
    verdict, _ = verdicts["fail"]
    out = tmp_path / "card.md"
    result = cli("docs", BUNDLES / "support-llm-ft", "--verdict", verdict, "--key", verdicts["pub"], "-o", out)
    assert result.exit_code == 0, result.stderr
    card = out.read_text()
    assert card.startswith("# Model card: acme-support-assistant 1.4.0")
    assert "**Compliance: FAILED**" in card
    assert "| tatsu-lab/alpaca | 2023-03-13 | CC-BY-NC-4.0 |" in card
    assert "| acme support eval 2026-09 test | accuracy | 0.874 | >= 0.9 | 0.881 |" in card
    assert "Legal hold: active (Litigation hold" in card
    assert "- [critical] LIC-002 dataset:tatsu-lab/alpaca" in card
    other, _ = verdicts["pass"]
    mismatch = cli("docs", BUNDLES / "support-llm-ft", "--verdict", other, "-o", out)
    assert mismatch.exit_code == 2 and "computed from another version of these inputs" in error_line(mismatch)
    alone = cli("docs", BUNDLES / "credit-risk-pd", "-o", tmp_path / "plain.md")
    assert alone.exit_code == 0 and "Compliance:" not in (tmp_path / "plain.md").read_text()


def test_gate_refreshes_the_model_card(cli, verdicts, tmp_path):
    result = cli("gate", BUNDLES / "chest-xray-triage", "--key", verdicts["dir"] / "mlgov-key.pem", "--as-of",
                 "2026-11-24", "--out", tmp_path / "v.json", "--docs", tmp_path / "docs")
    assert result.exit_code == 1
    card = (tmp_path / "docs" / "model-card.md").read_text()
    assert "# Model card: cxr-triage 2.1.0" in card and "LIC-002 dataset:imagenet-1k" in card


def test_the_verification_script_printed_in_the_report_works(verdicts, tmp_path):
    """The report tells a regulator to run check.py: it must verify a real verdict and reject a forgery."""
    import hashlib
    import subprocess
    import sys

    from mlgov.reports.verify_howto import SCRIPT

    script = tmp_path / "check.py"
    script.write_text(SCRIPT)
    verdict, _ = verdicts["pass"]
    subjects = {s["digest"]["sha256"] for s in json.loads(__import__("base64").b64decode(
        json.loads(verdict.read_text())["payload"]))["subject"]}
    artifact = next(p for p in (BUNDLES / "credit-risk-pd").rglob("*") if p.is_file()
                    and hashlib.sha256(p.read_bytes()).hexdigest() in subjects)
    ok = subprocess.run([sys.executable, str(script), str(verdict), str(verdicts["pub"]), str(artifact)],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stdout.startswith("PASSED"), ok.stderr
    manifest = str(BUNDLES / "credit-risk-pd" / "mlgov.yaml")
    other = subprocess.run([sys.executable, str(script), str(verdict), str(verdicts["pub"]), manifest],
                           capture_output=True, text=True, check=False)
    assert other.returncode != 0 and "artifact is not a subject" in other.stderr


def test_reports_name_the_catalog_versions_that_applied(cli, verdicts):
    oscal = json.loads(report(cli, verdicts, "pass", "oscal"))
    props = {p["value"]: p["remarks"] for p in oscal["assessment-results"]["metadata"]["props"]
             if p["name"] == "catalog"}
    assert props["SR-26-2: SR 26-2 (2026)"].startswith("in force on the evaluation date")
    assert props["SR-11-7: SR 11-7 (2011)"].startswith("no longer in force on the evaluation date")
    assert "GDPR: Regulation (EU) 2016/679" in props
    findings = oscal["assessment-results"]["results"][0]["findings"]
    assert not any(f["title"].startswith("SR-11-7:") for f in findings)  # rescinded: not assessed as current
    md = report(cli, verdicts, "pass", "md")
    assert "- SR-26-2: SR 26-2 (2026), in force on 2026-11-24 (from 2026-04-17;" in md
    header = md.split("## Controls by regime")[1].splitlines()[2]
    assert "| not assessed | not in force | not applicable |" in header


def test_reports_label_the_evaluation_date_and_the_signing_time_apart(cli, verdicts, tmp_path, freeze_clock):
    """A verdict signed on 2026-12-05 for an evaluation as of 2026-11-24: no report calls the
    signing time the evaluation date."""
    freeze_clock("2026-12-05T12:00:00+00:00")
    verdict, document = tmp_path / "v.json", tmp_path / "doc.json"
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", verdicts["dir"] / "mlgov-key.pem", "--as-of",
                 "2026-11-24", "--out", verdict, "--document-out", document, "--docs", tmp_path / "docs")
    assert result.exit_code in (0, 1), result.stderr

    def render(fmt):
        out = cli("report", verdict, "--format", fmt, "--key", verdicts["pub"], "--document", document)
        assert out.exit_code == 0, out.stderr
        return out.stdout

    evaluated, signed = "2026-11-24T00:00:00Z", "2026-12-05T12:00:00Z"
    assert f"Evaluated as of {evaluated}; signed {signed}; valid until 2027-03-05T12:00:00Z." in render("md")
    assert f"Evaluated as of {evaluated}; signed {signed}; verdict valid until" in render("html")
    props = json.loads(render("sarif"))["runs"][0]["properties"]
    assert (props["as_of"], props["signed_at"]) == (evaluated, signed)
    result_ = json.loads(render("oscal"))["assessment-results"]["results"][0]
    assert result_["start"] == signed  # when the observations were made
    assert {p["name"]: p["value"] for p in result_["props"]}["evaluated-as-of"] == evaluated
    card = (tmp_path / "docs" / "model-card.md").read_text()
    assert f"from the verdict signed {signed}, evaluated as of {evaluated} (" in card
    assert f"- Disposition as of {evaluated}: " in card and f"Disposition as of {signed}" not in card
