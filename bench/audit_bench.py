"""Retention audit at inventory scale: a generator of realistic synthetic inventories (model
versions with datasets (some shared by a model's versions, some with their own retention class or
under hold), lineage, retention facts, legal holds), then the audit of 10,000 and
100,000 artifacts with all built-in retention rules on every core. Reports seconds, the 100k/10k
ratio and peak memory (this process and its workers).

Run: .venv/bin/python bench/audit_bench.py [--engine regorus|opa] [N ...]    (default: regorus, 10000 100000)
"""

from __future__ import annotations

import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from mlgov.audit.inventory import read_jsonl
from mlgov.audit.retention import audit
from mlgov.packs import load_packs
from mlgov.resources import data_dir
from mlgov.timeutil import from_epoch_ms, normalize

CLASSES = ["model-documentation", "technical-documentation", "device-master-record", "automatic-logs"]


def synthetic_document(i: int, rng: random.Random) -> dict:
    name = f"model-{i // 5:05d}"
    version = f"{i % 5 + 1}.0.0"
    created = from_epoch_ms(rng.randint(1_500_000_000_000, 1_790_000_000_000), "bench", None)
    ds = [{"id": f"ds-{i}-{k}", "name": f"ds-{i}-{k}", "license": "LicenseRef-internal",
           "license_info": {"valid": True, "alternatives": [["LicenseRef-internal"]], "unknown": []},
           "personal_data": rng.random() < 0.3, "roles": ["training"]} for k in range(rng.randint(1, 3))]
    if rng.random() < 0.3:  # the model's versions share a training set: cross-inventory purge safety
        ds[0]["id"] = ds[0]["name"] = f"ds-{name}"
    for d in ds:  # datasets with their own retention class get their own plan line
        if rng.random() < 0.2:
            d["retention_class"] = rng.choice(CLASSES)
        if rng.random() < 0.01:
            d["legal_hold"] = {"active": True, "reason": "regulator inquiry"}
    primary = f"model:{name}"
    nodes = [{"id": primary, "kind": "model", "name": name, "ref": "/model"}]
    nodes += [{"id": f"dataset:{d['id']}", "kind": "dataset", "name": d["name"], "ref": f"/datasets/{k}"}
              for k, d in enumerate(ds)]
    edges = [{"id": f"dataset:{d['id']}|trains|{primary}", "from": f"dataset:{d['id']}", "to": primary,
              "type": "trains"} for d in ds]
    retention = {"created": created, "retention_class": rng.choice(CLASSES)}
    if rng.random() < 0.5:
        retention["placed_on_market"] = created
    if rng.random() < 0.3:
        retention["retired"] = from_epoch_ms(created["epoch_s"] * 1000 + rng.randint(1, 10**11), "bench", None)
    if rng.random() < 0.05:
        retention["legal_hold"] = {"active": True, "reason": "litigation"}
    if rng.random() < 0.2:
        retention["personal_data_purpose_ended"] = normalize("2025-06-30", "bench", None)
    return {
        "schema": "https://mlgov.dev/schemas/artifact-document/v1", "document_id": f"{name}@{version}",
        "subjects": [{"id": f"{name}-{version}", "kind": "model", "name": f"{name}-{version}",
                      "digest": {"sha256": f"{i:064x}"}, **({"retention_class": rng.choice(CLASSES)}
                                                          if rng.random() < 0.1 else {})}],
        "model": {"name": name, "version": version, "owner": {"team": f"team-{i % 17}"}, "risk_tier": "high",
                  "regulatory_scope": ["SR-11-7"]},
        "datasets": ds, "retention": retention,
        "lineage": {"nodes": nodes, "edges": edges, "primary": primary,
                    "upstream": {primary: [{"node": f"dataset:{d['id']}", "path": [f"dataset:{d['id']}", primary],
                                            "via": ["trains"], "distance": 1} for d in ds]},
                    "downstream": {f"dataset:{d['id']}": [{"node": primary, "path": [f"dataset:{d['id']}", primary],
                                                           "via": ["trains"], "distance": 1}] for d in ds}},
        "sources": [], "provenance": {}, "conflicts": [],
    }


def write_inventory(path: Path, n: int) -> None:
    rng = random.Random(20261124)
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps(synthetic_document(i, rng)) + "\n")


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def main(sizes: list[int], engine: str = "regorus") -> None:
    packs = load_packs([data_dir("policies") / "retention"])
    as_of = normalize("2026-11-24", "bench", None)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"inventory-{n}.jsonl"
            write_inventory(path, n)
            start = time.perf_counter()
            outcome = audit(read_jsonl(path, parse=False), packs, as_of, engine=engine)
            elapsed = time.perf_counter() - start
            assert outcome["summary"]["evaluated"] == n, outcome["failures"][:3]
            results[n] = elapsed
            actions = outcome["summary"]["actions"]
            print(f"{engine}: {n:>7} artifacts: {elapsed:7.1f} s ({n / elapsed:,.0f}/s), actions {actions}, "
                  f"peak memory (self + largest worker) {peak_mb():,.0f} MB")
    if 10_000 in results and 100_000 in results:
        print(f"100k / 10k time ratio: {results[100_000] / results[10_000]:.1f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    chosen = "regorus"
    if args[:1] == ["--engine"]:
        chosen, args = args[1], args[2:]
    main([int(a) for a in args] or [10_000, 100_000], chosen)
