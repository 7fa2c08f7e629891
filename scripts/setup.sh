#!/usr/bin/env bash
# Create .venv (once) and install mlgov from this checkout as a real wheel (not editable),
# so that everything runs against what users get from `pip install .`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mlgov needs Python 3.11 or newer")'
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# the embedded Rego engine is pinned by hash (one person controls its PyPI name)
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/regorus.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps .
.venv/bin/python -m pip install --quiet --disable-pip-version-check ".[test,mlflow]"
