"""Evaluation speed: all built-in packs per document on regorus, OPA (in process) and regopy side
by side, raw engine time vs what mlgov adds, YAML-native vs the same logic in Rego, and scaling
with document size on regorus and OPA.

Run: .venv/bin/python bench/eval_bench.py   (about a minute)
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from timing import median_ms

from mlgov import normalize
from mlgov.evaluation.evaluate import Evaluator
from mlgov.packs import load_pack, load_packs
from mlgov.resources import builtin_packs, example_bundles
from mlgov.timeutil import normalize as stamp

AS_OF = stamp("2026-11-24", "bench", None)
HERE = Path(__file__).resolve().parent.parent


def big_document(base: dict, datasets: int) -> dict:
    doc = copy.deepcopy(base)
    template = doc["datasets"][0]
    doc["datasets"] = [{**template, "id": f"ds-{i:05d}", "name": f"ds-{i:05d}"} for i in range(datasets)]
    doc["provenance"] = {}
    doc["lineage"] = {"nodes": [], "edges": [], "upstream": {}, "downstream": {}}
    return doc


def main() -> None:
    packs = load_packs(builtin_packs())
    documents = {name: normalize([path]) for name, path in example_bundles().items()}
    print("all built-in packs, one normalized document (median of 50, ms; schema validation is done by normalize)")
    print(f"{'document':<20} {'engine':<8} {'raw engine':>11} {'mlgov total':>12} {'added':>8}")
    for engine in ("regorus", "opa", "regopy"):
        evaluator = Evaluator(packs, engine=engine)
        for name, doc in documents.items():
            input_ = {"document": doc, "as_of": AS_OF, "params": evaluator.params}
            raw = median_ms(lambda e=evaluator, i=input_: e.engine.evaluate(i))
            total = median_ms(lambda e=evaluator, d=doc: e.run(d, AS_OF, validated=True))
            print(f"{name:<20} {engine:<8} {raw:>11.2f} {total:>12.2f} {total - raw:>8.2f}")

    print("\nsame logic, YAML native vs Rego on regorus (equivalence packs, ms)")
    rego = Evaluator([load_pack(HERE / "tests/packs/equivalence-rego")])
    yaml = Evaluator([load_pack(HERE / "tests/packs/equivalence-yaml")])
    for name, doc in documents.items():
        r = median_ms(lambda d=doc: rego.rego_findings(d, AS_OF))
        y = median_ms(lambda d=doc: yaml.yaml_findings(d, AS_OF))
        print(f"{name:<20} rego {r:>7.2f}   yaml {y:>7.2f}")

    print("\nscaling: one document with N datasets, all built-in packs (ms)")
    evaluators = {engine: Evaluator(packs, engine=engine) for engine in ("regorus", "opa")}
    base = documents["credit-risk-pd"]
    for n in (100, 1000, 10000):
        doc = big_document(base, n)
        times = "   ".join(f"{engine} {median_ms(lambda e=e, d=doc: e.run(d, AS_OF, validated=True), runs=5):>8.1f}"
                           for engine, e in evaluators.items())
        print(f"{n:>6} datasets  {times}   ({len(json.dumps(doc)) // 1024} KiB of JSON)")


if __name__ == "__main__":
    main()
