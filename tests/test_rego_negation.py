"""`not` over a possibly undefined term: OPA and regorus disagree, and the pack loader refuses it.

Every case runs on both real engines with an input where the term in question is missing, and
the static check must flag exactly the cases whose answers differ (opa#1877).
"""

from __future__ import annotations

import contextlib
import json

import opa_bindings
import pytest
import regorus

from mlgov.errors import EvaluationError
from mlgov.packs import load_pack, load_packs
from mlgov.packs.model import RegoModule
from mlgov.packs.rego_negation import RegoNegationChecker
from mlgov.resources import builtin_packs, schema_path

from conftest import BUNDLES, error_line, rego_rule

HELPERS = """
f(v) if is_object(v)
uf(_) := {"foo": true} if false
default fd(_) := false
fd(v) if is_object(v)
undef_rule := 1 if false
default dflt := 1
const := {"a": 1}
model := object.get(input.document, "model", {})
name := input.document.model.name
"""

INPUT = {"x": {"present": 1, "other": 2}, "arr": [1],
         "document": {"schema": "s", "subjects": [], "model": {"intended_use": {}}}}

# (name, body of `r if { ... }`, the engines differ)
CASES = [
    # a negated builtin call: its arguments are evaluated outside the `not` by OPA
    ("builtin on a missing field", "not is_object(input.x.missing)", True),
    ("builtin on a missing input key", "not is_object(input.missing)", True),
    ("builtin on a local's field", "m := input.x\n not is_object(m.missing)", True),
    ("builtin on a missing array element", "not is_string(input.arr[5])", True),
    ("builtin, second argument", 'not startswith("a", input.x.missing)', True),
    ("builtin on object.get(...).field", 'not is_object(object.get(input.x, "k", null).z)', True),
    ("builtin on a missing nested call", "not count(input.x.missing) > 0", True),
    ("builtin on an undefined rule", "not is_object(undef_rule)", True),
    ("builtin on an undefined rule by path", "not is_object(data.t.undef_rule)", True),
    ("builtin on an undefined function call", "not is_object(uf(1))", True),
    ("builtin on an array literal holding a missing field", "not is_array([input.x.missing])", True),
    ("builtin on a field of a some-in element", "some v in input.arr\n not is_object(v.missing)", True),
    ("builtin on a function argument's field", "k({})", True),  # k: see _module
    ("builtin on a document field the schema does not require", "not is_object(input.document.model.owner)", True),
    ("builtin on a rule reading an optional field", "not startswith(name, \"x\")", True),
    ("builtin on a field read only in a comprehension before",
     "c := [1 | input.x.missing]\n not is_string(input.x.missing)", True),
    # user functions and operators other than ==/= are calls too
    ("user function on a missing field", "not f(input.x.missing)", True),
    ("!= on a missing field", "not input.x.missing != 1", True),
    ("!= between two references", "not input.x.missing != input.x.other", True),
    ("< on a missing field", "not input.x.missing < 3", True),
    ("<= against a local", "now := 5\n not input.x.missing <= now", True),
    ("membership of a missing field", 'not input.x.missing in ["a"]', True),
    ("membership in a missing field", 'not "a" in input.x.missing', True),
    ("arithmetic on a missing field", "not input.x.missing + 1 > 0", True),
    ("arithmetic under ==", "not input.x.missing + 1 == 2", True),
    # under == the operands stay in place, but nested calls, indexes and literals move out
    ("== with a call operand", "not count(input.x.missing) == 0", True),
    ("== with a call on the right", "not input.x.present == count(input.x.missing)", True),
    ("== with a user function operand", "not f(input.x.missing) == true", True),
    ("== with an array literal", "not [input.x.missing] == []", True),
    ("== with an object literal", 'not {"a": input.x.missing} == {}', True),
    ("index by a missing field", "not const[input.x.missing]", True),
    ("set union under ==", "not input.x.missing | {1} == {1}", True),
    ("field of an object literal holding a missing field", 'not {"k": input.x.missing}["k"] == 1', True),
    ("field of an undefined function call", "not uf(1).foo", True),
    # the same on both engines
    ("== on a missing field", "not input.x.missing == 1", False),
    ("== true on a missing field", "not input.x.flag == true", False),
    ("= on a missing field", "not input.x.missing = 1", False),
    ("== between two references", "not input.x.missing == input.x.other", False),
    ("== against a local", 'c := "a"\n not input.x.missing == c', False),
    ("== on an undefined rule", "not undef_rule == 1", False),
    ("== on an element of a missing field", "not input.x.missing[0] == 1", False),
    ("== on a field of object.get", 'not object.get(input.document, "missing", {}).z == 1', False),
    ("a bare missing field", "not input.x.missing", False),
    ("a bare undefined rule", "not undef_rule", False),
    ("a helper rule", "not h", False),
    ("a function reading the field itself", "not g(input.document)", False),
    ("builtin on a document field the schema requires", "not is_array(input.document.subjects)", False),
    ("builtin on a value bound first", 'v := object.get(input.x, "missing", null)\n not is_object(v)', False),
    ("builtin on a local", 'v := input.x\n not is_string(v)', False),
    ("builtin on a rule with a default", "not is_object(dflt)", False),
    ("builtin on object.get of a defined rule", 'not is_object(object.get(model, "intended_use", null))', False),
    ("user function with a default", "not fd(input.document)", False),
    ("builtin on a field read before", "input.x.present\n not is_string(input.x.present)", False),
    ("count of a comprehension", "not count([v | v := input.x.missing]) > 0", False),
]

EXTRA = """
g(o) if is_object(o.missing)
h if input.x.missing == 1
"""


def _module(body: str) -> str:
    k = "k(o) if { not is_object(o.missing) }\n" if "k(" in body else ""  # the negation is in k's body
    return f"package t\n\nimport rego.v1\n{HELPERS}{EXTRA}{k}\nr if {{\n {body}\n}}\n"


def _regorus(src: str) -> object:
    engine = regorus.Engine()
    engine.add_policy("t.rego", src)
    engine.set_input(INPUT)
    return engine.eval_rule("data.t.r")


def _opa(src: str) -> object:
    engine = opa_bindings.OpaEngine()
    engine.add_policy("t.rego", src)
    try:
        return engine.eval_document("t.r", INPUT)
    except opa_bindings.OpaUndefinedError:
        return None


def _flagged(src: str) -> list[EvaluationError]:
    checker = RegoNegationChecker(json.loads(schema_path("artifact-document").read_bytes()))
    with contextlib.suppress(EvaluationError):  # the first finding is raised; all are kept
        checker.check([RegoModule("t.rego", src, "t")])
    return checker.findings


@pytest.mark.parametrize(("name", "body", "differs"), CASES, ids=[c[0] for c in CASES])
def test_the_check_flags_exactly_the_negations_the_engines_evaluate_differently(name, body, differs):
    src = _module(body)
    on_regorus, on_opa = _regorus(src), _opa(src)
    assert (on_regorus != on_opa) is differs, (on_regorus, on_opa)
    if differs:  # regorus takes the negation as true, OPA fails the body
        assert on_regorus is True and on_opa is None
    flagged = _flagged(src)
    assert bool(flagged) is differs, [f.one_line() for f in flagged]


def test_the_helpers_alone_are_not_flagged():
    assert _flagged(_module("true")) == []


def test_a_user_pack_with_a_differing_negation_is_refused_naming_file_line_and_fix(cli, make_pack):
    body = ("findings := [f |\n\tm := input.document.model\n\tnot is_object(m.intended_use)\n"
            '\tf := {"message": "no intended use", "evidence": ["/model"]}\n]')
    pack = make_pack("negation", {"a.rego": rego_rule("NEG-001", "negation.a", body)})
    result = cli("eval", BUNDLES / "credit-risk-pd", "--packs", pack, "--as-of", "2026-11-24")
    assert result.exit_code == 2
    line = error_line(result)
    assert "negation/a.rego:13:" in line and "`not is_object(m.intended_use)`" in line
    assert "`m.intended_use` may be undefined" in line and "opa#1877" in line and "object.get" in line


def test_the_fixed_rule_loads_and_a_failure_is_not_cached(tmp_path, make_pack, monkeypatch):
    monkeypatch.setenv("MLGOV_CACHE_DIR", str(tmp_path / "cache"))
    bad = ("findings := [f |\n\tm := input.document.model\n\tnot is_object(m.intended_use)\n"
           '\tf := {"message": "no intended use", "evidence": ["/model"]}\n]')
    pack = make_pack("negation", {"a.rego": rego_rule("NEG-001", "negation.a", bad)})
    for _ in range(2):
        with pytest.raises(EvaluationError, match="may be undefined"):
            load_pack(pack)
    good = make_pack("fixed", {"a.rego": rego_rule("NEG-001", "fixed.a", bad.replace(
        "not is_object(m.intended_use)", 'not is_object(object.get(m, "intended_use", null))'))})
    load_pack(good)


def test_no_built_in_pack_has_a_differing_negation():
    schema = json.loads(schema_path("artifact-document").read_bytes())
    for pack in load_packs(builtin_packs()):
        RegoNegationChecker(schema).check(pack.rego_modules)
