#!/usr/bin/env bash
# The whole test suite (pytest) plus the lint gate, against the installed wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash scripts/install-browser.sh
bash scripts/install-consumers.sh
bash scripts/postgres.sh install  # Debian's postgresql for the audit-log tests (apt-get, as root)
.venv/bin/ruff check engine tests bench
exec .venv/bin/python -m pytest -q "$@"
