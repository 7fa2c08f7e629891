"""A pack may use a sibling pack's library module (pack.yaml `libraries`): one definition,
loaded with either pack alone, once when both are, and covered by the using pack's digest."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from mlgov import normalize
from mlgov.errors import EvaluationError
from mlgov.evaluation.evaluate import Evaluator
from mlgov.packs import load_pack, load_packs
from mlgov.resources import data_dir
from mlgov.timeutil import normalize as stamp

from conftest import BUNDLES, rego_rule

LIB = "package mlgov.lib.shared\n\nimport rego.v1\n\nnamed(d) if d.license\n"
USES = ('findings := [f | some i; d := input.document.datasets[i]; not data.mlgov.lib.shared.named(d); '
        'f := {"message": "no license", "evidence": [sprintf("/datasets/%d", [i])]}]')


def _packs(make_pack, lib: str = LIB, libraries: str = "[../owner/lib.rego]"):
    owner = make_pack("owner", {"lib.rego": lib, "a.rego": rego_rule("TST-001", "owner.a", USES)})
    user = make_pack("user", {"b.rego": rego_rule("TST-002", "user.b", USES)})
    (user / "pack.yaml").write_text((user / "pack.yaml").read_text() + f"libraries: {libraries}\n")
    return owner, user


def _rules(packs) -> dict[str, int]:
    document = normalize([BUNDLES / "support-llm-ft"])
    for d in document["datasets"]:
        d.pop("license", None)
    as_of = stamp("2026-11-24T00:00:00Z", "as_of", None)
    result = Evaluator(load_packs(packs), engine="regorus", cross_check="opa").run(document, as_of)
    return dict(Counter(f["rule"] for f in result["findings"]))


def test_library_works_with_the_using_pack_alone_and_once_with_both(make_pack):
    owner, user = _packs(make_pack)
    alone = _rules([user])
    assert set(alone) == {"TST-002"} and alone["TST-002"] > 0
    assert _rules([owner, user]) == _rules([user, owner]) == {"TST-001": alone["TST-002"], **alone}


def test_digest_covers_the_library_text(make_pack):
    owner, user = _packs(make_pack)
    first = load_pack(user)
    assert first.files[-1]["path"] == "../owner/lib.rego"
    (owner / "lib.rego").write_text(LIB + "# edited\n")
    assert load_pack(user).digest != first.digest


def test_a_library_that_differs_from_a_loaded_one_is_refused(make_pack):
    """Another pack defining the library's package with other text: never merged."""
    _, user = _packs(make_pack)
    other = make_pack("other", {"lib.rego": LIB + "other(d) if d.name\n",
                                "c.rego": rego_rule("TST-003", "other.c", USES)})
    with pytest.raises(EvaluationError, match=re.escape("package mlgov.lib.shared is also defined in other/lib.rego")):
        load_packs([other, user])


@pytest.mark.parametrize("libraries, says", [
    ("[../owner/lib_test.rego]", "is not a library module of a sibling pack"),
    ("[../nowhere/lib.rego]", "is not in a rule pack"),
    ("[lib.rego]", "does not match"),
])
def test_bad_library_references_are_refused(make_pack, libraries, says):
    _, user = _packs(make_pack, libraries=libraries)
    with pytest.raises(EvaluationError, match=re.escape(says)):
        load_pack(user)


def test_a_library_must_not_define_a_rule(make_pack):
    _, user = _packs(make_pack, libraries="[../owner/a.rego]")
    with pytest.raises(EvaluationError, match="a library of pack user must not define a rule"):
        load_pack(user)


def test_governance_uses_the_approvals_library_itself():
    """GOV-012 counts validations by the approvals pack's `counted`, not by a copy."""
    governance = load_pack(data_dir("policies") / "governance")
    approvals = load_pack(data_dir("policies") / "approvals")
    shared = [m for m in governance.rego_modules if m.package == "mlgov.lib.approvals"]
    assert [m.text for m in shared] == [m.text for m in approvals.rego_modules if m.package == "mlgov.lib.approvals"]
    assert shared and {"path": "../approvals/lib.rego", "sha256": shared_sha(approvals)} in governance.files


def shared_sha(approvals) -> str:
    return next(f["sha256"] for f in approvals.files if f["path"] == "lib.rego")


def test_gate_requires_signed_validations_with_the_governance_pack_alone(cli, tmp_path):
    """--require-signed-approvals reaches every loaded pack that counts approvals, not only `approvals`."""
    import base64
    import json

    assert cli("keygen", "-o", tmp_path / "ci").exit_code == 0
    governance = data_dir("policies") / "governance"

    def gov_012(*extra: str) -> list[str]:
        out = tmp_path / "v.json"
        key = tmp_path / "ci" / "mlgov-key.pem"
        result = cli("gate", BUNDLES / "credit-risk-pd", "--packs", governance, "--key", key,
                     "--as-of", "2026-11-24", "--out", out, *extra)
        assert result.exit_code in (0, 1), result.stderr
        predicate = json.loads(base64.b64decode(json.loads(out.read_text())["payload"]))["predicate"]
        return [f["message"] for f in predicate["findings"] if f["rule"] == "GOV-012"]

    assert gov_012() == []
    [message] = gov_012("--require-signed-approvals")
    assert "has no validation that counts: the validation by Marcus Lindqvist" in message
    assert "is not authenticated although signed approvals are required" in message
