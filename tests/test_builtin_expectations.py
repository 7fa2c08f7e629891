"""What the built-in packs find in the three example releases, and why a compliance officer
would expect exactly that. regorus and OPA (the reference) must agree (cross-check)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlgov import normalize
from mlgov.evaluation import evaluate
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs
from mlgov.timeutil import normalize as stamp

from conftest import BUNDLES

# The bundles declare the terms of their own LicenseRefs (mlgov.yaml `licenses:`, reviewed by the
# organisation); without that, LIC-012 would ask for each to be reviewed ("terms unknown").
EXPECTED = {
    # A Tier-1 bank model with internal, bureau-licensed and public-domain data, validated by an
    # independent MRM team, approved by owner, validator and compliance before deployment, and
    # in use: nothing blocks it; the record is kept while the model is in use (SR 11-7).
    # (issue 12) It is registered in the bank's model inventory, has an SR 26-2 materiality tier
    # and was validated within the year its materiality allows; each personal dataset names its
    # GDPR Art. 6(1) basis and says it holds no special-category data, and the DPIA is on file.
    "credit-risk-pd": {
        ("RET-001", "credit-risk-pd@3.2.0"),
        # its model file and three datasets state their own retention classes: one line each (info)
        ("RET-006", "artifact:credit-risk-pd-model"),
        ("RET-006", "dataset:bureau-attributes"),
        ("RET-006", "dataset:holdout-2025q4"),
        ("RET-006", "dataset:loan-applications"),
    },
    # A commercial radiology device fine-tuned from torchvision's ImageNet weights: ImageNet's
    # terms of access allow non-commercial research only, and the device inherits that through
    # its base model (the finding names the path). Everything else is in order.
    "chest-xray-triage": {
        ("LIC-002", "dataset:imagenet-1k"),
        ("RET-001", "cxr-triage@2.1.0"),
        # the device file and its three datasets carry their own retention classes (info lines)
        ("RET-006", "artifact:cxr-triage.onnx"),
        ("RET-006", "dataset:mercy-cxr-2024"),
        ("RET-006", "dataset:nih-chestxray14"),
        ("RET-006", "dataset:reader-study-2025"),
        # (issue 12) Patient images are sensitive data: a data protection sign-off is needed on top
        # of the high tier's (APR-020); and this evaluation is not recorded in an audit log, which
        # 21 CFR 11.10(e) requires of the decision (GOV-020; `mlgov gate --log` records it).
        ("APR-020", "cxr-triage@2.1.0"),
        ("GOV-020", "cxr-triage@2.1.0"),
    },
    # A commercial support assistant: Alpaca is CC-BY-NC-4.0 (blocks commercial use); Dolly is
    # CC-BY-SA-3.0 (share-alike to review); Llama 3.1's use restrictions must be carried into the
    # model's terms and its community conditions reviewed; the compliance approval was for v1.3.0's
    # adapter; accuracy misses its 0.9 floor and regresses against the champion; the record has no
    # placed-on-market date for its 10-year clock, and it is under a legal hold.
    "support-llm-ft": {
        ("LIC-002", "dataset:tatsu-lab/alpaca"),
        ("LIC-004", "dataset:databricks/databricks-dolly-15k"),
        ("LIC-005", "model:meta-llama/llama-3.1-8b-instruct"),
        ("LIC-006", "model:meta-llama/llama-3.1-8b-instruct"),
        ("APR-003", "approval:compliance clara winter 2026-08-14t13:20:00z"),
        ("DOC-004", "evaluation:acme support eval 2026-09 test"),
        ("VAL-001", "evaluation:acme support eval 2026-09 test"),
        ("RET-002", "acme-support-assistant@1.4.0"),
        ("RET-001", "acme-support-assistant@1.4.0"),
        # the legal hold reaches the adapter and both datasets, each with its own class (info lines)
        ("RET-006", "artifact:acme-support-assistant-adapter"),
        ("RET-006", "dataset:acme/support-eval-2026-09"),
        ("RET-006", "dataset:acme/support-transcripts-2025"),
        # (issue 12) A generative system in EU scope after 2026-08-02 (Art. 50): it tells users they
        # talk to an AI system but states no marking of generated replies. The evaluation set holds
        # personal data with no GDPR Art. 6 basis; neither personal dataset says whether it holds
        # special-category data (Art. 9); 412,993 support transcripts are large-scale processing
        # with no DPIA on file (Art. 35).
        ("GOV-004", "acme-support-assistant@1.4.0"),
        ("GOV-030", "dataset:acme/support-eval-2026-09"),
        ("GOV-031", "dataset:acme/support-eval-2026-09"),
        ("GOV-031", "dataset:acme/support-transcripts-2025"),
        ("GOV-032", "acme-support-assistant@1.4.0"),
    },
}


@pytest.mark.parametrize("bundle", sorted(EXPECTED))
def test_findings_on_the_examples(bundle):
    result = evaluate(normalize([BUNDLES / bundle]), load_packs(builtin_packs()), stamp("2026-11-24", "t", None),
                      cross_check="opa", validated=True)
    assert {(f["rule"], f["subject"]) for f in result["findings"]} == EXPECTED[bundle]


def test_every_builtin_rule_has_tests_that_make_it_pass_and_fail():
    """Each rule appears in its pack's cases both with 0 expected findings and with some."""
    for pack in load_packs(builtin_packs()):
        zero, some = set(), set()
        for path in pack.test_files:
            for case in yaml.safe_load(Path(path).read_text())["cases"]:
                for rule, n in case.get("expect", {}).items():
                    (zero if n == 0 else some).add(rule)
                some |= set(case.get("expect_text", {}))
        for rule in pack.rules:
            if rule.id in ("RET-001", "RET-006"):  # dispositions: tested for each action instead
                assert rule.id in some
                continue
            assert rule.id in zero and rule.id in some, f"{rule.id} lacks a passing or a failing case"
