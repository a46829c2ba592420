#!/usr/bin/env bash
# JSONata evaluation cost: our engine (release build) beside the reference jsonata@2.0.6 under
# node, in the same run, on the same expressions and data (the shared suite's dataset5).
#   bench/jsonata_eval.sh [iterations]     (default 200000 for ours, a tenth for the reference)
# Needs the suite at ../shared/jsonata-test-suite (or SCL_JSONATA_SUITE) and node.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
SUITE=${SCL_JSONATA_SUITE:-../shared/jsonata-test-suite}
[ -d "$SUITE" ] || SUITE=../../shared/jsonata-test-suite  # from a worktree under /work/wt
DATA=$SUITE/datasets/dataset5.json
[ -f "$DATA" ] || { echo "jsonata_eval: no $DATA (set SCL_JSONATA_SUITE)" >&2; exit 2; }
scripts/setup.sh build >/dev/null
cmake --preset release -DSCL_BUILD_TESTS=ON >/dev/null
cmake --build build/release --target jsonata_bench >/dev/null
[ -d tests/jsonata/node_modules ] || (cd tests/jsonata && npm ci --no-audit --no-fund --loglevel=error)
build/release/tests/unit/jsonata/jsonata_bench "$DATA" "$N"
node bench/jsonata_eval.js "$DATA" "$((N / 10))"
