"""kill -9 durability, short form (issue 6 item 2).

Client threads drive StartBuild and StartExecution (a Pass/Wait machine and a
`codebuild:startBuild.sync` machine) against a real-clock server with a large --time-scale, so
builds and executions are in flight whenever the server is SIGKILLed at a random moment. The
server is restarted on the same --data-dir each time. Afterwards:

- every request answered HTTP 200 (a build id, an execution name) exists and ends as planned:
  builds COMPLETED with every phase once and in order, executions SUCCEEDED with their exact
  output and event sequence (ids 1..N, previousEventId pointing backwards, one ExecutionStarted,
  one terminal event, the last);
- a request that got no answer (the kill reset its connection) may be present or absent, never
  half-present: whatever exists must pass the same checks;
- nothing exists that no request asked for: no orphan builds in the sync project (a task whose
  TaskSubmitted event was lost with the kill is started again on resume with the same derived
  idempotencyToken, and so gets the build it had already started).

The kill schedule and request mix come from a seeded random.Random: the seed is printed, and
SCL_DURABILITY_SEED=<seed> replays the same schedule (thread interleaving still varies).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time

from emulator import JSON_10, JSON_11, PHASE_ORDER, SFN_ROLE, definition, project_input

CYCLES = 4                # kill -9 + restart cycles
LOAD_SECONDS = (0.6, 2.0)  # load before each kill, drawn from the seeded random
THREADS = 4
TIME_SCALE = 20            # simulated seconds per real second
SETTLE_TIMEOUT = 25.0      # real seconds for everything in flight to finish after the last restart

# Simulated seconds: ~22 s per build (~1.1 s real), so builds span the kills.
BUILD_PHASES = "QUEUED=2,PROVISIONING=4,DOWNLOAD_SOURCE=4,BUILD=10,FINALIZING=2"
TERMINAL_EVENTS = {"ExecutionSucceeded": "SUCCEEDED", "ExecutionFailed": "FAILED",
                   "ExecutionAborted": "ABORTED", "ExecutionTimedOut": "TIMED_OUT"}

WAIT_MACHINE = definition({
    "Shape": {"Type": "Pass", "Parameters": {"n.$": "$.n", "tag": "wait"}, "Next": "Sleep"},
    "Sleep": {"Type": "Wait", "Seconds": 20, "Next": "Mark"},
    "Mark": {"Type": "Pass", "Result": True, "ResultPath": "$.done", "Next": "Last"},
    "Last": {"Type": "Pass", "End": True},
})
WAIT_EVENTS = ["ExecutionStarted",
               "PassStateEntered", "PassStateExited",
               "WaitStateEntered", "WaitStateExited",
               "PassStateEntered", "PassStateExited",
               "PassStateEntered", "PassStateExited",
               "ExecutionSucceeded"]


def sync_machine(project: str) -> str:
    return definition({
        "Shape": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Sleep"},
        "Sleep": {"Type": "Wait", "Seconds": 5, "Next": "Build"},
        "Build": {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuild.sync",
                  "Parameters": {"ProjectName": project}, "ResultPath": "$.build",
                  "Next": "Report"},
        "Report": {"Type": "Pass", "Parameters": {"n.$": "$.n", "id.$": "$.build.Build.Id",
                                                  "status.$": "$.build.Build.BuildStatus"},
                   "End": True},
    })


SYNC_EVENTS = ["ExecutionStarted",
               "PassStateEntered", "PassStateExited",
               "WaitStateEntered", "WaitStateExited",
               "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
               "TaskSucceeded", "TaskStateExited",
               "PassStateEntered", "PassStateExited",
               "ExecutionSucceeded"]

UNANSWERED = (ConnectionError, http.client.HTTPException, OSError)


class Raw:
    """Unsigned JSON calls on one keep-alive connection (the server accepts unsigned requests:
    default account and region). Light enough that 4 Python threads load a 2-core machine."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, target: str, body: dict) -> tuple[int, dict]:
        sfn = target.startswith("AWSStepFunctions.")
        self.conn.request("POST", "/", body=json.dumps(body).encode(), headers={
            "Content-Type": JSON_10 if sfn else JSON_11, "X-Amz-Target": target})
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data else {})

    def ok(self, target: str, body: dict) -> dict:
        status, out = self.call(target, body)
        assert status == 200, (target, body, status, out)
        return out

    def close(self) -> None:
        self.conn.close()


class Server:
    """The emulator under test plus a generation counter the load threads follow across restarts."""

    def __init__(self, emu):
        self.emu = emu
        self.cond = threading.Condition()
        self.generation = 0
        self.port = emu.port
        self.up = True

    def current(self) -> tuple[int, int | None]:
        with self.cond:
            return self.generation, (self.port if self.up else None)

    def wait_past(self, generation: int, stop: threading.Event) -> None:
        with self.cond:
            self.cond.wait_for(lambda: (self.generation > generation and self.up)
                               or stop.is_set(), timeout=30)

    def kill(self) -> None:
        with self.cond:
            self.up = False
        self.emu.kill()

    def restart(self) -> None:
        self.emu.start()
        with self.cond:
            self.generation += 1
            self.port = self.emu.port
            self.up = True
            self.cond.notify_all()


class Ledger:
    """What the clients asked for and what the server acknowledged (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.builds: dict[str, str] = {}        # acknowledged build id -> expected status
        self.executions: dict[str, dict] = {}   # acknowledged name -> request
        self.unanswered_builds: list[str] = []  # expected status of each unanswered StartBuild
        self.unanswered_executions: dict[str, dict] = {}
        self.unanswered: dict[tuple[int, int], int] = {}  # (thread, generation) -> count
        self.bad_answers: list[str] = []         # non-200 answers during the load

    def lost(self, thread: int, generation: int) -> None:
        with self.lock:
            key = (thread, generation)
            self.unanswered[key] = self.unanswered.get(key, 0) + 1


def load_worker(index: int, server: Server, ledger: Ledger, stop: threading.Event, seed: int,
                names: dict) -> None:
    rng = random.Random(seed * 1000 + index)
    serial = 0
    raw, raw_generation = None, -1
    while not stop.is_set():
        generation, port = server.current()
        if port is None:
            server.wait_past(generation, stop)  # killed: wait for the restart
            continue
        if raw is None or raw_generation != generation:
            if raw is not None:
                raw.close()
            raw, raw_generation = Raw(port), generation
        serial += 1
        pick = rng.random()
        try:
            if pick < 0.45:
                failed = rng.random() < 0.2
                expected = "FAILED" if failed else "SUCCEEDED"
                body = {"projectName": names["build_project"]}
                if failed:
                    body["environmentVariablesOverride"] = [
                        {"name": "SIMULATE_STATUS", "value": "FAILED", "type": "PLAINTEXT"}]
                try:
                    status, out = raw.call("CodeBuild_20161006.StartBuild", body)
                except UNANSWERED:
                    with ledger.lock:
                        ledger.unanswered_builds.append(expected)
                    raise
                if status == 200:
                    with ledger.lock:
                        ledger.builds[out["build"]["id"]] = expected
                else:
                    ledger.bad_answers.append(f"StartBuild -> {status} {out}")
            else:
                machine = "wait" if pick < 0.8 else "sync"
                name = f"t{index}-g{generation}-{serial}"
                request = {"machine": machine, "n": serial * 10 + index}
                body = {"stateMachineArn": names[machine], "name": name,
                        "input": json.dumps({"n": request["n"], "pad": "x" * rng.randrange(64)})}
                try:
                    status, out = raw.call("AWSStepFunctions.StartExecution", body)
                except UNANSWERED:
                    with ledger.lock:
                        ledger.unanswered_executions[name] = request
                    raise
                if status == 200:
                    assert out["executionArn"].endswith(":" + name), out
                    with ledger.lock:
                        ledger.executions[name] = request
                else:
                    ledger.bad_answers.append(f"StartExecution {name} -> {status} {out}")
        except UNANSWERED:
            # The server was killed under this request (or is gone): wait for the next one.
            ledger.lost(index, generation)
            raw.close()
            raw = None
            server.wait_past(generation, stop)
    if raw is not None:
        raw.close()


def settle(raw: Raw, build_ids: list[str], execution_arns: list[str]) -> None:
    """Wait (real clock) until every build is complete and no execution is RUNNING."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    pending_builds, pending_execs = list(build_ids), list(execution_arns)
    while pending_builds or pending_execs:
        assert time.monotonic() < deadline, (
            f"not finished after {SETTLE_TIMEOUT}s: {len(pending_builds)} builds, "
            f"{len(pending_execs)} executions, e.g. {(pending_builds + pending_execs)[:3]}")
        still = []
        for i in range(0, len(pending_builds), 100):
            got = raw.ok("CodeBuild_20161006.BatchGetBuilds",
                         {"ids": pending_builds[i:i + 100]})["builds"]
            still += [b["id"] for b in got if not b["buildComplete"]]
        pending_builds = still
        still = []
        for arn in pending_execs:
            d = raw.ok("AWSStepFunctions.DescribeExecution", {"executionArn": arn})
            if d["status"] == "RUNNING":
                still.append(arn)
        pending_execs = still
        if pending_builds or pending_execs:
            time.sleep(0.25)


def list_all(raw: Raw, target: str, body: dict, key: str) -> list:
    items, token = [], None
    while True:
        page = raw.ok(target, dict(body, **({"nextToken": token} if token else {})))
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items


def check_build(build: dict, expected_status: str | None) -> None:
    """COMPLETED, a terminal status (the planned one when known), each phase once, in order,
    contiguous in time."""
    where = build["id"]
    assert build["buildComplete"] is True, (where, build["currentPhase"])
    assert build["currentPhase"] == "COMPLETED", where
    assert build["buildStatus"] in ("SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED"), where
    if expected_status is not None:
        assert build["buildStatus"] == expected_status, (where, build["buildStatus"])
    phases = [p["phaseType"] for p in build["phases"]]
    assert phases == PHASE_ORDER, (where, phases)
    for prev, nxt in zip(build["phases"], build["phases"][1:]):
        assert prev["endTime"] == nxt["startTime"], (where, prev, nxt)
        assert prev["startTime"] <= prev["endTime"], (where, prev)
    assert build["phases"][-1]["phaseType"] == "COMPLETED"
    assert "endTime" in build and build["endTime"] >= build["startTime"], where
    statuses = {p["phaseType"]: p.get("phaseStatus") for p in build["phases"]}
    if build["buildStatus"] == "FAILED":
        assert statuses["BUILD"] == "FAILED", (where, statuses)
    else:
        assert statuses["BUILD"] == "SUCCEEDED", (where, statuses)


def check_history(raw: Raw, arn: str, expected_types: list[str]) -> list[dict]:
    """Ids 1..N, previousEventId pointing backwards, the exact event sequence (so exactly one
    ExecutionStarted and one terminal event, the last), status matching the terminal event."""
    events = list_all(raw, "AWSStepFunctions.GetExecutionHistory",
                      {"executionArn": arn, "maxResults": 1000}, "events")
    types = [e["type"] for e in events]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1)), (arn, types)
    for e in events:
        assert 0 <= e.get("previousEventId", 0) < e["id"], (arn, e)
    assert types.count("ExecutionStarted") == 1 and types[0] == "ExecutionStarted", (arn, types)
    terminal = [t for t in types if t in TERMINAL_EVENTS]
    assert len(terminal) == 1 and types[-1] == terminal[0], (arn, types)
    d = raw.ok("AWSStepFunctions.DescribeExecution", {"executionArn": arn})
    assert d["status"] == TERMINAL_EVENTS[types[-1]], (arn, d["status"], types)
    assert types == expected_types, (arn, types)
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps), (arn, stamps)
    return events


def test_kill9_under_load_loses_nothing_acknowledged(start_emulator, tmp_path):
    seed = int(os.environ.get("SCL_DURABILITY_SEED") or random.SystemRandom().randrange(1 << 30))
    print(f"durability seed: {seed} (replay with SCL_DURABILITY_SEED={seed})")
    rng = random.Random(seed)
    data = tmp_path / "durable-data"
    emu = start_emulator("real", ["--time-scale", str(TIME_SCALE), "--threads", "2",
                                  "--log-level", "info"], data_dir=data)
    raw = Raw(emu.port)
    env = {"SIMULATE_PHASE_SECONDS": BUILD_PHASES}
    names = {"build_project": "dur-build", "sync_project": "dur-sync"}
    for project in names.values():
        raw.ok("CodeBuild_20161006.CreateProject", project_input(project, env))
    for machine, text in [("wait", WAIT_MACHINE), ("sync", sync_machine(names["sync_project"]))]:
        names[machine] = raw.ok("AWSStepFunctions.CreateStateMachine", {
            "name": f"dur-{machine}", "definition": text, "roleArn": SFN_ROLE})["stateMachineArn"]
    raw.close()

    server, ledger, stop = Server(emu), Ledger(), threading.Event()
    threads = [threading.Thread(target=load_worker, args=(i, server, ledger, stop, seed, names),
                                daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    schedule = []
    try:
        for cycle in range(CYCLES):
            pause = rng.uniform(*LOAD_SECONDS)
            schedule.append(round(pause, 3))
            time.sleep(pause)
            server.kill()
            time.sleep(rng.uniform(0.0, 0.2))
            server.restart()
        time.sleep(rng.uniform(0.2, 0.6))  # some load on the last server too
    finally:
        stop.set()
        with server.cond:
            server.cond.notify_all()
        for t in threads:
            t.join(30)
    print(f"kill schedule (s of load before each kill): {schedule}; "
          f"acknowledged: {len(ledger.builds)} builds, {len(ledger.executions)} executions; "
          f"unanswered: {len(ledger.unanswered_builds)} StartBuild, "
          f"{len(ledger.unanswered_executions)} StartExecution")
    assert not any(t.is_alive() for t in threads), "load threads did not stop"
    assert ledger.bad_answers == [], ledger.bad_answers[:5]
    # A thread loses at most the one request in flight when the server dies; nothing is
    # dropped on the last server, which is never killed.
    assert all(n == 1 for n in ledger.unanswered.values()), ledger.unanswered
    assert all(gen < CYCLES for _, gen in ledger.unanswered), ledger.unanswered
    assert len(ledger.builds) > 20 and len(ledger.executions) > 20, "too little load to mean much"

    raw = Raw(emu.port, timeout=30)
    # Every execution that exists: the acknowledged ones, maybe some unanswered ones, no other.
    exec_arns = {}
    for machine in ("wait", "sync"):
        for e in list_all(raw, "AWSStepFunctions.ListExecutions",
                          {"stateMachineArn": names[machine], "maxResults": 1000}, "executions"):
            name = e["name"]
            request = ledger.executions.get(name) or ledger.unanswered_executions.get(name)
            assert request is not None, f"execution nobody asked for: {e['executionArn']}"
            assert request["machine"] == machine, (name, machine)
            exec_arns[name] = e["executionArn"]
    missing = sorted(set(ledger.executions) - set(exec_arns))
    assert missing == [], f"acknowledged executions lost: {missing[:10]}"

    # Executions first: the sync ones start builds of their own until they are done.
    settle(raw, [], list(exec_arns.values()))
    build_ids = {p: list_all(raw, "CodeBuild_20161006.ListBuildsForProject",
                             {"projectName": names[p]}, "ids")
                 for p in ("build_project", "sync_project")}
    lost_builds = sorted(set(ledger.builds) - set(build_ids["build_project"]))
    assert lost_builds == [], f"acknowledged builds lost: {lost_builds[:10]}"
    extra = set(build_ids["build_project"]) - set(ledger.builds)
    assert len(extra) <= len(ledger.unanswered_builds), (extra, ledger.unanswered_builds)

    settle(raw, build_ids["build_project"] + build_ids["sync_project"], [])

    builds = {}
    all_ids = build_ids["build_project"] + build_ids["sync_project"]
    for i in range(0, len(all_ids), 100):
        got = raw.ok("CodeBuild_20161006.BatchGetBuilds", {"ids": all_ids[i:i + 100]})
        assert got["buildsNotFound"] == [], got["buildsNotFound"]
        builds.update({b["id"]: b for b in got["builds"]})
    assert len(builds) == len(all_ids)
    numbers = {}
    for build_id, build in builds.items():
        check_build(build, ledger.builds.get(build_id, "SUCCEEDED" if build_id.startswith(
            names["sync_project"] + ":") else None))
        numbers.setdefault(build["projectName"], []).append(build["buildNumber"])
    for project, nums in numbers.items():
        assert len(nums) == len(set(nums)), f"duplicate build numbers in {project}"

    used_by = {}
    for name, arn in exec_arns.items():
        request = ledger.executions.get(name) or ledger.unanswered_executions[name]
        expected = WAIT_EVENTS if request["machine"] == "wait" else SYNC_EVENTS
        events = check_history(raw, arn, expected)
        d = raw.ok("AWSStepFunctions.DescribeExecution", {"executionArn": arn})
        assert d["status"] == "SUCCEEDED", (arn, d)
        out = json.loads(d["output"])
        if request["machine"] == "wait":
            assert out == {"n": request["n"], "tag": "wait", "done": True}, (arn, out)
        else:
            assert out["n"] == request["n"] and out["status"] == "SUCCEEDED", (arn, out)
            submitted = next(e for e in events if e["type"] == "TaskSubmitted")
            submitted_id = json.loads(submitted["taskSubmittedEventDetails"]["output"])["Build"]["Id"]
            assert submitted_id == out["id"], (arn, submitted_id, out["id"])
            assert out["id"] in builds, (arn, out["id"])
            assert out["id"] not in used_by, f"{out['id']} used by {used_by.get(out['id'])} and {arn}"
            used_by[out["id"]] = arn
    orphans = sorted(set(build_ids["sync_project"]) - set(used_by))
    print(f"executions checked: {len(exec_arns)}; builds checked: {len(builds)}; "
          f"sync-project builds not used by an execution (restarted StartBuild): {len(orphans)}")
    for o in orphans:  # started by a task whose TaskSubmitted was lost with the kill
        print(f"  orphan {o} (#{builds[o]['buildNumber']}), initiator {builds[o].get('initiator')}")
    # A task started again after a kill passes the same derived idempotencyToken, so it gets
    # the build it had already started: no orphans.
    assert not orphans, orphans

    # And it all survives one more (clean) restart unchanged.
    raw.close()
    emu.restart()
    raw = Raw(emu.port)
    again = raw.ok("CodeBuild_20161006.BatchGetBuilds", {"ids": all_ids[:100]})["builds"]
    assert {b["id"]: b["phases"] for b in again} == {i: builds[i]["phases"] for i in all_ids[:100]}
    raw.close()
