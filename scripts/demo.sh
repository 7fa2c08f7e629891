#!/usr/bin/env bash
# The main job on a bundled example: the CI gate on the credit-risk release bundle (signed
# verdict, audit-log entry, refreshed model card), the check a deployment system makes before
# releasing it, and the regulator's HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
mlgov=.venv/bin/mlgov
[ -f out/mlgov-key.pem ] || "$mlgov" keygen -o out
bundle="$("$mlgov" examples credit-risk-pd)"
# the example's approvals are signed with published TEST-ONLY keys; this policy trusts them
"$mlgov" gate "$bundle" --key out/mlgov-key.pem --out out/verdict.json --document-out out/document.json \
  --log out/audit.db --docs out --approvers "$bundle/../../approvers/TEST-ONLY-approvers.yaml"
"$mlgov" verify out/verdict.json --key out/mlgov-key.pub.pem --artifact "$bundle/model/model.ubj" --require-pass
"$mlgov" report out/verdict.json --key out/mlgov-key.pub.pem --document out/document.json -o out/report.html
