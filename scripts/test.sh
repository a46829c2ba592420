#!/usr/bin/env bash
# README command 2: install what is missing, build once (warnings are errors), run every test:
# doctest unit/component tests through ctest, the JSONata differential test against the
# reference (20,000 random cases), then the end-to-end suites (boto3 + pytest, AWS CLI,
# JS SDK v3, kill -9 durability, bad input) against the real binary, then the reliability runs of
# issue 6: the unit tests again under ASan + UBSan, and a short libFuzzer run of every target.
#   SCL_TEST_QUICK=1   skip the sanitizer and fuzz runs (local iteration only; CI runs all)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
cmake --preset ci >/dev/null
cmake --build build/ci
ctest --test-dir build/ci --output-on-failure -j2
node tests/jsonata/differential.js --engine build/ci/tests/unit/jsonata/jsonata_batch
export SCL_BINARY="$PWD/build/ci/server/sfn-codebuild-local"
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e
if [ "${SCL_TEST_QUICK:-0}" != 1 ]; then
  SCL_SANITIZE_E2E=0 SCL_JOBS=2 scripts/sanitize.sh asan
  FUZZ_JOBS=2 FUZZ_NICE=0 scripts/fuzz.sh "${SCL_FUZZ_SECONDS:-15}"
fi
