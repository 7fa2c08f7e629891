"""One truth in every format: a FAILED verdict shows at least one blocking violation wherever
controls are shown, a PASSED one shows none, and regimes outside the model's scope never carry
findings. Checked by reading each rendered format back (not the view object), on the three
example bundles and on generated verdicts (hypothesis over findings, scope and fail-on)."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import junitparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgov.controls import catalogs, roll_up
from mlgov.packs.loader import load_packs
from mlgov.reports.context import ReportContext
from mlgov.reports.render import render
from mlgov.resources import builtin_packs
from mlgov.verdict.attest import decide

from conftest import BUNDLES

EXAMPLES = ("chest-xray-triage", "credit-risk-pd", "support-llm-ft")
FORMATS = ("html", "md", "json", "sarif", "junit", "oscal")


def out_of_scope(predicate: dict) -> set[str]:
    return {r for r, cs in predicate["controls"].items() if all(c["status"] == "not_applicable" for c in cs.values())}


def read_html(text: str) -> tuple[int, set[str]]:
    sections = re.findall(r"<section class='regime'><h3 id='regime-([^']+)'>(.*?)</section>", text, re.S)
    blocking = sum(body.count("(blocks release)") for _, body in sections)
    return blocking, {regime for regime, _ in sections}


def read_md(text: str) -> tuple[int, set[str]]:
    matrix = text.split("## Controls by regime", 1)[1].split("\n\n", 2)[1]
    rows = [line.strip("|").split("|") for line in matrix.splitlines()[2:]]
    regimes = {r[0].strip() for r in rows}
    return sum(int(r[-1]) for r in rows), {"ORG-POLICY" if r == "Organisation policy" else r for r in regimes}


def read_json(text: str) -> tuple[int, set[str]]:
    controls = json.loads(text)["report"]["controls"]
    return sum(c["blocking"] for cs in controls.values() for c in cs.values()), set(controls)


def read_sarif(text: str) -> tuple[int, set[str]]:
    run = json.loads(text)["runs"][0]
    blocking = [r for r in run["results"] if r["properties"]["blocking"]]
    assert all(r["properties"]["controls"] for r in blocking)  # each blocking result names what it violates
    shown = {c.split(":")[0] for r in run["results"] for c in r["properties"]["controls"]}
    return len({c for r in blocking for c in r["properties"]["controls"]}), shown


def read_junit(text: str) -> tuple[int, set[str]]:
    xml = junitparser.JUnitXml.fromstring(text)
    failures = [case for suite in xml for case in suite if any(isinstance(r, junitparser.Failure) for r in case.result)]
    shown = set()
    for line in re.findall(r"controls: ([^|]*)\|", text):
        shown |= {c.strip().split(":")[0] for c in line.split(",") if ":" in c}
    return len(failures), shown


def read_oscal(text: str) -> tuple[int, set[str]]:
    result = json.loads(text)["assessment-results"]["results"][0]
    findings = result.get("findings", [])
    blocking = [f for f in findings if {"name": "blocking", "value": "true", "ns": "https://mlgov.dev/ns/oscal"}
                in f["props"]]
    assert all(f["target"]["status"]["state"] == "not-satisfied" for f in blocking)
    regimes = {f["title"].split(":")[0] for f in findings}
    return len(blocking), regimes


READERS = {"html": read_html, "md": read_md, "json": read_json, "sarif": read_sarif, "junit": read_junit,
           "oscal": read_oscal}


def check(ctx: ReportContext) -> None:
    p = ctx.predicate
    failed = p["verificationResult"] == "FAILED"
    hidden = out_of_scope(p)
    for fmt in FORMATS:
        blocking, shown = READERS[fmt](render(ctx, fmt))
        assert (blocking >= 1) if failed else (blocking == 0), (fmt, p["decision"], blocking)
        assert not shown & hidden, (fmt, "findings shown under out-of-scope regimes", shown & hidden)


@pytest.fixture(scope="module")
def example_verdicts(tmp_path_factory):
    from conftest import run
    tmp = tmp_path_factory.mktemp("invariants")
    assert run("keygen", "-o", tmp).exit_code == 0
    out = {}
    for name in EXAMPLES:
        verdict = tmp / f"{name}.json"
        result = run("gate", BUNDLES / name, "--key", tmp / "mlgov-key.pem", "--as-of", "2026-11-24", "--out", verdict)
        assert result.exit_code in (0, 1), result.stderr
        out[name] = verdict
    return out, tmp / "mlgov-key.pub.pem"


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_format_agrees_with_the_verdict_on_the_examples(example_verdicts, name):
    from mlgov.reports.context import load_context
    from mlgov.signing.keys import load_public
    from mlgov.signing.trust import TrustedKey
    verdicts, pub = example_verdicts
    ctx = load_context(verdicts[name], [TrustedKey("test", load_public(pub))])
    assert ctx.verified
    check(ctx)


def test_the_reproduction_case_shows_its_blocking_finding(example_verdicts):
    """chest-xray-triage fails on LIC-002, whose controls all lie outside its FDA/21-CFR-11 scope."""
    from mlgov.reports.context import load_context
    verdicts, _ = example_verdicts
    ctx = load_context(verdicts["chest-xray-triage"], [])
    assert ctx.predicate["verificationResult"] == "FAILED"
    html = render(ctx, "html")
    assert "Organisation policy" in html and "LIC-002" in read_html(html)[1] | {"LIC-002"}
    org = next(c for c in ctx.view.regimes["ORG-POLICY"] if c.id == "LIC-002")
    assert org.status == "violated" and org.blocking
    oscal = json.loads(render(ctx, "oscal"))["assessment-results"]["results"][0]["findings"]
    assert any(f["target"]["status"]["state"] == "not-satisfied" for f in oscal)
    assert "EU-AI-ACT" in out_of_scope(ctx.predicate) and "id='regime-EU-AI-ACT'" not in html


@pytest.fixture(scope="module")
def base_statement(example_verdicts):
    from mlgov.reports.context import load_context
    verdicts, _ = example_verdicts
    return load_context(verdicts["support-llm-ft"], []).statement


PACKS = load_packs(builtin_packs())
RULES = sorted((r for p in PACKS for r in p.rules), key=lambda r: r.id)
REGIMES = sorted({c.regime for c in catalogs()})

finding = st.builds(
    lambda rule, severity, waived, subject: {
        "rule": rule.id, "title": rule.title, "pack": rule.pack, "severity": severity, "controls": list(rule.controls),
        "subject": subject, "message": f"generated finding of {rule.id}", "waived": waived,
        "evidence": [{"pointer": "/model/name", "sources": []}], "location": rule.where,
        **({"waiver": "WVR-1"} if waived else {})},
    st.sampled_from(RULES), st.sampled_from(("critical", "high", "medium", "low", "info")), st.booleans(),
    st.sampled_from(("model:m", "dataset:d/x", "run:r")))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(findings=st.lists(finding, max_size=6), scope=st.lists(st.sampled_from(REGIMES), unique=True),
       fail_on=st.sampled_from(("critical", "high", "medium", "low", "info")))
def test_every_format_agrees_with_generated_verdicts(base_statement, findings, scope, fail_on):
    statement = json.loads(json.dumps(base_statement))
    p = statement["predicate"]
    result = {"findings": findings}
    p["findings"] = findings
    p["decision"] = decide(result, fail_on)
    p["verificationResult"] = "PASSED" if p["decision"]["result"] == "pass" else "FAILED"
    p["controls"] = roll_up(PACKS, findings, scope)
    p["summary"] = {"total": len(findings), "waived": sum(f["waived"] for f in findings), "by_severity": {}}
    check(ReportContext(statement, False, "generated", None, "generated.json"))


def test_junit_fails_only_blocking_rules_and_keeps_names_stable(example_verdicts, tmp_path):
    from mlgov.reports.context import load_context
    verdicts, _ = example_verdicts
    names = {}
    for name in EXAMPLES:
        ctx = load_context(verdicts[name], [])
        xml = junitparser.JUnitXml.fromstring(render(ctx, "junit"))
        cases = {case.name: case for suite in xml for case in suite}
        names[name] = set(cases)
        failed = {n for n, c in cases.items() if any(isinstance(r, junitparser.Failure) for r in c.result)}
        assert failed == {f.rule for f in ctx.view.findings if f.blocking}
        assert all(re.fullmatch(r"[A-Z]+-\d+", n) for n in cases)  # the rule id alone
    assert names["credit-risk-pd"] == names["chest-xray-triage"]  # same rules ran: same test names
    ET.fromstring(render(load_context(verdicts["credit-risk-pd"], []), "junit"))


control = st.sampled_from(sorted({f"{c.regime}:{c.id}" for cat in catalogs() for c in cat.controls}))
entry = st.fixed_dictionaries({
    "artifact": st.from_regex(r"[a-z]{3,8}@[0-9]\.[0-9]", fullmatch=True),
    "action": st.sampled_from(("purge", "hold", "review", "archive", "keep")),
    "reason": st.just("generated"), "rule": st.just("RET-001"), "owner": st.sampled_from((None, "A. Owner")),
    "regulations": st.lists(control, unique=True, max_size=6),
    "regulatory_scope": st.lists(st.sampled_from(REGIMES), unique=True),
    "subjects": st.just([])})


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(entry, max_size=5, unique_by=lambda x: x["artifact"]))
def test_plan_renderings_show_only_in_scope_regulations(entries):
    from mlgov.reports import plan

    predicate = {"timeVerified": "2026-11-24T00:00:00Z", "policy": {"digest": {"sha256": "0" * 64}}, "packs": [],
                 "inventory": "inv.jsonl", "entries": entries, "failures": [],
                 "summary": {"artifacts": len(entries), "evaluated": len(entries), "failed": 0, "actions": {}}}
    md, html = plan.markdown(predicate), plan.html(predicate)
    assert "NOT signed" in md and "NOT signed" in html  # no signature given: said, not implied
    for e in entries:
        row = next(line for line in md.splitlines() if line.startswith(f"| {e['artifact']} |"))
        shown = {c.split(":")[0] for c in re.findall(r"[A-Z0-9-]+:[A-Za-z0-9.()-]+", row.split("|")[7])}
        words = {cat.regime: set(cat.scope) for cat in catalogs()}  # SR 26-2 covers a record scoped SR-11-7
        assert all(words[r] & set(e["regulatory_scope"]) for r in shown), (shown, e["regulatory_scope"])
        assert f"**{e['action']}**" in row and f"class='a-{e['action']}'>{e['action']}<" in html
