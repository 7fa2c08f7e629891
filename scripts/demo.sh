#!/usr/bin/env bash
# The main job on a bundled example: normalize the credit-risk release bundle and summarise it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
bundle="$(.venv/bin/mlgov examples credit-risk-pd)"
exec .venv/bin/mlgov normalize "$bundle" -o out/credit-risk-pd.document.json
