"""Build batches end to end (reference 2.10; F-042..F-049): StartBuildBatch and its fan-out of
real builds from the buildspec `batch` section, stop / delete / retry, restart resume."""

import json
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from emulator import REPO_ROOT, build_arn, env_override, phase_types

BUILDSPECS = REPO_ROOT / "fixtures" / "buildspecs"
BATCH_CONFIG = {"serviceRole": "arn:aws:iam::123456789012:role/service-role/batch",
                "restrictions": {"maximumBuildsAllowed": 20}}


def spec(name):
    return (BUILDSPECS / name).read_text()


def batch_project(make_project, buildspec, **extra):
    return make_project(source={"type": "NO_SOURCE", "buildspec": buildspec},
                        buildBatchConfig=BATCH_CONFIG, **extra)


def get_batch(cb, batch_id):
    out = cb.batch_get_build_batches(ids=[batch_id])
    assert out["buildBatchesNotFound"] == [], out
    return out["buildBatches"][0]


def group(batch, identifier):
    found = [g for g in batch.get("buildGroups", []) if g["identifier"] == identifier]
    assert len(found) == 1, [g["identifier"] for g in batch.get("buildGroups", [])]
    return found[0]


def status_of(batch, identifier):
    return group(batch, identifier)["currentBuildSummary"]["buildStatus"]


def build_id_of(batch, identifier):
    arn = group(batch, identifier)["currentBuildSummary"]["arn"]
    return arn.split(":build/", 1)[1]


def test_build_list_batch_runs_real_builds(cb, wire, emu, make_project):
    """A build-list batch: the recorded StartBuildBatch shape, builds visible through the build
    APIs with buildBatchArn, ignore-failure, and the batch's final phases."""
    project = batch_project(make_project, spec("list.yml"))
    started = wire.call("StartBuildBatch", {"projectName": project["name"]})["buildBatch"]
    assert started["currentPhase"] == "SUBMITTED"
    assert started["buildBatchStatus"] == "IN_PROGRESS"
    assert started["complete"] is False
    assert "phases" not in started, "F-042: no phases in the StartBuildBatch response"
    assert started["buildBatchNumber"] == 1
    assert started["arn"].startswith("arn:aws:codebuild:us-east-1:123456789012:build-batch/")
    assert started["buildBatchConfig"]["timeoutInMins"] == 480
    assert isinstance(started["startTime"], float)

    emu.advance(1)
    running = get_batch(cb, started["id"])
    assert running["currentPhase"] == "IN_PROGRESS"
    assert [g["identifier"] for g in running["buildGroups"]] == [
        "linux_amd64", "linux_arm64", "experimental"]
    ids = [build_id_of(running, g) for g in ("linux_amd64", "linux_arm64", "experimental")]
    builds = cb.batch_get_builds(ids=ids)["builds"]
    assert [b["buildBatchArn"] for b in builds] == [started["arn"]] * 3
    assert builds[1]["environment"]["computeType"] == "BUILD_GENERAL1_MEDIUM"
    env = {v["name"]: v["value"] for v in builds[1]["environment"]["environmentVariables"]}
    assert env["GOARCH"] == "arm64"
    assert set(ids) <= set(cb.list_builds_for_project(projectName=project["name"])["ids"])

    emu.advance(10)
    done = get_batch(cb, started["id"])
    assert done["buildBatchStatus"] == "SUCCEEDED", "experimental has ignore-failure"
    assert done["complete"] is True
    assert phase_types(done) == ["SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "SUCCEEDED"]
    assert status_of(done, "experimental") == "FAILED"
    assert group(done, "experimental")["ignoreFailure"] is True
    summary = group(done, "linux_amd64")["currentBuildSummary"]
    assert summary["primaryArtifact"] == {"type": "no_artifacts", "identifier": "linux_amd64"}
    assert cb.list_build_batches()["ids"] == [started["id"]]
    assert cb.list_build_batches(filter={"status": "FAILED"})["ids"] == []
    assert cb.list_build_batches_for_project(projectName=project["name"])["ids"] == [started["id"]]


def test_build_graph_order_stop_and_delete_window(cb, emu, make_project):
    """build-graph: dependents are PENDING until their dependencies succeed; StopBuildBatch
    completes the batch at once (F-044) and DeleteBuildBatch honours the finalize window."""
    project = batch_project(make_project, spec("graph.yml"))
    batch = cb.start_build_batch(projectName=project["name"])["buildBatch"]
    emu.advance(1)
    first = get_batch(cb, batch["id"])
    assert status_of(first, "deps") == "IN_PROGRESS"
    assert [status_of(first, g) for g in ("backend", "frontend", "e2e")] == ["PENDING"] * 3
    assert group(first, "e2e")["dependsOn"] == ["backend", "frontend"]
    emu.advance(6)
    second = get_batch(cb, batch["id"])
    assert status_of(second, "deps") == "SUCCEEDED"
    assert status_of(second, "backend") == "IN_PROGRESS"
    assert status_of(second, "frontend") == "IN_PROGRESS"
    assert status_of(second, "e2e") == "PENDING"
    emu.advance(6)  # backend done, frontend has BUILD=10
    assert status_of(get_batch(cb, batch["id"]), "e2e") == "PENDING"

    stopped = cb.stop_build_batch(id=batch["id"])["buildBatch"]
    assert stopped["buildBatchStatus"] == "STOPPED"
    assert stopped["complete"] is True
    assert phase_types(stopped)[-2:] == ["IN_PROGRESS", "STOPPED"]
    assert stopped["phases"][-2]["phaseStatus"] == "STOPPED"
    assert status_of(stopped, "frontend") == "STOPPED"
    assert status_of(stopped, "e2e") == "STOPPED"
    frontend = build_arn(build_id_of(stopped, "frontend"))

    out = cb.delete_build_batch(id=batch["id"])
    assert out["buildsNotDeleted"] == [{"id": frontend, "statusCode": "BUILD_IN_PROGRESS"}]
    assert len(out["buildsDeleted"]) == 2  # deps and backend
    emu.advance(3)
    out = cb.delete_build_batch(id=batch["arn"])
    assert out == {"statusCode": "BATCH_DELETED", "buildsDeleted": [frontend],
                   "buildsNotDeleted": [], "ResponseMetadata": out["ResponseMetadata"]}
    assert cb.batch_get_build_batches(ids=[batch["id"]])["buildBatchesNotFound"] == [batch["id"]]


def test_matrix_failure_then_retry_failed_builds(wire, emu, make_project):
    """build-matrix cells get their dynamic values; failed cells fail the batch; RetryBuildBatch
    keeps the id, accumulates phases (CLIENT_ERROR, RETRY) and re-runs only failed builds."""
    project = batch_project(make_project, spec("matrix.yml"))
    batch = wire.call("StartBuildBatch", {
        "projectName": project["name"],
        "environmentVariablesOverride": env_override(SIMULATE_RETRY_STATUS="SUCCEEDED"),
    })["buildBatch"]
    emu.advance(10)
    failed = wire.call("BatchGetBuildBatches", {"ids": [batch["id"]]})["buildBatches"][0]
    assert failed["buildBatchStatus"] == "FAILED"
    statuses = [g["currentBuildSummary"]["buildStatus"] for g in failed["buildGroups"]]
    assert statuses == ["SUCCEEDED", "FAILED", "SUCCEEDED", "FAILED"]
    images = []
    for g in failed["buildGroups"]:
        build_id = g["currentBuildSummary"]["arn"].split(":build/", 1)[1]
        images.append(wire.call("BatchGetBuilds", {"ids": [build_id]})["builds"][0]
                      ["environment"]["image"])
    assert images == ["aws/codebuild/standard:7.0"] * 2 + [
        "aws/codebuild/amazonlinux2-x86_64-standard:5.0"] * 2

    retried = wire.call("RetryBuildBatch", {"id": batch["id"],
                                            "retryType": "RETRY_FAILED_BUILDS"})["buildBatch"]
    assert retried["id"] == batch["id"]
    assert retried["currentPhase"] == "SUBMITTED"
    assert [(p["phaseType"], p.get("phaseStatus")) for p in retried["phases"]] == [
        ("SUBMITTED", "SUCCEEDED"), ("DOWNLOAD_BATCHSPEC", "SUCCEEDED"),
        ("IN_PROGRESS", "CLIENT_ERROR"), ("FAILED", "RETRY"), ("SUBMITTED", None)]
    emu.advance(10)
    done = wire.call("BatchGetBuildBatches", {"ids": [batch["id"]]})["buildBatches"][0]
    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert [len(g.get("priorBuildSummaryList", [])) for g in done["buildGroups"]] == [0, 1, 0, 1]
    err = wire.error("RetryBuildBatch", {"id": batch["id"]})
    assert err.code == "InvalidInputException"
    assert "Only batch builds that have failed can be retried" in err.message


def test_batch_needs_batch_config_and_a_batch_section(cb, emu, make_project):
    """No buildBatchConfig: InvalidInputException; no `batch` section: the batch fails in
    DOWNLOAD_BATCHSPEC; too many builds: likewise."""
    plain = make_project(source={"type": "NO_SOURCE", "buildspec": spec("reports.yml")})
    with pytest.raises(ClientError) as e:
        cb.start_build_batch(projectName=plain["name"])
    assert e.value.response["Error"]["Code"] == "InvalidInputException"
    assert "buildBatchConfig" in e.value.response["Error"]["Message"]

    no_section = batch_project(make_project, spec("reports.yml"))
    batch = cb.start_build_batch(projectName=no_section["name"])["buildBatch"]
    small = make_project(source={"type": "NO_SOURCE", "buildspec": spec("graph.yml")},
                         buildBatchConfig={"restrictions": {"maximumBuildsAllowed": 3}})
    limited = cb.start_build_batch(projectName=small["name"])["buildBatch"]
    emu.advance(2)
    done = get_batch(cb, batch["id"])
    assert done["buildBatchStatus"] == "FAILED"
    assert phase_types(done) == ["SUBMITTED", "DOWNLOAD_BATCHSPEC", "FAILED"]
    assert done["phases"][1]["contexts"] == [
        {"statusCode": "YAML_FILE_ERROR", "message": "the buildspec has no batch section"}]
    over = get_batch(cb, limited["id"])
    assert over["buildBatchStatus"] == "FAILED"
    assert "maximum number of builds allowed (3)" in over["phases"][1]["contexts"][0]["message"]


def test_malformed_buildspec_fails_download_source(cb, emu, make_project):
    """A YAML error fails the build in DOWNLOAD_SOURCE with YAML_FILE_ERROR; StartBuild succeeds."""
    project = make_project(source={"type": "NO_SOURCE", "buildspec": spec("broken.yml")})
    build = cb.start_build(projectName=project["name"])["build"]
    emu.advance(30)
    done = cb.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert done["buildStatus"] == "FAILED"
    ds = [p for p in done["phases"] if p["phaseType"] == "DOWNLOAD_SOURCE"][0]
    assert ds["phaseStatus"] == "FAILED"
    assert ds["contexts"][0]["statusCode"] == "YAML_FILE_ERROR"
    assert ds["contexts"][0]["message"].startswith("yaml: line ")


def test_batch_resumes_after_restart(start_emulator, tmp_path):
    """Batch state is in SQLite: a restart in the middle of a build-graph finishes it."""
    emu = start_emulator("manual")
    cb = emu.client()
    from emulator import project_input  # noqa: PLC0415
    body = project_input("restart-graph", source={"type": "NO_SOURCE",
                                                  "buildspec": spec("graph.yml")},
                         buildBatchConfig=BATCH_CONFIG)
    cb.create_project(**body)
    batch = cb.start_build_batch(projectName="restart-graph")["buildBatch"]
    emu.advance(8)  # deps done, backend and frontend running
    emu.restart()
    cb = emu.client()
    assert status_of(get_batch(cb, batch["id"]), "backend") == "IN_PROGRESS"
    emu.advance(60)
    done = get_batch(cb, batch["id"])
    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert status_of(done, "e2e") == "SUCCEEDED"


def test_aws_cli_batch_commands(emu, make_project):
    """The AWS CLI (v2, Debian) drives batches: start, batch-get, list, stop."""
    exe = "/usr/bin/aws"
    if not Path(exe).exists():
        pytest.skip("no /usr/bin/aws")
    project = batch_project(make_project, spec("list.yml"))
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin", "HOME": str(emu.work_dir)}

    def aws(*args):
        out = subprocess.run([exe, "--endpoint-url", emu.endpoint, "--output", "json",
                              "codebuild", *args], capture_output=True, text=True, env=env,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    started = aws("start-build-batch", "--project-name", project["name"])["buildBatch"]
    emu.advance(2)
    got = aws("batch-get-build-batches", "--ids", started["id"])["buildBatches"][0]
    assert got["currentPhase"] == "IN_PROGRESS"
    assert len(got["buildGroups"]) == 3
    assert aws("list-build-batches-for-project", "--project-name", project["name"])["ids"] == [
        started["id"]]
    stopped = aws("stop-build-batch", "--id", started["id"])["buildBatch"]
    assert stopped["buildBatchStatus"] == "STOPPED"
