"""ASL control flow through the real binary on the manual clock (reference 4.4, 4.5): Wait and
Retry back-off at exact simulated instants, Catch, Parallel and Map history sequences, and
`.waitForTaskToken` callbacks (SendTaskSuccess/Failure/Heartbeat)."""

import json

import pytest
from botocore.exceptions import ClientError

from emulator import (EMULATOR_TASK, assert_contiguous, definition, epoch, event_types,
                      full_history)


def start(sfn, arn, inp=None):
    kwargs = {"stateMachineArn": arn}
    if inp is not None:
        kwargs["input"] = json.dumps(inp)
    return sfn.start_execution(**kwargs)["executionArn"]


def rel_times(events):
    """Each event's timestamp in seconds after ExecutionStarted."""
    t0 = epoch(events[0]["timestamp"])
    return [round(epoch(e["timestamp"]) - t0, 3) for e in events]


def test_wait_seconds_exact_timestamps(sfn, make_sm, emu):
    """Reference 4.5 Wait: the state exits exactly Seconds after it was entered, not before."""
    arn = make_sm(definition=definition({
        "W": {"Type": "Wait", "Seconds": 10, "Next": "W2"},
        "W2": {"Type": "Wait", "SecondsPath": "$.more", "End": True}}))
    ex = start(sfn, arn, {"more": 5})
    emu.advance(9.999)
    assert event_types(full_history(sfn, ex))[-1] == "WaitStateEntered"
    emu.advance(0.001)
    assert event_types(full_history(sfn, ex))[-1] == "WaitStateEntered"  # W2 entered at 10
    emu.advance(5)
    events = full_history(sfn, ex)
    assert event_types(events) == ["ExecutionStarted", "WaitStateEntered", "WaitStateExited",
                                   "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]
    assert rel_times(events) == [0, 0, 10, 10, 15, 15]
    assert_contiguous(events)
    assert sfn.describe_execution(executionArn=ex)["status"] == "SUCCEEDED"


def test_wait_timestamp_path(sfn, make_sm, emu):
    """Reference 4.5 Wait TimestampPath: waits until an absolute RFC3339 instant."""
    from datetime import datetime, timezone
    now = emu.now()
    until = datetime.fromtimestamp(int(now) + 60, tz=timezone.utc)
    arn = make_sm(definition=definition({
        "W": {"Type": "Wait", "TimestampPath": "$.until", "End": True}}))
    ex = start(sfn, arn, {"until": until.strftime("%Y-%m-%dT%H:%M:%SZ")})
    emu.advance_to(until.timestamp() - 0.5)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    emu.advance(0.5)
    events = full_history(sfn, ex)
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert epoch(events[2]["timestamp"]) == pytest.approx(until.timestamp(), abs=1e-3)


def test_retry_backoff_exact_times(sfn, make_sm, emu):
    """Reference 4.5 Retry: interval for attempt n = IntervalSeconds x BackoffRate^(n-1); the
    task fails twice (attempts 0, 1) and succeeds on attempt 2 at t = 2 + 6 = 8 s."""
    arn = make_sm(definition=definition({"T": {
        "Type": "Task", "Resource": EMULATOR_TASK,
        "Parameters": {"FailWhileAttemptBelow": 2, "Attempt.$": "$$.State.RetryCount",
                       "Error": "Flaky.Error", "Output": {"done": True}},
        "Retry": [{"ErrorEquals": ["Flaky.Error"], "IntervalSeconds": 2, "BackoffRate": 3,
                   "MaxAttempts": 3}],
        "End": True}}))
    ex = start(sfn, arn)
    emu.advance(1.999)
    assert sum(t == "TaskScheduled" for t in event_types(full_history(sfn, ex))) == 1
    emu.advance(0.001)
    assert sum(t == "TaskScheduled" for t in event_types(full_history(sfn, ex))) == 2
    emu.advance(5.999)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    emu.advance(0.001)
    events = full_history(sfn, ex)
    assert_contiguous(events)
    sched = [(e, t) for e, t in zip(events, rel_times(events)) if e["type"] == "TaskScheduled"]
    assert [t for _, t in sched] == [0, 2, 8]
    assert [json.loads(e["taskScheduledEventDetails"]["parameters"])["Attempt"]
            for e, _ in sched] == [0, 1, 2]
    assert event_types(events).count("TaskFailed") == 2
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"done": True}


def test_retry_exhausted_then_catch(sfn, make_sm, emu):
    """Retry gives up after MaxAttempts; Catch then routes to its Next with
    {"Error", "Cause"} at ResultPath (F-107, reference 4.5)."""
    arn = make_sm(definition=definition({
        "T": {"Type": "Task", "Resource": EMULATOR_TASK,
              "Parameters": {"Error": "Always.Fails", "Cause": "nope"},
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}],
              "Catch": [{"ErrorEquals": ["Always.Fails"], "ResultPath": "$.err",
                         "Next": "Handled"}],
              "Next": "Unreached"},
        "Unreached": {"Type": "Fail", "Error": "Bad"},
        "Handled": {"Type": "Pass", "End": True}}))
    ex = start(sfn, arn, {"keep": 1})
    emu.advance(1)
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED"
    assert json.loads(d["output"]) == {"keep": 1, "err": {"Error": "Always.Fails", "Cause": "nope"}}
    events = full_history(sfn, ex)
    assert_contiguous(events)
    types = event_types(events)
    assert types.count("TaskFailed") == 2
    exited = [e for e in events if e["type"] == "TaskStateExited"][0]
    assert json.loads(exited["stateExitedEventDetails"]["output"])["err"]["Error"] == "Always.Fails"
    assert types[-3:] == ["PassStateEntered", "PassStateExited", "ExecutionSucceeded"]


def test_uncaught_task_failure(sfn, make_sm):
    """F-106: an uncaught TaskFailed is followed directly by ExecutionFailed."""
    arn = make_sm(definition=definition({"T": {
        "Type": "Task", "Resource": EMULATOR_TASK,
        "Parameters": {"Error": "Boom", "Cause": "kaput"}, "End": True}}))
    ex = start(sfn, arn)
    events = full_history(sfn, ex)
    assert event_types(events)[-2:] == ["TaskFailed", "ExecutionFailed"]
    assert events[-1]["executionFailedEventDetails"] == {"error": "Boom", "cause": "kaput"}


def test_parallel_history(sfn, make_sm, emu):
    """Reference 4.4: Parallel = Entered → Started → branch events → Succeeded → Exited, the
    output is the array of branch outputs in branch order."""
    arn = make_sm(definition=definition({"Par": {
        "Type": "Parallel", "End": True,
        "Branches": [
            {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 5, "Next": "S1"},
                                           "S1": {"Type": "Pass", "Result": "one", "End": True}}},
            {"StartAt": "Fast", "States": {"Fast": {"Type": "Pass", "Result": "two",
                                                    "End": True}}}]}}))
    ex = start(sfn, arn)
    emu.advance(5)
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == ["one", "two"]
    events = full_history(sfn, ex)
    assert_contiguous(events)
    types = event_types(events)
    assert types[:3] == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]
    assert types[-3:] == ["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"]
    assert sorted(types[3:-3]) == sorted(["WaitStateEntered", "WaitStateExited",
                                          "PassStateEntered", "PassStateExited",
                                          "PassStateEntered", "PassStateExited"])
    assert rel_times(events)[-1] == 5


def test_parallel_branch_failure(sfn, make_sm, emu):
    """Reference 4.4: a Fail state inside a branch → FailStateEntered → ParallelStateFailed →
    ExecutionFailed; the other branch's Wait is aborted and never completes."""
    arn = make_sm(definition=definition({"Par": {
        "Type": "Parallel", "End": True,
        "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 50, "End": True}}},
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Branch.Err"}}}]}}))
    ex = start(sfn, arn)
    events = full_history(sfn, ex)
    types = event_types(events)
    assert types[-2:] == ["ParallelStateFailed", "ExecutionFailed"]
    assert "FailStateEntered" in types
    assert "WaitStateExited" not in types
    assert events[-1]["executionFailedEventDetails"]["error"] == "Branch.Err"
    assert_contiguous(events)
    emu.advance(60)
    assert len(full_history(sfn, ex)) == len(events)


def test_map_history(sfn, make_sm):
    """Reference 4.4 inline Map: MapStateStarted{length}, MapIterationStarted/Succeeded with
    {name, index} per item; output in item order; $$.Map.Item.Index/Value."""
    arn = make_sm(definition=definition({"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}))
    ex = start(sfn, arn, {"items": ["a", "b", "c"]})
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED"
    assert json.loads(d["output"]) == [{"v": "a", "i": 0}, {"v": "b", "i": 1}, {"v": "c", "i": 2}]
    events = full_history(sfn, ex)
    assert_contiguous(events)
    types = event_types(events)
    assert types[:3] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted"]
    assert events[2]["mapStateStartedEventDetails"] == {"length": 3}
    assert types[-3:] == ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    started = [e["mapIterationStartedEventDetails"] for e in events
               if e["type"] == "MapIterationStarted"]
    assert sorted(s["index"] for s in started) == [0, 1, 2]
    assert all(s["name"] == "M" for s in started)
    assert types.count("MapIterationSucceeded") == 3


def test_map_empty_items(sfn, make_sm):
    """An empty Map produces [] (reference 4.5: output = array of iteration outputs)."""
    arn = make_sm(definition=definition({"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}))
    ex = start(sfn, arn, {"items": []})
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == []


CALLBACK = definition({"T": {
    "Type": "Task", "Resource": EMULATOR_TASK + ".waitForTaskToken",
    "Parameters": {"Token.$": "$$.Task.Token", "Output": {"ignored": True}},
    "End": True}})


def token_of(sfn, ex):
    events = full_history(sfn, ex)
    sched = [e for e in events if e["type"] == "TaskScheduled"][-1]
    return json.loads(sched["taskScheduledEventDetails"]["parameters"])["Token"]


def test_wait_for_task_token_success(sfn, make_sm, emu):
    """`.waitForTaskToken`: the task waits for SendTaskSuccess, whose output becomes the
    task result; the token cannot be used twice."""
    arn = make_sm(definition=CALLBACK)
    ex = start(sfn, arn)
    emu.advance(30)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    token = token_of(sfn, ex)
    assert token
    events = full_history(sfn, ex)
    assert events[2]["taskScheduledEventDetails"]["resource"] == "task.waitForTaskToken"
    sfn.send_task_success(taskToken=token, output='{"answer": 42}')
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"answer": 42}
    events = full_history(sfn, ex)
    assert event_types(events)[-3:] == ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert_contiguous(events)
    with pytest.raises(ClientError) as e:
        sfn.send_task_success(taskToken=token, output="{}")
    assert e.value.response["Error"]["Code"] in ("TaskDoesNotExist", "InvalidToken", "TaskTimedOut")


def test_wait_for_task_token_failure(sfn, make_sm):
    """SendTaskFailure fails the task with the given error and cause."""
    arn = make_sm(definition=CALLBACK)
    ex = start(sfn, arn)
    sfn.send_task_failure(taskToken=token_of(sfn, ex), error="Worker.Error", cause="bad item")
    d = sfn.describe_execution(executionArn=ex)
    assert (d["status"], d["error"], d["cause"]) == ("FAILED", "Worker.Error", "bad item")
    events = full_history(sfn, ex)
    assert events[-2]["taskFailedEventDetails"]["error"] == "Worker.Error"


def test_send_task_success_invalid_output(sfn, make_sm):
    """Reference 4.3: SendTaskSuccess with non-JSON output → InvalidOutput; the task keeps
    waiting."""
    arn = make_sm(definition=CALLBACK)
    ex = start(sfn, arn)
    with pytest.raises(ClientError) as e:
        sfn.send_task_success(taskToken=token_of(sfn, ex), output="{not json")
    assert e.value.response["Error"]["Code"] == "InvalidOutput"
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"


def test_unknown_task_token(sfn):
    """Reference 4.3: an unknown token is rejected with a modeled error, never 5xx."""
    with pytest.raises(ClientError) as e:
        sfn.send_task_success(taskToken="no-such-token", output="{}")
    assert e.value.response["Error"]["Code"] in ("TaskDoesNotExist", "InvalidToken")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_heartbeat_keeps_task_alive(sfn, make_sm, emu):
    """HeartbeatSeconds: each SendTaskHeartbeat restarts the heartbeat timer; without one the
    task fails with States.HeartbeatTimeout (reference 4.5 error names)."""
    arn = make_sm(definition=definition({"T": {
        "Type": "Task", "Resource": EMULATOR_TASK + ".waitForTaskToken",
        "HeartbeatSeconds": 10, "Parameters": {"Token.$": "$$.Task.Token"}, "End": True}}))
    ex = start(sfn, arn)
    token = token_of(sfn, ex)
    for _ in range(3):
        emu.advance(8)
        sfn.send_task_heartbeat(taskToken=token)
    assert sfn.describe_execution(executionArn=ex)["status"] == "RUNNING"
    emu.advance(10)
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "FAILED" and d["error"] == "States.HeartbeatTimeout"
    events = full_history(sfn, ex)
    assert rel_times(events)[-1] == 34
    with pytest.raises(ClientError):
        sfn.send_task_heartbeat(taskToken=token)


def test_stop_execution_cancels_waiting_task(sfn, make_sm):
    """StopExecution of an execution waiting for a token ends it ABORTED and the token is
    dead afterwards."""
    arn = make_sm(definition=CALLBACK)
    ex = start(sfn, arn)
    token = token_of(sfn, ex)
    sfn.stop_execution(executionArn=ex)
    assert sfn.describe_execution(executionArn=ex)["status"] == "ABORTED"
    with pytest.raises(ClientError):
        sfn.send_task_success(taskToken=token, output="{}")
    assert full_history(sfn, ex)[-1]["type"] == "ExecutionAborted"


def test_choice_no_match(sfn, make_sm):
    """Reference 4.5: no matching rule and no Default → States.NoChoiceMatched."""
    arn = make_sm(definition=definition({"C": {"Type": "Choice", "Choices": [
        {"Variable": "$.x", "NumericEquals": 1, "Next": "P"}]},
        "P": {"Type": "Pass", "End": True}}))
    ex = start(sfn, arn, {"x": 2})
    d = sfn.describe_execution(executionArn=ex)
    assert d["status"] == "FAILED" and d["error"] == "States.NoChoiceMatched"
