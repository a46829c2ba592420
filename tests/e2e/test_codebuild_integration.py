"""Step Functions ⇄ CodeBuild integration end to end (reference section 3), with boto3 against the
real binary on a manual clock."""
import json
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parents[2] / "fixtures" / "pipeline"
ROLE = "arn:aws:iam::123456789012:role/sfn"


def read(name):
    return (PIPELINE / name).read_text()


def run_to_end(emu, sfn, ex, step=30, limit=100):
    for _ in range(limit):
        d = sfn.describe_execution(executionArn=ex)
        if d["status"] != "RUNNING":
            return d
        emu.advance(step)
    raise AssertionError("execution still running")


def event_types(sfn, ex):
    return [e["type"] for e in sfn.get_execution_history(executionArn=ex, maxResults=1000)["events"]]


@pytest.fixture
def pipeline(emu, cb, sfn):
    cb.create_project(**json.loads(read("project.json")))
    return sfn.create_state_machine(name="ci-pipeline", definition=read("definition.json"),
                                    roleArn=ROLE)["stateMachineArn"]


@pytest.mark.parametrize("case", ["success", "failure"])
def test_pipeline_fixture_history_matches_expected(emu, sfn, cb, pipeline, case):
    """The README's worked example runs both paths with the exact recorded event sequence."""
    expected = json.loads(read("expected_%s.json" % case))
    ex = sfn.start_execution(stateMachineArn=pipeline, input=read("input_%s.json" % case))["executionArn"]
    d = run_to_end(emu, sfn, ex)
    assert d["status"] == expected["status"]
    if "error" in expected:
        assert d["error"] == expected["error"]
    assert event_types(sfn, ex) == expected["events"]
    # Either way the build was cleaned up by the state machine.
    assert cb.list_builds_for_project(projectName="web-app")["ids"] == []


def test_sync_task_events_carry_codebuild_details(emu, sfn, pipeline):
    """TaskScheduled/TaskSubmitted/TaskSucceeded details as reference 3.7 records them."""
    ex = sfn.start_execution(stateMachineArn=pipeline, input=read("input_success.json"))["executionArn"]
    run_to_end(emu, sfn, ex)
    events = sfn.get_execution_history(executionArn=ex)["events"]
    ids = [e["id"] for e in events]
    assert ids == list(range(1, len(ids) + 1))
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "codebuild"
    assert scheduled["resource"] == "startBuild.sync"
    assert json.loads(scheduled["parameters"])["ProjectName"] == "web-app"
    submitted = json.loads(next(e for e in events if e["type"] == "TaskSubmitted")
                           ["taskSubmittedEventDetails"]["output"])
    assert submitted["Build"]["BuildStatus"] == "IN_PROGRESS"
    assert submitted["SdkHttpMetadata"]["HttpStatusCode"] == 200
    succeeded = json.loads(next(e for e in events if e["type"] == "TaskSucceeded")
                           ["taskSucceededEventDetails"]["output"])
    assert succeeded["Build"]["BuildStatus"] == "SUCCEEDED"
    assert [p["PhaseType"] for p in succeeded["Build"]["Phases"]][-1] == "COMPLETED"
    assert isinstance(succeeded["Build"]["StartTime"], int)


def test_delete_right_after_stop(emu, cb, sfn):
    """The plain API answers BUILD_IN_PROGRESS while a stopped build finalizes; the integration's
    internal retry deletes it once finalization completes (reference 3.5)."""
    cb.create_project(**json.loads(read("project.json")))
    slow = [{"Name": "SIMULATE_PHASE_SECONDS", "Type": "PLAINTEXT", "Value": "BUILD=600"}]
    direct = cb.start_build(projectName="web-app", environmentVariablesOverride=[
        {"name": "SIMULATE_PHASE_SECONDS", "value": "BUILD=600"}])["build"]
    cb.stop_build(id=direct["id"])
    during = cb.batch_delete_builds(ids=[direct["id"]])
    assert during["buildsNotDeleted"][0]["statusCode"] == "BUILD_IN_PROGRESS"

    definition = {"StartAt": "Start", "States": {
        "Start": {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuild",
                  "Parameters": {"ProjectName": "web-app", "EnvironmentVariablesOverride": slow},
                  "Next": "Stop"},
        "Stop": {"Type": "Task", "Resource": "arn:aws:states:::codebuild:stopBuild",
                 "Parameters": {"Id.$": "$.Build.Id"}, "ResultPath": None, "Next": "Delete"},
        "Delete": {"Type": "Task", "Resource": "arn:aws:states:::codebuild:batchDeleteBuilds",
                   "Parameters": {"Ids.$": "$.Build..Arn"}, "End": True}}}
    sm = sfn.create_state_machine(name="stop-delete", definition=json.dumps(definition),
                                  roleArn=ROLE)["stateMachineArn"]
    ex = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    d = run_to_end(emu, sfn, ex, step=1)
    assert d["status"] == "SUCCEEDED"
    out = json.loads(d["output"])
    assert len(out["BuildsDeleted"]) == 1 and out["BuildsNotDeleted"] == []
    assert event_types(sfn, ex).count("TaskScheduled") == 3


def test_restart_during_sync_task(emu, cb, sfn):
    """A restart while startBuild.sync waits resumes waiting on the same build."""
    cb.create_project(**json.loads(read("project.json")))
    definition = {"StartAt": "B", "States": {"B": {
        "Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuild.sync",
        "Parameters": {"ProjectName": "web-app", "EnvironmentVariablesOverride": [
            {"Name": "SIMULATE_PHASE_SECONDS", "Type": "PLAINTEXT", "Value": "BUILD=120"}]},
        "End": True}}}
    sm = sfn.create_state_machine(name="resume", definition=json.dumps(definition),
                                  roleArn=ROLE)["stateMachineArn"]
    ex = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    emu.advance(10)
    emu.restart()
    d = run_to_end(emu, emu.sfn_client(), ex)
    assert d["status"] == "SUCCEEDED"
    client = emu.client()
    assert len(client.list_builds_for_project(projectName="web-app")["ids"]) == 1
    types = event_types(emu.sfn_client(), ex)
    assert types.count("TaskSubmitted") == 1 and types[-1] == "ExecutionSucceeded"


def test_aws_sdk_codebuild_integration(emu, cb, sfn):
    """aws-sdk:codebuild:<action> calls the API with PascalCase in and out, no SdkHttpMetadata."""
    cb.create_project(**json.loads(read("project.json")))
    definition = {"StartAt": "Get", "States": {"Get": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:codebuild:batchGetProjects",
        "Parameters": {"Names": ["web-app", "missing"]}, "End": True}}}
    sm = sfn.create_state_machine(name="sdk", definition=json.dumps(definition),
                                  roleArn=ROLE)["stateMachineArn"]
    ex = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    d = run_to_end(emu, sfn, ex)
    out = json.loads(d["output"])
    assert out["Projects"][0]["Name"] == "web-app"
    assert out["ProjectsNotFound"] == ["missing"]
    assert "SdkHttpMetadata" not in out


def test_express_rejects_sync(emu, sfn):
    """EXPRESS machines cannot use .sync (F-089)."""
    definition = {"StartAt": "B", "States": {"B": {
        "Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuild.sync",
        "Parameters": {"ProjectName": "p"}, "End": True}}}
    with pytest.raises(sfn.exceptions.InvalidDefinition) as e:
        sfn.create_state_machine(name="x", type="EXPRESS", definition=json.dumps(definition), roleArn=ROLE)
    assert "Express state machine does not support '.sync' service integration" in str(e.value)
