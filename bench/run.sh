#!/usr/bin/env bash
# Benchmark: builds a release binary and prints a table of requests/s and p50/p99 latency for
# the emulator, beside a static nginx reply (the ceiling of this machine) and moto_server when
# installed, all on loopback, load from a separate wrk process, bounded in time.
#   bench/run.sh [seconds-per-workload]   (default 5)
# Writes the table to stdout and to bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-5}
CONN=${BENCH_CONNECTIONS:-32}
scripts/setup.sh build
for p in wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$p" >/dev/null; }
done
cmake --preset release >/dev/null
cmake --build build/release --target sfn-codebuild-local >/dev/null
BIN=$PWD/build/release/server/sfn-codebuild-local
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; return 1; }
aws() { # port target body
  local ct=application/x-amz-json-1.1
  case "$2" in AWSStepFunctions.*) ct=application/x-amz-json-1.0 ;; esac
  curl -s -X POST "http://127.0.0.1:$1/" -H "Content-Type: $ct" \
    -H "X-Amz-Target: $2" -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/codebuild/aws4_request, SignedHeaders=host, Signature=0" \
    -d "$3"; }
settle() { # port: wait (at most 60 s) until no timer is pending (every build has completed)
  for _ in $(seq 1 600); do
    [ "$(curl -s "http://127.0.0.1:$1/_emulator/clock" | python3 -c 'import json,sys;print(json.load(sys.stdin)["pendingTimers"])')" = 0 ] && return 0
    sleep 0.1
  done
  echo "timers still pending after 60 s" >&2
}
load() { # name port target body
  local out
  local ct=application/x-amz-json-1.1
  case "$3" in AWSStepFunctions.*) ct=application/x-amz-json-1.0 ;; esac
  out=$(WRK_CT="$ct" WRK_TARGET="$3" WRK_BODY="$4" wrk -t1 -c"$CONN" -d"${DUR}s" --latency -s bench/aws_json.lua "http://127.0.0.1:$2/" | grep '^RESULT')
  read -r _ rps p50 p99 total errs <<<"$out"
  printf '| %-34s | %10s | %8s | %8s | %8s |\n' "$1" "$rps" "$p50" "$p99" "$errs"
  echo "$rps" > "$WORK/rps.$(echo "$1" | tr -c 'a-zA-Z0-9' _)"
}
PROJECT='{"name":"bench","source":{"type":"NO_SOURCE","buildspec":"version: 0.2"},"artifacts":{"type":"NO_ARTIFACTS"},"environment":{"type":"LINUX_CONTAINER","image":"aws/codebuild/standard:7.0","computeType":"BUILD_GENERAL1_SMALL"},"serviceRole":"arn:aws:iam::123456789012:role/service-role/bench"}'

# --- ours
PORT=$(free_port)
"$BIN" --port "$PORT" --data-dir "$WORK/ours" --log-level warn >/dev/null 2>&1 & PIDS+=($!); OURS=$!
wait_http "http://127.0.0.1:$PORT/_emulator/health"
aws "$PORT" CodeBuild_20161006.CreateProject "$PROJECT" >/dev/null
BID=$(aws "$PORT" CodeBuild_20161006.StartBuild '{"projectName":"bench"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["build"]["id"])')
IDLE_RSS=$(python3 bench/probe.py rss "$OURS")

# --- nginx: a static JSON reply of the same size class
NPORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<NGX
worker_processes 2; daemon off; pid $WORK/nginx/pid; error_log stderr crit;
events { worker_connections 1024; }
http { access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server { listen 127.0.0.1:$NPORT; location / { default_type application/x-amz-json-1.1;
    return 200 '{"projects":["bench"]}'; } } }
NGX
nginx -c "$WORK/nginx/nginx.conf" >/dev/null 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$NPORT/"

# --- moto (optional)
MPORT=""
if command -v moto_server >/dev/null 2>&1; then
  MPORT=$(free_port)
  moto_server -p "$MPORT" >/dev/null 2>&1 & PIDS+=($!)
  if wait_http "http://127.0.0.1:$MPORT/moto-api/"; then
    aws "$MPORT" CodeBuild_20161006.CreateProject "$PROJECT" >/dev/null
  else MPORT=""; fi
fi

{
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); ${DUR}s per workload, wrk 1 thread, $CONN connections"
echo
echo "| workload                           |      req/s | p50 (ms) | p99 (ms) |   errors |"
echo "|------------------------------------|-----------:|---------:|---------:|---------:|"
load "nginx static JSON (ceiling)" "$NPORT" "x" '{}'
load "ours ListProjects" "$PORT" CodeBuild_20161006.ListProjects '{}'
load "ours BatchGetBuilds" "$PORT" CodeBuild_20161006.BatchGetBuilds "{\"ids\":[\"$BID\"]}"
load "ours StartBuild" "$PORT" CodeBuild_20161006.StartBuild '{"projectName":"bench"}'
# The builds just started run for 6 s (default phases) and then complete, each a write of its
# own: let them finish first, so the next workload is measured alone, not beside ~10,000 of them.
settle "$PORT"
# Step Functions: a 10-state Pass machine (STANDARD, durable) and the same as EXPRESS (sync);
# a startBuild.sync machine whose builds have zero-length phases.
PASS10=$(python3 -c 'import json
s={"S%d"%i:{"Type":"Pass","Result":{"i":i},"ResultPath":"$.r%d"%i,"Next":"S%d"%(i+1)} for i in range(9)}
s["S9"]={"Type":"Pass","End":True}
print(json.dumps(json.dumps({"StartAt":"S0","States":s})))')
SYNCDEF=$(python3 -c 'import json
print(json.dumps(json.dumps({"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::codebuild:startBuild.sync","Parameters":{"ProjectName":"bench","EnvironmentVariablesOverride":[{"Name":"SIMULATE_PHASE_SECONDS","Value":"QUEUED=0,PROVISIONING=0,DOWNLOAD_SOURCE=0,BUILD=0,FINALIZING=0"}]},"End":True}}})))')
ROLE='"roleArn":"arn:aws:iam::123456789012:role/bench"'
STD=$(aws "$PORT" AWSStepFunctions.CreateStateMachine "{\"name\":\"pass10\",\"definition\":$PASS10,$ROLE}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["stateMachineArn"])')
EXP=$(aws "$PORT" AWSStepFunctions.CreateStateMachine "{\"name\":\"pass10x\",\"type\":\"EXPRESS\",\"definition\":$PASS10,$ROLE}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["stateMachineArn"])')
SYN=$(aws "$PORT" AWSStepFunctions.CreateStateMachine "{\"name\":\"buildsync\",\"definition\":$SYNCDEF,$ROLE}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["stateMachineArn"])')
load "ours StartExecution (10 Pass)" "$PORT" AWSStepFunctions.StartExecution "{\"stateMachineArn\":\"$STD\"}"
load "ours StartSyncExecution (10 Pass)" "$PORT" AWSStepFunctions.StartSyncExecution "{\"stateMachineArn\":\"$EXP\"}"
load "ours StartExecution startBuild.sync" "$PORT" AWSStepFunctions.StartExecution "{\"stateMachineArn\":\"$SYN\"}"
if [ -n "$MPORT" ]; then
  load "moto ListProjects" "$MPORT" CodeBuild_20161006.ListProjects '{}'
  load "moto StartBuild" "$MPORT" CodeBuild_20161006.StartBuild '{"projectName":"bench"}'
fi
echo
r() { cat "$WORK/rps.$(echo "$1" | tr -c 'a-zA-Z0-9' _)" 2>/dev/null || echo 0; }
ratio() { python3 -c "import sys;a,b=float(sys.argv[1]),float(sys.argv[2]);print('%.2f'%(a/b) if b else 'n/a')" "$1" "$2"; }
echo "Ratios: ours ListProjects / nginx = $(ratio "$(r 'ours ListProjects')" "$(r 'nginx static JSON (ceiling)')")," \
     "ours StartBuild / nginx = $(ratio "$(r 'ours StartBuild')" "$(r 'nginx static JSON (ceiling)')")"
if [ -n "$MPORT" ]; then
  echo "Ratios: ours StartBuild / moto = $(ratio "$(r 'ours StartBuild')" "$(r 'moto StartBuild')")," \
       "ours ListProjects / moto = $(ratio "$(r 'ours ListProjects')" "$(r 'moto ListProjects')")"
else
  echo "moto_server not installed: no moto comparison"
fi
echo
echo "Cold start to first answered request: $(python3 bench/probe.py coldstart "$BIN" --data-dir "$WORK/cold") ms"
echo "Idle RSS: ${IDLE_RSS} MiB"
# 10,000 builds in flight: a 1-hour BUILD phase keeps them running.
P2=$(free_port)
"$BIN" --port "$P2" --data-dir "$WORK/flight" --log-level warn >/dev/null 2>&1 & PIDS+=($!); FL=$!
wait_http "http://127.0.0.1:$P2/_emulator/health"
aws "$P2" CodeBuild_20161006.CreateProject "$PROJECT" >/dev/null
python3 bench/probe.py bulk "$P2" 10000 CodeBuild_20161006.StartBuild \
  '{"projectName":"bench","environmentVariablesOverride":[{"name":"SIMULATE_PHASE_SECONDS","value":"BUILD=3600"}]}' >/dev/null
echo "RSS with 10,000 builds in flight: $(python3 bench/probe.py rss "$FL") MiB ($(curl -s "http://127.0.0.1:$P2/_emulator/clock" | python3 -c 'import json,sys;print(json.load(sys.stdin)["pendingTimers"])') timers pending)"
# 10,000 executions waiting on startBuild.sync (1-hour BUILD phase) in the same process.
WAITDEF=$(python3 -c 'import json
print(json.dumps(json.dumps({"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::codebuild:startBuild.sync","Parameters":{"ProjectName":"bench","EnvironmentVariablesOverride":[{"Name":"SIMULATE_PHASE_SECONDS","Value":"BUILD=3600"}]},"End":True}}})))')
WAITSM=$(aws "$P2" AWSStepFunctions.CreateStateMachine "{\"name\":\"wait\",\"definition\":$WAITDEF,$ROLE}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["stateMachineArn"])')
python3 bench/probe.py bulk "$P2" 10000 AWSStepFunctions.StartExecution "{\"stateMachineArn\":\"$WAITSM\"}" >/dev/null
echo "RSS with 10,000 builds in flight and 10,000 executions waiting on startBuild.sync: $(python3 bench/probe.py rss "$FL") MiB"
} | tee "$WORK/table.md"
mkdir -p bench/results
cp "$WORK/table.md" bench/results/latest.md
