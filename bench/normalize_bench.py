"""Normalization speed: the example bundles in-process and as a cold CLI, and lineage scaling.

Run: .venv/bin/python bench/normalize_bench.py   (prints a table; takes about a minute)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms

from mlgov import normalize
from mlgov.resources import example_bundles


def openlineage_fan_in(datasets: int, path: Path) -> None:
    """One training run reading ``datasets`` inputs: a wide, realistic lineage."""
    inputs = [{"namespace": "s3://lake", "name": f"table-{i}"} for i in range(datasets)]
    event = {"eventType": "COMPLETE", "eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "r1"},
             "job": {"namespace": "ml", "name": "train"}, "inputs": inputs,
             "outputs": [{"namespace": "s3://lake", "name": "features"}]}
    path.write_text(json.dumps(event))


def main() -> None:
    script = str(Path(sys.executable).with_name("mlgov"))
    print(f"{'input':<40} {'in-process ms':>14} {'cold CLI ms':>12}")
    for name, bundle in example_bundles().items():
        warm = median_ms(lambda b=bundle: normalize([b]), 20, warm_up=False)
        cold = median_ms(lambda b=bundle: subprocess.run([script, "normalize", str(b)], check=True,
                                                         capture_output=True), 5, warm_up=False)
        print(f"{name:<40} {warm:>14.1f} {cold:>12.0f}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (100, 1000, 5000):
            path = Path(tmp) / f"fan-in-{n}.json"
            openlineage_fan_in(n, path)
            ms = median_ms(lambda p=path: normalize([p]), 3, warm_up=False)
            print(f"{f'openlineage fan-in, {n} datasets':<40} {ms:>14.1f}")


if __name__ == "__main__":
    main()
