"""AWS CLI against the emulator (STYLE.md Tests item 4): Debian's v2 (/usr/bin/aws) and,
when present, a different v1 found first on PATH (e.g. pyenv). Each CLI is a parameter,
labelled, so a failure says which CLI broke."""

import json
import os
import shutil
import subprocess
from datetime import datetime

import pytest

from emulator import BUILDSPEC, SERVICE_ROLE, build_arn, project_arn


def _version(exe):
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text if out.returncode == 0 and text.startswith("aws-cli/") else None


def _discover():
    """[(label, path, version)] for each distinct AWS CLI on this machine."""
    found, seen = [], set()
    candidates = [("awscli-v2-debian", "/usr/bin/aws"), ("awscli-path", shutil.which("aws"))]
    for label, exe in candidates:
        if not exe or not os.path.exists(exe):
            continue
        version = _version(exe)
        if not version or version.split()[0] in seen:
            continue
        seen.add(version.split()[0])
        if label == "awscli-path":
            major = version.split("/")[1].split(".")[0]
            where = "pyenv" if ".pyenv" in exe else "path"
            label = f"awscli-v{major}-{where}"
        found.append((label, exe, version))
    return found


CLIS = _discover()


@pytest.fixture(params=CLIS or [None], ids=[c[0] for c in CLIS] or ["no-aws-cli"])
def aws(request, emu, tmp_path):
    """aws(*args, check=True) -> parsed JSON stdout (or the CompletedProcess on failure)."""
    if request.param is None:
        pytest.skip("no AWS CLI installed (Debian package awscli provides /usr/bin/aws)")
    label, exe, version = request.param
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        "AWS_EC2_METADATA_DISABLED": "true",
    })

    def run(*args, expect_error=False):
        argv = [exe, "codebuild", *args, "--endpoint-url", emu.endpoint, "--output", "json"]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        if expect_error:
            assert proc.returncode != 0, f"{label}: {argv} unexpectedly succeeded: {proc.stdout}"
            return proc
        assert proc.returncode == 0, f"{label} ({version}): {argv}\n{proc.stderr}"
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    run.label, run.version = label, version
    return run


def _epoch(value):
    """CLI v2 prints ISO-8601 timestamps, v1 the wire number; both must parse."""
    if isinstance(value, (int, float)):
        return float(value)
    return datetime.fromisoformat(value).timestamp()


def create_project(aws, name):
    return aws("create-project", "--name", name,
               "--source", json.dumps({"type": "NO_SOURCE", "buildspec": BUILDSPEC}),
               "--artifacts", json.dumps({"type": "NO_ARTIFACTS"}),
               "--environment", json.dumps({"type": "LINUX_CONTAINER",
                                            "image": "aws/codebuild/standard:7.0",
                                            "computeType": "BUILD_GENERAL1_SMALL"}),
               "--service-role", SERVICE_ROLE)["project"]


def test_cli_build_lifecycle(aws, emu, unique):
    """create-project, start-build, batch-get-builds, stop-build, batch-delete-builds: the
    CLI parses every response and the ids/ARNs round-trip."""
    name = unique("cli")
    project = create_project(aws, name)
    assert project["arn"] == project_arn(name)
    assert project["timeoutInMinutes"] == 60

    build = aws("start-build", "--project-name", name, "--environment-variables-override",
                "name=COLOR,value=blue,type=PLAINTEXT", "--timeout-in-minutes-override", "30")["build"]
    assert build["buildStatus"] == "IN_PROGRESS"
    assert build["timeoutInMinutes"] == 30
    assert {"name": "COLOR", "value": "blue", "type": "PLAINTEXT"} in \
        build["environment"]["environmentVariables"]
    t0 = _epoch(build["startTime"])

    emu.advance(3)
    got = aws("batch-get-builds", "--ids", build["id"])
    assert got["buildsNotFound"] == []
    assert got["builds"][0]["currentPhase"] == "BUILD"

    stopped = aws("stop-build", "--id", build["id"])["build"]
    assert stopped["buildStatus"] == "STOPPED"
    out = aws("batch-delete-builds", "--ids", build["id"])
    assert out["buildsNotDeleted"] == [{"id": build_arn(build["id"]), "statusCode": "BUILD_IN_PROGRESS"}]

    emu.advance(60)
    done = aws("batch-get-builds", "--ids", build["id"])["builds"][0]
    assert done["buildComplete"] is True and done["buildStatus"] == "STOPPED"
    assert _epoch(done["endTime"]) == pytest.approx(t0 + 6, abs=0.01)
    out = aws("batch-delete-builds", "--ids", build["arn"])
    assert out["buildsDeleted"] == [build["arn"]]
    assert aws("batch-get-builds", "--ids", build["id"])["buildsNotFound"] == [build["id"]]


def test_cli_lists(aws, emu, unique):
    """list-projects / list-builds-for-project output, including CLI auto-pagination."""
    name = unique("clils")
    create_project(aws, name)
    ids = [aws("start-build", "--project-name", name)["build"]["id"] for _ in range(3)]
    assert name in aws("list-projects")["projects"]
    assert aws("list-builds-for-project", "--project-name", name)["ids"] == ids[::-1]


def test_cli_errors(aws, unique):
    """Server errors surface in the CLI with their code and message."""
    proc = aws("start-build", "--project-name", "missing-project", expect_error=True)
    assert "ResourceNotFoundException" in proc.stderr
    assert f"Project cannot be found: {project_arn('missing-project')}" in proc.stderr

    name = unique("clierr")
    create_project(aws, name)
    proc = aws("create-project", "--name", name,
               "--source", json.dumps({"type": "NO_SOURCE", "buildspec": BUILDSPEC}),
               "--artifacts", '{"type":"NO_ARTIFACTS"}',
               "--environment", '{"type":"LINUX_CONTAINER","image":"i","computeType":"BUILD_GENERAL1_SMALL"}',
               "--service-role", "r", expect_error=True)
    assert "ResourceAlreadyExistsException" in proc.stderr

    proc = aws("start-build", "--project-name", name, "--timeout-in-minutes-override", "3000",
               expect_error=True)
    assert "InvalidInputException" in proc.stderr
    assert "Member must have value less than or equal to 2160" in proc.stderr
