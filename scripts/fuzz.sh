#!/usr/bin/env bash
# libFuzzer targets of tests/fuzz: configure the `fuzz` preset (clang, ASan + UBSan), build the
# targets, generate seed corpora from fixtures/, and run every target for a fixed time. Exits
# non-zero when a target finds a crash, a timeout, a leak or an out-of-memory input, and prints
# where that input was saved and how to reproduce it. See tests/fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS]    seconds per target (default 20)
#
# Environment:
#   FUZZ_JOBS=N          parallel build jobs (default 1; CI uses 2)
#   FUZZ_NICE=N          niceness of the build and of the fuzzers (default 10)
#   FUZZ_TARGETS="a b"   run only these targets (default: all eight)
#   FUZZ_ARGS="..."      extra libFuzzer flags for every target (e.g. -max_len=65536)
#
# Needs clang and the libFuzzer runtime; on Debian 12: apt-get install clang libclang-rt-14-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
jobs=${FUZZ_JOBS:-1}
niceness=${FUZZ_NICE:-10}
read -r -a targets <<<"${FUZZ_TARGETS:-fuzz_request fuzz_jsonpath fuzz_jsonpath_eval fuzz_intrinsics fuzz_asl fuzz_buildspec fuzz_jsonata_parse fuzz_jsonata_eval}"
read -r -a extra <<<"${FUZZ_ARGS:-}"
build=build/fuzz

scripts/setup.sh fuzz  # build dependencies, plus clang and libclang-rt-14-dev once setup.sh knows "fuzz"
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
runtime="$(clang++ -print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer-x86_64.a"
if [ ! -f "$runtime" ]; then
  echo "fuzz: libFuzzer runtime $runtime missing (Debian 12: apt-get install libclang-rt-14-dev)" >&2
  exit 2
fi

start=$(date +%s)
cmake --preset fuzz >/dev/null
nice -n "$niceness" cmake --build "$build" --target fuzz -j "$jobs"
echo "fuzz: build took $(($(date +%s) - start)) s"

# ---- seed corpora from fixtures/ (regenerated every run; tests/fuzz/corpus/<target> is the
# committed hand-written part; $build/corpus/<target> is libFuzzer's working corpus and grows).
seeds=$build/seeds
rm -rf "$seeds"
for t in fuzz_request fuzz_jsonpath fuzz_jsonpath_eval fuzz_intrinsics fuzz_asl fuzz_buildspec fuzz_jsonata_parse fuzz_jsonata_eval; do
  mkdir -p "$seeds/$t" "$build/corpus/$t" "$build/artifacts/$t"
done

# A file's content as one JSON string literal (fixtures are UTF-8 text without control
# characters other than tab / CR / LF).
json_string() {
  printf '"%s"' "$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/\r/\\r/g' "$1" |
    sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')"
}
# fuzz_request input: one byte choosing the operation, then the body. '4' + i selects kOps[i]
# (fuzz_request.cpp): 4 CreateProject, 5 UpdateProject, 9 StartBuild, @ StartBuildBatch,
# R CreateStateMachine, W ValidateStateMachineDefinition, X StartExecution, a SendTaskSuccess.
request_seed() {  # request_seed FILE OPCHAR BODY
  printf '%s%s' "$2" "$3" >"$seeds/fuzz_request/$1"
}

sm_arn='arn:aws:states:us-east-1:123456789012:stateMachine:sm'
definitions=(fixtures/asl/*/definition.json fixtures/pipeline/definition.json)
for f in "${definitions[@]}"; do
  name=$(basename "$(dirname "$f")")
  cp "$f" "$seeds/fuzz_asl/$name.json"
  def=$(json_string "$f")
  request_seed "create_sm_$name" R "{\"name\":\"sm\",\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"definition\":$def}"
  request_seed "validate_$name" W "{\"definition\":$def,\"type\":\"STANDARD\"}"
done
for f in fixtures/asl/*/input.json fixtures/pipeline/input_*.json; do
  name=$(basename "$(dirname "$f")")_$(basename "$f" .json)
  request_seed "start_execution_$name" X "{\"stateMachineArn\":\"$sm_arn\",\"name\":\"r\",\"input\":$(json_string "$f")}"
done
for f in fixtures/pipeline/expected_*.json; do
  request_seed "task_success_$(basename "$f" .json)" a "{\"taskToken\":\"t\",\"output\":$(json_string "$f")}"
done
request_seed create_project 4 "$(cat fixtures/pipeline/project.json)"
request_seed update_project 5 "$(cat fixtures/pipeline/project.json)"
for f in fixtures/buildspecs/*.yml; do
  name=$(basename "$f" .yml)
  cp "$f" "$seeds/fuzz_buildspec/$name.yml"
  request_seed "start_build_$name" 9 "{\"projectName\":\"p\",\"buildspecOverride\":$(json_string "$f")}"
  request_seed "start_build_batch_$name" @ "{\"projectName\":\"p\",\"buildspecOverride\":$(json_string "$f")}"
done
# Every path and intrinsic call written in the fixtures.
i=0
while IFS= read -r p; do
  printf '%s' "$p" >"$seeds/fuzz_jsonpath/fixture_$((i += 1))"
done < <(grep -ho '"\$[^"]*"' "${definitions[@]}" | sed -e 's/^"//' -e 's/"$//' | sort -u)
# The same paths for fuzz_jsonpath_eval, against the deep document (mode 1, depth 40).
i=0
while IFS= read -r p; do
  printf '\001(%s' "$p" >"$seeds/fuzz_jsonpath_eval/fixture_$((i += 1))"
done < <(grep -ho '"\$[^"]*"' "${definitions[@]}" | sed -e 's/^"//' -e 's/"$//' | sort -u)
i=0
while IFS= read -r c; do
  printf '%s' "$c" >"$seeds/fuzz_intrinsics/fixture_$((i += 1))"
done < <(grep -ho '"States\.[A-Za-z0-9]*([^"]*)"' "${definitions[@]}" | sed -e 's/^"//' -e 's/"$//' | sort -u)

# JSONata: every expression of the reference's test suite, when it is beside the repository
# (read from there, not copied; see tests/unit/jsonata/suite_runner.cpp).
suite=${SCL_JSONATA_SUITE:-../shared/jsonata-test-suite}
if [ -d "$suite/groups" ] && command -v python3 >/dev/null; then
  python3 - "$suite/groups" "$seeds" <<'PY'
import json, os, sys
groups, seeds = sys.argv[1], sys.argv[2]
n = 0
for root, _, files in os.walk(groups):
    for f in sorted(files):
        if not f.endswith('.json'):
            continue
        try:
            doc = json.load(open(os.path.join(root, f), encoding='utf-8'))
        except ValueError:
            continue
        for case in doc if isinstance(doc, list) else [doc]:
            expr = case.get('expr') if isinstance(case, dict) else None
            if not isinstance(expr, str):
                continue
            n += 1
            for t in ('fuzz_jsonata_parse', 'fuzz_jsonata_eval'):
                with open(os.path.join(seeds, t, 'suite_%d' % n), 'w', encoding='utf-8', errors='replace') as out:
                    out.write(expr)
PY
fi

# ---- run
failed=()
summary=()
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/$t
  log=$build/artifacts/$t.log
  art=$build/artifacts/$t
  find "$art" -type f -delete
  echo "fuzz: $t for ${seconds}s"
  rc=0
  # The evaluation targets assert the work budget: no input may take more than 3 s (ASan
  # included) or 1 GiB. The others keep 10 s / 2 GiB.
  case $t in
    fuzz_jsonpath | fuzz_jsonpath_eval | fuzz_intrinsics) timeout=3 rss=1024 ;;
    *) timeout=10 rss=2048 ;;
  esac
  nice -n "$niceness" "$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" \
    -dict="tests/fuzz/$t.dict" -artifact_prefix="$art/" -print_final_stats=1 "${extra[@]}" \
    "$build/corpus/$t" "tests/fuzz/corpus/$t" "$seeds/$t" >"$log" 2>&1 || rc=$?
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p' <<<"$last")
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    summary+=("$t: FAILED (exit $rc)")
    echo "fuzz: $t FAILED (exit $rc); last lines of $log:" >&2
    grep -v '^#[0-9]' "$log" | tail -n 40 >&2
    for a in "$art"/*; do
      [ -f "$a" ] || continue
      echo "fuzz: $t: failing input saved at $a (reproduce: $bin $a)" >&2
    done
  else
    summary+=("$t: ok, ${execs:-?} runs, ${rate:-?} exec/s, ${cov:-no coverage line}")
  fi
done

echo "fuzz: summary (${seconds}s per target, total $(($(date +%s) - start)) s):"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs under $build/artifacts/)" >&2
  exit 1
fi
