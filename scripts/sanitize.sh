#!/usr/bin/env bash
# Sanitizer builds and runs (not part of scripts/test.sh; see the timings it prints).
#   scripts/sanitize.sh asan   preset asan (ASan + UBSan, Debug; UB is fatal): every unit test
#                              through ctest, then the e2e suite against the asan binary
#   scripts/sanitize.sh tsan   preset tsan (TSan, Debug): the unit tests of the modules that
#                              share state between threads, then the e2e suites that drive the
#                              server from several threads
#   scripts/sanitize.sh all    both (default)
# Environment:
#   SCL_JOBS=N            build and ctest parallelism (default 2)
#   SCL_SANITIZE_E2E=0    skip the e2e part
#   SCL_TSAN_E2E="..."    e2e files for tsan (default: test_concurrency.py test_real_clock.py)
#   SCL_TIME_FACTOR=N     scales the e2e suites' wall-clock budgets (default 10, see below)
#   ASAN_OPTIONS, UBSAN_OPTIONS, TSAN_OPTIONS   override the defaults below
# A sanitizer report fails the run: unit tests exit non-zero (abort_on_error / halt_on_error /
# TSan's exit code 66), and the e2e fixtures fail a test whose server wrote a report to stderr or
# did not exit with 0 on SIGTERM (a leak report makes the exit code non-zero).
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
case "$what" in
  asan | tsan | all) ;;
  *) echo "usage: $0 [asan|tsan|all]" >&2; exit 2 ;;
esac
jobs=${SCL_JOBS:-2}
e2e=${SCL_SANITIZE_E2E:-1}
tsan_e2e=${SCL_TSAN_E2E:-test_concurrency.py test_real_clock.py}
# Modules whose unit tests run under TSan: threads, locks, schedulers, the shared database.
tsan_modules=(core model store sfn integrations server)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-second_deadlock_stack=1}
# These Debug + sanitizer builds run JSON-heavy requests ~10-20x slower than the optimised build
# the e2e budgets ("answers within 5 s", socket timeouts) are written for: tests/e2e/emulator.py
# multiplies them by SCL_TIME_FACTOR. Their stack frames are ~10x larger too: the 1000-level
# nesting limits need under 1 MiB of stack in a RelWithDebInfo build but 8-16 MiB under ASan, so
# the default 8 MiB stack (main thread and, through glibc's default, the io threads) is raised.
export SCL_TIME_FACTOR=${SCL_TIME_FACTOR:-10}
ulimit -s $((64 * 1024)) 2>/dev/null || echo "sanitize.sh: could not raise the stack limit (ulimit -Hs)" >&2

if [ "$e2e" = 1 ]; then scripts/setup.sh test; else scripts/setup.sh build; fi

timings=()
step() {  # step LABEL COMMAND...: runs it and records its wall time
  local label=$1 start=$SECONDS
  shift
  echo "==> $label"
  "$@"
  timings+=("$(printf '%-34s %5ds' "$label" $((SECONDS - start)))")
}

run_asan() {
  step "asan: configure" cmake --preset asan
  step "asan: build (-j$jobs)" cmake --build build/asan -j"$jobs"
  step "asan: ctest" ctest --test-dir build/asan --output-on-failure -j"$jobs"
  if [ "$e2e" = 1 ]; then
    step "asan: e2e" env SCL_BINARY="$PWD/build/asan/server/sfn-codebuild-local" \
      /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e
  fi
}

run_tsan() {
  local targets=(sfn-codebuild-local) labels=""
  for m in "${tsan_modules[@]}"; do
    targets+=("${m}_tests")
    labels+="${labels:+|}^${m}_tests\$"
  done
  step "tsan: configure" cmake --preset tsan
  step "tsan: build (-j$jobs)" cmake --build build/tsan -j"$jobs" --target "${targets[@]}"
  step "tsan: ctest" ctest --test-dir build/tsan --output-on-failure -j"$jobs" -L "$labels"
  if [ "$e2e" = 1 ]; then
    local files=()
    for f in $tsan_e2e; do files+=("tests/e2e/$f"); done
    step "tsan: e2e" env SCL_BINARY="$PWD/build/tsan/server/sfn-codebuild-local" \
      /usr/bin/python3 -m pytest -q -p no:cacheprovider "${files[@]}"
  fi
}

[ "$what" = tsan ] || run_asan
[ "$what" = asan ] || run_tsan
printf '%s\n' "sanitize.sh $what: all passed" "${timings[@]}"
