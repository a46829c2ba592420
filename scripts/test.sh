#!/usr/bin/env bash
# README command 2: install what is missing, build once (warnings are errors), run every test:
# doctest unit/component tests through ctest, then the end-to-end suites (boto3 + pytest, AWS CLI,
# JS SDK v3) against the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
cmake --preset ci >/dev/null
cmake --build build/ci
ctest --test-dir build/ci --output-on-failure -j2
export SCL_BINARY="$PWD/build/ci/server/sfn-codebuild-local"
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e
