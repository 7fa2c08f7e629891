"""The YAML rule language: operators, missing values, dates, and equivalence with Rego."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jsonpatch
import pytest

from mlgov import normalize
from mlgov.evaluation import evaluate
from mlgov.packs import load_pack
from mlgov.packs.yaml_rules import parse_duration
from mlgov.timeutil import normalize as stamp

from conftest import BUNDLES

HERE = Path(__file__).parent


def test_durations_are_calendar_aware():
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert parse_duration("10y").before(leap) == datetime(2018, 2, 28, tzinfo=UTC)
    assert parse_duration("6mo").before(datetime(2026, 8, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert parse_duration("P1Y6M").before(datetime(2026, 8, 31, tzinfo=UTC)) == datetime(2025, 2, 28, tzinfo=UTC)
    assert parse_duration("P2W3D").before(datetime(2026, 1, 20, tzinfo=UTC)) == datetime(2026, 1, 3, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_duration("10 years")


def yaml_pack(tmp_path: Path, assert_yaml: str, message: str | None = None, **extra: str) -> Path:
    message = message or ("'m {id}'" if "for_each" in extra else "'m {document_id}'")
    root = tmp_path / "lang"
    root.mkdir(exist_ok=True)
    (root / "pack.yaml").write_text("apiVersion: mlgov.dev/v1\nkind: RulePack\nname: lang\nversion: '1'\n"
                                    "description: d\nregimes: [EU-AI-ACT]\nparams: {allowed: [CC0-1.0, MIT]}\n")
    lines = [f"    {k}: {v}" for k, v in extra.items()]
    (root / "rules.yaml").write_text("apiVersion: mlgov.dev/v1\nkind: Rules\nrules:\n  - id: LNG-001\n"
                                     "    title: t\n    severity: low\n    controls: [EU-AI-ACT:Art.10]\n"
                                     f"    assert: {assert_yaml}\n    message: {message}\n"
                                     + ("\n".join(lines) + "\n" if lines else "    evidence: [/model]\n"))
    return root


CREDIT = normalize([BUNDLES / "credit-risk-pd"])


@pytest.mark.parametrize(("assertion", "extra", "count"), [
    ("{path: model.risk_tier, equals: high}", {}, 0),
    ("{path: model.risk_tier, in: [low, minimal]}", {}, 1),
    ("{path: model.extra.nonexistent, equals: x}", {}, 1),        # a comparison on a missing fact fails
    ("{path: model.extra.nonexistent, not_equals: x}", {}, 0),
    ("{path: model.extra.nonexistent, exists: false}", {}, 0),
    ("{path: model.regulatory_scope, contains: GDPR}", {}, 0),
    ("{path: license, in: {ref: params.allowed}}", {"for_each": "datasets"}, 3),
    ("{path: license, not_in: {ref: params.allowed}}", {"for_each": "datasets"}, 1),
    ("{path: roles, any_items: {path: ., equals: test}}", {"for_each": "datasets"}, 3),
    ("{path: roles, no_items: {path: ., equals: test}}", {"for_each": "datasets"}, 1),
    ("{path: metrics, all_items: {path: value, lt: 1}}", {"for_each": "evaluations"}, 0),
    ("{path: records, gte: 1000000}", {"for_each": "datasets", "when": "{path: records, exists: true}"}, 0),
    ("{path: started, older_than: 30d}", {"for_each": "training_runs"}, 0),
    ("{path: started, older_than: 2y}", {"for_each": "training_runs"}, 2),  # not that old: both fail the assert
    ("{path: timestamp, newer_than: 1y}", {"for_each": "approvals"}, 0),
    ("{path: expires, after: {ref: timestamp}}", {"for_each": "approvals"}, 0),
    ("{path: doc.model.name, matches: '^credit-'}", {"for_each": "approvals"}, 0),
    ("{all: [{path: model.name, exists: true}, {any: [{path: model.extra.x, exists: true}, {not: {path: model.extra.y, "
     "exists: true}}]}]}", {}, 0),
])
def test_operators(tmp_path, assertion, extra, count):
    pack = load_pack(yaml_pack(tmp_path, assertion, **extra))
    result = evaluate(CREDIT, [pack], stamp("2026-11-24", "t", ""))
    assert len(result["findings"]) == count


def test_templates_render_values_pointers_and_timestamps(tmp_path):
    pack = load_pack(yaml_pack(tmp_path, "{path: decision, equals: rejected}", for_each="approvals",
                               message="'{approver.name} approved {doc.model.name} on {timestamp} at {@}'"))
    result = evaluate(CREDIT, [pack], stamp("2026-11-24", "t", ""))
    messages = [f["message"] for f in result["findings"]]
    assert "Elena Vasquez approved credit-risk-pd on 2026-11-12T11:05:00Z at /approvals/0" in messages
    assert result["findings"][0]["subject"] == "approval:" + CREDIT["approvals"][0]["id"]


def variants() -> list[tuple[str, dict]]:
    """The three examples plus versions that make every rule fire."""
    docs = [(name, normalize([BUNDLES / name])) for name in ("credit-risk-pd", "chest-xray-triage", "support-llm-ft")]
    credit = dict(docs[0][1])
    broken = jsonpatch.apply_patch(credit, [
        {"op": "remove", "path": "/datasets/0/lawful_basis"},
        {"op": "replace", "path": "/approvals/1/artifact_digest/sha256", "value": "0" * 64},
        {"op": "replace", "path": "/datasets/2/license", "value": "CC-BY-NC-SA-4.0"},
    ])
    return [*docs, ("credit-risk-pd broken", broken)]


@pytest.mark.parametrize("as_of", ["2026-11-24", "2027-11-11"])
@pytest.mark.parametrize(("name", "document"), variants(), ids=lambda v: v if isinstance(v, str) else "")
def test_yaml_and_rego_with_the_same_logic_agree(name, document, as_of):
    when = stamp(as_of, "t", "")
    rego = evaluate(document, [load_pack(HERE / "packs" / "equivalence-rego")], when)["findings"]
    yaml = evaluate(document, [load_pack(HERE / "packs" / "equivalence-yaml")], when)["findings"]

    def comparable(findings):
        return sorted((f["rule"][-3:], f["message"], [e["pointer"] for e in f["evidence"]], f["subject"])
                      for f in findings)

    assert comparable(rego) == comparable(yaml)
    if name == "credit-risk-pd broken":
        assert {f["rule"] for f in rego} >= {"EQR-001", "EQR-002", "EQR-004"}
    if as_of == "2027-11-11" and name == "credit-risk-pd":
        # two of three approvals lapsed, each signed for both released artifacts (one entry per artifact)
        assert [f["rule"] for f in rego].count("EQR-003") == 4
