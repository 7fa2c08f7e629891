#!/usr/bin/env bash
# Create .venv (once) and install mlgov from this checkout as a real wheel (not editable),
# so that everything runs against what users get from `pip install .`.
#   bash scripts/setup.sh        the main job: mlgov and its pinned Rego engines (light)
#   bash scripts/setup.sh test   plus the test tools and the test-only extras (mlflow, ~850 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mlgov needs Python 3.11 or newer")'
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
# the embedded Rego engines are pinned by hash (one person controls each PyPI name); OPA's wheel
# claims Python >= 3.14 but is pure ctypes and runs on 3.11 (see requirements/opa.txt)
"${pip[@]}" --require-hashes --no-deps -r requirements/regorus.txt
"${pip[@]}" --require-hashes --no-deps --ignore-requires-python -r requirements/opa.txt
"${pip[@]}" --force-reinstall --no-deps .
if [ "${1:-}" = "test" ]; then
  "${pip[@]}" ".[test,mlflow]"
else
  "${pip[@]}" .
fi
