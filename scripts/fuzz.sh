#!/usr/bin/env bash
# The long profile of the property tests of every reader, mlgov.yaml and documents
# (the quick profile runs in every test run): 2,000 mutated inputs per seed file and test,
# plus every field of every example mlgov.yaml replaced by each wrong type.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MLGOV_FUZZ_PROFILE=long exec .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_fuzz_readers.py "$@"
