#!/usr/bin/env bash
# Runs every e2e suite (boto3, AWS CLI, JS SDK v3 via its pytest wrapper, docker/ checks)
# against the real binary: $SCL_BINARY, else <repo>/build/dev/server/sfn-codebuild-local.
# Extra arguments go to pytest, e.g. `tests/e2e/run.sh -k timeline -x`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# JS SDK dependencies (pinned by package-lock.json); without them the JS test is skipped.
if command -v npm >/dev/null && [ ! -d "$here/js/node_modules/@aws-sdk/client-codebuild" ]; then
  (cd "$here/js" && npm ci --no-audit --no-fund) || echo "warning: npm ci failed; JS SDK suite will be skipped" >&2
fi

cd "$here"
exec /usr/bin/python3 -m pytest "$@"
