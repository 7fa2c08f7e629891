"""Inputs at the documented limits are processed within 10 s and 1 GB.

Each case builds its input in a temporary directory, runs ``mlgov normalize`` in a child
process and reports wall time, peak RSS of the child and exit code. Run:

    .venv/bin/python bench/limits_bench.py
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from mlgov.document.vocab import MAX_LICENSE_EXPRESSION_CHARS, MAX_NAME_CHARS
from mlgov.resources import data_dir
from mlgov.safeio import MAX_STRING_CHARS
from mlgov.sources.bundle import COUNTED_LISTS, MAX_BUNDLE_FILES

MLGOV = [sys.executable, "-m", "mlgov"]


def bundle_with_files(root: Path, count: int) -> Path:
    shutil.copytree(data_dir("fixtures") / "bundles" / "credit-risk-pd", root)
    manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
    (root / "many").mkdir()
    listed = sum(len(v) for k, v in manifest.items() if k in COUNTED_LISTS and isinstance(v, list))
    for i in range(count - listed):
        (root / "many" / f"f{i}.bin").write_bytes(b"x")
        manifest["artifacts"].append({"path": f"many/f{i}.bin", "kind": "other"})
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return root


def bundle_with(root: Path, change) -> Path:
    shutil.copytree(data_dir("fixtures") / "bundles" / "credit-risk-pd", root)
    manifest = yaml.safe_load((root / "mlgov.yaml").read_text())
    change(manifest)
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, width=1 << 30))
    return root


def card(path: Path, front: str) -> Path:
    path.write_text(f"---\n{front}\n---\n# card\n")
    return path


def run(label: str, target: Path) -> None:
    start = time.monotonic()
    proc = subprocess.Popen([*MLGOV, "normalize", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    wall = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024  # the largest child so far
    line = err.decode().strip().splitlines()[-1][:110] if err.strip() else "ok"
    print(json.dumps({"case": label, "seconds": round(wall, 2), "peak_rss_mb_so_far": peak_mb,
                      "exit": proc.returncode, "message": line}))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        run(f"bundle listing {MAX_BUNDLE_FILES} files (the limit)", bundle_with_files(t / "files", MAX_BUNDLE_FILES))
        run(f"bundle listing {MAX_BUNDLE_FILES + 1} files", bundle_with(
            t / "toomany", lambda m: m["artifacts"].extend({"path": f"x{i}", "kind": "other"}
                                                            for i in range(MAX_BUNDLE_FILES))))
        expr = " AND ".join(["MIT"] * (MAX_LICENSE_EXPRESSION_CHARS // 8))
        run(f"licence expression of {len(expr)} chars", card(t / "lic.md", f"license: {expr}"))
        run("licence expression of 1 MB", card(t / "lic2.md", "license: " + " AND ".join(["MIT"] * 130_000)))
        run(f"model name of {MAX_NAME_CHARS} chars", bundle_with(t / "name", lambda m: m["model"].update(
            name="n" * MAX_NAME_CHARS)))
        run("model name of 10 MB",
            bundle_with(t / "name2", lambda m: m["model"].update(name="n" * 10_000_000)))
        run(f"description of {MAX_STRING_CHARS} chars", bundle_with(t / "desc", lambda m: m["model"].update(
            description="d " * (MAX_STRING_CHARS // 2))))


if __name__ == "__main__":
    main()
