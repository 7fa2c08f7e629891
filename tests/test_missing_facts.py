"""docs/missing-facts.md: what every built-in rule does when its facts are missing, each row tested.

The table is generated from tests/data/missing_facts.yaml, which must have exactly one row per
built-in rule; every row's cases run on the example they name (both in-process engines agree,
see test_builtin_expectations). Regenerate the Markdown with MLGOV_REGENERATE=1.
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from pathlib import Path

import jsonpatch
import pytest
import yaml

from mlgov import normalize
from mlgov.evaluation.evaluate import Evaluator
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs
from mlgov.timeutil import normalize as stamp

from conftest import BUNDLES

ROOT = Path(__file__).resolve().parent.parent
TABLE = yaml.safe_load((Path(__file__).parent / "data" / "missing_facts.yaml").read_text())["rows"]
DOC = ROOT / "docs" / "missing-facts.md"
PACKS = load_packs(builtin_packs())
EVALUATOR = Evaluator(PACKS)
AS_OF = stamp("2026-11-24", "t", None)
DOCUMENTS: dict[str, dict] = {}


def _document(name: str) -> dict:
    if name not in DOCUMENTS:
        DOCUMENTS[name] = normalize([BUNDLES / name])
    return copy.deepcopy(DOCUMENTS[name])


def render() -> str:
    rules = {r.id: r for p in PACKS for r in p.rules}
    lines = [
        "# What each built-in rule does when its facts are missing",
        "",
        "Generated from `tests/data/missing_facts.yaml` by `tests/test_missing_facts.py`, which runs every",
        "row's cases against the packs and fails when a rule has no row (regenerate with",
        "`MLGOV_REGENERATE=1 pytest tests/test_missing_facts.py`). The rule: what cannot be established",
        "is not compliant. A row marked *Gap* is a known exception, with the helper who owns the fix.",
        "",
        "| rule | severity | reads | when a fact is missing | tested by |",
        "|---|---|---|---|---|",
    ]
    for row in TABLE:
        meta = rules[row["rule"]]
        cases = "; ".join(_case_text(c) for c in row["cases"])
        lines.append(f"| {row['rule']} {meta.title} | {meta.severity} | {row['reads']} | {row['missing']} | {cases} |")
    return "\n".join(lines) + "\n"


def _case_text(case: dict) -> str:
    ops = ", ".join(f"{p['op']} `{p['path']}`" for p in case.get("patch", [])) or "as is"
    expect = ", ".join(f"{k}: {v}" for k, v in case["expect"].items())
    return f"{case['document']} ({ops}) -> {expect}"


def test_every_builtin_rule_has_exactly_one_row():
    rows = Counter(row["rule"] for row in TABLE)
    assert [r for r, n in rows.items() if n > 1] == []
    assert sorted(rows) == sorted(r.id for p in PACKS for r in p.rules)


def test_the_document_is_the_table():
    text = render()
    if os.environ.get("MLGOV_REGENERATE"):
        DOC.write_text(text)
    assert DOC.read_text() == text, "docs/missing-facts.md is stale: regenerate with MLGOV_REGENERATE=1"


@pytest.mark.parametrize(("row", "case"), [(row, case) for row in TABLE for case in row["cases"]],
                         ids=[f"{row['rule']}-{i}" for row in TABLE for i, _ in enumerate(row["cases"])])
def test_each_row_behaves_as_written(row, case):
    doc = jsonpatch.apply_patch(_document(case["document"]), case.get("patch", []))
    found = Counter(f["rule"] for f in EVALUATOR.run(doc, AS_OF)["findings"])
    assert {rule: found.get(rule, 0) for rule in case["expect"]} == case["expect"]
