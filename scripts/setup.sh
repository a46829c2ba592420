#!/usr/bin/env bash
# Installs what the project needs on Debian 12 and nothing else; safe to run again (it only
# calls apt-get / npm when something is missing).
#   scripts/setup.sh build   compiler toolchain and libraries (enough to build and run)
#   scripts/setup.sh fuzz    build + clang and its libFuzzer/sanitizer runtimes
#   scripts/setup.sh test    build + fuzz + everything the test suites use (default)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

build_pkgs=(build-essential cmake ninja-build ccache pkg-config libboost1.81-dev
            nlohmann-json3-dev libsqlite3-dev libyaml-cpp-dev doctest-dev libpcre2-dev libssl-dev)
fuzz_pkgs=(clang libclang-rt-14-dev)
test_pkgs=(python3 python3-boto3 python3-pytest awscli nodejs npm docker-compose curl)

pkgs=("${build_pkgs[@]}")
[ "$what" = fuzz ] && pkgs+=("${fuzz_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${fuzz_pkgs[@]}" "${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  # node/npm may come from elsewhere (e.g. NodeSource); accept a working binary.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$what" = test ] && [ -f tests/jsonata/package-lock.json ]; then
  if [ ! -d tests/jsonata/node_modules ] || [ tests/jsonata/package-lock.json -nt tests/jsonata/node_modules ]; then
    echo "setup: npm ci (tests/jsonata)"
    (cd tests/jsonata && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [ "$what" = test ] && [ -f tests/e2e/js/package-lock.json ]; then
  if [ ! -d tests/e2e/js/node_modules ] || [ tests/e2e/js/package-lock.json -nt tests/e2e/js/node_modules ]; then
    echo "setup: npm ci (tests/e2e/js)"
    (cd tests/e2e/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
