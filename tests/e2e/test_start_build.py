"""StartBuild: the start response shape and every override reflected in the Build.

Overrides are sent on the raw wire so that members the Debian botocore model predates
(`fleetOverride`, `autoRetryLimitOverride`, GITLAB source types) are really sent.
"""

import pytest

from emulator import (DEFAULT_ACCOUNT, DEFAULT_REGION, SERVICE_ROLE, build_arn, env_override,
                      is_ms_number, phase_types, project_input)


@pytest.fixture
def project(wire, unique):
    body = project_input(unique("ovr"), {"FROM_PROJECT": "p", "SHARED": "project"})
    return wire.call("CreateProject", body)["project"]


def start(wire, project, **overrides):
    return wire.call("StartBuild", {"projectName": project["name"], **overrides})["build"]


def get(wire, build_id):
    out = wire.call("BatchGetBuilds", {"ids": [build_id]})
    assert len(out["builds"]) == 1, out
    return out["builds"][0]


def test_start_build_response_shape(wire, emu, project):
    """F-020, F-027, F-028, F-029 and reference 2.3: a fresh build as AWS returns it."""
    now = emu.now()
    build = start(wire, project)
    name = project["name"]
    assert build["id"].startswith(name + ":")
    uuid_part = build["id"][len(name) + 1:]
    assert len(uuid_part) == 36 and uuid_part == uuid_part.lower()
    assert build["arn"] == build_arn(build["id"])
    assert build["buildNumber"] == 1
    assert build["projectName"] == name
    assert build["buildStatus"] == "IN_PROGRESS"
    assert build["buildComplete"] is False
    assert build["currentPhase"] == "QUEUED"
    assert "endTime" not in build
    assert is_ms_number(build["startTime"])
    assert build["startTime"] == pytest.approx(now, abs=0.002)
    assert phase_types(build) == ["SUBMITTED", "QUEUED"]
    submitted, queued = build["phases"]
    assert submitted["phaseStatus"] == "SUCCEEDED"
    assert submitted["startTime"] == build["startTime"]
    assert submitted["endTime"] == queued["startTime"]
    assert set(queued) == {"phaseType", "startTime"}, "an open phase has no status/end yet"
    assert build["timeoutInMinutes"] == 60
    assert build["queuedTimeoutInMinutes"] == 480
    assert build["artifacts"] == {"location": ""}
    assert build["secondarySources"] == [] and build["secondarySourceVersions"] == []
    assert build["secondaryArtifacts"] == []
    assert build["cache"] == {"type": "NO_CACHE"}
    assert build["serviceRole"] == SERVICE_ROLE
    assert build["encryptionKey"] == f"arn:aws:kms:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:alias/aws/s3"
    assert build["source"] == project["source"]
    assert build["environment"]["image"] == project["environment"]["image"]
    assert build["environment"]["imagePullCredentialsType"] == "CODEBUILD"
    assert isinstance(build["initiator"], str) and build["initiator"]
    assert build["logs"]["cloudWatchLogs"]["status"] == "ENABLED"
    assert None not in build.values()
    # BatchGetBuilds right away shows the same build.
    assert get(wire, build["id"]) == build


def test_logs_placeholder_then_real_names(wire, emu, project):
    """Reference 2.3 / 2.1: before the container starts `logs` holds the null placeholders;
    later group /aws/codebuild/<project> and stream = the build id's uuid."""
    build = start(wire, project)
    logs = build["logs"]
    assert logs["deepLink"] == ("https://console.aws.amazon.com/cloudwatch/home?region=us-east-1"
                                "#logEvent:group=null;stream=null")
    assert logs["cloudWatchLogsArn"] == "arn:aws:logs:us-east-1:123456789012:log-group:null:log-stream:null"
    assert logs["s3Logs"] == {"status": "DISABLED", "encryptionDisabled": False}
    assert "groupName" not in logs
    emu.advance(30)
    logs = get(wire, build["id"])["logs"]
    stream = build["id"].split(":", 1)[1]
    assert logs["groupName"] == f"/aws/codebuild/{project['name']}"
    assert logs["streamName"] == stream
    assert f"group=/aws/codebuild/{project['name']};stream={stream}" in logs["deepLink"]


def test_build_numbers_increase_per_project(wire, project, unique):
    """F-034: buildNumber starts at 1 per project and counts up."""
    other = wire.call("CreateProject", project_input(unique("other")))["project"]
    assert [start(wire, project)["buildNumber"] for _ in range(3)] == [1, 2, 3]
    assert start(wire, other)["buildNumber"] == 1


def test_source_overrides(wire, project):
    """Every source-related override lands in build.source / sourceVersion."""
    build = start(
        wire, project,
        sourceTypeOverride="GITHUB",
        sourceLocationOverride="https://github.com/example/repo.git",
        sourceAuthOverride={"type": "OAUTH", "resource": "token-ref"},
        gitCloneDepthOverride=5,
        gitSubmodulesConfigOverride={"fetchSubmodules": True},
        buildspecOverride="version: 0.2\nphases:\n  build:\n    commands:\n      - make\n",
        insecureSslOverride=True,
        reportBuildStatusOverride=True,
        buildStatusConfigOverride={"context": "ci/e2e", "targetUrl": "https://example.com"},
        sourceVersion="refs/heads/main",
    )
    src = build["source"]
    assert src["type"] == "GITHUB"
    assert src["location"] == "https://github.com/example/repo.git"
    assert src["auth"] == {"type": "OAUTH", "resource": "token-ref"}
    assert src["gitCloneDepth"] == 5
    assert src["gitSubmodulesConfig"] == {"fetchSubmodules": True}
    assert src["buildspec"].endswith("- make\n")
    assert src["insecureSsl"] is True
    assert src["reportBuildStatus"] is True
    assert src["buildStatusConfig"] == {"context": "ci/e2e", "targetUrl": "https://example.com"}
    assert build["sourceVersion"] == "refs/heads/main"


def test_source_type_from_newer_model(wire, project):
    """GITLAB is in the current model's SourceType enum; the server must accept it."""
    build = start(wire, project, sourceTypeOverride="GITLAB",
                  sourceLocationOverride="https://gitlab.com/example/repo.git")
    assert build["source"]["type"] == "GITLAB"


def test_secondary_source_overrides(wire, project):
    """secondarySourcesOverride / secondarySourcesVersionOverride become the build's lists."""
    secondary = [{"type": "S3", "location": "bucket/src.zip", "sourceIdentifier": "extra"}]
    versions = [{"sourceIdentifier": "extra", "sourceVersion": "v42"}]
    build = start(wire, project, secondarySourcesOverride=secondary,
                  secondarySourcesVersionOverride=versions)
    assert [s["sourceIdentifier"] for s in build["secondarySources"]] == ["extra"]
    assert build["secondarySources"][0]["location"] == "bucket/src.zip"
    assert build["secondarySourceVersions"] == versions


def test_environment_overrides(wire, project):
    """Environment overrides land in build.environment."""
    build = start(
        wire, project,
        environmentTypeOverride="ARM_CONTAINER",
        imageOverride="aws/codebuild/amazonlinux2-aarch64-standard:3.0",
        computeTypeOverride="BUILD_GENERAL1_LARGE",
        certificateOverride="bucket/cert.pem",
        privilegedModeOverride=True,
        registryCredentialOverride={"credential": "arn:aws:secretsmanager:us-east-1:123456789012:secret:reg",
                                    "credentialProvider": "SECRETS_MANAGER"},
        imagePullCredentialsTypeOverride="SERVICE_ROLE",
    )
    env = build["environment"]
    assert env["type"] == "ARM_CONTAINER"
    assert env["image"] == "aws/codebuild/amazonlinux2-aarch64-standard:3.0"
    assert env["computeType"] == "BUILD_GENERAL1_LARGE"
    assert env["certificate"] == "bucket/cert.pem"
    assert env["privilegedMode"] is True
    assert env["registryCredential"] == {
        "credential": "arn:aws:secretsmanager:us-east-1:123456789012:secret:reg",
        "credentialProvider": "SECRETS_MANAGER"}
    assert env["imagePullCredentialsType"] == "SERVICE_ROLE"


def test_environment_variables_override_wins(wire, project):
    """environmentVariablesOverride replaces same-named project variables, adds new ones."""
    build = start(wire, project, environmentVariablesOverride=env_override(SHARED="build", NEW="n"))
    env = {v["name"]: v["value"] for v in build["environment"]["environmentVariables"]}
    assert env["SHARED"] == "build"
    assert env["NEW"] == "n"
    assert [v["name"] for v in build["environment"]["environmentVariables"]].count("SHARED") == 1
    # The project itself is unchanged (reference 2.5).
    proj = wire.call("BatchGetProjects", {"names": [project["name"]]})["projects"][0]
    assert {v["name"]: v["value"] for v in proj["environment"]["environmentVariables"]} == {
        "FROM_PROJECT": "p", "SHARED": "project"}


def test_artifact_overrides(wire, emu, project):
    """artifactsOverride / secondaryArtifactsOverride are reflected in the build's artifacts."""
    build = start(
        wire, project,
        artifactsOverride={"type": "S3", "location": "my-artifact-bucket", "name": "out.zip",
                           "packaging": "ZIP", "encryptionDisabled": True},
        secondaryArtifactsOverride=[{"type": "S3", "location": "second-bucket",
                                     "artifactIdentifier": "second", "name": "b.zip"}],
    )
    assert [a.get("artifactIdentifier") for a in build["secondaryArtifacts"]] == ["second"]
    emu.advance(60)
    done = get(wire, build["id"])
    assert done["buildStatus"] == "SUCCEEDED"
    assert "my-artifact-bucket" in done["artifacts"]["location"]
    assert "second-bucket" in done["secondaryArtifacts"][0]["location"]


def test_cache_role_timeouts_and_key_overrides(wire, project):
    """cacheOverride, serviceRoleOverride, timeout overrides, encryptionKeyOverride."""
    role = "arn:aws:iam::123456789012:role/other-role"
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd"
    build = start(wire, project,
                  cacheOverride={"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE"]},
                  serviceRoleOverride=role, timeoutInMinutesOverride=2160,
                  queuedTimeoutInMinutesOverride=5, encryptionKeyOverride=key)
    assert build["cache"] == {"type": "LOCAL", "modes": ["LOCAL_SOURCE_CACHE"]}
    assert build["serviceRole"] == role
    assert build["timeoutInMinutes"] == 2160
    assert build["queuedTimeoutInMinutes"] == 5
    assert build["encryptionKey"] == key


def test_logs_config_override(wire, project):
    """logsConfigOverride shows up in build.logs."""
    build = start(wire, project, logsConfigOverride={
        "cloudWatchLogs": {"status": "ENABLED", "groupName": "grp", "streamName": "strm"},
        "s3Logs": {"status": "ENABLED", "location": "log-bucket/prefix"}})
    logs = build["logs"]
    assert logs["cloudWatchLogs"]["status"] == "ENABLED"
    assert logs["cloudWatchLogs"]["groupName"] == "grp"
    assert logs["cloudWatchLogs"]["streamName"] == "strm"
    assert logs["s3Logs"]["status"] == "ENABLED"
    assert logs["s3Logs"]["location"] == "log-bucket/prefix"


def test_debug_fleet_and_auto_retry_overrides(wire, project):
    """debugSessionEnabled, fleetOverride and autoRetryLimitOverride (newer model members)."""
    fleet = "arn:aws:codebuild:us-east-1:123456789012:fleet/my-fleet:abcd"
    build = start(wire, project, debugSessionEnabled=True, fleetOverride={"fleetArn": fleet},
                  autoRetryLimitOverride=2)
    assert build["debugSession"]["sessionEnabled"] is True
    assert build["environment"]["fleet"] == {"fleetArn": fleet}
    assert build["autoRetryConfig"]["autoRetryLimit"] == 2


def test_idempotency_token_returns_same_build(wire, project):
    """Reference 2.5: same idempotencyToken + same parameters -> the original build [INF];
    same token with a changed parameter -> InvalidInputException [INF]."""
    first = start(wire, project, idempotencyToken="tok-1", timeoutInMinutesOverride=30)
    again = start(wire, project, idempotencyToken="tok-1", timeoutInMinutesOverride=30)
    assert again["id"] == first["id"]
    err = wire.error("StartBuild", {"projectName": project["name"], "idempotencyToken": "tok-1",
                                    "timeoutInMinutesOverride": 40})
    assert err.code == "InvalidInputException"
    other = start(wire, project, idempotencyToken="tok-2", timeoutInMinutesOverride=30)
    assert other["id"] != first["id"]


def test_overrides_do_not_change_project(wire, project):
    """Reference 2.5: overrides apply to one build only; the next build uses the project."""
    start(wire, project, imageOverride="custom:1", timeoutInMinutesOverride=9,
          sourceTypeOverride="S3", sourceLocationOverride="bucket/key.zip")
    plain = start(wire, project)
    assert plain["environment"]["image"] == project["environment"]["image"]
    assert plain["timeoutInMinutes"] == 60
    assert plain["source"] == project["source"]
