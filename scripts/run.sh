#!/usr/bin/env bash
# README command 1: install what is missing, build a release binary, run the emulator on
# 127.0.0.1:8083 with its SQLite database in ./data. Extra arguments go to the binary
# (e.g. scripts/run.sh --clock manual --time-scale 60); see --help.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
cmake --preset release >/dev/null
cmake --build build/release --target sfn-codebuild-local
exec build/release/server/sfn-codebuild-local --host 127.0.0.1 --port 8083 --data-dir ./data "$@"
