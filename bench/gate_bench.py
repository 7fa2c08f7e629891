"""Gate latency as CI sees it: a cold `mlgov gate` process (all built-in packs, signing included)
on each example bundle, and a cold `mlgov verify`.

Run: .venv/bin/python bench/gate_bench.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlgov.resources import example_bundles

RUNS = 7


def cold_ms(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    mlgov = str(Path(sys.executable).with_name("mlgov"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([mlgov, "keygen", "-o", tmp], check=True, capture_output=True)
        key, pub = f"{tmp}/mlgov-key.pem", f"{tmp}/mlgov-key.pub.pem"
        print(f"cold CLI, median of {RUNS} (ms)")
        print(f"{'bundle':<20} {'gate':>8} {'verify':>8}")
        for name, bundle in example_bundles().items():
            verdict = f"{tmp}/{name}.json"
            gate = cold_ms([mlgov, "gate", str(bundle), "--key", key, "--as-of", "2026-11-24", "--out", verdict])
            verify = cold_ms([mlgov, "verify", verdict, "--key", pub, "--at", "2026-11-25"])
            print(f"{name:<20} {gate:>8.0f} {verify:>8.0f}")
        print(f"{'mlgov --version':<20} {cold_ms([mlgov, '--version']):>8.0f}")


if __name__ == "__main__":
    main()
