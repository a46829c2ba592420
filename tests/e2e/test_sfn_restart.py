"""Step Functions executions survive a restart on the same --data-dir (service.hpp contract:
history and snapshot are committed before timers and tasks are armed)."""

import json

import pytest

from emulator import (EMULATOR_TASK, SFN_ROLE, assert_contiguous, definition, epoch,
                      event_types, full_history)


def create(sfn, name, text):
    return sfn.create_state_machine(name=name, definition=text,
                                    roleArn=SFN_ROLE)["stateMachineArn"]


def test_restart_in_the_middle_of_a_wait(start_emulator, tmp_path):
    """A Wait in flight resumes after a SIGTERM restart and ends at its planned instant; the
    history continues with contiguous ids and nothing is replayed."""
    data = tmp_path / "sfn-data"
    emu = start_emulator("manual", data_dir=data)
    sfn = emu.sfn_client()
    arn = create(sfn, "restart-wait", definition({
        "A": {"Type": "Pass", "Result": {"n": 1}, "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 60, "Next": "B"},
        "B": {"Type": "Pass", "End": True}}))
    ex = sfn.start_execution(stateMachineArn=arn, name="r1")["executionArn"]
    emu.advance(20)
    before = full_history(sfn, ex)
    assert before[-1]["type"] == "WaitStateEntered"
    t0 = epoch(before[0]["timestamp"])
    assert emu.stop() == 0, emu.diagnostics()

    emu2 = start_emulator("manual", data_dir=data)
    sfn2 = emu2.sfn_client()
    assert sfn2.describe_execution(executionArn=ex)["status"] == "RUNNING"
    assert full_history(sfn2, ex) == before
    emu2.advance_to(t0 + 59.5)
    assert sfn2.describe_execution(executionArn=ex)["status"] == "RUNNING"
    emu2.advance_to(t0 + 60.001)
    d = sfn2.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"n": 1}
    events = full_history(sfn2, ex)
    assert events[:len(before)] == before
    assert_contiguous(events)
    assert event_types(events) == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
        "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert epoch(events[4]["timestamp"]) - t0 == pytest.approx(60, abs=1e-3)
    assert events[5]["previousEventId"] == events[4]["id"]


def test_restart_while_waiting_for_task_token(start_emulator, tmp_path):
    """A `.waitForTaskToken` task survives a restart: the same token still completes it."""
    data = tmp_path / "sfn-data"
    emu = start_emulator("manual", data_dir=data)
    sfn = emu.sfn_client()
    arn = create(sfn, "restart-token", definition({"T": {
        "Type": "Task", "Resource": EMULATOR_TASK + ".waitForTaskToken",
        "Parameters": {"Token.$": "$$.Task.Token"}, "ResultPath": "$.reply", "End": True}}))
    ex = sfn.start_execution(stateMachineArn=arn, input='{"x": 1}')["executionArn"]
    before = full_history(sfn, ex)
    token = json.loads(before[2]["taskScheduledEventDetails"]["parameters"])["Token"]
    assert emu.stop() == 0, emu.diagnostics()

    emu2 = start_emulator("manual", data_dir=data)
    sfn2 = emu2.sfn_client()
    emu2.advance(5)
    assert sfn2.describe_execution(executionArn=ex)["status"] == "RUNNING"
    assert full_history(sfn2, ex) == before, "resuming must not schedule the task again"
    sfn2.send_task_success(taskToken=token, output='{"ok": true}')
    d = sfn2.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED"
    assert json.loads(d["output"]) == {"x": 1, "reply": {"ok": True}}
    events = full_history(sfn2, ex)
    assert_contiguous(events)
    assert event_types(events)[-3:] == ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]


def test_restart_during_retry_backoff_and_timed_task(start_emulator, tmp_path):
    """A Retry back-off timer and a timed emulator task both resume at their planned instants
    after a restart (exact simulated times)."""
    data = tmp_path / "sfn-data"
    emu = start_emulator("manual", data_dir=data)
    sfn = emu.sfn_client()
    arn = create(sfn, "restart-retry", definition({"T": {
        "Type": "Task", "Resource": EMULATOR_TASK,
        "Parameters": {"FailWhileAttemptBelow": 1, "Attempt.$": "$$.State.RetryCount",
                       "Seconds": 4, "Output": "fine"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 2}],
        "End": True}}))
    ex = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    t0 = epoch(full_history(sfn, ex)[0]["timestamp"])
    emu.advance(6)  # attempt 0 failed at t0+4, back-off until t0+14
    assert emu.stop() == 0, emu.diagnostics()
    emu2 = start_emulator("manual", data_dir=data)
    sfn2 = emu2.sfn_client()
    emu2.advance_to(t0 + 16)  # attempt 1 started at t0+14, answers at t0+18
    assert emu2.stop() == 0, emu2.diagnostics()
    emu3 = start_emulator("manual", data_dir=data)
    sfn3 = emu3.sfn_client()
    emu3.advance_to(t0 + 18.001)
    d = sfn3.describe_execution(executionArn=ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == "fine"
    events = full_history(sfn3, ex)
    assert_contiguous(events)
    times = {(e["type"], round(epoch(e["timestamp"]) - t0, 3)) for e in events}
    assert ("TaskFailed", 4) in times
    assert ("TaskScheduled", 14) in times
    assert ("TaskSucceeded", 18) in times
    assert event_types(events).count("TaskScheduled") == 2
