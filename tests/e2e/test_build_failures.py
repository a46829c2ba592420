"""Failure modes driven by SIMULATE_* variables (server contract; reference 2.4)."""

import pytest

from emulator import PHASE_ORDER, WireError, env_override, phase, phase_types, project_input


def get(wire, build_id):
    return wire.call("BatchGetBuilds", {"ids": [build_id]})["builds"][0]


@pytest.fixture
def run_build(wire, emu, unique):
    """run_build(project_env, seconds=..., **start_overrides) -> finished build."""
    def run(project_env=None, seconds=60, **overrides):
        proj = wire.call("CreateProject", project_input(unique("fail"), project_env))["project"]
        build = wire.call("StartBuild", {"projectName": proj["name"], **overrides})["build"]
        emu.advance(seconds)
        return get(wire, build["id"])
    return run


def assert_complete(build, status):
    assert build["buildStatus"] == status
    assert build["buildComplete"] is True
    assert build["currentPhase"] == "COMPLETED"
    assert build["phases"][-1]["phaseType"] == "COMPLETED"
    assert build["endTime"] == build["phases"][-1]["startTime"]
    for prev, cur in zip(build["phases"], build["phases"][1:]):
        assert prev["endTime"] == cur["startTime"], (prev, cur)


def assert_command_error(p):
    """A failed command phase carries COMMAND_EXECUTION_ERROR (reference 2.4 real log)."""
    assert len(p["contexts"]) == 1, p
    ctx = p["contexts"][0]
    assert ctx["statusCode"] == "COMMAND_EXECUTION_ERROR"
    assert ctx["message"].startswith("Error while executing command: "), ctx
    assert ctx["message"].endswith("Reason: exit status 1"), ctx


def test_failed_in_build_continues_with_post_build_and_upload(run_build):
    """F-058: a BUILD failure still runs POST_BUILD and UPLOAD_ARTIFACTS."""
    build = run_build({"SIMULATE_STATUS": "FAILED"})
    assert_complete(build, "FAILED")
    assert phase_types(build) == PHASE_ORDER
    assert phase(build, "BUILD")["phaseStatus"] == "FAILED"
    assert_command_error(phase(build, "BUILD"))
    for name in ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD"]:
        assert phase(build, name)["phaseStatus"] == "SUCCEEDED", name
    assert phase(build, "POST_BUILD")["phaseStatus"] == "SUCCEEDED"
    assert phase(build, "UPLOAD_ARTIFACTS")["phaseStatus"] == "SUCCEEDED"
    assert phase(build, "FINALIZING")["phaseStatus"] == "SUCCEEDED"


def test_failed_in_install_jumps_to_finalizing(run_build):
    """Reference 2.4: a failure in INSTALL skips PRE_BUILD..UPLOAD_ARTIFACTS."""
    build = run_build({"SIMULATE_STATUS": "FAILED", "SIMULATE_FAILED_PHASE": "INSTALL"})
    assert_complete(build, "FAILED")
    assert phase_types(build) == ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE",
                                  "INSTALL", "FINALIZING", "COMPLETED"]
    assert phase(build, "INSTALL")["phaseStatus"] == "FAILED"
    assert_command_error(phase(build, "INSTALL"))
    assert phase(build, "FINALIZING")["phaseStatus"] == "SUCCEEDED"


def test_failed_in_post_build_continues_with_upload(run_build):
    """Contract: a POST_BUILD failure still runs UPLOAD_ARTIFACTS."""
    build = run_build({"SIMULATE_STATUS": "FAILED", "SIMULATE_FAILED_PHASE": "POST_BUILD"})
    assert_complete(build, "FAILED")
    assert phase_types(build) == PHASE_ORDER
    assert phase(build, "BUILD")["phaseStatus"] == "SUCCEEDED"
    assert phase(build, "POST_BUILD")["phaseStatus"] == "FAILED"
    assert phase(build, "UPLOAD_ARTIFACTS")["phaseStatus"] == "SUCCEEDED"


def test_failure_set_by_start_build_override(run_build):
    """Outcome control also works through environmentVariablesOverride alone."""
    build = run_build(None, environmentVariablesOverride=env_override(
        SIMULATE_STATUS="FAILED", SIMULATE_FAILED_PHASE="PRE_BUILD"))
    assert_complete(build, "FAILED")
    assert phase(build, "PRE_BUILD")["phaseStatus"] == "FAILED"
    assert "BUILD" not in phase_types(build)


def test_fault(run_build):
    """FAULT (internal CodeBuild error) ends the build with FAULT on the failed phase."""
    build = run_build({"SIMULATE_STATUS": "FAULT"})
    assert_complete(build, "FAULT")
    assert phase(build, "BUILD")["phaseStatus"] == "FAULT"
    assert phase_types(build)[:7] == PHASE_ORDER[:7]


def test_build_timed_out(run_build, wire, emu, unique):
    """TIMED_OUT: the BUILD phase hangs until timeoutInMinutes (5) elapses, then the phase
    and the build are TIMED_OUT (model doc of timeoutInMinutes)."""
    proj = wire.call("CreateProject", project_input(
        unique("to"), {"SIMULATE_STATUS": "TIMED_OUT"}, timeoutInMinutes=5))["project"]
    build = wire.call("StartBuild", {"projectName": proj["name"]})["build"]
    t0 = build["startTime"]
    emu.advance(290)
    running = get(wire, build["id"])
    assert running["currentPhase"] == "BUILD" and running["buildStatus"] == "IN_PROGRESS"
    emu.advance(60)
    done = get(wire, build["id"])
    assert_complete(done, "TIMED_OUT")
    build_phase = phase(done, "BUILD")
    assert build_phase["phaseStatus"] == "TIMED_OUT"
    # The timeout counts from build start or from the phase start (t0+3): either way
    # the BUILD phase ends 5 minutes after one of them.
    assert t0 + 300 - 0.002 <= build_phase["endTime"] <= t0 + 303 + 0.002, build_phase
    for name in ["PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD"]:
        assert phase(done, name)["phaseStatus"] == "SUCCEEDED"


def test_queued_timeout(wire, emu, unique):
    """Model doc of queuedTimeoutInMinutes: queued longer than it -> QUEUED TIMED_OUT,
    build TIMED_OUT, and the build never provisions."""
    proj = wire.call("CreateProject", project_input(
        unique("qto"), {"SIMULATE_PHASE_SECONDS": "QUEUED=1000"}))["project"]
    build = wire.call("StartBuild", {"projectName": proj["name"],
                                     "queuedTimeoutInMinutesOverride": 5})["build"]
    t0 = build["startTime"]
    emu.advance(299)
    assert get(wire, build["id"])["currentPhase"] == "QUEUED"
    emu.advance(60)
    done = get(wire, build["id"])
    assert_complete(done, "TIMED_OUT")
    queued = phase(done, "QUEUED")
    assert queued["phaseStatus"] == "TIMED_OUT"
    assert queued["endTime"] == pytest.approx(t0 + 300, abs=0.002)
    assert queued["durationInSeconds"] == 300
    assert "PROVISIONING" not in phase_types(done)
    assert "BUILD" not in phase_types(done)


def test_unknown_simulate_status_is_rejected_or_ignored(wire, emu, unique):
    """A bad SIMULATE_STATUS must neither hang nor crash: either StartBuild rejects it
    with InvalidInputException or the build still finishes."""
    proj = wire.call("CreateProject", project_input(
        unique("bogus"), {"SIMULATE_STATUS": "BOGUS"}))["project"]
    try:
        build = wire.call("StartBuild", {"projectName": proj["name"]})["build"]
    except WireError as e:
        assert e.code == "InvalidInputException", e
        return
    emu.advance(60)
    assert get(wire, build["id"])["buildComplete"] is True
