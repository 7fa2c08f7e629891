#!/usr/bin/env bash
# The whole test suite (pytest) plus the lint gate, against the installed wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install-browser.sh
.venv/bin/ruff check engine tests bench
exec .venv/bin/python -m pytest -q "$@"
