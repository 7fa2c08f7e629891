"""Property: no schema-valid canonical document makes a built-in rule break the finding contract.

Every built-in rule must judge any document the schema accepts (dataset-only, run-only, odd
values, missing facts) with findings or none, never an evaluation error (exit 2).
Quick profile in the normal run; ``MLGOV_PROPERTY_EXAMPLES=2000 pytest tests/test_pack_properties.py``
for the long one (see README).
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgov.document import validate_document
from mlgov.errors import InputError
from mlgov.evaluation.evaluate import Evaluator
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs, schema_path
from mlgov.timeutil import normalize as stamp

from schema_strategy import from_schema

EXAMPLES = int(os.environ.get("MLGOV_PROPERTY_EXAMPLES", "40"))
SCHEMA = json.loads(schema_path("artifact-document").read_text())
EVALUATOR = Evaluator(load_packs(builtin_packs()))
AS_OF = stamp("2026-11-24", "t", None)


def _valid(doc: dict) -> bool:
    try:
        validate_document(doc, "generated")
    except InputError:  # the strategy covers the schema's keywords, not every combination of them
        return False
    return True


documents = (from_schema(SCHEMA)
             .map(lambda d: {**d, "document_id": d.get("document_id") or "doc"})  # 13 names its absence
             .filter(_valid))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(documents)
def test_builtin_rules_judge_every_schema_valid_document(doc):
    result = EVALUATOR.run(doc, AS_OF, validated=True)  # raises EvaluationError on a broken contract
    assert all(f["evidence"] for f in result["findings"])


@settings(max_examples=max(10, EXAMPLES // 4), deadline=None, derandomize=EXAMPLES <= 40,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(documents, st.sampled_from(["model", "datasets", "training_runs", "evaluations", "approvals", "lineage"]))
def test_documents_without_a_model_get_the_no_model_finding(doc, _):
    doc.pop("model", None)
    result = EVALUATOR.run(doc, AS_OF, validated=True)
    assert "CMP-001" in {f["rule"] for f in result["findings"]}
