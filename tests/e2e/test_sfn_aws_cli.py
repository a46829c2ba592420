"""AWS CLI `stepfunctions` commands against the emulator (STYLE.md Tests item 4): the CLI
parses every response (timestamps, integers, JSON-string payloads). Same CLI discovery as
test_aws_cli.py: Debian's v2 and, when present, another `aws` first on PATH."""

import json
import os
import subprocess

import pytest

from emulator import SFN_ROLE, definition, sm_arn
from test_aws_cli import CLIS, _epoch


@pytest.fixture(params=CLIS or [None], ids=[c[0] for c in CLIS] or ["no-aws-cli"])
def aws_sfn(request, emu, tmp_path):
    """aws_sfn(*args) -> parsed JSON stdout of `aws stepfunctions <args>`."""
    if request.param is None:
        pytest.skip("no AWS CLI installed (Debian package awscli provides /usr/bin/aws)")
    label, exe, version = request.param
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"), "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard",
        "AWS_EC2_METADATA_DISABLED": "true",
    })

    def run(*args, expect_error=False):
        argv = [exe, "stepfunctions", *args, "--endpoint-url", emu.endpoint, "--output", "json"]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        if expect_error:
            assert proc.returncode != 0, f"{label}: {argv} unexpectedly succeeded: {proc.stdout}"
            return proc
        assert proc.returncode == 0, f"{label} ({version}): {argv}\n{proc.stderr}"
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    return run


def test_cli_state_machine_and_execution(aws_sfn, emu, unique):
    """create-state-machine, start-execution, describe-execution, get-execution-history on a
    Wait of 5 s: the CLI parses timestamps and the history ids/types round-trip."""
    name = unique("cli")
    text = definition({"W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
                       "P": {"Type": "Pass", "Result": {"cli": True}, "End": True}})
    created = aws_sfn("create-state-machine", "--name", name, "--definition", text,
                      "--role-arn", SFN_ROLE)
    assert created["stateMachineArn"] == sm_arn(name)
    _epoch(created["creationDate"])
    started = aws_sfn("start-execution", "--state-machine-arn", created["stateMachineArn"],
                      "--name", "cli-run", "--input", '{"from": "cli"}')
    assert started["executionArn"].endswith(f":execution:{name}:cli-run")
    running = aws_sfn("describe-execution", "--execution-arn", started["executionArn"])
    assert running["status"] == "RUNNING" and "stopDate" not in running
    emu.advance(5)
    done = aws_sfn("describe-execution", "--execution-arn", started["executionArn"])
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"cli": True}
    assert _epoch(done["stopDate"]) - _epoch(done["startDate"]) == pytest.approx(5, abs=1e-3)
    history = aws_sfn("get-execution-history", "--execution-arn", started["executionArn"])
    events = history["events"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert [e["type"] for e in events] == [
        "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered",
        "PassStateExited", "ExecutionSucceeded"]
    assert json.loads(events[0]["executionStartedEventDetails"]["input"]) == {"from": "cli"}
    reverse = aws_sfn("get-execution-history", "--execution-arn", started["executionArn"],
                      "--reverse-order")
    assert [e["id"] for e in reverse["events"]] == [e["id"] for e in events][::-1]


def test_cli_errors(aws_sfn, unique):
    """The CLI shows AWS's error code for an invalid definition and an unknown execution."""
    proc = aws_sfn("create-state-machine", "--name", unique("bad"), "--definition",
                   '{"StartAt": "A"}', "--role-arn", SFN_ROLE, expect_error=True)
    assert "InvalidDefinition" in proc.stderr
    assert "These fields are required: [States]" in proc.stderr
    proc = aws_sfn("describe-execution", "--execution-arn",
                   "arn:aws:states:us-east-1:123456789012:execution:sm:none", expect_error=True)
    assert "ExecutionDoesNotExist" in proc.stderr
