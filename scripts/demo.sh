#!/usr/bin/env bash
# The README's worked example in one command: builds the emulator, starts it on a free loopback
# port (simulated time 20x faster, temporary data), runs fixtures/pipeline/demo.py, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
dpkg-query -W -f='${Status}' python3-boto3 2>/dev/null | grep -q "install ok installed" || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq python3-boto3 >/dev/null; }
cmake --preset release >/dev/null
cmake --build build/release --target sfn-codebuild-local >/dev/null
data=$(mktemp -d)
out="$data/stdout"
build/release/server/sfn-codebuild-local --port 0 --data-dir "$data" --time-scale 20 --log-level warn >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -E 's/.* (http[^ ]+)$/\1/' "$out")
/usr/bin/python3 fixtures/pipeline/demo.py "$url"
