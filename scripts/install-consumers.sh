#!/usr/bin/env bash
# The tools that consume our reports, for the tests that check our outputs with them:
# - Microsoft's SARIF multitool (npm @microsoft/sarif-multitool), whose `validate --rule-kind Gh`
#   applies GitHub code scanning's ingestion rules;
# - IBM's compliance-trestle (PyPI), the OSCAL object model, in its own venv (.tools/trestle) so
#   that its pinned dependencies cannot disturb mlgov's.
# Installed once into .tools/ (ignored by git); a no-op when present. A tool that cannot be
# installed is reported; its test then skips outside CI and fails inside it.
set -euo pipefail
cd "$(dirname "$0")/.."
MULTITOOL_VERSION=5.7.0
TRESTLE_VERSION=5.2.0
mkdir -p .tools
if [ ! -x .tools/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --silent --no-audit --no-fund --prefix .tools/sarif-multitool \
      "@microsoft/sarif-multitool@$MULTITOOL_VERSION" >/dev/null || echo "note: could not install the SARIF multitool" >&2
  else
    echo "note: npm is not installed; the SARIF multitool test will skip" >&2
  fi
fi
if [ ! -x .tools/trestle/bin/python ] || ! .tools/trestle/bin/python -c 'import trestle' 2>/dev/null; then
  PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
  "$PY" -m venv .tools/trestle
  .tools/trestle/bin/python -m pip install --quiet --disable-pip-version-check \
    "compliance-trestle==$TRESTLE_VERSION" >.tools/trestle/install.log 2>&1 \
    || echo "note: could not install compliance-trestle (see .tools/trestle/install.log)" >&2
fi
