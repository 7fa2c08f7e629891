"""``mlgov test``: run a pack's own tests, like ``opa test`` and conftest's ``verify``.

Two kinds of test:
- Rego ``test_*`` rules in ``*_test.rego`` files (using ``with input as ...``), run on
  regorus and on OPA in process (regopy mishandles ``with`` in tests: see ../shared/README.md
  section 4);
- case files (``kind: PolicyTests``): a document (``fixture:NAME`` for a bundled example,
  or a path relative to the case file), an optional JSON Patch, an evaluation date and the
  number of findings expected per rule. Cases of packs with Rego rules run on regorus and
  OPA (and regopy when asked), and every case also checks that the engines found exactly
  the same findings, so the built-in packs are shown to mean on regorus what they mean on OPA.

With a coverage accumulator, OPA records which lines of the pack's modules the tests reached.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpatch

from . import timeutil
from .engines.interface import make_engine
from .engines.opa_inprocess import OpaEngine
from .engines.regorus_engine import RegorusEngine
from .errors import EvaluationError, InputError, MlgovError
from .evaluation.evaluate import Evaluator
from .normalize import normalize
from .packs.model import Pack
from .policycoverage import CoverageAccumulator
from .resources import example_bundles
from .safeio import parse_yaml, read_bounded

_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]+)\b", re.M)
DEFAULT_ENGINES = ("regorus", "opa")  # regopy on request: --engine regopy


@dataclass
class TestResult:
    pack: str
    name: str
    kind: str  # rego | case
    engine: str
    passed: bool
    detail: str = ""
    location: str = ""

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def run_pack_tests(pack: Pack, engines: tuple[str, ...] = DEFAULT_ENGINES,
                   coverage: CoverageAccumulator | None = None) -> list[TestResult]:
    """Every test of one pack on every engine; with ``coverage``, OPA records the lines reached."""
    if coverage is not None:
        coverage.files |= {m.path for m in pack.rego_modules}
        engines = tuple(dict.fromkeys((*engines, "opa")))
    results = _rego_tests(pack, [e for e in engines if e in ("regorus", "opa")], coverage)
    results += _case_tests(pack, engines if pack.rego_modules else ("native",), coverage)
    return results


def _rego_tests(pack: Pack, engines: list[str], coverage: CoverageAccumulator | None) -> list[TestResult]:
    if not pack.rego_tests:
        return []
    modules = [*pack.rego_modules, *pack.rego_tests]
    results = []
    for engine_name in engines:
        try:
            engine = make_engine(engine_name)
            engine.prepare(modules)
        except EvaluationError as exc:
            results.append(TestResult(pack.name, "(load)", "rego", engine_name, False, exc.one_line()))
            continue
        for module in pack.rego_tests:
            for match in _TEST_RULE.finditer(module.text):
                name = match[1]
                line = module.text[: match.start()].count("\n") + 1
                passed, detail = _run_rego_test(engine, f"{module.package}.{name}", coverage)
                results.append(TestResult(pack.name, name, "rego", engine_name, passed, detail,
                                          f"{module.path}:{line}"))
    return results


def _run_rego_test(engine: RegorusEngine | OpaEngine, path: str,
                   coverage: CoverageAccumulator | None) -> tuple[bool, str]:
    try:
        if isinstance(engine, OpaEngine):
            defined, value = engine.value(path, None, coverage=coverage is not None)
            if coverage is not None:
                coverage.add(engine.last_coverage)
            passed = defined and value is True
        else:
            passed = _is_true(engine.fresh().eval_query_as_json(f"data.{path}"))
    except RuntimeError as exc:
        return False, "error: " + " ".join(str(exc).split())[:300]
    except EvaluationError as exc:
        return False, "error: " + exc.one_line()[:300]
    return passed, "" if passed else "false or undefined"


def _is_true(result_json: str) -> bool:
    rows = json.loads(result_json).get("result") or []
    return bool(rows) and rows[0]["expressions"][0]["value"] is True


class _Documents:
    """Base documents of cases, normalized once per run."""

    def __init__(self) -> None:
        self.cache: dict[str, dict] = {}

    def get(self, ref: str, base: Path, where: str) -> dict:
        if ref.startswith("fixture:"):
            bundles = example_bundles()
            name = ref.removeprefix("fixture:")
            if name not in bundles:
                raise EvaluationError(where, f"no bundled example {name!r} (have: {', '.join(bundles)})")
            path = bundles[name]
        else:
            path = (base / ref).resolve()
        key = str(path)
        if key not in self.cache:
            self.cache[key] = normalize([path])
        return copy.deepcopy(self.cache[key])


def _case_tests(pack: Pack, engines: tuple[str, ...], coverage: CoverageAccumulator | None) -> list[TestResult]:
    if not pack.test_files:
        return []
    documents = _Documents()
    evaluators: dict[tuple[str, str], Evaluator] = {}
    results = []
    for path in pack.test_files:
        raw = read_bounded(path, f"{pack.name}/{path.relative_to(pack.root).as_posix()}")
        data = parse_yaml(raw.text(), raw.display)
        for i, case in enumerate(data["cases"]):
            where = f"{raw.display}: /cases/{i}"
            found: dict[str, list] = {}
            for engine in engines:
                result, findings = _run_case(pack, case, where, path.parent, engine, documents, evaluators, coverage)
                results.append(result)
                if findings is not None:
                    found[engine] = findings
            results.extend(_disagreements(pack, case["name"], where, found))
    return results


def _disagreements(pack: Pack, name: str, where: str, found: dict[str, list]) -> list[TestResult]:
    """Engines must find exactly the same findings (rule, message, evidence, subject) on each case."""
    if len(found) < 2:
        return []
    (first, reference), *others = found.items()
    out = []
    for engine, findings in others:
        if findings != reference:
            extra = [f for f in findings if f not in reference] or [f for f in reference if f not in findings]
            out.append(TestResult(pack.name, name, "agreement", f"{first}/{engine}", False,
                                  f"{first} and {engine} found different findings, e.g. {extra[0] if extra else '?'}",
                                  where))
    return out


def _run_case(pack: Pack, case: dict, where: str, base: Path, engine: str, documents: _Documents,
              evaluators: dict[tuple[str, str], Evaluator],
              coverage: CoverageAccumulator | None) -> tuple[TestResult, list | None]:
    def result(passed: bool, detail: str = "") -> TestResult:
        return TestResult(pack.name, case["name"], "case", engine, passed, detail, where)

    try:
        document = documents.get(case["document"], base, where)
        if case.get("patch"):
            document = jsonpatch.apply_patch(document, case["patch"])
        as_of = timeutil.normalize(case.get("as_of", "2026-01-01"), where, "/as_of")
        key = (engine, repr(sorted((case.get("params") or {}).items())))
        if key not in evaluators:
            evaluators[key] = Evaluator([pack], engine="regorus" if engine == "native" else engine,
                                        params={pack.name: case.get("params") or {}})
            if coverage is not None and isinstance(evaluators[key].engine, OpaEngine):
                evaluators[key].engine.coverage_sink = coverage.add
        # run() validates: a patch may break the document
        outcome = evaluators[key].run(document, as_of, audit_log=bool(case.get("audit_logged")))
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        return result(False, f"patch does not apply: {exc}"), None
    except (InputError, EvaluationError, MlgovError) as exc:
        return result(False, f"could not evaluate: {exc.one_line()}"), None
    findings = sorted((f["rule"], f["message"], tuple(e["pointer"] for e in f["evidence"]), f["subject"])
                      for f in outcome["findings"])
    counts: dict[str, int] = {}
    for finding in outcome["findings"]:
        counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    wrong = [f"{rule}: expected {n}, got {counts.get(rule, 0)}" for rule, n in case.get("expect", {}).items()
             if counts.get(rule, 0) != n]
    for rule, text in (case.get("expect_text") or {}).items():
        messages = [f["message"] for f in outcome["findings"] if f["rule"] == rule]
        if not any(text in m for m in messages):
            wrong.append(f"{rule}: no finding says {text!r} (got {messages or 'none'})")
    known = {r.id for r in pack.rules}
    unknown = sorted((set(case.get("expect", {})) | set(case.get("expect_text") or {})) - known)
    if unknown:
        wrong.append(f"rules not in this pack: {', '.join(unknown)}")
    return result(not wrong, "; ".join(wrong)), findings


def example_finding(pack: Pack, rule_id: str) -> tuple[str, dict[str, Any]] | None:
    """A real finding of `rule_id`: the first of its pack's test cases that expects one, evaluated
    (for `mlgov explain`). None when no case expects the rule to fire."""
    documents = _Documents()
    for path in pack.test_files:
        raw = read_bounded(path, f"{pack.name}/{path.relative_to(pack.root).as_posix()}")
        for i, case in enumerate(parse_yaml(raw.text(), raw.display)["cases"]):
            if not (case.get("expect") or {}).get(rule_id):
                continue
            where = f"{raw.display}: /cases/{i}"
            document = documents.get(case["document"], path.parent, where)
            if case.get("patch"):
                document = jsonpatch.apply_patch(document, case["patch"])
            as_of = timeutil.normalize(case.get("as_of", "2026-01-01"), where, "/as_of")
            outcome = Evaluator([pack], params={pack.name: case.get("params") or {}}).run(document, as_of)
            found = next((f for f in outcome["findings"] if f["rule"] == rule_id), None)
            if found is not None:
                return case["name"], found
    return None
